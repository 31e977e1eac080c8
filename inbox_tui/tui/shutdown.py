"""Quitting: the shell prompt back as soon as nothing is left that must finish.

`q` used to take 0.35-2 s: Textual's input thread (0.2 s, see driver.py), Python tearing down
~100k objects (0.1-0.3 s), and asyncio.run waiting for every worker thread: the IMAP IDLE
watchers logging out (up to a second), a sync to its end (minutes on a first sync, a minute on
a server that does not answer). What the quit waits for now, and what it leaves:

- waited for: Textual's shutdown (the screens unmount: the composer saves its draft), and a
  reply being sent. Cut off between the server's answer and "sent" in the store, a reply's
  fate would be unknown (docs/replies.md); no reply starts sending after the quit.
- left to the end of the process: a sync (each batch is stored with its folder's state in one
  transaction; an unfinished one is rolled back by SQLite and fetched again at the next start,
  as the crash tests prove with kill -9 at random moments), the IDLE watchers (they only
  listen; their connections close with the process), a WAL checkpoint (SQLite's crash safety
  covers one cut short), and Python's teardown.
"""

from __future__ import annotations

import asyncio
import os
import sys
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from inbox_tui.store.db import Store
    from inbox_tui.tui.app import InboxApp


def run_on_own_loop(app: InboxApp) -> None:
    """Run `app` until it ends, on an event loop of its own: not asyncio.run (App.run), whose
    end waits for every worker thread."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    loop.run_until_complete(app.run_async())


def exit_now(app: InboxApp, store: Store) -> NoReturn:
    """After a quit: wait for a reply being sent, close the store, end the process (code 0).
    (After a crash the process ends the usual way instead, waiting for every worker.)"""
    app.end_sending(waiting=_say_waiting)
    store.close()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _say_waiting() -> None:
    print("inbox-tui: a reply is being sent; quitting when it is out…", file=sys.stderr, flush=True)

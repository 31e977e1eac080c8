"""The app's start and end: nothing but the first frame before it, nothing to wait for after.

Start: the sync, IDLE and send workers exist from mount but wait for the first frame before
their imports (IMAP, the parser, SMTP, HTTP: ~0.1 s of the one core Python has), and the
composer's modules and templates load beside the UI as soon as it is up (the first `r`
waited ~100 ms for them), and a composer is made ahead with them (composer_ahead.py); only
then the whole config: from the CLI the first frame and the composer are built from the
config's start cache (config_cache.py), and pydantic validates the file after them, so that
an `r` typed as the list shows waits for nothing the composer does not need. An `r` typed
while the templates load waits for that loading, not loads them a second time beside it.
tests/test_startup.py keeps heavy imports away from the first frame.

Quit: the shell prompt back as soon as nothing is left that must finish.

Hang-up: the terminal gone (an SSH connection dropped, the window closed) ends the app as `q`
does, with exit code 129 (128 + SIGHUP, as a shell reports it): on SIGHUP, and when reading the
terminal gives end-of-file (driver.py; a process the terminal does not control gets no SIGHUP).
Left running, it spun a core and held the store, the IMAP connections and the sync.

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
import signal
import sys
from collections.abc import Callable
from contextlib import suppress
from threading import Event, Lock
from typing import TYPE_CHECKING, Any, NoReturn

from textual import work

from inbox_tui.tui.typed_first import after_typed_keys

if TYPE_CHECKING:
    from textual.driver import Driver

    from inbox_tui.store.db import Store
    from inbox_tui.templates import Template
    from inbox_tui.tui.app import InboxApp
    from inbox_tui.tui.css_cache import CssCache

PREPARE_AFTER = 0.05  # seconds after the first frame: the composer's modules and templates load
REST_AFTER = 0.3  # seconds after the composer is prepared: the whole config, the other screens
FIRST_FRAME_WAIT = 5.0  # seconds a worker waits at most for the first frame before it starts
HUNG_UP = 128 + signal.SIGHUP  # the exit code when the terminal went away: 129, as shells say


class StartAndQuit:
    """Mixed into InboxApp (which has the config, the templates and the send worker's lock)."""

    _shown: Event  # set once the first frame is up (InboxApp.on_mount asks for it)
    _send_lock: Lock  # held by the send worker while a send runs
    _quitting: bool
    _templates: list[Template] | None
    _templates_lock: Lock  # held while the templates load
    settings: Any  # the config as the first frame reads it (a StartConfig from the CLI)
    make_composer_ahead: Callable[[], None]
    css_cache: CssCache | None
    hung_up: bool  # the terminal went away: the app ended without a quit (exit code HUNG_UP)
    _quit_asked: bool = False  # a quit typed before the first frame: done at the first frame
    config: Any
    set_timer: Any
    call_from_thread: Any
    exit: Any

    def hang_up(self) -> None:
        """The terminal is gone (SIGHUP, or end-of-file on it: driver.py): end as a quit does,
        the screens unmounting (the composer saves its draft)."""
        if self.hung_up:
            return
        self.hung_up = True
        if self._shown.is_set():
            self.exit()
        # else at the first frame: an exit while the screens mount fails in their on_mount (a
        # terminal at end-of-file from the start: `inbox-tui < /dev/null`)

    @after_typed_keys
    async def action_quit(self) -> None:
        """`q`, ctrl+q: the app ends (the screens unmount: the composer saves its draft), once
        the keys typed before it are in (the draft keeps them: typed_first.py). Typed before the
        first frame (keys typed ahead, while the screens mount), at the first frame: an exit
        while they mount failed in their on_mount (NoMatches), as a hang-up did."""
        if not self._shown.is_set():
            self._quit_asked = True
            return
        self.exit()

    def get_driver_class(self) -> type[Driver]:
        driver = super().get_driver_class()  # type: ignore[misc]
        if driver.__name__ == "LinuxDriver":  # Linux, macOS: quitting without its 0.2 s wait
            from inbox_tui.tui.driver import QuickExitDriver

            return QuickExitDriver
        return driver

    def _first_frame_shown(self) -> None:
        self._shown.set()
        if self.hung_up or self._quit_asked:  # the terminal went away, or a quit, at the start
            self.exit()
            return
        self.set_timer(PREPARE_AFTER, self._prepare_replies)

    def _after_first_frame(self) -> None:
        """In a worker, before its imports (IMAP, the parser, SMTP, HTTP: ~0.1 s of the one
        core Python has): wait until the list is on screen."""
        self._shown.wait(FIRST_FRAME_WAIT)

    def load_template_library(self) -> list[Template]:
        """The template library (shipped, and the seller's `templates:` from the start's
        settings), loaded once by whichever thread asks first: an `r` typed while the
        preparation loads it waits for that, rather than loading it again beside it (on one
        core, both would take twice as long). TemplateError for a broken one, at each call."""
        from inbox_tui.templates import load_library

        with self._templates_lock:
            if self._templates is None:
                self._templates = load_library(self.settings.templates)
            return self._templates

    @work(thread=True, group="prepare", exit_on_error=False)
    def _prepare_replies(self) -> None:
        """Beside the UI, once it is up: the composer's modules (Jinja2, the suggester) and
        the template library, so that the first `r` does not wait for them (~100 ms of its
        ~150), then a composer made ahead (`_prepared`). A broken library is left for the
        composer to report when it opens. The whole config (pydantic) and the other screens
        come after (`_prepare_the_rest`): the composer does not need them to open."""
        if (css := self.css_cache) is not None:  # the first screen's CSS, for the next start
            css.keep()
        import inbox_tui.tui.screens.composer  # noqa: F401
        from inbox_tui.templates import TemplateError

        try:
            library: list[Template] | None = self.load_template_library()
        except TemplateError:
            library = None
        if library is not None:
            from inbox_tui.suggest import read_templates

            read_templates(library)  # the suggestions' index: put together at `r` from these
        self.call_from_thread(self._prepared, library is not None)

    def _prepared(self, library_loaded: bool) -> None:
        if library_loaded:
            self.make_composer_ahead()  # the first `r`'s composer, built now beside the list
        # after the composer made ahead has mounted, not beside it
        self.set_timer(REST_AFTER, self._prepare_the_rest)

    @work(thread=True, group="prepare", exit_on_error=False)
    def _prepare_the_rest(self) -> None:
        """Beside the UI, after the composer: the whole config (config_cache.StartConfig.full:
        pydantic and the models), not in the first key that needs it (a send, a sync, a
        rule), and the screens the list's keys open (thread, confirm, snooze, tags, views,
        outbox, help); the CSS the composer brought, for the next start."""
        self.config  # noqa: B018  # validated now
        from inbox_tui.tui.screens import (  # noqa: F401
            confirm,
            help,
            outbox,
            snooze,
            tag_picker,
            thread,
            view_picker,
        )

        if (css := self.css_cache) is not None:
            css.keep()

    def end_sending(self, waiting: Callable[[], None]) -> None:
        """After the app has ended: wait for a reply being sent (calling `waiting` first when
        one is), and let no send start after it (exit_now)."""
        if not self._send_lock.acquire(timeout=0.05):
            waiting()
            self._send_lock.acquire()
        self._quitting = True
        self._send_lock.release()


def run_on_own_loop(app: InboxApp) -> None:
    """Run `app` until it ends, on an event loop of its own: not asyncio.run (App.run), whose
    end waits for every worker thread."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    loop.add_signal_handler(signal.SIGHUP, app.hang_up)  # the terminal closed: end, cleanly
    try:
        loop.run_until_complete(app.run_async())
    finally:
        loop.remove_signal_handler(signal.SIGHUP)


def exit_now(app: InboxApp, store: Store) -> NoReturn:
    """After a quit: wait for a reply being sent, close the store, end the process (code 0;
    HUNG_UP after the terminal went away). (After a crash the process ends the usual way
    instead, waiting for every worker.)"""
    app.end_sending(waiting=_say_waiting)
    store.close()
    _end_worker_processes()
    with suppress(OSError, ValueError):  # the terminal may be gone (a hang-up)
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(HUNG_UP if app.hung_up else 0)


def _end_worker_processes() -> None:
    """The parsing and IMAP worker processes of a big sync (parse_workers.py,
    channels/imap/parallel.py): killed, not left behind. They only parse and fetch (this process
    stores), and spawned workers outlive an os._exit of their parent, waiting on queues whose
    other end they hold themselves (multiprocessing's resource tracker with them)."""
    multiprocessing = sys.modules.get("multiprocessing")  # imported only if a sync used them
    if multiprocessing is None:
        return
    for child in multiprocessing.active_children():
        with suppress(OSError):
            child.kill()


def _say_waiting() -> None:
    with suppress(OSError, ValueError):  # a terminal that is gone shows nothing
        print(
            "inbox-tui: a reply is being sent; quitting when it is out…",
            file=sys.stderr,
            flush=True,
        )

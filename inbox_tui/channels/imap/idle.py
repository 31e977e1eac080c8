"""Waiting for new mail with IMAP IDLE, so the open inbox shows it within seconds.

The watcher only listens: when the server announces new, changed or expunged mail in the
folder, it calls `on_change` and the caller runs a normal sync. Syncing stays in one place
(channels/imap/sync.py); IDLE just decides *when*. A server without IDLE, or a connection that
keeps failing, leaves the timed sync (`sync.interval_minutes`) to do the work.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from imapclient.exceptions import IMAPClientError

from inbox_tui.channels.imap.session import ImapSyncError, close, connect, error_text
from inbox_tui.config import ImapSourceConfig

# RFC 2177: clients should re-issue IDLE at least every 29 minutes or be logged out.
RENEW_EVERY = 25 * 60.0
CHECK_EVERY = 1.0  # seconds between looks at `stop` while idling
RETRY_AFTER = (5.0, 15.0, 60.0, 300.0)  # reconnect back-off after a dropped connection
_ANNOUNCES = {b"EXISTS", b"EXPUNGE", b"FETCH", b"RECENT", b"VANISHED"}


class IdleWatcher:
    """Watches one folder of one IMAP source; `run` blocks until `stop` is set."""

    def __init__(
        self,
        config: ImapSourceConfig,
        folder: str,
        on_change: Callable[[], None],
        *,
        on_problem: Callable[[str], None] | None = None,
        renew_every: float = RENEW_EVERY,
        check_every: float = CHECK_EVERY,
        retry_after: tuple[float, ...] = RETRY_AFTER,
    ) -> None:
        self.config = config
        self.folder = folder
        self.on_change = on_change
        self.on_problem = on_problem or (lambda _why: None)
        self.renew_every = renew_every
        self.check_every = check_every
        self.retry_after = retry_after
        self.supported: bool | None = None  # known after the first connection

    def run(self, stop: threading.Event) -> None:
        failures = 0
        while not stop.is_set():
            try:
                self._watch(stop)
            except (ImapSyncError, IMAPClientError, OSError) as exc:
                why = str(exc) if isinstance(exc, ImapSyncError) else error_text(exc)
                self.on_problem(f"{self.config.name}/{self.folder}: waiting for mail: {why}")
                wait = self.retry_after[min(failures, len(self.retry_after) - 1)]
                failures += 1
                stop.wait(wait)
                continue
            if self.supported is False:
                return  # no IDLE on this server: the timed sync covers it
            failures = 0

    def _watch(self, stop: threading.Event) -> None:
        client = connect(self.config)
        try:
            self.supported = b"IDLE" in client.capabilities()
            if not self.supported:
                return
            client.select_folder(self.folder, readonly=True)
            while not stop.is_set():
                client.idle()
                started = time.monotonic()
                changed = False
                while not stop.is_set() and time.monotonic() - started < self.renew_every:
                    responses = client.idle_check(timeout=self.check_every)
                    if any(_announces_change(response) for response in responses):
                        changed = True
                        break
                client.idle_done()
                if changed:
                    self.on_change()
        finally:
            close(client)


def _announces_change(response: object) -> bool:
    """`(3, b'EXISTS')`, `(7, b'FETCH', (…))`: a server saying the folder changed."""
    if not isinstance(response, tuple) or len(response) < 2:
        return False
    return response[1] in _ANNOUNCES

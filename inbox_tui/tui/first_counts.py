"""The sidebar's counts for the first frame, read beside the start's imports.

Every view's count (statuses, Due, channels, the top tags) is a few indexed counts; on a store of
100,000 tickets they took ~80 ms of the main screen's mount, the one thing in the first frame
that grows with the store. Read in a thread of their own from the moment the store is open
(cli_base.run_tui), on a read-only connection of their own, they are counted while the main
thread imports Textual and builds the screen (SQLite releases the GIL while it counts: the
other core does it). The screen takes them for its first frame when nothing was written through
the app's connection meanwhile (a snoozed ticket woken at start); else, and in memory, it counts
as before. Later reloads always count.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from inbox_tui.store.db import Store

WAIT = 5.0  # seconds the first frame waits at most for the counts, before counting itself
MAX_TAG_VIEWS = 10  # the sidebar lists the tags on most tickets, no more than this many


class Counts(NamedTuple):
    by_view: dict[str, int]  # store.views.count_by_view
    due: int  # store.due.count_due
    by_channel: dict[str, int]  # store.views.count_by_channel
    tags: list[tuple[str, int]]  # store.views.top_tags


def count(store: Store, tags: int) -> Counts:
    from inbox_tui.store.due import count_due
    from inbox_tui.store.views import count_by_channel, count_by_view, top_tags

    return Counts(
        count_by_view(store), count_due(store), count_by_channel(store), top_tags(store, tags)
    )


class FirstCounts:
    """Counts begun now in a thread, for the first frame (`take`, once)."""

    def __init__(self, store: Store, tags: int = MAX_TAG_VIEWS) -> None:
        self._store = store
        self._changes = store.conn.total_changes
        self._counts: Counts | None = None
        self._done = threading.Event()
        if store.path is None:  # in memory: one connection, no second reader
            self._done.set()
            return
        threading.Thread(target=self._count, args=(tags,), name="first-counts", daemon=True).start()

    def _count(self, tags: int) -> None:
        try:
            with self._store.for_thread(read_only=True) as own:
                self._counts = count(own, tags)
        except Exception:  # noqa: BLE001  # the screen counts for itself, and reports
            self._counts = None
        finally:
            self._done.set()

    def take(self, store: Store) -> Counts | None:
        """The counts, when they are this store's as it is now; None: count them."""
        if not self._done.wait(WAIT):
            return None
        counts, self._counts = self._counts, None
        if store is not self._store or store.conn.total_changes != self._changes:
            return None
        return counts

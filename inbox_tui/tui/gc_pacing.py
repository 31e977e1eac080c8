"""Full garbage collections between keys, not in the middle of a frame.

Textual leaves cyclic garbage behind on every frame (a `Strip` caches itself, e.g. in
`adjust_cell_length` and `divide`): ~1,500 objects a key in the 100k benchmark, which only
the cyclic collector frees. Python runs a full collection after every ten young ones, and a
full one walks every object the app holds: in a session of 198 keys with a reading pause
every 20, 16 full collections ran inside key presses, 1.1 s in all, up to 94 ms each
(measured with `gc.callbacks`). So, once the first screen is up: what start-up built
(modules, widgets, styles: ~94k objects) is moved out of the collector's sight
(`gc.freeze`), automatic full collections are switched off (young ones stay as they are:
1–4 ms), and a timer runs a full one when no key came for 0.3 s. In that session: none
inside a key, 9 in the pauses (max 51 ms). If keys never pause, one runs anyway after 30
young collections (20–100 ms, as Python's own would), so memory stays bounded.

A pause in the keys is not always idle time: after S the seller waits for the stats report,
counted in a worker thread for half a second or more. A full collection then (60-120 ms at a
decade of mail, the GIL held) delayed the report by as much; so while a worker says the
seller waits for it (`waiting()`), a pause does not count as quiet (the hard limit still
holds), and the quiet moment counts from the work's end, as from a key: not between the
report's arrival and its frame.

Before that, on the way to the first frame, the collector is held off altogether
(`hold_collections`, from tui/start.py): the imports and the first screen allocate ~150k
objects that live as long as the app, and Python walked them in ~200 collections before the
first frame (60–250 ms of a 0.5 s start, measured with `gc.callbacks`).
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

QUIET = 0.3  # seconds without a key before a full collection may run
FULL_AFTER = 10  # young (generation 1) collections before a full one is due: Python's own
HARD_LIMIT = 30  # young collections after which a full one runs even while keys come
NEVER = 1 << 30  # a generation-2 threshold automatic collection never reaches
START_AFTER = 1.0  # seconds after the app starts: the freeze (~40 ms, once) waits for the
# first screen to be drawn, and for a quiet moment if one comes within another second

_held = False  # the collector was switched off by hold_collections, for the pacer to resume


def hold_collections() -> None:
    """Switch the collector off until the first `GcPacer.start` (for the TUI's start only:
    the pacer of the app that follows switches it back on)."""
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


class GcPacer:
    """Holds back full collections until a quiet moment; `tick` is called by a timer."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.started_at = clock()
        self.last_key = 0.0
        self.active = False
        self.stopped = False
        self.full_collections = 0
        self._thresholds = gc.get_threshold()
        self._waited_for = 0  # workers the seller is waiting for (`waiting`)
        self._lock = threading.Lock()

    def start(self) -> None:
        """Take over full collections (`tick` calls it once the app has been up a second)."""
        global _held
        if self.active or self.stopped or not (gc.isenabled() or _held):
            return
        gc.collect()
        gc.freeze()
        self._thresholds = gc.get_threshold()
        young, middle, _ = self._thresholds
        gc.set_threshold(young, middle, NEVER)
        if _held:
            gc.enable()
            _held = False
        self.active = True

    def stop(self) -> None:
        """Give them back to Python (the app is closing; tests run many apps in one process)."""
        self.stopped = True
        if not self.active:
            return
        self.active = False
        gc.set_threshold(*self._thresholds)
        gc.unfreeze()

    def key_pressed(self) -> None:
        self.last_key = self.clock()

    @contextmanager
    def waiting(self) -> Iterator[None]:
        """Around work the seller waits to see (from any thread): no pause is quiet meanwhile."""
        with self._lock:
            self._waited_for += 1
        try:
            yield
        finally:
            with self._lock:
                self._waited_for -= 1
            self.last_key = self.clock()  # what it made is about to be drawn: a quiet moment after

    def tick(self) -> None:
        now = self.clock()
        quiet = now - self.last_key >= QUIET and not self._waited_for
        if not self.active:
            up = now - self.started_at
            if (quiet and up >= START_AFTER) or up >= 2 * START_AFTER:
                self.start()
            return
        due = gc.get_count()[2]  # young collections since the last full one
        if (quiet and due >= FULL_AFTER) or due >= HARD_LIMIT:
            gc.collect()
            self.full_collections += 1

"""Full garbage collections between keys, not in the middle of a frame.

Python's cyclic collector runs a full collection after every ten young ones (when enough
objects survived), and a full one walks every object the app holds: in the 100k benchmark
there were 23 of them during 218 keys, 1.7 s in all, up to 100 ms each, each inside a
frame (measured with `gc.callbacks`). Young collections are cheap (1–4 ms) and stay as
they are. So, once the first screen is up: what start-up built (modules, widgets, styles)
is moved out of the collector's sight (`gc.freeze`), automatic full collections are
switched off, and a timer runs one when no key came for a moment and enough young ones
happened since the last. If keys never pause, it runs anyway after many young collections,
so memory stays bounded.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

QUIET = 0.3  # seconds without a key before a full collection may run
FULL_AFTER = 10  # young (generation 1) collections before a full one is due: Python's own
HARD_LIMIT = 500  # young collections after which a full one runs even while keys come
NEVER = 1 << 30  # a generation-2 threshold automatic collection never reaches


class GcPacer:
    """Holds back full collections until a quiet moment; `tick` is called by a timer."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.last_key = 0.0
        self.active = False
        self.full_collections = 0
        self._thresholds = gc.get_threshold()

    def start(self) -> None:
        """Take over full collections (once the first screen is drawn)."""
        if self.active or not gc.isenabled():
            return
        gc.collect()
        gc.freeze()
        self._thresholds = gc.get_threshold()
        young, middle, _ = self._thresholds
        gc.set_threshold(young, middle, NEVER)
        self.active = True

    def stop(self) -> None:
        """Give them back to Python (the app is closing; tests run many apps in one process)."""
        if not self.active:
            return
        self.active = False
        gc.set_threshold(*self._thresholds)
        gc.unfreeze()

    def key_pressed(self) -> None:
        self.last_key = self.clock()

    def tick(self) -> None:
        if not self.active:
            return
        due = gc.get_count()[2]  # young collections since the last full one
        quiet = self.clock() - self.last_key >= QUIET
        if (quiet and due >= FULL_AFTER) or due >= HARD_LIMIT:
            gc.collect()
            self.full_collections += 1

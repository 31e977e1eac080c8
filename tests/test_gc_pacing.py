"""Full garbage collections wait for a pause in the keys, and still happen."""

from __future__ import annotations

import gc
import weakref

import pytest

from inbox_tui.tui.gc_pacing import FULL_AFTER, HARD_LIMIT, START_AFTER, GcPacer, hold_collections


class Cycle:
    """An object that only the cyclic collector can free."""

    def __init__(self) -> None:
        self.me = self


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def pacer():
    clock = Clock()
    pacer = GcPacer(clock)
    pacer.start()
    yield pacer, clock
    pacer.stop()


def full_collections_during(work) -> int:
    seen = []

    def note(phase: str, info: dict) -> None:
        if phase == "start" and info["generation"] == 2:
            seen.append(1)

    gc.callbacks.append(note)
    try:
        work()
    finally:
        gc.callbacks.remove(note)
    return len(seen)


def make_garbage(young_collections: int) -> list[Cycle]:
    """Allocate cycles until the collector has run this many young (generation-1)
    collections; one in ten stays alive, as an app's caches do (returned), so the oldest
    generation grows and Python on its own would run full collections."""
    seen = []
    kept: list[Cycle] = []

    def note(phase: str, info: dict) -> None:
        if phase == "start" and info["generation"] == 1:
            seen.append(1)

    gc.callbacks.append(note)
    try:
        while len(seen) < young_collections:
            for n in range(1_000):
                cycle = Cycle()
                if n % 10 == 0:
                    kept.append(cycle)
    finally:
        gc.callbacks.remove(note)
    return kept


def test_no_full_collection_while_keys_come(pacer) -> None:
    pacer, clock = pacer

    def typing() -> None:
        for _ in range((HARD_LIMIT - 1) // FULL_AFTER):  # short of the hard limit
            pacer.key_pressed()
            make_garbage(FULL_AFTER)
            clock.now += 0.05  # the next key comes quickly
            pacer.tick()

    assert full_collections_during(typing) == 0


def test_a_pause_collects_the_cycles(pacer) -> None:
    pacer, clock = pacer
    pacer.key_pressed()
    make_garbage(FULL_AFTER)
    survivor = Cycle()
    gone = weakref.ref(survivor)
    gc.collect(1)  # as a young collection would: it moves on to the oldest generation
    del survivor
    clock.now += 1.0  # a pause
    assert full_collections_during(pacer.tick) == 1
    assert gone() is None


def test_no_full_collection_while_the_seller_waits_for_a_worker(pacer) -> None:
    """A pause while a report is counted is the seller waiting, not idle: the full collection
    waits for the work's end (then the next quiet tick runs it); the hard limit still holds."""
    pacer, clock = pacer
    pacer.key_pressed()
    with pacer.waiting():
        make_garbage(FULL_AFTER)
        clock.now += 1.0  # no key: the seller looks at "counting…"
        assert full_collections_during(pacer.tick) == 0
        make_garbage(HARD_LIMIT - FULL_AFTER)
        assert full_collections_during(pacer.tick) == 1
        make_garbage(FULL_AFTER)
        assert full_collections_during(pacer.tick) == 0
    assert full_collections_during(pacer.tick) == 0  # its result is being drawn
    clock.now += 1.0
    assert full_collections_during(pacer.tick) == 1


def test_endless_keys_still_get_a_full_collection(pacer) -> None:
    pacer, clock = pacer

    def hammering() -> None:
        pacer.key_pressed()
        make_garbage(HARD_LIMIT)
        pacer.tick()

    assert full_collections_during(hammering) == 1


def test_stop_gives_collection_back() -> None:
    before = gc.get_threshold()
    pacer = GcPacer()
    pacer.start()
    assert gc.get_threshold()[2] > before[2] and gc.get_freeze_count() > 0
    pacer.stop()
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_it_takes_over_after_start_at_a_quiet_moment_and_never_after_stop() -> None:
    clock = Clock()
    pacer = GcPacer(clock)
    try:
        clock.now += START_AFTER / 2
        pacer.tick()
        assert not pacer.active  # the first screen is still being drawn
        clock.now += START_AFTER / 2
        pacer.key_pressed()
        pacer.tick()
        assert not pacer.active  # a key just came
        clock.now += START_AFTER
        pacer.key_pressed()
        pacer.tick()
        assert pacer.active  # keys keep coming: it does not wait for ever
        assert gc.get_threshold()[2] > 1_000_000
    finally:
        pacer.stop()
    clock.now += 10
    pacer.tick()
    assert not pacer.active and gc.get_freeze_count() == 0

    quiet = GcPacer(clock)  # a second up and no key for a moment: it takes over then
    try:
        clock.now += START_AFTER
        quiet.tick()
        assert quiet.active
    finally:
        quiet.stop()


def test_the_collector_held_for_the_start_is_handed_back_by_the_pacer() -> None:
    assert gc.isenabled()
    hold_collections()  # inbox-tui's entry point, when it opens the TUI
    try:
        assert not gc.isenabled()
        pacer = GcPacer(Clock())
        pacer.start()  # the app's, after its first frame
        assert gc.isenabled() and pacer.active
        pacer.stop()
    finally:
        gc.enable()
    assert gc.isenabled()


def test_a_collector_switched_off_by_someone_else_stays_off() -> None:
    gc.disable()
    try:
        pacer = GcPacer(Clock())
        pacer.start()
        assert not gc.isenabled() and not pacer.active
        pacer.stop()
    finally:
        gc.enable()

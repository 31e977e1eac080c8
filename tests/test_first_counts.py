"""The sidebar's counts read beside the start (tui/first_counts.py): the same counts as the
screen reads itself, and none at all when the store changed meanwhile (the screen counts)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from inbox_tui.store.db import Store
from inbox_tui.tui.first_counts import FirstCounts, count
from inbox_tui.tui.ticket_views import MAX_TAG_VIEWS, view_entries
from tests.demo_cache import demo_copy


@pytest.fixture(scope="module")
def built_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_copy(tmp_path_factory, tmp_path_factory.mktemp("counts") / "demo.db")


@pytest.fixture
def store(built_demo: Path, tmp_path: Path) -> Store:
    copy = tmp_path / "demo.db"
    shutil.copyfile(built_demo, copy)
    return Store.open(copy)


def test_counts_read_beside_are_the_ones_the_screen_reads(store: Store) -> None:
    first = FirstCounts(store)
    counted = first.take(store)
    assert counted == count(store, MAX_TAG_VIEWS)
    assert counted.tags and counted.by_channel and counted.by_view["all"] > 0  # the demo's
    assert view_entries(store, counted=counted) == view_entries(store)
    assert first.take(store) is None  # once: later reloads count


def test_a_write_meanwhile_makes_the_screen_count_itself(store: Store) -> None:
    first = FirstCounts(store)
    store.conn.execute(
        "UPDATE tickets SET status = 'closed' WHERE id IN (SELECT min(id) FROM tickets)"
    )
    assert first.take(store) is None


def test_in_memory_the_screen_counts_itself() -> None:
    memory = Store.open(":memory:")
    assert FirstCounts(memory).take(memory) is None

"""WAL checkpoints out of the TUI's way: its commits never copy the log back into the file
(that took ~300 ms inside a bulk action); a worker thread does, on a connection of its own."""

from __future__ import annotations

from pathlib import Path

from inbox_tui.store import Store
from inbox_tui.store.db import checkpoint
from inbox_tui.tui.app import InboxApp
from tests.test_tui import NOW, seed
from tests.waiting import workers_settled

PAGE = 4096


def write_pages(store: Store, pages: int) -> None:
    """Commit about `pages` pages of new data, a hundred at a time."""
    store.conn.execute("CREATE TABLE IF NOT EXISTS ballast (blob BLOB)")
    for _ in range(pages // 100):
        with store.transaction():
            store.conn.executemany("INSERT INTO ballast (blob) VALUES (?)", [(b"x" * PAGE,)] * 100)


def test_deferred_commits_leave_the_log_to_checkpoint(tmp_path: Path) -> None:
    db = tmp_path / "inbox.db"
    store = Store.open(db)
    store.defer_checkpoints()
    before = db.stat().st_size
    write_pages(store, 2_000)  # twice what would have made a commit checkpoint
    assert db.stat().st_size == before  # every page is still only in the log
    checkpoint(db)
    assert db.stat().st_size > before + 1_500 * PAGE  # copied back, by another connection
    store.close()


def test_without_deferring_a_commit_checkpoints_itself(tmp_path: Path) -> None:
    db = tmp_path / "inbox.db"
    store = Store.open(db)
    before = db.stat().st_size
    write_pages(store, 2_000)
    assert db.stat().st_size > before + 500 * PAGE  # SQLite's autocheckpoint did it
    store.close()


async def test_the_tui_defers_them_while_it_runs_and_a_worker_does_them(tmp_path: Path) -> None:
    db = tmp_path / "inbox.db"
    store = Store.open(db)
    seed(store, 12)
    app = InboxApp(store, now=lambda: NOW)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
        before = db.stat().st_size
        write_pages(store, 1_200)
        assert db.stat().st_size == before
        app._checkpoint()  # what the timer runs every few seconds
        await workers_settled(app)
        assert db.stat().st_size > before + 1_000 * PAGE
    assert store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
    store.close()

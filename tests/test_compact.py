"""`inbox-tui compact`: a store's free pages given back to the disk, every ticket kept."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from inbox_tui.store import Store
from inbox_tui.store.compact import on_disk, space_short
from tests.mailgen import thread, write_maildir
from tests.test_cli import assert_one_line_error, run

FREED = 6_000_000  # bytes a big delete leaves free inside the file


def store_with_free_pages(tmp_path: Path) -> Path:
    """A store with mail in it, and pages freed as an upgrade or a big delete frees them."""
    db = tmp_path / "inbox.db"
    box = write_maildir(tmp_path / "Mail", thread(12, prefix="a") + thread(8, prefix="b"))
    config = tmp_path / "config.yaml"
    config.write_text("seller:\n  emails: [hello@shop.example]\n")
    imported = run("--config", str(config), "--db", str(db), "import", "maildir", str(box))
    assert imported.returncode == 0, imported.stderr
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE scratch (data BLOB)")
        conn.executemany("INSERT INTO scratch VALUES (?)", [(bytes(100_000),)] * (FREED // 100_000))
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE scratch")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


def test_compact_gives_the_free_pages_back_and_keeps_every_ticket(tmp_path: Path) -> None:
    db = store_with_free_pages(tmp_path)
    before = on_disk(db)
    exported = run("--db", str(db), "export", "--format", "jsonl").stdout
    found = run("--db", str(db), "search", "a").stdout

    compacted = run("--db", str(db), "compact")
    assert compacted.returncode == 0, compacted.stderr
    assert compacted.stdout.startswith(f"compacted {db}: ")
    assert "given back" in compacted.stdout
    assert on_disk(db) <= before - FREED * 0.9
    assert run("--db", str(db), "export", "--format", "jsonl").stdout == exported
    assert run("--db", str(db), "search", "a").stdout == found  # the search index whole too
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0

    again = run("--db", str(db), "compact")
    assert again.returncode == 0
    assert again.stdout.strip() == f"{db} has no free pages: nothing to give back"


def test_compact_beside_an_open_inbox_keeps_what_it_reads(tmp_path: Path) -> None:
    """inbox-tui open meanwhile (a connection of its own, reading): the compact goes ahead,
    and that connection still reads the same tickets after it."""
    db = store_with_free_pages(tmp_path)
    other = Store.open(db)
    try:
        tickets = other.conn.execute("SELECT id, subject FROM tickets ORDER BY id").fetchall()
        compacted = run("--db", str(db), "compact")
        assert compacted.returncode == 0, compacted.stderr
        after = other.conn.execute("SELECT id, subject FROM tickets ORDER BY id").fetchall()
        assert [tuple(row) for row in after] == [tuple(row) for row in tickets]
    finally:
        other.close()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_compact_without_a_store_is_one_line(tmp_path: Path) -> None:
    result = run("--db", str(tmp_path / "none.db"), "compact")
    assert_one_line_error(result, "no inbox database at", code=2)
    assert not (tmp_path / "none.db").exists()


def test_a_compact_that_would_not_fit_on_the_disk_says_where(tmp_path: Path) -> None:
    db = store_with_free_pages(tmp_path)
    store = Store.open(db)
    try:
        short = space_short(store, 10**18)  # no disk here has an exabyte free
        assert short is not None and short.needed >= 10**18 and short.free < short.needed
        assert space_short(store, 1) is None
    finally:
        store.close()

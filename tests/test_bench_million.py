"""benchmarks/million.py builds its 1M-message store with the search indexes filled in one pass
per chunk instead of by the insert trigger: the indexes must hold exactly what the trigger
writes, and the store must be one the app reads as its own (schema, triggers, search)."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from benchmarks import million
from inbox_tui.store import Store
from inbox_tui.store.search import search_tickets
from inbox_tui.store.views import count_by_view


def _index_digest(db: Path) -> dict[str, object]:
    """Every (term, message, column, position) of both search indexes, and the schema."""
    conn = sqlite3.connect(db)
    try:
        out: dict[str, object] = {}
        for table in ("messages_fts", "messages_fts_to"):
            conn.execute(
                f"CREATE VIRTUAL TABLE temp.v_{table} USING fts5vocab(main, {table}, 'instance')"
            )
            digest = hashlib.sha256()
            rows = conn.execute(
                f"SELECT term, doc, col, offset FROM temp.v_{table} ORDER BY term, doc, col, offset"
            )
            count = 0
            for row in rows:
                digest.update(repr(row).encode())
                count += 1
            out[table] = (count, digest.hexdigest())
        out["schema"] = conn.execute(
            "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
        out["docsize"] = conn.execute("SELECT * FROM messages_fts_docsize ORDER BY id").fetchall()
        return out
    finally:
        conn.close()


def test_one_pass_index_is_what_the_trigger_writes(tmp_path: Path) -> None:
    built = {}
    for index in ("after", "trigger"):
        db = tmp_path / f"{index}.db"
        million.build(db, 900, index=index, progress=False)
        built[index] = _index_digest(db)
    assert built["after"]["messages_fts"][0] > 10_000  # type: ignore[index]
    assert built["after"] == built["trigger"]


def test_built_store_is_searchable_and_keeps_its_trigger(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    built = million.build(db, 600, progress=False)
    assert (built["tickets"], built["messages"]) == (200, 600)
    assert million.kept(db, 600, aged=False) and not million.kept(db, 600)
    million.age(db)
    assert million.kept(db, 600)
    store = Store.open(db)
    try:
        assert sum(count_by_view(store).values()) > 0
        found = search_tickets(store, "refund", now=million.NOW)
        assert found and all(row.id > 0 for row in found)
        # the trigger is back: a message written now is found by its words
        store.conn.execute(
            "INSERT INTO messages (ticket_id, message_id, raw_sha256, content_key, direction,"
            " channel, date, text, imported_at) VALUES (2, 'x@y', 'sha-x', 'ck-x', 'in',"
            " 'email', '2026-11-30T11:00:00Z', 'quokka', '2026-11-30T11:00:00Z')"
        )
        assert [row.id for row in search_tickets(store, "quokka", now=million.NOW)] == [2]
    finally:
        store.close()

"""The store: migrations, WAL, the documented schema, and indexed queries."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inbox_tui.store import Store, StoreError
from inbox_tui.store.db import format_time, parse_time
from inbox_tui.store.schema import APPLICATION_ID, SCHEMA_VERSION

ROOT = Path(__file__).resolve().parents[1]


def test_new_store_is_wal_and_at_the_current_version(tmp_path):
    store = Store.open(tmp_path / "a.db")
    assert store.schema_version == SCHEMA_VERSION
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()
    reopened = Store.open(tmp_path / "a.db")
    assert reopened.schema_version == SCHEMA_VERSION
    reopened.close()


def _in_another_process(path: Path, sql: str) -> str:
    code = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
        " print(c.execute(sys.argv[2]).fetchone()[0]); c.close()"
    )
    return subprocess.run(
        [sys.executable, "-c", code, str(path), sql], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_a_second_connection_keeps_other_processes_seeing_our_writes(tmp_path):
    # The TUI keeps its store open and its workers open their own (sync, send, stats). Opening
    # one must not drop the process's locks on the file (a close() of any descriptor on it
    # does): another process closing the store then deleted the write-ahead log under the
    # TUI, whose later writes no other process could see.
    path = tmp_path / "inbox.db"
    store = Store.open(path)
    store.conn.execute("CREATE TABLE probe (x)")
    worker = Store.open(path)  # as the sync worker does while the UI's connection is open
    worker.close()
    assert _in_another_process(path, "SELECT count(*) FROM probe") == "0"  # opens and closes
    assert Path(f"{path}-wal").exists()
    store.conn.execute("INSERT INTO probe VALUES (1)")
    assert _in_another_process(path, "SELECT count(*) FROM probe") == "1"
    store.close()


def test_a_store_from_a_newer_version_is_refused_untouched(tmp_path):
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")  # a store of a newer inbox-tui
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.execute("CREATE TABLE precious (x)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer inbox-tui"):
        Store.open(path)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("precious",)]


def test_a_file_that_is_not_sqlite_is_a_clear_error_and_left_alone(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are my notes, not a database" * 100)
    with pytest.raises(StoreError, match="not an inbox database .not a SQLite file."):
        Store.open(path)
    assert path.read_bytes().startswith(b"these are my notes")


def test_docs_schema_describes_every_table_and_column(store):
    doc = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    tables = [
        row[0]
        for row in store.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'messages_fts_%' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    for table in tables:
        assert re.search(rf"^## `{table}`", doc, re.MULTILINE), (
            f"docs/schema.md misses table {table}"
        )
        section = doc.split(f"## `{table}`", 1)[1].split("\n## ", 1)[0]
        for column in store.conn.execute(f"SELECT name FROM pragma_table_info('{table}')"):
            assert f"`{column[0]}`" in section, f"docs/schema.md misses {table}.{column[0]}"


def _parse_time_before(value: str) -> datetime:
    """parse_time as it was before the Z was left to fromisoformat (the reference)."""
    if len(value) == 20 and value[10] == "T" and value[19] == "Z":
        try:
            return datetime.fromisoformat(value[:19]).replace(tzinfo=UTC)
        except ValueError:
            pass
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def _outcome(parse: Callable[[str], datetime], value: str) -> tuple[object, ...]:
    try:
        moment = parse(value)
    except ValueError:
        return ("ValueError",)
    return (moment, moment.utcoffset(), moment.tzinfo is UTC)


STORED_LOOKING = st.builds(
    lambda head, tail: head[:10] + "T" + tail[:8] + "Z",
    st.text("0123456789-:.+ T", min_size=10, max_size=10),
    st.text("0123456789-:.+ Z,", min_size=8, max_size=8),
)


@settings(max_examples=500)
@given(
    value=st.one_of(
        st.datetimes(timezones=st.just(UTC)).map(format_time),
        STORED_LOOKING,
        st.text(max_size=24),
    )
)
def test_a_stored_time_parses_as_it_did(value: str) -> None:
    """Every stored time, and whatever else looks like one, reads as before (or fails as
    before): the same moment in UTC."""
    assert _outcome(parse_time, value) == _outcome(_parse_time_before, value)

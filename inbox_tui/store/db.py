"""Opening the SQLite file: WAL, pragmas, forward migrations, transactions."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING

from inbox_tui.domain.folding import fold_for_search
from inbox_tui.store.identity import (
    StoreError,
    check_writable,
    explain,
    inspect_store,
    newer_store,
)
from inbox_tui.store.schema import AFTER_MIGRATION, MIGRATIONS, SCHEMA_VERSION

if TYPE_CHECKING:
    import sqlite_utils

__all__ = ["Store", "StoreError", "checkpoint", "format_time", "parse_time", "utc_now"]

TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def utc_now() -> str:
    return format_time(datetime.now(UTC))


def format_time(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


def parse_time(value: str) -> datetime:
    """A stored time ("2026-11-30T09:00:00Z") as an aware UTC datetime; ValueError if it is
    not one. `fromisoformat` is 10x faster than `strptime` (the list parses one per row
    drawn), and reads the Z itself as UTC (Python 3.11): `.replace(tzinfo=UTC)` cost 4 of
    this function's 5 µs, and the stats report parses ~30,000 times; `strptime` checks what
    does not look like ours, and says what is wrong."""
    if len(value) == 20 and value[10] == "T" and value[19] == "Z":
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
        try:  # what fromisoformat reads only without the Z (none of ours): as before
            return datetime.fromisoformat(value[:19]).replace(tzinfo=UTC)
        except ValueError:
            pass
    return datetime.strptime(value, TIME_FORMAT).replace(tzinfo=UTC)


class Store:
    """One SQLite file. Open it with `Store.open(path)`; it migrates itself forward."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None) -> None:
        self.conn = conn
        self.path = path
        # Folds already made (value -> fold_for_search(value)), which this connection's
        # search_fold() takes instead of folding again: a bulk import's parsing workers fold a
        # message's indexed columns beside the storing process (store/ingest.py, Ready.folds).
        self.known_folds: dict[str, str] = {}

    @cached_property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils over the same connection, for scripts and tests; imported only here
        (with its plugin machinery: ~30 ms that the TUI's start does not need)."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        create: bool = True,
        read_only: bool = False,
        on_upgrade: Callable[[int, int], None] | None = None,
    ) -> Store:
        """Open (and create, migrate) the store at `path`; ":memory:" for a throwaway one.
        Nothing is written to a file until it is known to be an inbox-tui store or new
        (`inspect_store`): a file of another program is refused untouched. `create=False`
        refuses a path with no store yet; `read_only=True` (export, stats) accepts a store
        it may not write when it needs no upgrade. `on_upgrade(from, to)` is told before an
        existing store is migrated (it may take a while: a search index rebuilt)."""
        if str(path) == ":memory:":
            return cls._connect(":memory:", None, on_upgrade)
        file_path = Path(path).expanduser()
        found = inspect_store(file_path)
        if found.new and not create:
            raise StoreError(
                f"no inbox database at {file_path} (run 'inbox-tui import' or 'inbox-tui demo'"
                " first, or check --db)"
            )
        if not read_only or found.new or found.version < SCHEMA_VERSION:
            if found.new:
                try:
                    file_path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise StoreError(
                        f"cannot create the folder for {file_path}: {exc.strerror}"
                    ) from exc
            check_writable(file_path)
        return cls._connect(str(file_path), file_path, on_upgrade)

    @classmethod
    def _connect(
        cls, name: str, file_path: Path | None, on_upgrade: Callable[[int, int], None] | None
    ) -> Store:
        try:
            conn = sqlite3.connect(
                name,
                isolation_level=None,  # we issue BEGIN/COMMIT ourselves
                check_same_thread=False,
                timeout=30,
            )
            conn.row_factory = sqlite3.Row
            known_folds: dict[str, str] = {}
            # tickets.title (schema 8) in SQL too: the migration, and a merge, derive it
            conn.create_function("customer_subject", 2, _customer_subject, deterministic=True)
            # the words the search indexes hold (schema 10): their triggers call it
            conn.create_function(
                "search_fold", 1, partial(_fold_known, known_folds), deterministic=True
            )
            conn.execute("PRAGMA foreign_keys = ON")
            if file_path is not None:
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute("PRAGMA cache_size = -32000")  # 32 MB page cache
            store = cls(conn, file_path)
            store.known_folds = known_folds
            store.migrate(on_upgrade)
        except sqlite3.DatabaseError as exc:
            raise explain(exc, file_path) or StoreError(
                f"{file_path} is not a usable inbox database: {exc}"
            ) from exc
        return store

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self, on_upgrade: Callable[[int, int], None] | None = None) -> None:
        """Apply every migration newer than the file's version, each in its own transaction."""
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise newer_store(self.path, version)
        if 0 < version < SCHEMA_VERSION and on_upgrade is not None:
            on_upgrade(version, SCHEMA_VERSION)
        for number in range(version, SCHEMA_VERSION):
            with self.transaction():
                for statement in _split_script(MIGRATIONS[number]):
                    self.conn.execute(statement)
                if number + 1 in AFTER_MIGRATION:
                    AFTER_MIGRATION[number + 1](self.conn)
                self.conn.execute(f"PRAGMA user_version = {number + 1}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT; rolled back on any exception. Not re-entrant."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()

    @property
    def in_memory(self) -> bool:
        """A throwaway store (":memory:", a test's): no file, so no second connection to it."""
        return self.path is None

    @contextmanager
    def for_thread(self, *, read_only: bool = False) -> Iterator[Store]:
        """This store for a worker thread: on a file, a connection of its own, closed after
        (SQLite's connections are not shared between threads, and WAL lets the UI read while
        the worker writes); in memory, this one (it cannot be opened twice, and is opened with
        check_same_thread=False). The one way every worker gets its store. `read_only`: a
        worker that only reads (the customer panel beside the list) needs no writable file."""
        if self.path is None:
            yield self
            return
        own = Store.open(self.path, create=not read_only, read_only=read_only)
        try:
            yield own
        finally:
            own.close()

    @property
    def demo(self) -> bool:
        """The demo inbox (made-up customers): never synced into, never sent from."""
        return (
            self.conn.execute(
                "SELECT 1 FROM store_info WHERE key = 'kind' AND value = 'demo'"
            ).fetchone()
            is not None
        )

    def mark_demo(self) -> None:
        """Say in the file that it is the demo: `demo --rebuild` may then replace it."""
        self.conn.execute("INSERT OR REPLACE INTO store_info (key, value) VALUES ('kind', 'demo')")

    def defer_checkpoints(self, deferred: bool = True) -> None:
        """Stop (or restart) this connection's own WAL checkpoints. SQLite copies the log back
        into the database in whichever commit takes it past 1,000 pages: ~300 ms inside a
        bulk action of the TUI's (measured: the first undo of a 1,000-ticket close, 450-500 ms
        instead of 190). The TUI defers them to `checkpoint`, run in a worker thread."""
        self.conn.execute(f"PRAGMA wal_autocheckpoint = {0 if deferred else 1000}")


def checkpoint(path: Path) -> None:
    """Copy the WAL back into the database file from a connection of its own (for a worker
    thread: sqlite3 lets other threads run while it works). PASSIVE: it neither waits for
    nor blocks readers and writers; what it cannot copy now waits for the next call."""
    conn = sqlite3.connect(str(path), timeout=30)
    try:
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
    finally:
        conn.close()


def _customer_subject(subject: str, text: str) -> str | None:
    """domain.subjects.customer_subject, for SQL (a migration, a merge): its eleven patterns
    are compiled at its first use, not on the way to the TUI's first frame."""
    from inbox_tui.domain.subjects import customer_subject

    return customer_subject(subject, text)


def _fold_known(
    known: dict[str, str], value: str | bytes | int | float | None
) -> str | bytes | int | float | None:
    """search_fold() for one connection: a fold made already (Store.known_folds), else made."""
    if isinstance(value, str):
        folded = known.get(value)
        if folded is not None:
            return folded
    return _search_fold(value)


def _search_fold(value: str | bytes | int | float | None) -> str | bytes | int | float | None:
    """fold_for_search for SQL: text folded, anything else (NULL, a blob) as it is."""
    return fold_for_search(value) if isinstance(value, str) else value


def _split_script(script: str) -> list[str]:
    """Split a migration into statements (executescript would COMMIT our transaction)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--") and not buffer.strip():
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements

"""What is at the store's path (nothing yet, an inbox-tui store, the demo, someone else's file),
found out without writing a byte to it; and SQLite's errors about the file, in one line."""

from __future__ import annotations

import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path

from inbox_tui.store.schema import APPLICATION_ID, BUILT_BY_DEMO, SCHEMA_VERSION

# Tables every store has had since schema 1: a file of ours from before application_id was set.
OUR_TABLES = frozenset({"tickets", "messages", "message_raw", "outbox", "sync_state"})
LEAVE_IT = "inbox-tui leaves it alone: check the path (--db, or `database:` in the config)"


class StoreError(Exception):
    """The store cannot be opened or used; the message says why and what to do."""


class StoreBusy(StoreError):
    """Another program holds the store locked: trying again later may work."""


@dataclass(frozen=True, slots=True)
class StoreFile:
    """What `inspect_store` found. `new`: nothing to lose there (no file, an empty file, or a
    SQLite file without tables); otherwise an inbox-tui store at schema `version`."""

    path: Path
    new: bool
    version: int = 0
    demo: bool = False  # the demo inbox: marked so (store_info), or built by an older demo
    empty: bool = True  # no tickets and no sync state


def inspect_store(path: Path) -> StoreFile:
    """Look at `path` without writing to it; StoreError for a file that is not one of ours
    (not SQLite, another program's database, damaged, from a newer inbox-tui)."""
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise StoreError(f"{path} is a folder, not an inbox database file; {LEAVE_IT}")
        if not stat.S_ISREG(mode):  # SQLite would block on a pipe
            raise StoreError(f"{path} is not a file (a device, pipe or socket); {LEAVE_IT}")
        size = path.stat().st_size
    except FileNotFoundError:
        return StoreFile(path, new=True)
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from None
    if size == 0:
        return StoreFile(path, new=True)
    # The header is read by SQLite, never by an open() of ours: closing any descriptor of this
    # process on the file drops every POSIX lock the process holds on it, SQLite's included,
    # and another process then thinks it is the last user and deletes the write-ahead log
    # under our open connections (their later writes were invisible to other processes).
    try:
        return _inspect_sqlite(path)
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorname", "") == "SQLITE_NOTADB":
            raise StoreError(
                f"{path} is not an inbox database (not a SQLite file); {LEAVE_IT}"
            ) from None
        found = explain(exc, path)
        if found is None:  # not about the file: a bug, raised with its traceback
            raise
        raise found from None
    except sqlite3.Error as exc:
        found = explain(exc, path)
        if found is None:  # not about the file: a bug, raised with its traceback
            raise
        raise found from None


def _inspect_sqlite(path: Path) -> StoreFile:
    # Without a -wal file the main file is the whole database: `immutable` reads it without
    # creating -wal/-shm files beside someone else's database. With one, read through it.
    mode = "mode=ro" if Path(f"{path}-wal").exists() else "immutable=1"
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?{mode}", uri=True, timeout=5)
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if app_id not in (0, APPLICATION_ID):
            raise StoreError(
                f"{path} is not an inbox database (another program's SQLite file,"
                f" application id {app_id:#x}); {LEAVE_IT}"
            )
        if not tables and version == 0:
            return StoreFile(path, new=True)  # an empty SQLite database
        if app_id == 0 and not OUR_TABLES.issubset(tables):
            raise StoreError(
                f"{path} is not an inbox database (another program's SQLite file); {LEAVE_IT}"
            )
        if version < 1:
            raise StoreError(
                f"{path} is damaged: its schema version is {version}, which inbox-tui never"
                " writes; restore it from a backup"
            )
        if version > SCHEMA_VERSION:
            raise newer_store(path, version)
        marked = "EXISTS (SELECT 1 FROM store_info WHERE key = 'kind' AND value = 'demo')"
        demo, empty = conn.execute(
            f"SELECT {marked if 'store_info' in tables else BUILT_BY_DEMO},"
            " NOT EXISTS (SELECT 1 FROM tickets) AND NOT EXISTS (SELECT 1 FROM sync_state)"
        ).fetchone()
        return StoreFile(path, new=False, version=version, demo=bool(demo), empty=bool(empty))
    finally:
        conn.close()


def newer_store(path: Path | None, version: int) -> StoreError:
    return StoreError(
        f"{path} was written by a newer inbox-tui (schema {version}, this one knows "
        f"{SCHEMA_VERSION}); upgrade inbox-tui to open it"
    )


def check_writable(path: Path) -> None:
    """StoreError unless inbox-tui may write the store and the -wal/-shm files beside it."""
    if path.exists() and not os.access(path, os.W_OK):
        raise StoreError(
            f"{path} is read-only: inbox-tui writes every change to it at once;"
            " make it writable (chmod u+w) or copy it somewhere you can write"
        )
    sidecars = all(Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-shm"))
    if not sidecars and not os.access(path.parent, os.W_OK | os.X_OK):
        raise StoreError(
            f"{path} is in a read-only folder: inbox-tui keeps its write-ahead log beside it"
            f" ({path.name}-wal); make {path.parent} writable or move the store"
        )


# SQLite result codes (their primary name) that say something about the file, not a bug.
_PROBLEMS = {
    "SQLITE_READONLY": "{path} is read-only: make it and its folder writable, or copy it somewhere"
    " you can write",
    "SQLITE_BUSY": "{path} is busy: another program holds it locked; try again when it is done",
    "SQLITE_LOCKED": "{path} is busy: another program holds it locked; try again when it is done",
    "SQLITE_FULL": "cannot write {path}: the disk is full; free some space and try again"
    " (nothing stored before is lost)",
    "SQLITE_IOERR": "cannot {access} {path}: disk I/O error; is the disk full, failing or"
    " gone? (nothing stored before is lost)",
    "SQLITE_CORRUPT": "{path} is damaged ({detail}); restore it from a backup, or try"
    " `sqlite3 {path} .recover`",
    "SQLITE_NOTADB": "{path} is not an inbox database ({detail}); " + LEAVE_IT,
    "SQLITE_CANTOPEN": "cannot open {path} ({detail}): check that its folder exists and is"
    " readable",
}


def explain(exc: sqlite3.Error, path: Path | str | None) -> StoreError | None:
    """A one-line StoreError for an error about the store file (read-only, locked, disk full,
    damaged); None for any other error (a bug: it keeps its traceback)."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    primary = "_".join(name.split("_")[:2])
    if primary not in _PROBLEMS:
        return None
    error = StoreBusy if primary in ("SQLITE_BUSY", "SQLITE_LOCKED") else StoreError
    access = "read" if "READ" in name else "write"
    return error(_PROBLEMS[primary].format(path=path, detail=exc, access=access))

"""Messages a sync could not store: one message's failure undone alone, then remembered by
source, folder and uid (`failed_messages`) and tried again at every sync until it is stored.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeVar

from inbox_tui.sanitize import clean_line
from inbox_tui.store.db import Store, utc_now
from inbox_tui.store.sync import savepoint

if TYPE_CHECKING:
    from inbox_tui.store.ingest import Ingest

T = TypeVar("T")


def store_alone(store: Store, ingest: Ingest, work: Callable[[], T]) -> tuple[T | None, str | None]:
    """Run one message's `work` in a savepoint of the caller's transaction: (its result, None),
    or (None, why it failed in one line) with its writes undone and nothing else.

    The store's own trouble (sqlite3.OperationalError: locked, disk full, I/O) is raised: it is
    not this message's fault, and the caller's whole batch must roll back with its position."""
    try:
        with savepoint(store):
            return work(), None
    except sqlite3.OperationalError:
        raise
    except Exception as exc:
        ingest.forget()  # its caches may name rows the savepoint took back
        return None, failure_text(exc)


def failure_text(exc: BaseException) -> str:
    return clean_line(f"{type(exc).__name__}: {exc}")[:300]


def failed_uids(store: Store, source: str, folder: str) -> set[str]:
    """The uids of one folder still waiting to be stored."""
    rows = store.conn.execute(
        "SELECT uid FROM failed_messages WHERE source = ? AND folder = ?", (source, folder)
    )
    return {row[0] for row in rows}


def failed_folders(store: Store, source: str) -> dict[str, set[str]]:
    """Every folder of a source with messages waiting to be stored, with their uids."""
    found: dict[str, set[str]] = {}
    for folder, uid in store.conn.execute(
        "SELECT folder, uid FROM failed_messages WHERE source = ?", (source,)
    ):
        found.setdefault(folder, set()).add(uid)
    return found


def record_failure(store: Store, source: str, folder: str, uid: str, reason: str) -> None:
    """Inside the transaction that moves the source's position past this message."""
    now = utc_now()
    store.conn.execute(
        """INSERT INTO failed_messages (source, folder, uid, reason, first_failed_at, last_failed_at)
           VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (source, folder, uid) DO UPDATE SET reason = excluded.reason,
             attempts = attempts + 1, last_failed_at = excluded.last_failed_at""",
        (source, folder, uid, reason, now, now),
    )


def forget_failures(store: Store, source: str, folder: str, uids: Iterable[str]) -> None:
    """These messages are stored now, or gone from the server: nothing left to try."""
    store.conn.executemany(
        "DELETE FROM failed_messages WHERE source = ? AND folder = ? AND uid = ?",
        [(source, folder, uid) for uid in uids],
    )

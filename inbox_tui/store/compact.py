"""Giving a store's free pages back to the disk (`inbox-tui compact`).

SQLite keeps the pages that deleted rows free inside the file, for new rows to reuse: a store
shrinks only when it is rewritten (VACUUM). An upgrade that drops data (schema 12: the
attachments' bytes the raw mail already holds) or a big delete leaves such pages. VACUUM
rewrites the store in place in one transaction (killed halfway, the store is as it was) and
works beside an open inbox-tui (WAL: its reads go on; a write it is in the middle of makes the
compact wait, then give up as busy).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from inbox_tui.store.db import Store


@dataclass(frozen=True, slots=True)
class Pages:
    size: int  # bytes a page
    count: int  # pages in the file
    free: int  # of which free

    @property
    def used_bytes(self) -> int:
        return (self.count - self.free) * self.size

    @property
    def free_bytes(self) -> int:
        return self.free * self.size


def pages(store: Store) -> Pages:
    read = store.conn.execute
    return Pages(
        size=int(read("PRAGMA page_size").fetchone()[0]),
        count=int(read("PRAGMA page_count").fetchone()[0]),
        free=int(read("PRAGMA freelist_count").fetchone()[0]),
    )


def on_disk(path: Path) -> int:
    """The store's bytes on disk: the file and its write-ahead log."""
    total = 0
    for part in (path, path.with_name(path.name + "-wal")):
        with contextlib.suppress(FileNotFoundError):
            total += part.stat().st_size
    return total


def temp_dir() -> Path:
    """Where SQLite writes VACUUM's temporary copy (its own order on Unix: os_unix.c)."""
    for candidate in (os.environ.get("SQLITE_TMPDIR"), os.environ.get("TMPDIR")):
        if candidate and os.access(candidate, os.W_OK | os.X_OK):
            return Path(candidate)
    for candidate in ("/var/tmp", "/usr/tmp", "/tmp"):
        if os.access(candidate, os.W_OK | os.X_OK):
            return Path(candidate)
    return Path(".")


@dataclass(frozen=True, slots=True)
class Shortfall:
    """Not enough free space for a compact: `needed` bytes on the disk holding `where`."""

    where: Path
    needed: int
    free: int


def space_short(store: Store, used_bytes: int) -> Shortfall | None:
    """VACUUM writes the store's used pages twice: a temporary copy (in `temp_dir()`), then
    the copy back through the write-ahead log beside the store. None when both fit."""
    assert store.path is not None
    places = [store.path.parent, temp_dir()]
    needed: dict[int, tuple[Path, int]] = {}
    for place in places:
        device = os.stat(place).st_dev
        where, bytes_ = needed.get(device, (place, 0))
        needed[device] = (where, bytes_ + used_bytes)
    for where, bytes_ in needed.values():
        free = shutil.disk_usage(where).free
        if free < bytes_:
            return Shortfall(where, bytes_, free)
    return None


@dataclass(frozen=True, slots=True)
class Compacted:
    before: int  # bytes on disk (file + log)
    after: int
    log_left: bool  # the log could not be emptied (another program reads the store): it is
    # given back when that program closes the store


def compact(store: Store) -> Compacted:
    """Rewrite the store without its free pages, then empty the write-ahead log."""
    assert store.path is not None
    before = on_disk(store.path)
    conn = store.conn
    conn.execute("PRAGMA temp_store = FILE")  # the copy on disk: a decade's store is gigabytes
    try:
        conn.execute("VACUUM")
    finally:
        conn.execute("PRAGMA temp_store = MEMORY")  # as Store.open sets it
    busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return Compacted(before=before, after=on_disk(store.path), log_left=bool(busy))

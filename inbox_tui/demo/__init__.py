"""The demo inbox: a made-up textile shop's 90 days of customer mail, built through the real importer.

`build_demo` (build.py) writes RFC 5322 mail (English, Turkish, German; plain email, Amazon and eBay relay
mail, Shopify contact forms, Etsy) into a temporary Maildir, imports it with `import_maildir`,
then adds orders, tags and ticket states through the store's own APIs. No network; the result
depends only on (now, seed). The planning lives in shop.py, the words in words.py. Here:
`ensure_demo`, which opens a built demo without importing any of that (the TUI's start).
"""

from __future__ import annotations

import importlib
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from inbox_tui.store.db import Store, StoreError
from inbox_tui.store.identity import inspect_store
from inbox_tui.store.trends import newest_message_at

__all__ = ["SELLER_EMAIL", "SELLER_NAME", "DemoResult", "build_demo", "ensure_demo"]

STALE = timedelta(days=3)  # an older demo is built again: its spike would have left the week


def ensure_demo(
    db_path: Path, *, now: datetime | None = None, seed: int = 7, rebuild: bool = False
) -> Store:
    """Open the demo store at `db_path`, building it first when it has no tickets yet, when
    its newest mail is more than STALE old (its story is about the week it was built), or
    anew when asked (`rebuild`).

    Only the demo (a store marked so) or a path with nothing to lose (no file, an empty file,
    a store without tickets) is ever built over; anything else raises StoreError, untouched.
    The build goes into a side file that replaces `db_path` only when complete, so an
    interrupted build never leaves half a demo behind.
    """
    db_path = Path(db_path).expanduser()
    found = inspect_store(db_path)
    if not (found.new or found.demo or found.empty):
        raise StoreError(
            f"{db_path} is an inbox of its own, not the demo: the demo never replaces it."
            f" Open it with 'inbox-tui --db {db_path}', or give the demo a path of its own"
            " (demo --db NEW.db)"
        )
    if found.demo and not found.empty and not rebuild:
        store = Store.open(db_path)
        newest = newest_message_at(store)
        if newest is not None and newest > (now or datetime.now(UTC)) - STALE:
            return store
        store.close()
    building = db_path.with_name(db_path.name + ".building")
    for leftover in _sqlite_files(building):
        leftover.unlink(missing_ok=True)
    build_demo = sys.modules[__name__].build_demo  # imported now (__getattr__), or replaced

    store = Store.open(building)
    try:
        build_demo(store, now=now, seed=seed)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except BaseException:
        store.close()
        for leftover in _sqlite_files(building):
            leftover.unlink(missing_ok=True)
        raise
    store.close()
    for leftover in (*_sqlite_files(building)[1:], *_sqlite_files(db_path)[1:]):
        leftover.unlink(missing_ok=True)
    os.replace(building, db_path)
    return Store.open(db_path)


def _sqlite_files(path: Path) -> tuple[Path, Path, Path]:
    return path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def __getattr__(name: str) -> Any:
    """The builder's names (`build_demo`, the shop, its words) are imported on first use:
    opening a built demo needs none of them, nor the parser and importer they bring."""
    for part in ("build", "shop", "words"):  # not `from . import`: it would come back here
        module = importlib.import_module(f"{__name__}.{part}")
        if hasattr(module, name):
            globals()[name] = value = getattr(module, name)
            return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""The local SQLite store: the single source of truth. Every SQL statement lives in this package."""

from inbox_tui.store.db import Store, StoreError, utc_now

__all__ = ["Store", "StoreError", "utc_now"]

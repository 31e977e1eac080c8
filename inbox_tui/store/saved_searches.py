"""Searches the seller keeps as views from the TUI (`v`), beside the config's saved searches."""

from __future__ import annotations

from datetime import datetime

from inbox_tui.store.actions import atomic
from inbox_tui.store.db import Store, format_time


def kept_searches(store: Store) -> list[tuple[str, str]]:
    """(name, query) of every kept search, oldest first."""
    return [
        (row[0], row[1])
        for row in store.conn.execute(
            "SELECT name, query FROM saved_searches ORDER BY created_at, name"
        )
    ]


def keep_search(store: Store, name: str, query: str, *, at: datetime) -> None:
    """Keep `query` as the view `name` (a view of that name gets the new query)."""
    with atomic(store) as conn:
        conn.execute(
            """INSERT INTO saved_searches (name, query, created_at) VALUES (?, ?, ?)
               ON CONFLICT (name) DO UPDATE SET query = excluded.query""",
            (name, query, format_time(at)),
        )


def forget_search(store: Store, name: str) -> bool:
    """Remove the kept view `name`; False when there was none."""
    with atomic(store) as conn:
        return conn.execute("DELETE FROM saved_searches WHERE name = ?", (name,)).rowcount > 0

"""The views the TUI numbers, each a count and a page of rows from the store.

The Due view (open tickets waiting for an answer, most urgent first) comes first; a search
(`/`) takes a view's place in the list until it is cleared.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from inbox_tui.sla import SlaPolicy
from inbox_tui.store import due as _due
from inbox_tui.store import search as _search
from inbox_tui.store.db import Store
from inbox_tui.store.views import (
    VIEWS,
    TicketRow,
    count_by_view,
    count_tickets,
    list_tickets,
    ticket_position,
)


@dataclass(frozen=True, slots=True)
class Search:
    """The list shows a search's results instead of a view: `query` as typed after `/`."""

    query: str
    now: datetime

    def __str__(self) -> str:
        return "search"


class SearchFailed(ValueError):
    """A query the search cannot run; `position` is where in the query the problem is."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.position = position


def check_search(store: Store, search: Search) -> int:
    """How many tickets match (capped, see store.search.COUNT_CAP); SearchFailed when malformed."""
    try:
        return _search.count_search(store, search.query, search.now)
    except _search.SearchError as error:
        raise SearchFailed(str(error), getattr(error, "position", 0)) from None


def search_cap() -> int:
    """The most results the count goes to (the TUI shows "N+" there)."""
    return _search.COUNT_CAP


VIEW_NAMES: tuple[str, ...] = ("due", *VIEWS)
"""Every view in the order the view bar numbers them (1, 2, …)."""


def count_views(store: Store) -> dict[str, int]:
    """Ticket counts of every view, keyed and ordered like VIEW_NAMES."""
    counts = count_by_view(store)
    counts["due"] = _due.count_due(store)
    return {view: counts.get(view, 0) for view in VIEW_NAMES}


def count_view(store: Store, view: str | Search) -> int:
    if isinstance(view, Search):
        try:
            return check_search(store, view)
        except SearchFailed:
            return 0
    if view == "due":
        return _due.count_due(store)
    return count_tickets(store, view)


def view_page(store: Store, view: str | Search, offset: int, limit: int) -> list[TicketRow]:
    if isinstance(view, Search):
        return _search.search_tickets(store, view.query, offset=offset, limit=limit, now=view.now)
    if view == "due":
        return _due.list_due(store, offset, limit)
    return list_tickets(store, view, offset, limit)


def view_position(store: Store, view: str | Search, ticket_id: int) -> int | None:
    """Where a ticket sits in `view` (None when it is not there, or the view cannot say)."""
    if isinstance(view, Search) or view == "due":
        return None  # the Due view keeps the cursor's place instead
    return ticket_position(store, view, ticket_id)


def due_times(store: Store, ticket_ids: list[int]) -> dict[int, datetime]:
    """When each of the tickets must be answered by (only those with a due time)."""
    if not ticket_ids:
        return {}
    return _due.due_times(store, ticket_ids)


def wake_snoozed(store: Store, now: datetime, policy: SlaPolicy) -> list[int]:
    """Open snoozed tickets whose time has come; their ids."""
    return _due.wake_snoozed(store, now, policy=policy)


def refresh_due(store: Store, ticket_ids: list[int], policy: SlaPolicy) -> None:
    """Recompute the due times of tickets an action changed (reopened, undone …)."""
    _due.refresh_due(store, ticket_ids, policy)

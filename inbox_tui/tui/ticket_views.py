"""The views the TUI numbers, each a count and a page of rows from the store.

The Due view (open tickets waiting for an answer, most urgent first) comes first, then the
status views, one view per channel and per tag ("channel:amazon", "tag:refund") and the saved
searches of the config ("saved:NAME"); a search (`/`) takes a view's place until it is cleared.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from inbox_tui.channels import registry
from inbox_tui.sla import SlaPolicy
from inbox_tui.store import due as _due
from inbox_tui.store.db import Store
from inbox_tui.store.views import (
    CHANNEL_VIEW,
    TAG_VIEW,
    VIEWS,
    TicketRow,
    count_by_channel,
    count_by_view,
    count_tickets,
    list_tickets,
    ticket_position,
    top_tags,
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
    from inbox_tui.store import search as _search  # the first search's: not the first frame's

    try:
        return _search.count_search(store, search.query, search.now)
    except _search.SearchError as error:
        raise SearchFailed(str(error), getattr(error, "position", 0)) from None


def search_cap() -> int:
    """The most results the count goes to (the TUI shows "N+" there)."""
    from inbox_tui.store import search as _search

    return _search.COUNT_CAP


VIEW_NAMES: tuple[str, ...] = ("due", *VIEWS)
"""Every view in the order the view bar numbers them (1, 2, …)."""


def count_views(store: Store) -> dict[str, int]:
    """Ticket counts of every view, keyed and ordered like VIEW_NAMES."""
    counts = count_by_view(store)
    counts["due"] = _due.count_due(store)
    return {view: counts.get(view, 0) for view in VIEW_NAMES}


SAVED_VIEW = "saved:"
"""Prefix of a saved search's view: "saved:" and the search's name from the config."""

MAX_TAG_VIEWS = 10  # the sidebar lists the tags on most tickets, no more than this many


@dataclass(frozen=True, slots=True)
class SavedSearch:
    """A search from the config (`ui.saved_searches`), shown as a view of its own."""

    name: str
    query: str


@dataclass(frozen=True, slots=True)
class ViewEntry:
    """One view as the sidebar lists it: `view` is what the list loads ("open", "tag:x", …)."""

    view: str
    label: str
    section: str  # "views" | "channels" | "tags" | "searches"
    count: int
    capped: bool = False  # a saved search counted up to search_cap(): "1,000+"
    problem: str = ""  # why a saved search cannot run (its view says so instead of its tickets)


def view_entries(
    store: Store, saved: Sequence[SavedSearch] = (), now: datetime | None = None
) -> list[ViewEntry]:
    """Every view in sidebar order, with its ticket count: the numbers 1–9 and `[`/`]` follow
    this order. Channels and tags with no tickets are left out; every count is indexed."""
    entries = [
        ViewEntry(view, view.capitalize(), "views", count)
        for view, count in count_views(store).items()
    ]
    counts = count_by_channel(store)  # the sidebar lists channels in the registry's order
    entries += [
        ViewEntry(CHANNEL_VIEW + channel.name, channel.label, "channels", counts[channel.name])
        for channel in registry.channels()
        if counts.get(channel.name)
    ]
    entries += [
        ViewEntry(TAG_VIEW + name, name, "tags", count)
        for name, count in top_tags(store, MAX_TAG_VIEWS)
    ]
    for search in saved:
        count, problem = 0, ""
        try:
            count = check_search(store, Search(search.query, now or datetime.now().astimezone()))
        except SearchFailed as failure:
            problem = str(failure)
        view = SAVED_VIEW + search.name
        capped = count >= search_cap()
        entries.append(ViewEntry(view, search.name, "searches", count, capped, problem))
    return entries


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
        from inbox_tui.store import search as _search

        try:
            return _search.search_tickets(
                store, view.query, offset=offset, limit=limit, now=view.now
            )
        except _search.SearchError:  # its count said so already (check_search): no rows
            return []
    if view == "due":
        return _due.list_due(store, offset, limit)
    return list_tickets(store, view, offset, limit)


def view_position(
    store: Store, view: str | Search, ticket_id: int, count: int | None = None
) -> int | None:
    """Where a ticket sits in `view` (None when it is not there, or the view cannot say);
    `count`, the view's size just counted, makes finding it cheaper near the end."""
    if isinstance(view, Search) or view == "due":
        return None  # the Due view keeps the cursor's place instead
    return ticket_position(store, view, ticket_id, count)


def due_times(store: Store, ticket_ids: list[int]) -> dict[int, datetime]:
    """When each of the tickets must be answered by (only those with a due time)."""
    if not ticket_ids:
        return {}
    return _due.due_times(store, ticket_ids)


def wake_snoozed(store: Store, now: datetime, policy: SlaPolicy) -> list[int]:
    """Open snoozed tickets whose time has come; their ids."""
    return _due.wake_snoozed(store, now, policy=policy)


def settle_due(store: Store, policy: SlaPolicy) -> int:
    """Every open ticket's due time anew when `sla:`, the time zone or the rule changed since
    they were made (one read when nothing did); how many changed. For a worker thread: a store
    on disk is written through a connection of its own (one in memory has only the one)."""
    with store.for_thread() as own:
        return _due.settle_due(own, policy)


def due_settled(store: Store, policy: SlaPolicy) -> bool:
    """Whether the stored due times follow `policy`: nothing for settle_due to do."""
    return _due.due_settled(store, policy)


def refresh_due(store: Store, ticket_ids: list[int], policy: SlaPolicy) -> None:
    """Recompute the due times of tickets an action changed (reopened, undone …)."""
    _due.refresh_due(store, ticket_ids, policy)

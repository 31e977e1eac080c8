"""Reading a paged listing (offset and limit) from a server whose `total` may be wrong: it ends
at a short or empty page, at a page with nothing new, and after a hard number of pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeGuard


@dataclass(frozen=True)
class Page:
    """One page as the server sent it: its items, the total it claims, whether it links a next
    page, and the page size it used."""

    items: list[dict[str, Any]]
    total: int | None = None
    has_next: bool = False
    limit: int | None = None


def page_of(body: Any, items_key: str) -> Page:
    """A page from a decoded JSON answer; anything unexpected reads as an empty page."""
    if not isinstance(body, dict):
        return Page([])
    items = body.get(items_key)
    items = [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []
    total, limit = body.get("total"), body.get("limit")
    return Page(
        items,
        total if _count(total) else None,
        bool(body.get("next")),
        limit if _count(limit) and limit > 0 else None,
    )


def _count(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


@dataclass
class Listing:
    """What paging found. `stopped` says why it ended before the listing did (one line for the
    seller), None when the listing ended as it said it would."""

    items: list[dict[str, Any]] = field(default_factory=list)
    stopped: str | None = None

    @property
    def complete(self) -> bool:
        return self.stopped is None


def read_listing(
    fetch: Callable[[int], Page],
    key: Callable[[dict[str, Any]], str],
    *,
    what: str,
    page_size: int,
    max_pages: int,
    start: int = 0,
    first: Page | None = None,
    enough: Callable[[list[dict[str, Any]]], bool] | None = None,
) -> Listing:
    """Every item from offset `start` on (`first`: the page at `start`, already fetched), an item
    listed twice kept once, one without a `key` left out. Paging goes on while the server says there is more (`total`, or a
    `next` link without one) and stops: at a page shorter than its size or empty (the end,
    whatever `total` claims), at a page that adds no new item (the server repeats itself), after
    `max_pages` pages, or when `enough(page)` says the rest is known already. `what` names the
    listing in the note ("eBay's conversation list")."""
    listing = Listing()
    seen: set[str] = set()
    offset = start
    page = first if first is not None else fetch(offset)
    for number in range(1, max_pages + 1):
        fresh = 0
        for item in page.items:
            name = key(item)
            if name and name not in seen:  # an item without its id is of no use
                seen.add(name)
                listing.items.append(item)
                fresh += 1
        if page.items and not fresh:
            listing.stopped = f"stopped paging: {what} repeated itself at offset {offset}"
            break
        offset += len(page.items)
        size = min(page_size, page.limit or page_size)
        if len(page.items) < size:  # short or empty: the last page, whatever `total` says
            if page.total is not None and offset < page.total:
                listing.stopped = (
                    f"stopped paging: {what} ended at {offset} of the {page.total} it announced"
                )
            break
        more = offset < page.total if page.total is not None else page.has_next
        if not more or (enough is not None and enough(page.items)):
            break
        if number == max_pages:
            listing.stopped = f"stopped paging: {what} still went on after {max_pages} pages"
            break
        page = fetch(offset)
    return listing

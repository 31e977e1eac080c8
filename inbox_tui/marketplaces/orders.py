"""Order context for a ticket: which providers the config names, and refreshing a ticket's
orders from them into the store when what is cached is older than `orders.refresh_after_minutes`.

Each provider answers what it can search by: Shopify and WooCommerce the customer's e-mail
(e-mail tickets), Amazon the order number in the relay mail (Amazon tickets), eBay the buyer's
user name (eBay tickets). A provider that fails does not stop the others; its error comes back
as one line. Network I/O happens here, so callers run this off the UI thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from inbox_tui.channels.base import OrderProvider
from inbox_tui.channels.registry import order_source, order_sources
from inbox_tui.domain.orders import OrderQuery
from inbox_tui.sanitize import clean_line
from inbox_tui.secrets import SecretError
from inbox_tui.store.db import Store
from inbox_tui.store.orders import OrderLookup, order_lookup, orders_checked_at, save_fetched_orders

if TYPE_CHECKING:  # httpx loads with the providers, in the worker, not when the TUI starts
    import httpx


@dataclass(frozen=True, slots=True)
class ProviderEntry:
    """A configured provider, not yet built: building reads its secrets."""

    kind: str  # amazon | ebay | shopify | woocommerce
    name: str
    config: Any  # its config section (an orders provider, or the eBay source)


@dataclass
class RefreshOutcome:
    """What a refresh did: who was asked, how many orders came back, what failed."""

    asked: list[str] = field(default_factory=list)  # provider names that were asked
    found: int = 0
    errors: list[str] = field(default_factory=list)  # one line each
    unreachable: list[str] = field(default_factory=list)  # those errors that mean "offline"

    @property
    def offline(self) -> bool:
        """Some provider could not be reached at all (no network, or it is down)."""
        return bool(self.unreachable)


def configured_providers(config: Any) -> list[ProviderEntry]:
    """Every order provider the config names: `orders.providers`, and each source of a kind
    that brings its orders (eBay)."""
    entries = [ProviderEntry(p.kind, p.name, p) for p in config.orders.providers]
    with_orders = {o.kind for o in order_sources() if o.from_sources}
    entries += [ProviderEntry(s.kind, s.name, s) for s in config.sources if s.kind in with_orders]
    return entries


def build_provider(
    entry: ProviderEntry,
    *,
    transport: httpx.BaseTransport | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> OrderProvider:
    """The provider for a config entry (its module is imported only now). Raises SecretError."""
    kind = order_source(entry.kind)
    if kind is None:
        raise ValueError(f"no order provider of kind {entry.kind!r}")
    return kind.build(entry.config, transport=transport, sleep=sleep)


class OrderProviders:
    """The configured providers, each built on first use and kept (with its token and
    connections) until `close()`: a TUI session asks the same ones ticket after ticket."""

    def __init__(self, entries: list[ProviderEntry], **build: Any) -> None:
        self.entries = entries
        self._build = build
        self._built: dict[str, OrderProvider] = {}
        self._lock = threading.Lock()  # two workers may ask for the same provider

    @classmethod
    def from_config(cls, config: Any, **build: Any) -> OrderProviders:
        return cls(configured_providers(config), **build)

    def get(self, entry: ProviderEntry) -> OrderProvider:
        with self._lock:
            if entry.name not in self._built:
                self._built[entry.name] = build_provider(entry, **self._build)
            return self._built[entry.name]

    def close(self) -> None:
        with self._lock:
            built, self._built = list(self._built.values()), {}
        for provider in built:
            provider.close()


def lookup_key(kind: str, ticket: OrderLookup) -> tuple[str, OrderQuery] | None:
    """What a provider of `kind` can be asked about this ticket, and the key its answer is
    cached under; None when it cannot answer for this ticket."""
    source = order_source(kind)
    return source.lookup(ticket) if source is not None else None


def due_lookups(
    store: Store, config: Any, ticket: OrderLookup, now: datetime, entries: list[ProviderEntry]
) -> list[tuple[ProviderEntry, str, OrderQuery]]:
    """The providers to ask about this ticket now: those that can answer for it and have not
    answered within `orders.refresh_after_minutes`. Reads the store only (cheap, indexed)."""
    max_age = timedelta(minutes=config.orders.refresh_after_minutes)
    due = []
    for entry in entries:
        found = lookup_key(entry.kind, ticket)
        if found is None:
            continue
        checked = orders_checked_at(store, entry.name, found[0])
        if checked is None or now - checked >= max_age:
            due.append((entry, *found))
    return due


def refresh_orders(
    store: Store,
    config: Any,
    ticket_id: int,
    *,
    now: datetime,
    providers: OrderProviders | None = None,
) -> RefreshOutcome:
    """Ask every provider that can answer for this ticket, unless it answered within
    `orders.refresh_after_minutes`, and store what they say. Never raises for a provider's
    trouble: errors come back in the outcome, one line each."""
    outcome = RefreshOutcome()
    ticket = order_lookup(store, ticket_id)
    if ticket is None:
        return outcome
    own = providers is None
    providers = providers or OrderProviders.from_config(config)
    try:
        for entry, key, query in due_lookups(store, config, ticket, now, providers.entries):
            _ask(store, providers, entry, ticket, key, query, now, outcome)
    finally:
        if own:
            providers.close()
    return outcome


class OrderRefresher:
    """Order refresh for a TUI session: the config and its providers, kept between tickets
    (tokens and connections are reused). `refresh` runs in a worker thread with a store
    connection of its own; `needs_refresh` is cheap enough for the UI thread."""

    def __init__(self, config: Any, **build: Any) -> None:
        self.config = config
        self.providers = OrderProviders.from_config(config, **build)

    @property
    def enabled(self) -> bool:
        return bool(self.providers.entries)

    def needs_refresh(self, store: Store, ticket_id: int, now: datetime) -> bool:
        ticket = order_lookup(store, ticket_id)
        return ticket is not None and bool(
            due_lookups(store, self.config, ticket, now, self.providers.entries)
        )

    def refresh(self, store: Store, ticket_id: int, now: datetime) -> RefreshOutcome:
        """Ask the shops for the ticket's orders (for a worker: `store` is its own, see
        Store.for_thread)."""
        return refresh_orders(store, self.config, ticket_id, now=now, providers=self.providers)

    def close(self) -> None:
        self.providers.close()


def _ask(
    store: Store,
    providers: OrderProviders,
    entry: ProviderEntry,
    ticket: OrderLookup,
    key: str,
    query: OrderQuery,
    now: datetime,
    outcome: RefreshOutcome,
) -> None:
    from inbox_tui.marketplaces.http import ApiError

    outcome.asked.append(entry.name)
    try:
        orders = providers.get(entry).orders_for(query)
    except ApiError as exc:
        outcome.errors.append(str(exc))
        if exc.offline:
            outcome.unreachable.append(str(exc))
        return
    except SecretError as exc:
        outcome.errors.append(str(exc))
        return
    except Exception as exc:  # a provider's bug must not end the others' refresh
        outcome.errors.append(clean_line(f"{entry.name}: unexpected failure: {exc!r}")[:240])
        return
    save_fetched_orders(
        store,
        ticket,
        entry.name,
        key,
        orders,
        fetched_at=now,
        by_number=bool(query.order_numbers) and not query.username,
    )
    outcome.found += len(orders)

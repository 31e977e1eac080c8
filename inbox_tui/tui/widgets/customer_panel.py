"""The customer panel beside a thread, and beside the list+preview when toggled: who writes,
their orders (items, total, state, tracking), their other tickets."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.timer import Timer
from textual.widgets import Static

from inbox_tui.sanitize import clean_line, readable_line
from inbox_tui.store.db import Store
from inbox_tui.store.views import get_ticket, other_tickets
from inbox_tui.times import age_label, day_label
from inbox_tui.tui.messages import OrdersRefreshed, OrdersRefreshing, OrdersWanted

if TYPE_CHECKING:  # the HTTP side is imported by the worker, not at start-up
    from inbox_tui.marketplaces.orders import RefreshOutcome
    from inbox_tui.store.orders import Order

SHOWN_ORDERS = 5
SHOWN_ITEMS = 4
FOLLOW_DELAY = 0.12  # seconds the list's cursor rests on a ticket before the panel reads it
SHOPS_DELAY = 1.0  # … and before it asks the shops for fresher orders (not one request per j)
NO_TICKET = "No ticket under the cursor."
STATE_LABELS = {"unshipped": "not shipped yet"}
"""How the panel names an order's state (suggest_words.ORDER_STATUSES) where the word differs."""


def _money(amount: float | None, currency: str | None) -> str:
    if amount is None:
        return ""
    return f"{amount:,.2f} {currency or ''}".strip()


def order_state_label(order: Order) -> str:
    """What the seller needs to know of an order's state: "delivered", "shipped",
    "refunded"… from the status the shop reports in its own words ("fulfilled", "Completed");
    the shop's word when it is none we know; "shipped" when the shop says nothing but a
    shipping date or tracking number says it left."""
    from inbox_tui.suggest_words import ORDER_STATUSES  # when the panel shows (not at start)

    status = clean_line(order.status)
    state = ORDER_STATUSES.get(" ".join(status.lower().replace("_", " ").split()))
    if state is None and not status and (order.shipped_at or order.tracking_number):
        state = "shipped"
    if state is None:
        return status
    return STATE_LABELS.get(state, state)


def _order_lines(order: Order, text: Text, tz: tzinfo) -> None:
    head = [order.order_number]
    if order.placed_at:
        head.append(day_label(order.placed_at, tz))
    if state := order_state_label(order):
        head.append(state)
    if order.total is not None:
        head.append(_money(order.total, order.currency))
    text.append(
        ("● " if order.linked else "○ ") + " · ".join(head) + "\n", "bold" if order.linked else ""
    )
    for item in order.items[:SHOWN_ITEMS]:
        text.append(f"    {item.quantity}× {item.title}\n")
    if len(order.items) > SHOWN_ITEMS:
        text.append(f"    … {len(order.items) - SHOWN_ITEMS} more items\n", "dim")
    shipped = f"shipped {day_label(order.shipped_at, tz)} · " if order.shipped_at else ""
    if order.tracking_number:
        carrier = f"{order.carrier} " if order.carrier else ""
        text.append(f"    {shipped}{carrier}{order.tracking_number}\n", "dim")
    elif shipped:
        text.append(f"    {shipped.removesuffix(' · ')}\n", "dim")
    if order.tracking_url:
        text.append(f"    {order.tracking_url}\n", "dim")


def customer_text(
    store: Store,
    ticket_id: int,
    now: datetime,
    order_notes: Sequence[str] = (),
    tz: tzinfo = UTC,
) -> Text:
    """The panel's content, built from plain strings only (names and titles come from mail).
    `order_notes` are shown dimly under the Orders heading ("refreshing orders…", errors);
    dates are the seller's days (`tz`)."""
    text = Text(end="")
    from inbox_tui.store.orders import order_lookup, orders_for_ticket  # not at start

    ticket = get_ticket(store, ticket_id)
    if ticket is None:
        return text
    name = readable_line(ticket.customer_name)  # older stores: see sanitize.readable_line
    text.append((name or ticket.customer_email or "Unknown customer") + "\n", "bold")
    if ticket.customer_email and name:
        text.append(ticket.customer_email + "\n", "dim")
    lookup = order_lookup(store, ticket_id)
    handle = clean_line(lookup.username) if lookup is not None else ""
    if handle and handle not in (name, ticket.customer_email):
        text.append(f"@{handle}\n", "dim")  # the buyer's marketplace user name (eBay)
    text.append(f"via {ticket.channel}\n", "dim")

    orders = orders_for_ticket(store, ticket_id, limit=SHOWN_ORDERS)
    text.append("\nOrders\n", "bold underline")
    for note in order_notes:
        text.append(f"  {note}\n", "dim")
    if not orders:
        text.append("  none known\n", "dim")
    for order in orders:
        _order_lines(order, text, tz)

    count, others = other_tickets(store, ticket_id)
    text.append(f"\nOther tickets ({count})\n", "bold underline")
    if not count:
        text.append("  none\n", "dim")
    for other in others:
        text.append(
            f"  #{other.id} {other.status} · {age_label(other.last_message_at, now, tz)} · ",
            "dim",
        )
        text.append(readable_line(other.subject) or "(no subject)")
        text.append("\n")
    if count > len(others):
        text.append(f"  … {count - len(others)} more\n", "dim")
    return text


class CustomerPanel(Static):
    """Shows `customer_text` for one ticket; refreshed when the ticket changes.

    Opening a ticket also asks for its orders to be refreshed from the shops (OrdersWanted):
    the app does it in a worker when the config names order providers and the cached ones are
    older than `orders.refresh_after_minutes`, and tells the panel, which redraws itself.

    Beside the list (`follow`), the panel follows the cursor without holding up a key: it reads
    the ticket once the cursor rests on it (FOLLOW_DELAY), in a worker thread with a store of
    its own (Store.for_thread), and shows what it read if no later read was asked for; it asks
    for the ticket's orders (OrdersWanted) only when the cursor rests SHOPS_DELAY longer (not
    one request per j).
    """

    def __init__(
        self,
        store: Store,
        *,
        now: Callable[[], datetime],
        tz: tzinfo = UTC,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.store = store
        self.now = now
        self.tz = tz  # the seller's time zone: order dates are their days
        self.ticket_id: int | None = None
        self.order_notes: list[str] = []
        self._refreshed: set[int] = set()  # asked once per opening; the cache does the rest
        self._following = False  # beside the list: reads in a worker (see follow)
        self._wanted: int | None = None  # the ticket under the list's cursor
        self._follow_timer: Timer | None = None
        self._shops_timer: Timer | None = None
        self._reads = 0  # reads asked for; only the newest one is shown
        self._read_lock = threading.Lock()  # one read at a time; a stale one waiting skips

    def show_ticket(self, ticket_id: int) -> None:
        if ticket_id != self.ticket_id:
            self.order_notes = []
        self.ticket_id = ticket_id
        if ticket_id not in self._refreshed:
            self._refreshed.add(ticket_id)
            # sent by the panel: Textual stops a message at the node it came from, and
            # show_ticket runs in its screen's handlers
            self.post_message(OrdersWanted(self, ticket_id).set_sender(self))
        self._redraw()

    def follow(self, ticket_id: int | None, *, at_once: bool = False) -> None:
        """Show `ticket_id` (None: no ticket) once the cursor has rested on it; `at_once`
        skips the wait (the panel was just switched on, the list changed under it)."""
        self._following = True
        self._wanted = ticket_id
        self._stop_timers()
        if at_once:
            self._read_wanted()
        else:
            self._follow_timer = self.set_timer(FOLLOW_DELAY, self._read_wanted)

    def _read_wanted(self) -> None:
        self._follow_timer = None
        ticket_id = self._wanted
        if ticket_id is None:
            self.ticket_id = None
            self.order_notes = []
            self._reads += 1  # a read still running is not shown over this
            self.update(Text(NO_TICKET, style="dim"))
            return
        if ticket_id != self.ticket_id:
            self.order_notes = []
        self.ticket_id = ticket_id
        self._redraw()
        if ticket_id not in self._refreshed:
            self._shops_timer = self.set_timer(SHOPS_DELAY, lambda: self._ask_shops(ticket_id))

    def _ask_shops(self, ticket_id: int) -> None:
        """The cursor still rests on the ticket: ask for its orders (the app decides whether
        they are stale and tells the panel, OrdersRefreshing then OrdersRefreshed)."""
        self._shops_timer = None
        if ticket_id != self._wanted or ticket_id in self._refreshed:
            return
        self._refreshed.add(ticket_id)
        self.post_message(OrdersWanted(self, ticket_id).set_sender(self))

    def _redraw(self) -> None:
        if self.ticket_id is None:
            return
        if self._following:
            self._reads += 1
            self._read_worker(self._reads, self.ticket_id, list(self.order_notes), self.now())
            return
        self.update(
            customer_text(self.store, self.ticket_id, self.now(), self.order_notes, self.tz)
        )

    @work(thread=True, group="customer", exit_on_error=False)
    def _read_worker(self, read: int, ticket_id: int, notes: list[str], now: datetime) -> None:
        with self._read_lock:
            if read != self._reads or not self.is_mounted:
                return  # the cursor moved on (or the orders came) while an earlier read ran
            with self.store.for_thread(read_only=True) as store:
                text = customer_text(store, ticket_id, now, notes, self.tz)
        self.app.call_from_thread(self._read_done, read, text)

    def _read_done(self, read: int, text: Text) -> None:
        if read == self._reads and self.is_mounted:
            self.update(text)

    def _stop_timers(self) -> None:
        for timer in (self._follow_timer, self._shops_timer):
            if timer is not None:
                timer.stop()
        self._follow_timer = self._shops_timer = None

    def on_unmount(self) -> None:
        self._stop_timers()

    @on(OrdersRefreshing)
    def _refreshing(self, fact: OrdersRefreshing) -> None:
        if fact.ticket_id == self.ticket_id:
            self.order_notes = [REFRESHING]
            self._redraw()

    @on(OrdersRefreshed)
    def _refreshed_orders(self, fact: OrdersRefreshed) -> None:
        if fact.ticket_id != self.ticket_id or not self.is_mounted:
            return
        self.order_notes = _notes(fact.outcome)
        self._redraw()


REFRESHING = "refreshing orders…"


def _notes(outcome: RefreshOutcome) -> list[str]:
    """What the panel says after a refresh: nothing when all went well; offline quietly."""
    others = [error for error in outcome.errors if error not in outcome.unreachable]
    if outcome.offline:
        return ["offline: showing the orders saved earlier", *others]
    return others

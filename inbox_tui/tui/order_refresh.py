"""The app's part in a customer's orders: a panel that shows a ticket asks (OrdersWanted);
when the config names shops and the cached orders are stale, a worker asks the shops and the
panel hears how it went (OrdersRefreshing, OrdersRefreshed)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual import work

from inbox_tui.sanitize import clean_line
from inbox_tui.store.db import Store
from inbox_tui.tui.messages import OrdersRefreshed, OrdersRefreshing, OrdersWanted

if TYPE_CHECKING:  # the HTTP side is imported by the worker, not at start-up
    from textual.widget import Widget

    from inbox_tui.marketplaces.orders import OrderRefresher


class OrderRefresh:
    """Mixed into InboxApp (which has the store, the clock and the config)."""

    store: Store
    config: Any
    now: Any
    reaches_out: Any  # InboxApp's property
    call_from_thread: Any
    order_refresher: OrderRefresher | None  # the app's; a test may give its own
    _looked_for_shops = False

    def _orders(self) -> OrderRefresher | None:
        """The refresher: the one given, else one made once from the config when it names
        order providers; None when there are none."""
        if self.order_refresher is None and not self._looked_for_shops:
            self._looked_for_shops = True
            from inbox_tui.marketplaces.orders import OrderRefresher, configured_providers

            if configured_providers(self.config):
                self.order_refresher = OrderRefresher(self.config)
        return self.order_refresher

    def on_orders_wanted(self, intent: OrdersWanted) -> None:
        # (a handler by name: Textual collects @on handlers only from its own classes, not mixins)
        # a store only in memory never reaches out (InboxApp.reaches_out)
        refresher = self._orders() if self.reaches_out else None
        if refresher is None or not refresher.enabled:
            return
        now = self.now()
        if refresher.needs_refresh(self.store, intent.ticket_id, now):
            intent.panel.post_message(OrdersRefreshing(intent.ticket_id))
            self._orders_worker(refresher, intent.panel, intent.ticket_id, now)

    @work(thread=True, group="orders", exit_on_error=False)
    def _orders_worker(
        self, refresher: OrderRefresher, panel: Widget, ticket_id: int, now: datetime
    ) -> None:
        from inbox_tui.marketplaces.orders import RefreshOutcome

        try:
            with self.store.for_thread() as store:
                outcome = refresher.refresh(store, ticket_id, now)
        except Exception as exc:  # the store itself failed: say so, never crash the inbox
            outcome = RefreshOutcome(errors=[clean_line(f"orders: could not refresh ({exc})")])
        self.call_from_thread(panel.post_message, OrdersRefreshed(ticket_id, outcome))

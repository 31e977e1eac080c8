"""Amazon: buyer mail through Amazon's relay (an IMAP source brings it), no links in replies,
and orders from the Selling Partner API by the order number the relay mail names."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from inbox_tui.channels.amazon.rules import no_links
from inbox_tui.channels.base import Channel, OrderProvider, OrderSource

if TYPE_CHECKING:
    from pydantic import BaseModel

    from inbox_tui.domain.orders import OrderQuery
    from inbox_tui.store.orders import OrderLookup

AMAZON = Channel(
    "amazon",
    "Amazon",
    timedelta(hours=24),
    "an Amazon buyer",
    addresses=r"@marketplace\.amazon\.[a-z.]+$",
    relay=True,
    threads_by_order=True,
    reply_rules=no_links,
)


class AmazonOrders(OrderSource):
    kind = "amazon"
    channel = "amazon"

    def config_model(self) -> type[BaseModel]:
        from inbox_tui.config.orders import AmazonOrdersConfig

        return AmazonOrdersConfig

    def build(self, config: Any, **options: Any) -> OrderProvider:
        from inbox_tui.channels.amazon.orders import AmazonOrders as Provider

        return Provider(config, **options)

    def lookup(self, ticket: OrderLookup) -> tuple[str, OrderQuery] | None:
        from inbox_tui.domain.orders import OrderQuery

        if ticket.channel != self.channel or not ticket.order_number:
            return None
        return f"order:{ticket.order_number}", OrderQuery(order_numbers=(ticket.order_number,))


CHANNELS = (AMAZON,)
ORDER_SOURCES = (AmazonOrders(),)

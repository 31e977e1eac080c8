"""Shopify: a store's contact-form and notification mail (through IMAP), and its orders from the
Admin GraphQL API by the customer's e-mail."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from inbox_tui.channels.base import Channel, OrderProvider, OrderSource

if TYPE_CHECKING:
    from pydantic import BaseModel


class ShopifyOrders(OrderSource):
    kind = "shopify"

    def config_model(self) -> type[BaseModel]:
        from inbox_tui.config.orders import ShopifyOrdersConfig

        return ShopifyOrdersConfig

    def build(self, config: Any, **options: Any) -> OrderProvider:
        from inbox_tui.channels.shopify.orders import ShopifyOrders as Provider

        return Provider(config, **options)


CHANNELS = (
    Channel(
        "shopify",
        "Shopify",
        timedelta(hours=48),
        "a Shopify store customer",
        business_hours=True,
        addresses=r"@(?:[a-z0-9-]+\.)*shopify(?:email)?\.com$",
    ),
)
ORDER_SOURCES = (ShopifyOrders(),)

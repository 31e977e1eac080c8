"""WooCommerce: no channel of its own (its customers write by e-mail); orders from a shop's
REST API by the customer's e-mail."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from inbox_tui.channels.base import OrderProvider, OrderSource

if TYPE_CHECKING:
    from pydantic import BaseModel


class WooCommerceOrders(OrderSource):
    kind = "woocommerce"

    def config_model(self) -> type[BaseModel]:
        from inbox_tui.config.orders import WooCommerceOrdersConfig

        return WooCommerceOrdersConfig

    def build(self, config: Any, **options: Any) -> OrderProvider:
        from inbox_tui.channels.woocommerce.orders import WooCommerceOrders as Provider

        return Provider(config, **options)


ORDER_SOURCES = (WooCommerceOrders(),)

"""Shops' order JSON is outside input: any shape reads into an order or none, never a crash,
and hostile text is stored clean and shown literally."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inbox_tui.channels.amazon import orders as amazon
from inbox_tui.channels.shopify import orders as shopify
from inbox_tui.channels.shopify.orders import ShopifyOrders
from inbox_tui.channels.woocommerce import orders as woocommerce
from inbox_tui.config import ShopifyOrdersConfig
from inbox_tui.domain.orders import FetchedOrder, OrderQuery
from inbox_tui.store.db import Store
from inbox_tui.store.orders import order_lookup, orders_for_ticket, save_fetched_orders
from inbox_tui.tui.widgets.customer_panel import customer_text
from tests.servers.shopify import ShopifyLine, ShopifyOrder, ShopifyServer

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),  # fmt: skip
    max_leaves=30,
)


def field_soup(keys: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Records using the real field names with values of any JSON type."""
    return st.dictionaries(st.sampled_from(keys), json_values, max_size=len(keys))


SHOPIFY_KEYS = ["name", "createdAt", "email", "displayFulfillmentStatus", "customer",
                "totalPriceSet", "lineItems", "fulfillments"]  # fmt: skip
WOO_KEYS = ["id", "number", "status", "currency", "date_created_gmt", "total", "billing",
            "line_items", "meta_data"]  # fmt: skip
AMAZON_KEYS = ["orderId", "createdTime", "buyer", "fulfillment", "orderItems", "packages",
               "proceeds"]  # fmt: skip
V0_KEYS = ["AmazonOrderId", "PurchaseDate", "OrderStatus", "OrderTotal", "BuyerInfo"]


def check(order: FetchedOrder | None) -> None:
    if order is None:
        return
    assert isinstance(order.order_number, str) and order.order_number
    assert order.total is None or isinstance(order.total, float)
    assert order.placed_at is None or order.placed_at.tzinfo is not None
    for line in order.items:
        assert line.title and isinstance(line.quantity, int) and line.quantity >= 0


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(
    field_soup(SHOPIFY_KEYS),
    field_soup(WOO_KEYS),
    field_soup(AMAZON_KEYS),
    field_soup(V0_KEYS),
    st.lists(json_values, max_size=3),
)
def test_any_json_reads_into_an_order_or_none(shop, woo, amz, v0, v0_items) -> None:
    check(shopify._order(shop))
    check(woocommerce._order(woo))
    check(amazon._order_2026(amz, "302-1234567-7654321"))
    check(amazon._order_v0(v0, v0_items, "302-1234567-7654321"))


@settings(max_examples=25, deadline=None)
@given(field_soup(SHOPIFY_KEYS) | field_soup(WOO_KEYS))
def test_whatever_a_shop_sends_is_stored_without_an_error(record) -> None:
    store = Store.open(":memory:")
    store.db["tickets"].insert(
        {"id": 1, "channel": "email", "subject": "#1001?", "created_at": "2026-11-01T00:00:00Z",
         "last_message_at": "2026-11-01T00:00:00Z"}
    )  # fmt: skip
    orders = [o for o in (shopify._order(record), woocommerce._order(record)) if o]
    lookup = order_lookup(store, 1)
    assert lookup is not None
    save_fetched_orders(store, lookup, "shop", "email:x@example.com", orders, fetched_at=NOW)
    assert len(orders_for_ticket(store, 1)) <= len(orders)
    store.close()


HOSTILE = "[bold red]FREE[/] \x1b]8;;https://evil.example\x07click\x1b]8;;\x07 \u202egnp.exe"


@pytest.fixture
def shop(monkeypatch: pytest.MonkeyPatch):
    with ShopifyServer() as server:
        monkeypatch.setenv("SHOPIFY_TOKEN", server.token)
        server.add(
            ShopifyOrder(
                "#1001",
                "jane@example.com",
                "2026-11-18T10:30:00Z",
                lines=[ShopifyLine(HOSTILE, "X", 1, "1.00")],
                tracking=[("1Z\x1b[2J999", "https://ups.example/\x1b[31m", "UPS\u202e")],
            )
        )
        yield server


def test_hostile_text_from_a_shop_is_stored_clean_and_shown_literally(store, shop) -> None:
    store.db["customers"].insert(
        {"id": 1, "email": "jane@example.com", "created_at": "2026-11-01T00:00:00Z"}
    )
    store.db["tickets"].insert(
        {"id": 1, "channel": "email", "customer_id": 1, "subject": "Where is #1001?",
         "created_at": "2026-11-01T00:00:00Z", "last_message_at": "2026-11-01T00:00:00Z"}
    )  # fmt: skip
    config = ShopifyOrdersConfig(
        name="shop", kind="shopify", base_url=shop.url, access_token_env="SHOPIFY_TOKEN"
    )
    provider = ShopifyOrders(config)
    orders = provider.orders_for(OrderQuery(email="jane@example.com"))
    provider.close()
    lookup = order_lookup(store, 1)
    assert lookup is not None
    save_fetched_orders(store, lookup, "shop", "email:jane@example.com", orders, fetched_at=NOW)
    [order] = orders_for_ticket(store, 1)
    stored = " ".join(
        [
            order.items[0].title,
            order.tracking_number or "",
            order.tracking_url or "",
            order.carrier or "",
        ]  # fmt: skip
    )
    assert "\x1b" not in stored and "\u202e" not in stored and "\x07" not in stored
    panel = customer_text(store, 1, NOW)
    assert "[bold red]FREE[/]" in panel.plain  # literal text, never markup
    assert all(span.style in ("bold", "dim", "bold underline", "") for span in panel.spans)

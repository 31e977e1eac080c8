"""eBay order context (Fulfillment API) for a buyer, against the loopback eBay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from inbox_tui.channels.ebay.api import EbayOrders
from inbox_tui.channels.ebay.mail import member_address, username_of
from inbox_tui.config import EbaySourceConfig
from inbox_tui.domain.orders import OrderLine, OrderQuery
from inbox_tui.marketplaces.http import ApiError
from tests.servers.ebay import ORDER_API, EbayServer, ebay_time

TOKEN_ENV = "TEST_EBAY_TOKEN"


@pytest.fixture
def ebay():
    with EbayServer("anatolia_textiles") as server:
        yield server


@pytest.fixture
def orders(ebay: EbayServer, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(TOKEN_ENV, ebay.issue_token())
    config = EbaySourceConfig(
        name="ebay-shop", kind="ebay", base_url=ebay.url, access_token_env=TOKEN_ENV
    )
    provider = EbayOrders(config)
    yield provider
    provider.close()


def test_a_buyers_orders_newest_first_with_tracking(ebay: EbayServer, orders: EbayOrders) -> None:
    old = ebay_time(datetime.now(UTC) - timedelta(days=20))
    ebay.add_order("11-11111-11111", "Jane_Buyer", creationDate=old, lastModifiedDate=old)
    ebay.add_order(
        "22-22222-22222",
        "jane_buyer",
        status="FULFILLED",
        total="51.00",
        lineItems=[
            {
                "title": "Kilim\x1b[31m runner",
                "sku": "KR-2",
                "quantity": 2,
                "lineItemCost": {"value": "51.00", "currency": "USD"},
            }
        ],
        fulfillments=[
            {
                "fulfillmentId": "f1",
                "shipmentTrackingNumber": "1Z999",
                "shippingCarrierCode": "UPS",
                "shippedDate": ebay_time(datetime.now(UTC)),
            }
        ],
    )
    ebay.add_order("33-33333-33333", "someone_else")
    found = orders.orders_for(OrderQuery(username="jane_buyer"))
    assert [o.order_number for o in found] == ["22-22222-22222", "11-11111-11111"]
    newest = found[0]
    assert (newest.provider, newest.status, newest.total, newest.currency) == (
        "ebay",
        "FULFILLED",
        51.0,
        "USD",
    )
    assert newest.items == (OrderLine("Kilim runner", "KR-2", 2, 25.5),)
    assert (newest.carrier, newest.tracking_number) == ("UPS", "1Z999")
    assert newest.buyer_username == "jane_buyer" and newest.shipped_at is not None
    assert found[1].tracking_number is None  # not shipped: no extra call for it
    assert ebay.requests_to(ORDER_API + "/11-11111-11111") == 0


def test_by_order_number(ebay: EbayServer, orders: EbayOrders) -> None:
    ebay.add_order("22-22222-22222", "jane_buyer")
    ebay.add_order("33-33333-33333", "someone_else")
    found = orders.orders_for(OrderQuery(order_numbers=("33-33333-33333",)))
    assert [o.order_number for o in found] == ["33-33333-33333"]


def test_a_named_older_order_joins_the_buyers_recent_ones(
    ebay: EbayServer, orders: EbayOrders
) -> None:
    old = ebay_time(datetime.now(UTC) - timedelta(days=400))
    ebay.add_order("11-11111-11111", "jane_buyer", creationDate=old, lastModifiedDate=old)
    ebay.add_order("22-22222-22222", "jane_buyer")
    query = OrderQuery(username="jane_buyer", order_numbers=("11-11111-11111",))
    assert [o.order_number for o in orders.orders_for(query)] == [
        "22-22222-22222",
        "11-11111-11111",
    ]
    query = OrderQuery(username="jane_buyer", order_numbers=("22-22222-22222",))
    before = ebay.requests_to(ORDER_API)
    assert [o.order_number for o in orders.orders_for(query)] == ["22-22222-22222"]
    assert ebay.requests_to(ORDER_API) - before == 1  # found among the recent: no second call


def test_nothing_found_is_an_empty_list(ebay: EbayServer, orders: EbayOrders) -> None:
    ebay.add_order("22-22222-22222", "jane_buyer")
    assert orders.orders_for(OrderQuery(username="nobody")) == []
    assert orders.orders_for(OrderQuery(order_numbers=("99-99999-99999",))) == []
    assert orders.orders_for(OrderQuery(email="jane@example.com")) == []  # no username: no call


def test_an_order_lookup_that_fails_is_one_line(ebay: EbayServer, orders: EbayOrders) -> None:
    ebay.fail_next(403, {"errors": [{"errorId": 1100, "message": "Access denied"}]}, path=ORDER_API)
    with pytest.raises(ApiError) as caught:
        orders.orders_for(OrderQuery(username="jane_buyer"))
    assert str(caught.value) == (
        "ebay-shop: GET /sell/fulfillment/v1/order failed: HTTP 403 (Access denied); the token"
        " lacks the permission (scope) for this call"
    )


def test_a_tickets_customer_address_gives_the_buyer_name() -> None:
    assert username_of(member_address("Jane.Buyer")) == "jane.buyer"
    assert username_of("jane@example.com") is None

"""Order providers against loopback shops that follow the real contracts: Amazon SP-API (with
Login with Amazon), Shopify Admin GraphQL and WooCommerce REST, over real sockets."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from inbox_tui.channels.amazon.orders import AmazonOrders
from inbox_tui.channels.shopify.orders import ShopifyOrders
from inbox_tui.channels.woocommerce.orders import WooCommerceOrders
from inbox_tui.config import AmazonOrdersConfig, ShopifyOrdersConfig, WooCommerceOrdersConfig
from inbox_tui.domain.orders import OrderQuery
from inbox_tui.marketplaces.http import ApiError
from tests.servers.amazon import AmazonItem, AmazonOrder, AmazonServer
from tests.servers.shopify import ShopifyLine, ShopifyOrder, ShopifyServer
from tests.servers.woocommerce import WooCommerceServer, WooLine, WooOrder

ORDER = "302-1234567-7654321"


def one_line(error: ApiError) -> str:
    text = str(error)
    assert "\n" not in text and len(text) < 400, text
    return text


# --- Amazon -----------------------------------------------------------------------------------


@pytest.fixture
def amazon(monkeypatch: pytest.MonkeyPatch):
    with AmazonServer() as server:
        server.add(
            AmazonOrder(
                ORDER,
                created="2026-11-20T09:15:00Z",
                buyer_email="0abc@marketplace.amazon.de",
                buyer_name="Jane Doe",
                items=[
                    AmazonItem("Peshtemal beach towel", "PT-1", 2, "29.90"),
                    AmazonItem("Olive oil soap", "OS-3", 1, "6.50"),
                ],
                carrier="DHL",
                tracking_number="00340434161234567890",
                ship_time="2026-11-21T15:00:00Z",
            )
        )
        monkeypatch.setenv("LWA_SECRET", server.client_secret)
        monkeypatch.setenv("LWA_REFRESH", next(iter(server.refresh_tokens)))
        yield server


def amazon_provider(server: AmazonServer) -> AmazonOrders:
    config = AmazonOrdersConfig(
        name="amz",
        kind="amazon",
        base_url=server.url,
        token_url=server.token_url,
        client_id=server.client_id,
        client_secret_env="LWA_SECRET",
        refresh_token_env="LWA_REFRESH",
        max_per_second=50,
    )
    return AmazonOrders(config)


def test_amazon_finds_the_order_with_items_total_and_tracking(amazon: AmazonServer) -> None:
    provider = amazon_provider(amazon)
    [order] = provider.orders_for(OrderQuery(order_numbers=(ORDER,)))
    provider.close()
    assert order.order_number == ORDER
    assert order.placed_at == datetime(2026, 11, 20, 9, 15, tzinfo=UTC)
    assert (order.total, order.currency, order.status) == (66.3, "EUR", "shipped")
    assert [(i.title, i.quantity, i.price) for i in order.items] == [
        ("Peshtemal beach towel", 2, 29.9),
        ("Olive oil soap", 1, 6.5),
    ]
    assert (order.carrier, order.tracking_number) == ("DHL", "00340434161234567890")
    token_calls = amazon.calls_to("/auth/o2/token")
    assert len(token_calls) == 1 and token_calls[0].form()["client_id"] == amazon.client_id
    [call] = amazon.calls_to("/orders/2026-01-01/")
    assert call.headers["x-amz-access-token"].startswith("Atza|")


def test_amazon_order_that_does_not_exist_is_no_order_and_no_fallback(amazon) -> None:
    provider = amazon_provider(amazon)
    assert provider.orders_for(OrderQuery(order_numbers=("999-0000000-0000000",))) == []
    assert provider.orders_for(OrderQuery()) == []  # nothing to look up by
    assert amazon.calls_to("/orders/v0/") == []
    provider.close()


def test_amazon_falls_back_to_v0_when_the_endpoint_has_no_2026_version(amazon) -> None:
    amazon.v2026 = False
    amazon.items_page = 1  # the two lines come on two pages (NextToken)
    provider = amazon_provider(amazon)
    [order] = provider.orders_for(OrderQuery(order_numbers=(ORDER,)))
    assert order.total == 66.3 and order.status == "shipped"
    assert [(i.title, i.quantity, i.price) for i in order.items] == [
        ("Peshtemal beach towel", 2, 29.9),
        ("Olive oil soap", 1, 6.5),
    ]
    assert order.buyer_name == "Jane Doe"
    provider.orders_for(OrderQuery(order_numbers=(ORDER,)))
    assert len(amazon.calls_to("/orders/2026-01-01/")) == 1  # learnt once, not asked again
    assert len(amazon.calls_to("/orderItems")) == 4
    provider.close()


def test_amazon_expired_access_token_is_renewed_once(amazon) -> None:
    provider = amazon_provider(amazon)
    provider.orders_for(OrderQuery(order_numbers=(ORDER,)))
    amazon.expire_tokens()
    [order] = provider.orders_for(OrderQuery(order_numbers=(ORDER,)))
    assert order.tracking_number == "00340434161234567890"
    assert len(amazon.calls_to("/auth/o2/token")) == 2
    provider.close()


def test_amazon_revoked_refresh_token_says_what_to_do(amazon) -> None:
    amazon.revoke()
    provider = amazon_provider(amazon)
    with pytest.raises(ApiError) as caught:
        provider.orders_for(OrderQuery(order_numbers=(ORDER,)))
    text = one_line(caught.value)
    assert "refresh token was refused" in text and "get a new one" in text and "'amz'" in text
    assert amazon.calls_to("/orders/") == []  # no API call without a token
    provider.close()


def test_amazon_ready_access_token_that_expired_is_one_line(amazon, monkeypatch) -> None:
    monkeypatch.setenv("AMZ_TOKEN", "Atza|stale")
    config = AmazonOrdersConfig(
        name="amz", kind="amazon", base_url=amazon.url, access_token_env="AMZ_TOKEN"
    )
    provider = AmazonOrders(config)
    with pytest.raises(ApiError) as caught:
        provider.orders_for(OrderQuery(order_numbers=(ORDER,)))
    assert "expired" in one_line(caught.value) and caught.value.status == 403
    assert len(amazon.calls_to("/orders/")) == 1  # a static token cannot be renewed
    provider.close()


def test_amazon_malformed_json_is_one_line(amazon) -> None:
    provider = amazon_provider(amazon)
    provider.orders_for(OrderQuery(order_numbers=(ORDER,)))  # the token first
    amazon.malformed_next()
    with pytest.raises(ApiError) as caught:
        provider.orders_for(OrderQuery(order_numbers=(ORDER,)))
    assert "malformed JSON" in one_line(caught.value)
    provider.close()


# --- Shopify ----------------------------------------------------------------------------------


@pytest.fixture
def shopify(monkeypatch: pytest.MonkeyPatch):
    with ShopifyServer() as server:
        monkeypatch.setenv("SHOPIFY_TOKEN", server.token)
        server.add(
            ShopifyOrder(
                "#1001",
                "Jane@Example.com",
                "2026-10-02T08:00:00Z",
                customer_name="Jane Doe",
                lines=[ShopifyLine("Linen scarf", "LS-1", 1, "35.00")],
            )
        )
        server.add(
            ShopifyOrder(
                "#1042",
                "jane@example.com",
                "2026-11-18T10:30:00Z",
                customer_name="Jane Doe",
                lines=[ShopifyLine("Peshtemal towel", "PT-1", 2, "29.90")],
                tracking=[("1Z999AA10123456784", "https://ups.example/1Z999AA10123456784", "UPS")],
                shipped_at="2026-11-19T12:00:00Z",
            )
        )
        server.add(ShopifyOrder("#1043", "someone@else.example", "2026-11-19T10:00:00Z"))
        yield server


def shopify_provider(server: ShopifyServer, version: str = "2025-10") -> ShopifyOrders:
    config = ShopifyOrdersConfig(
        name="shop",
        kind="shopify",
        base_url=server.url,
        api_version=version,
        access_token_env="SHOPIFY_TOKEN",
        max_per_second=50,
    )
    return ShopifyOrders(config)


def test_shopify_finds_the_customers_orders_newest_first_with_tracking(shopify) -> None:
    provider = shopify_provider(shopify)
    orders = provider.orders_for(OrderQuery(email="jane@example.com"))
    provider.close()
    assert [o.order_number for o in orders] == ["#1042", "#1001"]
    newest = orders[0]
    assert (newest.total, newest.currency, newest.status) == (59.8, "EUR", "fulfilled")
    assert (newest.carrier, newest.tracking_number) == ("UPS", "1Z999AA10123456784")
    assert newest.tracking_url == "https://ups.example/1Z999AA10123456784"
    assert newest.shipped_at == datetime(2026, 11, 19, 12, tzinfo=UTC)
    assert [(i.title, i.quantity, i.price) for i in newest.items] == [("Peshtemal towel", 2, 29.9)]
    [call] = shopify.seen
    assert call.path == "/admin/api/2025-10/graphql.json"
    assert call.json()["variables"]["query"] == 'email:"jane@example.com"'


def test_shopify_pages_through_many_orders_and_finds_none_for_a_stranger(shopify) -> None:
    for number in range(70):
        shopify.add(
            ShopifyOrder(
                f"#2{number:03d}", "bulk@example.com", f"2026-09-{1 + number % 28:02d}T00:00:00Z"
            )
        )
    provider = shopify_provider(shopify)
    assert len(provider.orders_for(OrderQuery(email="bulk@example.com"))) == 70
    assert len(shopify.seen) == 2
    assert provider.orders_for(OrderQuery(email="nobody@example.com")) == []
    assert provider.orders_for(OrderQuery(order_numbers=(ORDER,))) == []  # no e-mail: not asked
    assert len(shopify.seen) == 3
    provider.close()


def test_shopify_throttle_waits_for_the_bucket_and_asks_again(shopify) -> None:
    shopify.throttled = 1  # 2 points left, the query costs 52, 100 restored a second: ~0.5 s
    provider = shopify_provider(shopify)
    started = time.monotonic()
    orders = provider.orders_for(OrderQuery(email="jane@example.com"))
    assert time.monotonic() - started >= 0.45
    assert len(orders) == 2 and len(shopify.seen) == 2
    provider.close()


def test_shopify_refused_token_and_graphql_errors_are_one_line(shopify, monkeypatch) -> None:
    monkeypatch.setenv("SHOPIFY_TOKEN", "shpat_wrong")
    provider = shopify_provider(shopify)
    with pytest.raises(ApiError) as caught:
        provider.orders_for(OrderQuery(email="jane@example.com"))
    assert "HTTP 401" in one_line(caught.value) and "Invalid API key" in str(caught.value)
    provider.close()
    monkeypatch.setenv("SHOPIFY_TOKEN", shopify.token)
    shopify.graphql_errors = [
        {"message": "Access denied for orders field.", "extensions": {"code": "ACCESS_DENIED"}}
    ]
    provider = shopify_provider(shopify)
    with pytest.raises(ApiError) as caught:
        provider.orders_for(OrderQuery(email="jane@example.com"))
    assert "Access denied for orders field" in one_line(caught.value)
    provider.close()


def test_shopify_server_error_once_is_retried(shopify) -> None:
    shopify.fail_once(500)
    provider = shopify_provider(shopify)
    assert len(provider.orders_for(OrderQuery(email="jane@example.com"))) == 2
    assert shopify.requests_to("/admin/api/") == 2  # the failed one and its retry
    provider.close()


# --- WooCommerce ------------------------------------------------------------------------------


@pytest.fixture
def woo(monkeypatch: pytest.MonkeyPatch):
    with WooCommerceServer() as server:
        monkeypatch.setenv("WOO_SECRET", "cs_test")
        server.add_customer(7, "ayse@posta.example", "Ayşe", "Yılmaz")
        for number in range(1, 131):  # two pages of 100
            server.add(
                WooOrder(
                    1000 + number,
                    "ayse@posta.example",
                    f"2026-{1 + number % 10:02d}-{1 + number % 27:02d}T10:00:00",
                    customer_id=7,
                    lines=[WooLine("Kilim cushion", "KC-2", 1, 45.0)],
                )
            )
        server.add(
            WooOrder(
                5000,
                "ayse@posta.example",
                "2026-11-25T08:00:00",
                first_name="Ayşe",
                last_name="Yılmaz",
                status="processing",
                lines=[WooLine("Peshtemal towel", "PT-1", 2, 29.9)],
                tracking=[
                    {
                        "tracking_provider": "dhl",
                        "custom_tracking_provider": "",
                        "custom_tracking_link": "https://dhl.example/track/JJD000390007",
                        "tracking_number": "JJD000390007",
                        "date_shipped": "1764460800",
                    }
                ],
            )
        )  # a guest order: no customer id
        server.add(WooOrder(5001, "maria-ayse@posta.example", "2026-11-26T08:00:00"))
        yield server


def woo_provider(server: WooCommerceServer) -> WooCommerceOrders:
    config = WooCommerceOrdersConfig(
        name="woo",
        kind="woocommerce",
        base_url=server.url,
        consumer_key="ck_test",
        consumer_secret_env="WOO_SECRET",
        max_per_second=50,
    )
    return WooCommerceOrders(config)


def test_woocommerce_finds_registered_and_guest_orders_across_pages(woo) -> None:
    provider = woo_provider(woo)
    orders = provider.orders_for(OrderQuery(email="Ayse@Posta.example"))
    provider.close()
    assert len(orders) == 131  # 130 as a customer + 1 as a guest, not maria-ayse's
    guest = orders[0]  # the newest
    assert guest.order_number == "5000" and guest.status == "processing"
    assert (guest.total, guest.currency, guest.buyer_name) == (59.8, "EUR", "Ayşe Yılmaz")
    assert (guest.carrier, guest.tracking_number) == ("dhl", "JJD000390007")
    assert guest.tracking_url == "https://dhl.example/track/JJD000390007"
    assert guest.shipped_at == datetime(2025, 11, 30, tzinfo=UTC)
    pages = [r.arg("page") for r in woo.calls_to("/orders") if r.arg("customer") == "7"]
    assert pages == ["1", "2"]
    assert all(r.headers["authorization"].startswith("Basic ") for r in woo.seen)


def test_woocommerce_nobody_by_that_address_has_no_orders(woo) -> None:
    provider = woo_provider(woo)
    assert provider.orders_for(OrderQuery(email="nobody@nowhere.example")) == []
    provider.close()


def test_woocommerce_honours_retry_after(woo) -> None:
    woo.rate_limit_once(retry_after="1")
    provider = woo_provider(woo)
    started = time.monotonic()
    assert len(provider.orders_for(OrderQuery(email="ayse@posta.example"))) == 131
    assert time.monotonic() - started >= 0.95
    provider.close()


def test_woocommerce_wrong_secret_is_one_line(woo, monkeypatch) -> None:
    monkeypatch.setenv("WOO_SECRET", "cs_wrong")
    provider = woo_provider(woo)
    with pytest.raises(ApiError) as caught:
        provider.orders_for(OrderQuery(email="ayse@posta.example"))
    text = one_line(caught.value)
    assert "WooCommerce (woo)" in text and "HTTP 401" in text and "cannot list" in text
    provider.close()


def test_woocommerce_malformed_json_is_one_line(woo) -> None:
    woo.malformed_next()
    provider = woo_provider(woo)
    with pytest.raises(ApiError) as caught:
        provider.orders_for(OrderQuery(email="ayse@posta.example"))
    assert "malformed JSON" in one_line(caught.value)
    provider.close()


def test_an_unreachable_shop_is_reported_offline_in_one_line(monkeypatch) -> None:
    server = WooCommerceServer().start()
    url = server.url
    server.stop()  # nothing listens there any more
    monkeypatch.setenv("WOO_SECRET", "cs_test")
    config = WooCommerceOrdersConfig(
        name="woo",
        kind="woocommerce",
        base_url=url,
        consumer_key="ck",
        consumer_secret_env="WOO_SECRET",
    )
    provider = WooCommerceOrders(config, sleep=lambda seconds: None)
    with pytest.raises(ApiError) as caught:
        provider.orders_for(OrderQuery(email="ayse@posta.example"))
    assert caught.value.offline and "cannot reach" in one_line(caught.value)
    provider.close()

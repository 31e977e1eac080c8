"""refresh_orders: a ticket's orders fetched from the providers that can answer for it, cached
for `orders.refresh_after_minutes`, tied to the customer and ticket, and used by templates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from inbox_tui.config import Config, parse_config
from inbox_tui.importer import import_maildir
from inbox_tui.marketplaces.orders import OrderProviders, refresh_orders
from inbox_tui.store.orders import orders_for_ticket
from inbox_tui.store.reply_context import reply_context
from inbox_tui.templates import render, shipped_templates
from tests.mailgen import make_mail, write_maildir
from tests.servers.amazon import AmazonItem, AmazonOrder, AmazonServer
from tests.servers.shopify import ShopifyLine, ShopifyOrder, ShopifyServer
from tests.servers.woocommerce import WooCommerceServer, WooLine, WooOrder

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
AMAZON_ORDER = "302-1234567-7654321"
RELAY = ("Jane Doe - Amazon Marketplace", "0abc@marketplace.amazon.de")


class Shops:
    """The three loopback shops, with what Jane (e-mail) and an Amazon buyer ordered."""

    def __init__(self) -> None:
        self.shopify = ShopifyServer().start()
        self.woo = WooCommerceServer().start()
        self.amazon = AmazonServer().start()
        self.shopify.add(
            ShopifyOrder(
                "#1042",
                "jane@example.com",
                "2026-11-18T10:30:00Z",
                customer_name="Jane Doe",
                lines=[ShopifyLine("Peshtemal towel", "PT-1", 2, "29.90")],
                tracking=[("1Z999AA10123456784", "https://ups.example/1Z999AA10123456784", "UPS")],
            )
        )
        self.shopify.add(
            ShopifyOrder("#1001", "jane@example.com", "2026-12-01T08:00:00Z",
                         lines=[ShopifyLine("Linen scarf", "LS-1", 1, "35.00")])
        )  # fmt: skip
        self.woo.add(
            WooOrder(77, "jane@example.com", "2026-06-01T10:00:00",
                     lines=[WooLine("Kilim cushion", "KC-2", 1, 45.0)])
        )  # fmt: skip
        self.amazon.add(
            AmazonOrder(
                AMAZON_ORDER,
                "2026-11-20T09:15:00Z",
                items=[AmazonItem("Olive oil soap", "OS-3", 3, "6.50")],
                carrier="DHL",
                tracking_number="00340434161234567890",
            )
        )

    def config(self, minutes: int = 60) -> Config:
        return parse_config(
            f"""
orders:
  refresh_after_minutes: {minutes}
  providers:
    - {{name: shop, kind: shopify, base_url: "{self.shopify.url}",
        access_token_env: SHOPIFY_TOKEN, max_per_second: 50}}
    - {{name: woo, kind: woocommerce, base_url: "{self.woo.url}", consumer_key: ck_test,
        consumer_secret_env: WOO_SECRET, max_per_second: 50}}
    - {{name: amz, kind: amazon, base_url: "{self.amazon.url}",
        token_url: "{self.amazon.token_url}", client_id: {self.amazon.client_id},
        client_secret_env: LWA_SECRET, refresh_token_env: LWA_REFRESH, max_per_second: 50}}
"""
        )

    def stop(self) -> None:
        for server in (self.shopify, self.woo, self.amazon):
            server.stop()


@pytest.fixture
def shops(monkeypatch: pytest.MonkeyPatch):
    shops = Shops()
    monkeypatch.setenv("SHOPIFY_TOKEN", shops.shopify.token)
    monkeypatch.setenv("WOO_SECRET", "cs_test")
    monkeypatch.setenv("LWA_SECRET", shops.amazon.client_secret)
    monkeypatch.setenv("LWA_REFRESH", next(iter(shops.amazon.refresh_tokens)))
    yield shops
    shops.stop()


def tickets(store, tmp_path: Path) -> tuple[int, int]:
    """An e-mail ticket from Jane about #1042, and an Amazon relay ticket naming an order."""
    mails = [
        make_mail(
            subject="Where is order #1042?",
            sender=("Jane Doe", "jane@example.com"),
            message_id="<jane@example.com>",
        ),
        make_mail(
            subject=f"Lieferung (Bestellung: {AMAZON_ORDER})",
            sender=RELAY,
            message_id="<relay@amazon.de>",
        ),
    ]
    import_maildir(store, write_maildir(tmp_path / "Mail", mails))
    email = store.conn.execute("SELECT id FROM tickets WHERE channel = 'email'").fetchone()[0]
    amazon = store.conn.execute("SELECT id FROM tickets WHERE channel = 'amazon'").fetchone()[0]
    return email, amazon


def test_email_ticket_gets_the_shops_orders_and_its_own_order_first(store, tmp_path, shops):
    email, _ = tickets(store, tmp_path)
    outcome = refresh_orders(store, shops.config(), email, now=NOW)
    assert outcome.errors == [] and sorted(outcome.asked) == ["shop", "woo"]  # not Amazon
    assert outcome.found == 3
    orders = orders_for_ticket(store, email)
    assert [(o.order_number, o.linked) for o in orders] == [
        ("#1042", True),  # the subject names it
        ("#1001", False),
        ("77", False),
    ]
    assert orders[0].tracking_number == "1Z999AA10123456784" and orders[0].carrier == "UPS"
    assert shops.amazon.seen == []


def test_amazon_ticket_asks_amazon_by_its_order_number(store, tmp_path, shops):
    _, amazon = tickets(store, tmp_path)
    outcome = refresh_orders(store, shops.config(), amazon, now=NOW)
    assert outcome.asked == ["amz"] and outcome.errors == []
    [order] = orders_for_ticket(store, amazon)
    assert order.linked and order.order_number == AMAZON_ORDER
    assert order.tracking_number == "00340434161234567890"
    assert shops.shopify.seen == [] and shops.woo.seen == []  # a relay address is no e-mail


def test_cached_orders_are_not_asked_for_again_within_the_age(store, tmp_path, shops):
    email, _ = tickets(store, tmp_path)
    config = shops.config(minutes=60)
    refresh_orders(store, config, email, now=NOW)
    asked = len(shops.shopify.seen), len(shops.woo.seen)
    again = refresh_orders(store, config, email, now=NOW + timedelta(minutes=59))
    assert again.asked == [] and (len(shops.shopify.seen), len(shops.woo.seen)) == asked
    shops.shopify.orders[0].tracking = [("NEW-TRACKING-1", None, "DHL")]
    later = refresh_orders(store, config, email, now=NOW + timedelta(minutes=61))
    assert sorted(later.asked) == ["shop", "woo"]
    assert orders_for_ticket(store, email)[0].tracking_number == "NEW-TRACKING-1"


def test_one_failing_provider_does_not_stop_the_others(store, tmp_path, shops, monkeypatch):
    email, _ = tickets(store, tmp_path)
    monkeypatch.setenv("WOO_SECRET", "cs_wrong")
    outcome = refresh_orders(store, shops.config(), email, now=NOW)
    [error] = outcome.errors
    assert error.startswith("WooCommerce (woo):") and "HTTP 401" in error and "\n" not in error
    assert not outcome.offline
    assert [o.order_number for o in orders_for_ticket(store, email)] == ["#1042", "#1001"]
    monkeypatch.setenv("WOO_SECRET", "cs_test")
    retry = refresh_orders(store, shops.config(), email, now=NOW + timedelta(minutes=1))
    assert retry.asked == ["woo"] and retry.errors == []  # the failure was not cached


def test_a_missing_secret_and_an_unreachable_shop_are_one_line_each(
    store, tmp_path, shops, monkeypatch
):
    email, _ = tickets(store, tmp_path)
    monkeypatch.delenv("SHOPIFY_TOKEN")
    shops.woo.stop()
    providers = OrderProviders.from_config(shops.config(), sleep=lambda seconds: None)
    outcome = refresh_orders(store, shops.config(), email, now=NOW, providers=providers)
    providers.close()
    assert len(outcome.errors) == 2 and outcome.offline
    assert "SHOPIFY_TOKEN is not set" in outcome.errors[0]
    assert "cannot reach" in outcome.errors[1]
    assert orders_for_ticket(store, email) == []


def test_a_reply_template_shows_the_tracking_number_from_the_provider(store, tmp_path, shops):
    email, amazon = tickets(store, tmp_path)
    config = shops.config()
    for ticket in (email, amazon):
        refresh_orders(store, config, ticket, now=NOW)
    wismo = next(t for t in shipped_templates() if t.key == "wismo")
    for ticket, number, tracking in (
        (email, "#1042", "1Z999AA10123456784"),
        (amazon, AMAZON_ORDER, "00340434161234567890"),
    ):
        context = reply_context(store, ticket, seller=config.seller, today=date(2026, 11, 30))
        reply = render(wismo, context)
        assert reply.ok, reply.missing
        assert reply.subject == f"Your order {number}"
        assert f"tracking number {tracking}" in reply.body


def test_ebay_ticket_asks_the_ebay_source_for_the_buyers_orders(store, monkeypatch) -> None:
    from tests.servers.ebay import EbayServer

    with EbayServer() as ebay:
        ebay.add_order(
            "12-03456-78901",
            "kilim_fan",
            status="FULFILLED",
            fulfillments=[
                {
                    "fulfillmentId": "F1",
                    "shipmentTrackingNumber": "9400111899223100001234",
                    "shippingCarrierCode": "USPS",
                    "shippedDate": "2026-11-21T10:00:00.000Z",
                }
            ],
        )
        ebay.add_order("12-99999-00000", "someone_else")
        monkeypatch.setenv("EBAY_TOKEN", ebay.issue_token())
        store.db["customers"].insert(
            {"id": 5, "channel": "ebay", "marketplace_user": "kilim_fan",
             "created_at": "2026-11-01T00:00:00Z"}
        )  # fmt: skip
        store.db["tickets"].insert(
            {"id": 9, "channel": "ebay", "customer_id": 5, "subject": "Shipping question",
             "created_at": "2026-11-01T00:00:00Z", "last_message_at": "2026-11-01T00:00:00Z"}
        )  # fmt: skip
        config = parse_config(
            f"sources:\n  - {{name: ebay-shop, kind: ebay, base_url: '{ebay.url}',"
            " access_token_env: EBAY_TOKEN, username: anatolia_textiles}\n"
        )
        outcome = refresh_orders(store, config, 9, now=NOW)
    assert outcome.asked == ["ebay-shop"] and outcome.errors == []
    [order] = orders_for_ticket(store, 9)
    assert order.order_number == "12-03456-78901" and order.customer_id == 5
    assert (order.carrier, order.tracking_number) == ("USPS", "9400111899223100001234")

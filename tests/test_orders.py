"""Order context: upsert by (provider, number), customers by email, links to tickets, ordering."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from inbox_tui.store.db import Store
from inbox_tui.store.orders import (
    OrderItem,
    link_orders_by_number,
    link_ticket_order,
    orders_for_customer,
    orders_for_ticket,
    upsert_order,
)

DAY = timedelta(days=1)
T0 = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def store() -> Store:
    store = Store.open(":memory:")
    store.db["customers"].insert_all(
        [
            {
                "id": 1,
                "email": "ayse@posta.example",
                "name": "Ayşe Yılmaz",
                "created_at": "2026-10-01T00:00:00Z",
            },
            {
                "id": 2,
                "email": "max@web.example",
                "name": "Max",
                "created_at": "2026-10-01T00:00:00Z",
            },
        ]
    )
    store.db["tickets"].insert_all(
        [
            {"id": 10, "channel": "amazon", "customer_id": 1, "order_number": "302-1234567-7654321",
             "created_at": "2026-11-02T00:00:00Z", "last_message_at": "2026-11-02T00:00:00Z"},
            {"id": 11, "channel": "email", "customer_id": 2, "order_number": None,
             "created_at": "2026-11-03T00:00:00Z", "last_message_at": "2026-11-03T00:00:00Z"},
            {"id": 12, "channel": "email", "customer_id": None, "order_number": "999-0000000-0000000",
             "created_at": "2026-11-03T00:00:00Z", "last_message_at": "2026-11-03T00:00:00Z"},
        ]
    )  # fmt: skip
    return store


def order(store: Store, number: str, **fields: object) -> int:
    provider = str(fields.pop("provider", "amazon"))
    return upsert_order(store, provider=provider, order_number=number, **fields)  # type: ignore[arg-type]


def test_upsert_is_idempotent(store: Store) -> None:
    fields = dict(
        customer_email="Ayse@Posta.example",
        placed_at=T0,
        status="shipped",
        total=49.9,
        currency="eur",
        items=[
            {"title": "Turkish cotton towel set", "sku": "TWL-SET-4", "quantity": 1, "price": 49.9}
        ],
        fetched_at=T0,
    )
    first = order(store, "302-1234567-7654321", **fields)
    again = order(store, "302-1234567-7654321", **fields)
    assert first == again
    rows = store.conn.execute("SELECT * FROM orders").fetchall()
    assert len(rows) == 1
    row = rows[0]
    assert (row["customer_id"], row["currency"], row["placed_at"]) == (
        1,
        "EUR",
        "2026-11-01T09:30:00Z",
    )
    assert json.loads(row["items"]) == [
        {"title": "Turkish cotton towel set", "sku": "TWL-SET-4", "quantity": 1, "price": 49.9}
    ]
    # the customer was found by email, not created again
    assert store.conn.execute("SELECT count(*) FROM customers").fetchone()[0] == 2


def test_update_changes_given_fields_and_keeps_the_rest(store: Store) -> None:
    order_id = order(store, "1001", provider="shopify", status="paid", total=30, currency="USD",
                     items=[{"title": "Peshtemal beach towel", "quantity": 2, "price": 15}])  # fmt: skip
    order(store, "1001", provider="shopify", status="shipped", carrier="UPS",
          tracking_number="1Z999AA10123456784", shipped_at=T0 + DAY)  # fmt: skip
    row = store.conn.execute("SELECT * FROM orders WHERE id = ?", (order_id,)).fetchone()
    assert (row["status"], row["carrier"], row["total"], row["currency"]) == (
        "shipped",
        "UPS",
        30.0,
        "USD",
    )
    assert row["shipped_at"] == "2026-11-02T09:30:00Z"
    assert json.loads(row["items"])[0]["quantity"] == 2
    assert orders_for_ticket(store, 11) == []  # no customer, no link: nothing for ticket 11 yet


def test_a_new_customer_is_created_from_the_order_email(store: Store) -> None:
    order(
        store,
        "12-34567-89012",
        provider="ebay",
        customer_email=" New.Buyer@Mail.example ",
        customer_name="Jo",
    )
    row = store.conn.execute(
        "SELECT * FROM customers WHERE email = 'new.buyer@mail.example'"
    ).fetchone()
    assert (row["name"], row["channel"]) == ("Jo", "ebay")
    assert store.conn.execute("SELECT customer_id FROM orders").fetchone()[0] == row["id"]


def test_bad_orders_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="order number"):
        order(store, "  ")
    with pytest.raises(ValueError, match="needs a title"):
        order(store, "1", items=[{"sku": "X"}])
    with pytest.raises(ValueError, match="quantity"):
        order(store, "1", items=[{"title": "Towel", "quantity": "two"}])
    assert store.conn.execute("SELECT count(*) FROM orders").fetchone()[0] == 0


def test_link_by_number_links_matching_tickets_once(store: Store) -> None:
    order_id = order(store, "302-1234567-7654321", customer_email="ayse@posta.example")
    order(store, "555-5555555-5555555")
    assert link_orders_by_number(store) == 1
    assert link_orders_by_number(store) == 0
    links = store.conn.execute("SELECT ticket_id, order_id FROM ticket_orders").fetchall()
    assert [tuple(r) for r in links] == [(10, order_id)]


def test_link_ticket_order(store: Store) -> None:
    order_id = order(store, "1002", provider="shopify")
    assert link_ticket_order(store, 11, order_id) is True
    assert link_ticket_order(store, 11, order_id) is False
    with pytest.raises(ValueError, match="no ticket with id 404"):
        link_ticket_order(store, 404, order_id)


def test_orders_for_ticket_lists_linked_orders_first_then_the_customers_newest_first(
    store: Store,
) -> None:
    linked = order(
        store, "302-1234567-7654321", customer_email="ayse@posta.example", placed_at=T0 - 30 * DAY
    )
    newer = order(
        store, "1003", provider="shopify", customer_email="ayse@posta.example", placed_at=T0
    )
    older = order(
        store,
        "1004",
        provider="shopify",
        customer_email="ayse@posta.example",
        placed_at=T0 - 60 * DAY,
    )
    order(store, "1005", provider="shopify", customer_email="max@web.example", placed_at=T0 + DAY)
    other = order(store, "1006", provider="shopify", placed_at=T0 + 2 * DAY)  # no customer
    link_orders_by_number(store)
    link_ticket_order(store, 10, other)
    got = orders_for_ticket(store, 10)
    assert [o.id for o in got] == [other, linked, newer, older]
    assert [o.linked for o in got] == [True, True, False, False]
    first = got[1]
    assert first.placed_at == T0 - 30 * DAY and first.order_number == "302-1234567-7654321"
    assert orders_for_ticket(store, 10, limit=2) == got[:2]
    assert orders_for_ticket(store, 12) == []


def test_order_record_reads_back_typed(store: Store) -> None:
    order(store, "1007", provider="shopify", customer_email="max@web.example", placed_at=T0, total=12,
          items=[{"title": "Hand-woven kilim cushion cover", "sku": "KLM-40", "quantity": 1, "price": 12}],
          data={"note": "gift wrap"}, tracking_url="https://track.example/1")  # fmt: skip
    [got] = orders_for_customer(store, 2)
    assert got.items == (OrderItem("Hand-woven kilim cushion cover", "KLM-40", 1, 12.0),)
    assert got.data == {"note": "gift wrap"} and got.total == 12.0
    assert got.tracking_url == "https://track.example/1"

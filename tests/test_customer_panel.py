"""The customer panel beside a thread: orders with items and tracking, other tickets."""

from __future__ import annotations

from datetime import UTC, datetime

from inbox_tui.importer import import_maildir
from inbox_tui.store.orders import link_orders_by_number, upsert_order
from inbox_tui.tui.app import InboxApp
from inbox_tui.tui.screens.thread import ThreadScreen
from inbox_tui.tui.widgets.customer_panel import CustomerPanel, customer_text
from tests.mailgen import make_mail, write_maildir
from tests.test_tui import screen_text

RELAY = ("[b]Jane[/b] Doe - Amazon Marketplace", "0abc@marketplace.amazon.de")
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def _fill(store, tmp_path):
    mails = [
        make_mail(
            subject="Wo ist meine Bestellung? (Bestellung: 302-1234567-7654321)",
            sender=RELAY,
            message_id="<a@amazon.de>",
        ),
        make_mail(subject="Rechnung bitte", sender=RELAY, message_id="<b@amazon.de>"),
    ]
    import_maildir(store, write_maildir(tmp_path / "Mail", mails))
    upsert_order(
        store,
        provider="amazon",
        order_number="302-1234567-7654321",
        customer_email=RELAY[1],
        placed_at=datetime(2026, 11, 20, tzinfo=UTC),
        status="shipped",
        total=59.8,
        currency="EUR",
        items=[{"title": "Peshtemal beach towel", "sku": "PT-1", "quantity": 2, "price": 29.9}],
        carrier="DHL",
        tracking_number="00340434161234567890",
        tracking_url="https://tracking.example/00340434161234567890",
    )
    link_orders_by_number(store)
    return store.conn.execute("SELECT id FROM tickets WHERE order_number IS NOT NULL").fetchone()[0]


def test_panel_lists_the_orders_items_tracking_and_other_tickets(store, tmp_path):
    ticket = _fill(store, tmp_path)
    text = customer_text(store, ticket, NOW).plain
    assert "[b]Jane[/b] Doe" in text  # literal, never markup
    assert "302-1234567-7654321 · 20 Nov 2026 · shipped · 59.80 EUR" in text
    assert "2× Peshtemal beach towel" in text
    assert "DHL 00340434161234567890" in text
    assert "Other tickets (1)" in text and "Rechnung bitte" in text


async def test_thread_screen_shows_the_panel_when_there_is_room(store, tmp_path):
    ticket = _fill(store, tmp_path)
    app = InboxApp(store, now=lambda: NOW)
    async with app.run_test(size=(140, 40)) as pilot:
        app.push_screen(ThreadScreen(store, ticket, now=lambda: NOW))
        await pilot.pause()
        panel = app.screen.query_one(CustomerPanel)
        assert panel.region.width > 0
        assert "Peshtemal beach towel" in screen_text(app)
    narrow = InboxApp(store, now=lambda: NOW)
    async with narrow.run_test(size=(80, 24)) as pilot:
        narrow.push_screen(ThreadScreen(store, ticket, now=lambda: NOW))
        await pilot.pause()
        assert (
            narrow.screen.query_one("#customer").display is False
        )  # narrow: the thread gets it all

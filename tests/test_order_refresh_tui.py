"""Opening a ticket refreshes its orders in a worker and redraws the customer panel (Pilot,
against the loopback shops): "refreshing orders…" while it runs, a dim line when it fails."""

from __future__ import annotations

import pytest

from inbox_tui.marketplaces.orders import OrderRefresher
from inbox_tui.tui.app import InboxApp
from inbox_tui.tui.screens.thread import ThreadScreen
from inbox_tui.tui.widgets import customer_panel
from inbox_tui.tui.widgets.customer_panel import CustomerPanel
from tests.test_order_refresh import NOW, Shops, tickets
from tests.test_tui import screen_text
from tests.waiting import until, workers_settled


@pytest.fixture
def shops(monkeypatch: pytest.MonkeyPatch):
    shops = Shops()
    monkeypatch.setenv("SHOPIFY_TOKEN", shops.shopify.token)
    monkeypatch.setenv("WOO_SECRET", "cs_test")
    monkeypatch.setenv("LWA_SECRET", shops.amazon.client_secret)
    monkeypatch.setenv("LWA_REFRESH", next(iter(shops.amazon.refresh_tokens)))
    yield shops
    shops.stop()


def inbox(store, refresher: OrderRefresher) -> InboxApp:
    app = InboxApp(store, now=lambda: NOW)
    app.order_refresher = refresher  # what the CLI wires from `orders:` in the config
    return app


def panel_text(app: InboxApp) -> str:
    return str(app.screen.query_one(CustomerPanel).render())


async def test_opening_a_ticket_shows_the_refreshed_order(store, tmp_path, shops) -> None:
    email, _ = tickets(store, tmp_path)
    # The shop answers only when the test has seen the panel say what it is doing: a latency
    # of 0.4 s raced pilot.pause(), which waits up to 1 s for the process to go idle.
    shops.shopify.hold()
    refresher = OrderRefresher(shops.config())
    app = inbox(store, refresher)
    async with app.run_test(size=(140, 40)) as pilot:
        app.push_screen(ThreadScreen(store, email, now=lambda: NOW))
        await pilot.pause()
        assert "refreshing orders…" in screen_text(app)
        assert "none known" in screen_text(app)
        shops.shopify.release()
        await workers_settled(app)
        await pilot.pause()
        text = panel_text(app)
        assert "refreshing orders…" not in text
        assert "#1042 · 18 Nov 2026 · shipped · 59.80 EUR" in text
        assert "UPS 1Z999AA10123456784" in text
        assert "1Z999AA10123456784" in screen_text(app)  # on the terminal, not just the widget
        requests = len(shops.shopify.seen)
        app.pop_screen()  # open it again: the orders are fresh, nobody is asked
        app.push_screen(ThreadScreen(store, email, now=lambda: NOW))
        await pilot.pause()
        await workers_settled(app)
        assert "refreshing orders…" not in screen_text(app)
        assert len(shops.shopify.seen) == requests
    refresher.close()


async def test_a_failing_shop_is_one_dim_line_and_offline_is_quiet(
    store, tmp_path, shops, monkeypatch
) -> None:
    email, _ = tickets(store, tmp_path)
    monkeypatch.setenv("WOO_SECRET", "cs_wrong")
    shops.shopify.stop()
    refresher = OrderRefresher(shops.config(), sleep=lambda seconds: None)
    app = inbox(store, refresher)
    async with app.run_test(size=(160, 40)) as pilot:
        app.push_screen(ThreadScreen(store, email, now=lambda: NOW))
        await pilot.pause()
        await workers_settled(app)
        await pilot.pause()
        text = panel_text(app)
        assert "offline: showing the orders saved earlier" in text
        assert "WooCommerce (woo)" in text and "HTTP 401" in text
        assert "cannot reach" not in text  # offline is said once, calmly
        assert app.is_running  # nothing crashed
    refresher.close()


async def test_without_order_providers_the_panel_never_refreshes(store, tmp_path) -> None:
    email, _ = tickets(store, tmp_path)
    app = InboxApp(store, now=lambda: NOW)  # no order_refresher: orders: not configured
    async with app.run_test(size=(140, 40)) as pilot:
        app.push_screen(ThreadScreen(store, email, now=lambda: NOW))
        await pilot.pause()
        assert "refreshing" not in screen_text(app)
        assert "none known" in screen_text(app)


async def test_the_apps_config_is_enough_to_refresh_orders(store, tmp_path, shops) -> None:
    email, _ = tickets(store, tmp_path)
    app = InboxApp(store, now=lambda: NOW, config=shops.config())  # as `inbox-tui` starts it
    async with app.run_test(size=(140, 40)) as pilot:
        app.push_screen(ThreadScreen(store, email, now=lambda: NOW))
        await pilot.pause()
        await workers_settled(app)
        await pilot.pause()
        assert "UPS 1Z999AA10123456784" in panel_text(app)
        app.order_refresher.close()


async def test_beside_the_list_the_panel_refreshes_the_ticket_the_cursor_rests_on(
    store, tmp_path, shops
) -> None:
    email, amazon = tickets(store, tmp_path)
    refresher = OrderRefresher(shops.config())
    app = inbox(store, refresher)
    async with app.run_test(size=(140, 40)) as pilot:
        tickets_list = app.screen.ticket_list
        if tickets_list.ticket.id != email:
            await pilot.press("j")
        assert tickets_list.ticket.id == email
        await pilot.press("i")  # the panel beside the list: the saved orders (none), then the shops
        await until(
            pilot, lambda: "#1042 · 18 Nov 2026 · shipped · 59.80 EUR" in panel_text(app),
            "the shop's order in the panel",
        )  # fmt: skip
        text = panel_text(app)
        assert "#1042 · 18 Nov 2026 · shipped · 59.80 EUR" in text, text
        assert "refreshing orders…" not in text
        requests = len(shops.shopify.seen)
        assert requests
        await pilot.press("j" if tickets_list.cursor == 0 else "k")  # away, and back
        await pilot.press("k" if tickets_list.cursor == 1 else "j")
        await until(
            pilot, lambda: panel_text(app).startswith("Jane Doe") and "#1042" in panel_text(app),
            "Jane's panel again",
        )  # fmt: skip
        await workers_settled(app)
        assert len(shops.shopify.seen) == requests  # fresh now: nobody is asked again
    refresher.close()


async def test_beside_the_list_a_ticket_the_cursor_passes_over_asks_no_shop(
    store, tmp_path, shops, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the panel shows a ticket once the cursor rests on it (FOLLOW_DELAY) but asks for its
    # orders (OrdersWanted) only after a longer rest (SHOPS_DELAY, 1 s): j/k over a ticket is
    # not a request to every shop. The longer rest is made 5 s here: on a loaded machine the
    # panel took over a second to show the passed-over ticket, and the test then rested too long
    monkeypatch.setattr(customer_panel, "SHOPS_DELAY", 5.0)
    email, amazon = tickets(store, tmp_path)
    refresher = OrderRefresher(shops.config())
    app = inbox(store, refresher)
    async with app.run_test(size=(140, 40)) as pilot:
        tickets_list = app.screen.ticket_list
        if tickets_list.ticket.id != amazon:
            await pilot.press("j")
        assert tickets_list.ticket.id == amazon
        over = "k" if tickets_list.cursor == 1 else "j"
        back = "j" if over == "k" else "k"
        await pilot.press("i", over)
        # Jane's e-mail ticket is read and shown (FOLLOW_DELAY) …
        await until(pilot, lambda: "via email" in panel_text(app), "Jane's e-mail ticket")
        assert "via email" in panel_text(app)
        await pilot.press(back)  # … and left before SHOPS_DELAY
        assert tickets_list.ticket.id == amazon
        await until(  # until the Amazon buyer's order is asked for and answered
            pilot, lambda: shops.amazon.seen and "refreshing orders…" not in panel_text(app),
            "the Amazon order asked for and shown",
        )  # fmt: skip
        await workers_settled(app)
        assert shops.amazon.seen
        assert shops.shopify.seen == [] and shops.woo.seen == []  # Jane's shops: never asked
    refresher.close()

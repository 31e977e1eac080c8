"""The customer panel beside the list and preview (issue 11 item 9): `i` shows who writes, their
orders and their other tickets; it follows the cursor, is kept for the next start, and at 80x24
takes the preview's place. Pilot for behaviour, SVG snapshots for looks, tmux for the key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inbox_tui.config import parse_config
from inbox_tui.paths import ui_state_path
from inbox_tui.store.orders import Order
from inbox_tui.tui.app import InboxApp
from inbox_tui.tui.screens.main import MainScreen, panel_beside_preview
from inbox_tui.tui.widgets.customer_panel import CustomerPanel, customer_text, order_state_label
from tests import waiting
from tests.test_composer import CONFIG, NOW, build_inbox
from tests.test_loop_tmux import in_list, quit_app, shop
from tests.test_tmux import Terminal, tmux  # noqa: F401  (tmux: a fixture)
from tests.test_tui import screen_text

SMALL, LARGE = (80, 24), (120, 40)
ON_ALL = CONFIG + "ui:\n  start_view: all\n"  # the tickets in the order build_inbox made them


@pytest.fixture
def shop_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The composer tests' three tickets (wismo with its tracked order, amazon, refund) in a
    file: the panel reads it in a worker, with a connection of its own, as in real use."""
    monkeypatch.setenv("SHOP_PASSWORD", "unused")
    store, ids = build_inbox(tmp_path / "inbox.db", tmp_path / "Mail")
    yield store, ids
    store.close()


def make_app(store) -> InboxApp:
    return InboxApp(store, now=lambda: NOW, config=parse_config(ON_ALL))


def main_screen(app: InboxApp) -> MainScreen:
    assert isinstance(app.screen, MainScreen), type(app.screen).__name__
    return app.screen


def panel(app: InboxApp) -> CustomerPanel:
    return main_screen(app).customer_panel


def panel_text(app: InboxApp) -> str:
    return str(panel(app).render())


async def until(pilot, what: str, done) -> None:
    """Wait for a condition (the panel reads in a worker after the cursor rests), never a
    fixed time."""
    await waiting.until(pilot, done, what, report=lambda: screen_text(pilot.app))


def shows(app: InboxApp, *texts: str):
    return lambda: all(text in panel_text(app) for text in texts)


async def test_i_shows_the_customer_and_orders_beside_the_preview_and_hides_them(
    shop_store,
) -> None:
    store, ids = shop_store
    app = make_app(store)
    async with app.run_test(size=LARGE) as pilot:
        main = main_screen(app)
        assert main.query_one("#customer-box").region.width == 0  # off until asked for
        await pilot.press("i")
        await until(pilot, "the wismo customer", shows(app, "Ayşe Yılmaz", "Linen towel"))
        await until(pilot, "the layout", lambda: main.query_one("#customer-box").region.width)
        box = main.query_one("#customer-box").region
        thread = main.thread.region
        assert box.width > 30 and thread.width > 40  # beside the preview: both readable
        assert box.x > thread.x and box.y == thread.y
        # number, date, state, total; items, tracking; channel; the other tickets
        assert "1042 · 26 Nov 2026 · shipped · 49.90 EUR" in panel_text(app)
        text = screen_text(app)
        assert "2× Linen towel" in text and "DHL JD0123456789" in text
        assert "via email" in text and "Other tickets (0)" in text
        assert "Hello, my package has not arrived yet" in text  # the preview is still there
        await pilot.press("i")
        await until(pilot, "the panel gone", lambda: "Linen towel" not in screen_text(app))
        assert main.query_one("#customer-box").region.width == 0
        assert main.thread.region.width == 92  # the preview has the width back (120 - sidebar)


async def test_the_panel_follows_the_cursor(shop_store) -> None:
    store, ids = shop_store
    app = make_app(store)
    async with app.run_test(size=LARGE) as pilot:
        await pilot.press("i")
        await until(pilot, "the first ticket's customer", shows(app, "Ayşe Yılmaz", "1042"))
        await pilot.press("j")
        await until(pilot, "Jane Doe's panel", shows(app, "Jane Doe", "none known"))
        assert "Linen towel" not in panel_text(app)
        # keys faster than the panel reads: it ends on the ticket the cursor rests on
        await pilot.press("j", "k", "j")
        await until(pilot, "Bob Stone's panel", shows(app, "Bob Stone"))
        assert panel(app).ticket_id == ids["refund"]
        await pilot.press("g")
        await until(pilot, "the first ticket again", shows(app, "Ayşe Yılmaz", "Linen towel"))


async def test_the_panel_is_kept_for_the_next_start_with_the_theme(shop_store) -> None:
    store, _ = shop_store
    app = make_app(store)
    async with app.run_test(size=LARGE) as pilot:
        app.theme = "nord"  # as the palette does: kept in the same file
        await pilot.press("i")
        await until(pilot, "the panel", shows(app, "Linen towel"))
    state = json.loads(ui_state_path().read_text())
    assert state["customer_panel"] is True and state["theme"] == "nord"

    again = make_app(store)
    async with again.run_test(size=LARGE) as pilot:
        assert again.theme == "nord"
        await until(pilot, "the panel at start", shows(again, "Ayşe Yılmaz", "Linen towel"))
        box = main_screen(again).query_one("#customer-box")
        await until(pilot, "the panel laid out", lambda: box.region.width > 0)
        await pilot.press("i")  # off, and off at the next start
    assert json.loads(ui_state_path().read_text())["theme"] == "nord"

    third = make_app(store)
    async with third.run_test(size=LARGE) as pilot:
        main = main_screen(third)
        await until(pilot, "the preview", lambda: main.thread.region.width == 92)  # 120 - sidebar
        assert main.query_one("#customer-box").region.width == 0
        assert "Linen towel" not in screen_text(third)


async def test_at_80x24_the_panel_takes_the_previews_place(shop_store) -> None:
    store, _ = shop_store
    app = make_app(store)
    async with app.run_test(size=SMALL) as pilot:
        main = main_screen(app)
        await pilot.press("i")
        await until(pilot, "the panel", shows(app, "Ayşe Yılmaz", "Linen towel"))
        box = main.query_one("#customer-box")
        await until(pilot, "the panel laid out", lambda: box.region.width >= 78)  # all the width
        assert main.thread.region.width == 0  # the preview gave its place
        text = screen_text(app)
        assert "1042 · 26 Nov 2026 · shipped · 49.90 EUR" in text
        assert "Where is my order?" in text  # the list keeps its rows
        await pilot.press("tab")  # to the panel (the hidden preview is skipped), to scroll it
        assert app.focused is box
        await pilot.press("tab")
        assert app.focused is main.ticket_list
        await pilot.press("enter")  # the full thread is one key away, as always
        await pilot.pause()
        assert not isinstance(app.screen, MainScreen)
        await pilot.press("escape")
        await until(pilot, "the list again", lambda: isinstance(app.screen, MainScreen))
        await pilot.press("i")  # off: the preview is back
        await until(pilot, "the preview", lambda: main.thread.region.width >= 78)
        assert box.region.width == 0


def test_the_panel_goes_beside_the_preview_from_84_columns() -> None:
    assert not panel_beside_preview(80)  # 80x24: in the preview's place
    assert panel_beside_preview(84) and panel_beside_preview(100)
    assert panel_beside_preview(120)  # the sidebar takes 28: 92 left, 52 for the preview
    assert panel_beside_preview(200)


def test_order_states_read_as_the_seller_says_them() -> None:
    def state(status: str | None, **kw) -> str:
        order = Order(
            id=1,
            provider="shopify",
            order_number="#1042",
            customer_id=None,
            placed_at=None,
            status=status,
            total=None,
            currency=None,
            items=(),
            carrier=None,
            tracking_number=kw.get("tracking_number"),
            tracking_url=None,
            shipped_at=None,
            fetched_at=NOW,
            data={},
        )
        return order_state_label(order)

    assert state("fulfilled") == "shipped"
    assert state("DELIVERED") == "delivered"
    assert state("partially_refunded") == "refunded"
    assert state("on hold") == "not shipped yet"
    assert state("cancelled") == "cancelled"
    assert state(None, tracking_number="JD1") == "shipped"
    assert state(None) == ""
    assert state("Awaiting pickup") == "Awaiting pickup"  # a word we do not know: the shop's


def test_a_hostile_marketplace_handle_is_shown_as_plain_text(shop_store) -> None:
    store, ids = shop_store
    customer = store.conn.execute(
        "SELECT customer_id FROM tickets WHERE id = ?", (ids["amazon"],)
    ).fetchone()[0]
    store.conn.execute(
        "UPDATE customers SET marketplace_user = ? WHERE id = ?",
        ("[red]jane\x1b[2J_d\u202eoe", customer),
    )
    text = customer_text(store, ids["amazon"], NOW).plain
    assert "@[red]jane" in text  # literal brackets: never markup
    assert "\x1b" not in text and "\u202e" not in text


# --- looks ------------------------------------------------------------------------------------


def _snapshot_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> InboxApp:
    monkeypatch.setenv("SHOP_PASSWORD", "unused")
    store, _ = build_inbox(":memory:", tmp_path / "Mail")
    return make_app(store)


async def _panel_shown(pilot) -> None:
    await pilot.press("i")
    await until(pilot, "the panel", shows(pilot.app, "Ayşe Yılmaz", "Linen towel", "none"))
    for field in pilot.app.screen.query("Input"):
        field.cursor_blink = False
    await pilot.pause()


def test_snapshot_panel_beside_the_preview_120x40(snap_compare, tmp_path, monkeypatch) -> None:
    # the list over the preview and the panel: the order with its state, items and tracking
    app = _snapshot_app(tmp_path, monkeypatch)
    assert snap_compare(app, run_before=_panel_shown, terminal_size=LARGE)


def test_snapshot_panel_in_the_previews_place_80x24(snap_compare, tmp_path, monkeypatch) -> None:
    app = _snapshot_app(tmp_path, monkeypatch)
    assert snap_compare(app, run_before=_panel_shown, terminal_size=SMALL)


# --- a real terminal --------------------------------------------------------------------------


def test_i_shows_the_panel_in_tmux_and_it_is_there_at_the_next_start(tmux, tmp_path) -> None:  # noqa: F811
    command, _, _ = shop(tmp_path, 1)  # nothing is sent: no SMTP server needed
    terminal = Terminal(tmux, tmp_path)
    try:
        terminal.start(command, SMALL)
        terminal.wait_for("the ticket list", in_list)
        terminal.keys("i")
        terminal.wait_for("the panel", lambda s: "Linen towel" in s and "DHL JD0123456789" in s)
        terminal.keys("j")
        terminal.wait_for("Jane Doe's panel", lambda s: "none known" in s)
        quit_app(terminal)
    finally:
        terminal.kill()
    again = Terminal(tmux, tmp_path)  # the same home: the same state folder
    try:
        again.start(command, SMALL)
        again.wait_for("the panel at start", lambda s: "Linen towel" in s and "via email" in s)
        quit_app(again)
    finally:
        again.kill()

"""The sidebar of views: status, channel, tag and saved-search views with live counts, and keys."""

from __future__ import annotations

import re

from inbox_tui.config import parse_config
from inbox_tui.store import actions
from inbox_tui.store.db import Store
from inbox_tui.tui.screens.main import MainScreen
from inbox_tui.tui.ticket_views import SavedSearch, view_entries
from inbox_tui.tui.widgets.sidebar import Sidebar
from inbox_tui.tui.widgets.view_bar import ViewBar
from tests.test_tui import NOW, at, make_app, screen_text, seed, ticket_list

HOSTILE_TAG = "[red]evil[/] [@click=app.quit]x"
SAVED = (SavedSearch("Refunds", "tag:refund"), SavedSearch("Unread", "is:unread"))
WIDE = (140, 40)


def tagged_store() -> Store:
    """The small store of test_tui (channels by id % 3: 0 email, 1 amazon, 2 ebay; ticket 1
    tagged refund and Damaged) with "wrong size" on tickets 2 and 3 and a hostile tag on 4.
    Tickets 5 (eBay) and 10 (Amazon) are closed: channel and tag views leave them out."""
    store = Store.open(":memory:")
    seed(store)
    store.db["tags"].insert_all([{"id": 3, "name": "wrong size"}, {"id": 4, "name": HOSTILE_TAG}])
    store.db["ticket_tags"].insert_all(
        {"ticket_id": ticket, "tag_id": tag, "created_at": at(0)}
        for ticket, tag in ((2, 3), (3, 3), (4, 4))
    )
    return store


def sidebar(app) -> Sidebar:
    return app.screen.query_one(Sidebar)


def shows(text: str, label: str, count: int) -> bool:
    """Whether a sidebar row shows `label` and then `count` on the same line."""
    return re.search(re.escape(label) + r"\s+" + f"{count:,}" + r"(\s|│|$)", text) is not None


def test_entries_in_sidebar_order() -> None:
    store = tagged_store()
    entries = view_entries(store, SAVED, NOW)
    assert [(e.view, e.count) for e in entries] == [
        ("due", 0),
        ("all", 12),
        ("open", 6),
        ("pending", 2),
        ("snoozed", 2),
        ("closed", 2),
        ("channel:email", 4),
        ("channel:amazon", 3),  # not closed: 10 is
        ("channel:ebay", 3),
        ("tag:wrong size", 2),  # most used first, then by name
        (f"tag:{HOSTILE_TAG}", 1),
        ("tag:Damaged", 1),
        ("tag:refund", 1),
        ("saved:Refunds", 1),
        ("saved:Unread", 6),
    ]
    assert [e.label for e in entries][6:9] == ["Email", "Amazon", "eBay"]


async def test_sidebar_shows_every_view_with_counts() -> None:
    app = make_app(tagged_store(), saved_searches=SAVED)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        for label, count in (
            ("Due", 0),
            ("All", 12),
            ("Open", 6),
            ("Closed", 2),
            ("Email", 4),
            ("Amazon", 3),
            ("eBay", 3),
            ("wrong size", 2),
            ("Damaged", 1),
            ("refund", 1),
            ("Refunds", 1),
            ("Unread", 6),
        ):
            assert shows(text, label, count), label
        assert "Etsy" not in text and "Walmart" not in text  # no tickets: no view
        assert "Saved searches" in text and "Channels" in text and "Tags" in text
        assert "[red]evil[/]" in text  # a tag name is text, never markup
        for strip in app.screen._compositor.render_strips():
            for segment in strip:
                meta = segment.style.meta if segment.style else {}
                assert not any("click" in str(key) for key in meta), segment


async def test_channel_view_lists_only_that_channel() -> None:
    store = tagged_store()
    app = make_app(store, saved_searches=SAVED)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("8")  # 7 Email, 8 Amazon, 9 eBay
        await pilot.pause()
        tickets = ticket_list(app)
        assert app.screen.view == "channel:amazon"
        assert [tickets.row(i).channel for i in range(tickets.count)] == ["amazon"] * 3
        assert [tickets.row(i).id for i in range(tickets.count)] == [1, 4, 7]  # 10 is closed
        assert app.screen.sub_title == "Amazon · 1 of 3"
        text = screen_text(app)
        assert "Order question 4" in text and "Order question 2 " not in text
        assert "Order question 10" not in text

        # an action refreshes every count; a closed ticket leaves the view, as in Open
        await pilot.press("e")
        await pilot.pause()
        text = screen_text(app)
        assert shows(text, "Closed", 3) and shows(text, "Open", 5) and shows(text, "Amazon", 2)
        assert tickets.count == 2 and tickets.ticket.id == 4  # the next one took its place


async def test_tag_view_and_saved_search_show_their_results() -> None:
    store = tagged_store()
    config = parse_config(
        "ui:\n  saved_searches:\n    - {name: Refunds, query: 'tag:refund'}\n"
        "    - {name: Unread, query: 'is:unread'}\n"
    )
    app = make_app(store, saved_searches=config.ui.saved_searches)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        main = app.screen
        assert isinstance(main, MainScreen)
        tickets = ticket_list(app)
        main.action_show_view("tag:wrong size")
        await pilot.pause()
        assert [tickets.row(i).id for i in range(tickets.count)] == [2, 3]

        main.action_show_view("saved:Unread")
        await pilot.pause()
        assert tickets.count == 6
        assert all(tickets.row(i).unread_count for i in range(6))
        assert main.sub_title == "Unread · 1 of 6"

        # Enter on a focused sidebar item shows its view and goes back to the list
        await pilot.press("tab", "tab")
        assert app.focused is sidebar(app)
        options = sidebar(app)
        options.highlighted = options.get_option_index("saved:Refunds")
        await pilot.press("enter")
        await pilot.pause()
        assert main.view == "saved:Refunds" and app.focused is tickets
        assert [tickets.row(i).id for i in range(tickets.count)] == [1]
        assert "Order question 1" in screen_text(app)

        actions.add_tag(store, [4], "refund", at=NOW)  # counts follow the store on reload
        main.reload()
        await pilot.pause()
        assert tickets.count == 2 and shows(screen_text(app), "Refunds", 2)


async def test_brackets_and_digits_move_between_views() -> None:
    app = make_app(tagged_store(), saved_searches=SAVED)
    async with app.run_test(size=WIDE) as pilot:
        main = app.screen
        await pilot.press("2")
        assert main.view == "all"
        await pilot.press("right_square_bracket")
        assert main.view == "open"
        await pilot.press("9")
        assert main.view == "channel:ebay"
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert main.view == "tag:" + HOSTILE_TAG
        await pilot.press("left_square_bracket", "left_square_bracket", "left_square_bracket")
        assert main.view == "channel:amazon"
        await pilot.press("1", "left_square_bracket")  # wraps round to the last view
        assert main.view == "saved:Unread"
        await pilot.press("right_square_bracket")
        assert main.view == "due"
        await pilot.press("7")
        await pilot.pause()
        assert main.view == "channel:email" and ticket_list(app).count == 4


async def test_sidebar_only_on_wide_terminals() -> None:
    app = make_app(tagged_store(), saved_searches=SAVED)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert not sidebar(app).display and app.screen.query_one(ViewBar).display
        assert "Amazon" not in screen_text(app)
        await pilot.press("8")  # the number keys work without the sidebar
        assert app.screen.view == "channel:amazon" and ticket_list(app).count == 3

        await pilot.resize_terminal(140, 40)
        await pilot.pause()
        assert sidebar(app).display and not app.screen.query_one(ViewBar).display
        assert sidebar(app).region.width > 0 and shows(screen_text(app), "Amazon", 3)
        await pilot.press("tab", "tab")
        assert app.focused is sidebar(app)

        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert not sidebar(app).display and app.focused is ticket_list(app)


def test_snapshot_sidebar_160x48(snap_compare) -> None:
    app = make_app(tagged_store(), saved_searches=SAVED)
    assert snap_compare(app, press=["8", "j"], terminal_size=(160, 48))

"""The TUI and its read queries: Pilot tests on small and 100k-ticket stores, query plans."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from textual.widgets import Footer

from inbox_tui.config import Config, UiConfig
from inbox_tui.sla import DEFAULT_POLICY
from inbox_tui.store.db import Store, format_time
from inbox_tui.store.due import POLICY_KEY
from inbox_tui.store.views import (
    VIEWS,
    count_by_channel,
    count_by_view,
    count_tickets,
    get_ticket,
    list_tags,
    list_tickets,
    tag_counts,
    ticket_messages,
    ticket_position,
    ticket_states,
    top_tags,
)
from inbox_tui.times import age_label
from inbox_tui.tui.app import InboxApp
from inbox_tui.tui.display import size_label
from inbox_tui.tui.keymap import KEYMAP
from inbox_tui.tui.screens.main import MainScreen
from inbox_tui.tui.screens.thread import ThreadScreen
from inbox_tui.tui.ticket_views import VIEW_NAMES
from inbox_tui.tui.widgets.thread_view import ThreadView
from inbox_tui.tui.widgets.ticket_list import MAX_CACHED_PAGES, TicketList
from tests.demo_cache import demo_copy

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
STATUSES = ("open", "open", "pending", "snoozed", "closed")
HOSTILE_SUBJECT = "[@click=app.quit]x[/]"
HOSTILE_BODY = "Look: [bold]not bold[/bold] and [link=https://evil.example]click[/link]"


def at(hours_ago: float) -> str:
    return format_time(NOW - timedelta(hours=hours_ago))


def seed(store: Store, count: int = 12) -> None:
    """`count` tickets; ticket i is i hours old (so the list shows ids 1, 2, … top down),
    with an inbound message and, for even ids, a reply; ticket 1 has tags and an attachment."""
    db = store.db
    db["customers"].insert_all(
        {
            "id": i,
            "email": f"buyer{i}@example.com",
            "name": f"Buyer {i}",
            "created_at": at(1000),
        }
        for i in range(1, count + 1)
    )
    db["tickets"].insert_all(
        {
            "id": i,
            "channel": ("email", "amazon", "ebay")[i % 3],
            "status": STATUSES[(i - 1) % len(STATUSES)],
            "subject": f"Order question {i}",
            "customer_id": i,
            "created_at": at(i + 1),
            "last_message_at": at(i),
            "message_count": 2 if i % 2 == 0 else 1,
            "unread_count": i % 2,
            "snippet": f"Where is order {i}?",
        }
        for i in range(1, count + 1)
    )
    messages = []
    for i in range(1, count + 1):
        messages.append(
            message_row(
                i * 10, i, "in", f"Buyer {i}", f"buyer{i}@example.com", at(i + 1), f"Body of {i}"
            )
        )
        if i % 2 == 0:
            messages.append(
                message_row(
                    i * 10 + 1, i, "out", "Shop", "shop@example.com", at(i), f"Reply to {i}"
                )
            )
    db["messages"].insert_all(messages)
    db["attachments"].insert(
        {
            "message_id": 10,
            "filename": "photo.jpg",
            "content_type": "image/jpeg",
            "size": 2048,
            "content": b"\xff" * 2048,
        }
    )
    db["tags"].insert_all([{"id": 1, "name": "refund"}, {"id": 2, "name": "Damaged"}])
    db["ticket_tags"].insert_all(
        {"ticket_id": 1, "tag_id": tag, "created_at": at(0)} for tag in (1, 2)
    )
    # due times are as a test sets them (none until it does): the app has nothing to settle
    db["store_info"].insert({"key": POLICY_KEY, "value": DEFAULT_POLICY.fingerprint})


def message_row(
    id: int, ticket_id: int, direction: str, name: str, addr: str, date: str, text: str
) -> dict:
    to = [["Shop", "shop@example.com"]] if direction == "in" else [["", f"buyer{ticket_id}@x"]]
    return {
        "id": id,
        "ticket_id": ticket_id,
        "message_id": f"m{id}@example.com",
        "raw_sha256": f"sha{id}",
        "content_key": f"ck{id}",
        "direction": direction,
        "channel": "email",
        "from_name": name,
        "from_addr": addr,
        "to_addrs": json.dumps(to),
        "subject": f"Order question {ticket_id}",
        "date": date,
        "text": text,
        "imported_at": at(0),
    }


def seed_many(store: Store, count: int) -> None:
    """`count` bare tickets (no messages), ticket i being i minutes old: fast executemany."""
    rows = [
        (
            i,
            "email",
            STATUSES[i % len(STATUSES)],
            f"Ticket {i}",
            format_time(NOW - timedelta(minutes=i)),
        )
        for i in range(1, count + 1)
    ]
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO tickets (id, channel, status, subject, created_at, last_message_at)"
            " VALUES (?, ?, ?, ?, ?5, ?5)",
            rows,
        )


@pytest.fixture
def store() -> Store:
    store = Store.open(":memory:")
    seed(store)
    yield store
    store.close()


ON_ALL = Config(ui=UiConfig(start_view="all"))
"""These tests read every ticket of the seeded store: the app opens on All for them (the
default start view, Due, is tested in tests/test_start_view.py)."""


def make_app(store: Store, **kw) -> InboxApp:
    kw.setdefault("config", ON_ALL)
    return InboxApp(store, now=lambda: NOW, **kw)


def screen_text(app: InboxApp) -> str:
    """The characters on the (virtual) terminal right now."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def key(view: str) -> str:
    """The number key of a view (Due, when there is one, shifts the others by one)."""
    return str(VIEW_NAMES.index(view) + 1)


def ticket_list(app: InboxApp) -> TicketList:
    return app.screen.query_one(TicketList)


def thread(app: InboxApp) -> ThreadView:
    return app.screen.query_one(ThreadView)


# --- read queries ---------------------------------------------------------------------------


def test_list_tickets_orders_newest_first_with_ties_by_id(store: Store) -> None:
    store.conn.execute("UPDATE tickets SET last_message_at = ? WHERE id IN (3, 4)", (at(0.5),))
    ids = [row.id for row in list_tickets(store, "all", 0, 100)]
    assert ids[:4] == [4, 3, 1, 2]
    assert [row.id for row in list_tickets(store, "all", 2, 3)] == [1, 2, 5]
    assert [row.id for row in list_tickets(store, "open")] == [1, 2, 6, 7, 11, 12]
    assert count_tickets(store) == 12 and count_tickets(store, "open") == 6
    assert count_by_view(store) == {"all": 12, "open": 6, "pending": 2, "snoozed": 2, "closed": 2}
    for view in VIEWS:
        count = count_tickets(store, view)
        rows = list_tickets(store, view)
        assert [ticket_position(store, view, r.id) for r in rows] == list(range(count))
        # given the count, the rows after a ticket are counted when it is past the middle
        assert [ticket_position(store, view, r.id, count) for r in rows] == list(range(count))
    assert ticket_position(store, "closed", 1) is None
    assert ticket_position(store, "all", 999) is None
    with pytest.raises(ValueError, match="unknown view"):
        count_tickets(store, "spam")


def test_ticket_and_messages(store: Store) -> None:
    ticket = get_ticket(store, 1)
    assert ticket is not None
    assert (ticket.customer_name, ticket.customer_email) == ("Buyer 1", "buyer1@example.com")
    assert ticket.tags == ("Damaged", "refund")
    assert list_tickets(store, limit=1)[0] == ticket
    assert get_ticket(store, 999) is None

    messages = ticket_messages(store, 2)
    assert [(m.direction, m.text) for m in messages] == [("in", "Body of 2"), ("out", "Reply to 2")]
    assert messages[0].to == (("Shop", "shop@example.com"),)
    assert ticket_messages(store, 1)[0].attachments == (("photo.jpg", "image/jpeg", 2048),)
    assert ticket_messages(store, 999) == []


def test_views_use_indexes(store: Store) -> None:
    """No query of views.py reads the tickets or messages table in full."""
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    for view in (*VIEWS, "channel:amazon", "tag:refund"):
        count_tickets(store, view)
        list_tickets(store, view, 5, 10)
        ticket_position(store, view, 2)
        ticket_position(store, view, 1)
    count_by_view(store)
    count_by_channel(store)
    top_tags(store, 10)
    get_ticket(store, 1)
    ticket_messages(store, 1)
    list_tags(store)
    tag_counts(store, [1, 2])
    ticket_states(store, [1, 2])
    store.conn.set_trace_callback(None)

    assert len(statements) > 20
    for sql in statements:
        plan = [row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql)]
        for step in plan:
            if step.startswith("SCAN"):
                # a full scan is allowed only of an index, or of the page CTE (<= limit rows)
                assert "USING" in step and "INDEX" in step or step == "SCAN page", (sql, plan)


def test_display_labels() -> None:
    assert age_label(at(0), NOW) == "now"
    assert age_label(at(0.5), NOW) == "30m"
    assert age_label(at(3), NOW) == "3h"
    assert age_label(at(50), NOW) == "2d"
    assert age_label("2026-11-12T08:00:00Z", NOW) == "Nov 12"
    assert age_label("2024-11-12T08:00:00Z", NOW) == "Nov 2024"
    assert age_label("garbage", NOW) == "?"
    assert [size_label(n) for n in (812, 4300, 1_400_000)] == ["812 B", "4.2 KB", "1.3 MB"]


def test_keymap_is_one_table_with_descriptions() -> None:
    seen = set()
    for key in KEYMAP:
        assert key.description, key
        for name in key.key.split(","):
            assert (key.scope, name) not in seen, key
            seen.add((key.scope, name))
    actions = {(key.scope, key.action) for key in KEYMAP}
    assert ("main", "show_view('closed')") in actions and ("list", "last") in actions


# --- the app --------------------------------------------------------------------------------


async def test_list_shows_rows_and_counts(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        for i in range(1, 6):
            assert f"Order question {i}" in text
        assert "Buyer 1" in text and "#refund" in text
        assert f"{key('all')} All 12" in text and f"{key('open')} Open 6" in text
        assert f"{key('closed')} Closed 2" in text
        assert "1h" in text and "pending" in text
        # the thread pane shows the first ticket straight away
        assert "Body of 1" in text and "photo.jpg" in text and "2.0 KB" in text
        assert app.screen.query_one(Footer).display


async def test_j_k_move_and_thread_follows(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        tickets = ticket_list(app)
        await pilot.press("j", "j")
        await pilot.pause()
        assert tickets.cursor == 2 and tickets.ticket.id == 3
        assert thread(app).ticket_id == 3
        assert "Body of 3" in screen_text(app)

        await pilot.press("k")
        await pilot.pause()
        assert tickets.ticket.id == 2 and thread(app).ticket_id == 2
        text = screen_text(app)
        assert "Body of 2" in text and "Reply to 2" in text
        assert "CUSTOMER" in text and "YOU REPLIED" in text

        await pilot.press("down", "down", "up")
        assert tickets.cursor == 2
        await pilot.press("G")
        assert tickets.ticket.id == 12
        await pilot.press("g")
        assert tickets.cursor == 0
        await pilot.press("k")  # stays at the top
        assert tickets.cursor == 0
        await pilot.press("pagedown")
        assert tickets.cursor > 1
        await pilot.press("pageup")
        assert tickets.cursor == 0


async def test_enter_opens_thread_and_escape_returns(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("j", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ThreadScreen)
        text = screen_text(app)
        assert "Body of 2" in text and "Reply to 2" in text
        assert "Order question 1" not in text  # the list is not on this screen

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert ticket_list(app).ticket.id == 2

        await pilot.press("j", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ThreadScreen)
        await pilot.press("q")  # q goes back from a thread ...
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and ticket_list(app).ticket.id == 3
        assert app.is_running
        await pilot.press("q")  # ... and quits from the main screen
        await pilot.pause()
        assert not app.is_running


async def test_tab_switches_focus(store: Store) -> None:
    long_body = "\n".join(f"line {n}" for n in range(200))
    store.conn.execute("UPDATE messages SET text = ? WHERE id = 10", (long_body,))
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.focused is ticket_list(app)
        await pilot.press("tab")
        assert app.focused is thread(app)
        await pilot.press("j", "j", "j")  # scrolls the thread, does not move the list
        assert ticket_list(app).cursor == 0
        assert thread(app).scroll_y == 3
        await pilot.press("tab")
        assert app.focused is ticket_list(app)
        assert thread(app).scroll_y == 3  # a focus change does not redraw the thread

        app.theme = "textual-light"  # a new theme redraws it, in the new colours
        await pilot.pause()
        assert thread(app).scroll_y == 3 and "line 199" in thread(app).plain
        await pilot.press("j")
        await pilot.pause()
        assert thread(app).scroll_y == 0 and thread(app).ticket_id == 2


def test_unknown_theme_is_a_clear_error(store: Store) -> None:
    with pytest.raises(ValueError, match="unknown theme 'nope'; choose one of: .*textual-dark"):
        InboxApp(store, theme="nope")


async def test_view_switching(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        tickets = ticket_list(app)
        assert tickets.count == 12
        await pilot.press("j")  # ticket 2: open
        await pilot.press(key("pending"))
        await pilot.pause()
        assert tickets.view == "pending" and tickets.count == 2
        assert [tickets.row(i).id for i in range(2)] == [3, 8]
        assert app.screen.sub_title == "Pending · 1 of 2"
        text = screen_text(app)
        assert "Order question 3" in text and "Order question 2" not in text
        assert thread(app).ticket_id == 3

        await pilot.press(key("open"))  # ticket 3 is not open: the cursor goes to the top
        assert tickets.count == 6 and tickets.cursor == 0
        await pilot.press("j", "j", "j")  # open tickets are 1, 2, 6, 7 ...
        assert tickets.ticket.id == 7
        await pilot.press(key("all"))  # the selected ticket stays selected
        assert tickets.count == 12 and tickets.ticket.id == 7 and tickets.cursor == 6

        await pilot.press(key("snoozed"), key("closed"))
        await pilot.pause()
        assert tickets.count == 2 and tickets.ticket.id == 5
        store.conn.execute("UPDATE tickets SET status = 'open' WHERE status = 'closed'")
        await pilot.press(key("closed"))
        await pilot.pause()
        assert tickets.count == 0 and thread(app).ticket_id is None
        assert "No closed tickets." in screen_text(app)


async def test_hostile_content_is_literal() -> None:
    store = Store.open(":memory:")
    seed(store, 3)
    store.conn.execute(
        "UPDATE tickets SET subject = ?, last_message_at = ? WHERE id = 2", (HOSTILE_SUBJECT, at(0))
    )
    store.conn.execute("UPDATE customers SET name = '[red]Mallory[/]' WHERE id = 2")
    store.conn.execute(
        "UPDATE messages SET text = ?, from_name = '[b]Mallory' WHERE ticket_id = 2 AND direction = 'in'",
        (HOSTILE_BODY,),
    )
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert ticket_list(app).ticket.id == 2
        text = screen_text(app)
        assert HOSTILE_SUBJECT in text  # in the list row and as the thread's title
        assert text.count(HOSTILE_SUBJECT) == 2
        assert "[red]Mallory[/]" in text and "[b]Mallory" in text
        assert HOSTILE_BODY in text
        for strip in app.screen._compositor.render_strips():
            for segment in strip:
                meta = segment.style.meta if segment.style else {}
                assert not any("click" in str(key) for key in meta), segment

        # click the subject in the list, and the body in the thread: nothing happens
        await pilot.click(TicketList, offset=(30, 0))
        await pilot.pause()
        assert app.is_running and app.return_code is None
        thread_y = next(i for i, line in enumerate(text.splitlines()) if "Look:" in line)
        thread_top = thread(app).region.y
        await pilot.click(ThreadView, offset=(12, thread_y - thread_top))
        await pilot.click(ThreadView, offset=(3, 1))
        await pilot.pause()
        assert app.is_running and app.return_code is None
        assert isinstance(app.screen, MainScreen)

        await pilot.press("enter")
        await pilot.pause()
        assert HOSTILE_BODY in screen_text(app)
        await pilot.click(ThreadView, offset=(3, 0))
        await pilot.pause()
        assert app.is_running


async def test_click_selects_a_row(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.click(TicketList, offset=(20, 3))
        await pilot.pause()
        assert ticket_list(app).ticket.id == 4
        assert thread(app).ticket_id == 4


async def test_empty_store_says_what_to_do() -> None:
    store = Store.open(":memory:")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "No tickets yet" in text and "inbox-tui demo" in text
        await pilot.press("j", "G", "enter", "2", "tab")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, MainScreen)


async def test_80x24_is_readable(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lines = screen_text(app).splitlines()
        assert len(lines) == 24
        row = next(line for line in lines if "Order question 1" in line)
        assert "Buyer 1" in row and "1h" in row and "open" in row
        assert any("Body of 1" in line for line in lines)


async def test_100k_tickets_open_fast_and_g_goes_to_the_bottom() -> None:
    store = Store.open(":memory:")
    seed_many(store, 100_000)
    app = make_app(store, page_size=200)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        tickets = ticket_list(app)
        assert tickets.count == 100_000
        assert "Ticket 1 " in screen_text(app)

        await pilot.press("G")
        await pilot.pause()
        assert tickets.ticket.id == 100_000
        text = screen_text(app)
        assert "Ticket 100000" in text and "Ticket 99990" in text
        assert tickets.cached_pages <= MAX_CACHED_PAGES
        assert tickets.pages_fetched <= 3  # the first page, the last page (and its neighbour)

        await pilot.press("k", "pageup", "g")
        await pilot.pause()
        assert tickets.ticket.id == 1 and "Ticket 1 " in screen_text(app)
        assert tickets.cached_pages <= MAX_CACHED_PAGES
    # how fast: benchmarks/tui.py (first paint, G, j/k at 100k), not timed here


async def test_demo_inbox(tmp_path, tmp_path_factory) -> None:
    store = Store.open(demo_copy(tmp_path_factory, tmp_path / "demo.db"))
    app = InboxApp(store)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        tickets = ticket_list(app)
        assert tickets.count > 0
        seen = set()
        for _ in range(min(tickets.count, 15)):
            await pilot.pause()
            ticket = tickets.ticket
            assert thread(app).ticket_id == ticket.id
            assert ticket.subject[:20] in thread(app).plain
            seen.add(ticket.id)
            await pilot.press("j")
        assert len(seen) == min(tickets.count, 15)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ThreadScreen)
        await pilot.press("escape")
        for view in (*VIEW_NAMES, "all"):
            await pilot.press(key(view))
        assert tickets.count == count_tickets(store)


# --- looks ----------------------------------------------------------------------------------


def test_snapshot_main_80x24(snap_compare) -> None:
    store = Store.open(":memory:")
    seed(store)
    assert snap_compare(make_app(store), press=["j"], terminal_size=(80, 24))


def test_snapshot_thread_80x24(snap_compare) -> None:
    store = Store.open(":memory:")
    seed(store)
    assert snap_compare(make_app(store), press=["j", "enter"], terminal_size=(80, 24))

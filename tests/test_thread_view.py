"""The thread pane as a line-API widget: lazy wrapping that reads the same as wrapping at once,
page by page through a long thread, re-wrapping on resize, and a cursor that outruns it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.style import Style
from rich.text import Text
from textual.content import Content

from inbox_tui.store.db import Store
from inbox_tui.tui.widgets.thread_view import ThreadView, WrappedText
from tests.test_tui import at, make_app, message_row, seed, thread, ticket_list
from tests.waiting import until

LONG_MESSAGES = 12
HOSTILE_LINE = "[bold]not bold[/bold] [@click=app.quit]quit[/]"


def long_store() -> Store:
    """The seeded store, with ticket 1 grown to LONG_MESSAGES messages of 30 lines each; the
    last line of the last message is hostile markup, far below the first screen."""
    store = Store.open(":memory:")
    seed(store)
    rows = []
    for n in range(LONG_MESSAGES):
        body = "\n".join(
            f"message {n} line {k}: " + "lorem ipsum dolor sit amet " * (1 + k % 4)
            for k in range(30)
        )
        if n == LONG_MESSAGES - 1:
            body += "\n" + HOSTILE_LINE + "\nTHE VERY END"
        direction = "out" if n % 2 else "in"
        rows.append(
            message_row(1000 + n, 1, direction, "Ayşe", "ayse@example.com", at(50 - n), body)
        )
    store.db["messages"].insert_all(rows)
    store.conn.execute("UPDATE tickets SET message_count = ? WHERE id = 1", (LONG_MESSAGES + 1,))
    return store


def pane_lines(app, view: ThreadView) -> list[str]:
    """The thread pane's text rows as the terminal shows them (scrollbar column cut off)."""
    region = view.scrollable_content_region
    rows = [strip.text for strip in app.screen._compositor.render_strips()]
    return [rows[y][region.x : region.right].rstrip() for y in range(region.y, region.bottom)]


def expected_lines(view: ThreadView) -> list[str]:
    """The whole thread wrapped at once, at the pane's width."""
    width = view.scrollable_content_region.width
    return [line.plain.rstrip() for line in Content(view.plain).wrap(width)]


async def read_page_by_page(app, pilot, view: ThreadView) -> list[str]:
    """Every row of the thread, read a screen at a time from the top with PageDown."""
    app.animation_level = "none"  # PageDown scrolls at once (as TEXTUAL_ANIMATIONS=none does)
    await pilot.press("g")
    height = view.scrollable_content_region.height
    seen: list[str] = []
    while True:
        await pilot.pause()
        top = round(view.scroll_y)
        rows = pane_lines(app, view)
        seen[top:] = rows
        if top >= view.max_scroll_y:
            return seen[: view.virtual_size.height]
        await pilot.press("pagedown")
        assert round(view.scroll_y) > top or height == 0


# --- the wrapping itself ---------------------------------------------------------------------

STYLES = [Style(bold=True), Style(italic=True), Style(color="red"), Style(dim=True)]
LINE_TEXT = st.text(
    alphabet=st.sampled_from("abc défğış 漢字 \t-/.") | st.characters(codec="utf-8"),
    max_size=120,
)


@st.composite
def styled_texts(draw) -> Text:
    text = Text("\n".join(draw(st.lists(LINE_TEXT, min_size=1, max_size=12))), end="")
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, len(text)))
        text.stylize(draw(st.sampled_from(STYLES)), start, end)
    return text


@settings(max_examples=200, deadline=None)
@given(styled_texts(), st.integers(1, 80), st.lists(st.integers(0, 40), max_size=6))
def test_wrapping_a_slice_at_a_time_reads_as_wrapping_at_once(
    text: Text, width: int, steps: list[int]
) -> None:
    content = Content.from_rich_text(text)
    whole = content.wrap(width)
    lazy = WrappedText(content)
    lazy.set_width(width)
    for step in steps:  # the first screen, then whatever the idle steps get to
        lazy.wrap_until(len(lazy.lines) + step)
        assert lazy.height >= len(lazy.lines)
    lazy.wrap_until(None)
    assert lazy.complete and lazy.height == len(whole)
    assert [line.plain for line in lazy.lines] == [line.plain for line in whole]
    assert [list(line.spans) for line in lazy.lines] == [list(line.spans) for line in whole]
    assert lazy.line(len(whole)) is None


def test_a_new_width_starts_the_wrapping_again() -> None:
    lazy = WrappedText(Content("one two three four five six seven"))
    lazy.set_width(10)
    lazy.wrap_until(None)
    assert [line.plain for line in lazy.lines] == ["one two", "three four", "five six", "seven"]
    lazy.set_width(20)
    assert lazy.lines == [] and not lazy.complete
    assert lazy.line(1).plain == "five six seven"


# --- in the app --------------------------------------------------------------------------------


async def test_a_long_thread_reads_whole_page_by_page_and_g_end_reaches_its_end() -> None:
    app = make_app(long_store())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        view = thread(app)
        assert view.ticket_id == 1
        assert pane_lines(app, view)[0] == "Order question 1"
        await pilot.press("tab")
        assert app.focused is view

        assert await read_page_by_page(app, pilot, view) == expected_lines(view)

        await pilot.press("g")
        await pilot.pause()
        assert view.scroll_y == 0
        await pilot.press("G")  # straight to the end, however much was wrapped so far
        await pilot.pause()
        shown = pane_lines(app, view)
        assert "THE VERY END" in shown
        assert HOSTILE_LINE in shown  # literal text, not markup
        assert view.virtual_size.height == len(expected_lines(view))
        assert app.is_running


async def test_resizing_wraps_the_thread_to_the_new_width() -> None:
    app = make_app(long_store())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        view = thread(app)
        await pilot.press("tab")
        wide = view.scrollable_content_region.width
        await pilot.resize_terminal(70, 30)
        await pilot.pause()
        narrow = view.scrollable_content_region.width
        assert narrow < wide
        lines = await read_page_by_page(app, pilot, view)
        assert lines == expected_lines(view)
        assert max(len(line) for line in lines) <= narrow


async def test_moving_on_before_a_long_thread_is_wrapped_shows_the_next_ticket() -> None:
    store = long_store()
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        view = thread(app)
        await until(pilot, lambda: view.ticket_id == 1, "the first ticket's thread shown")
        await pilot.press("tab")
        await until(pilot, lambda: app.focused is view, "the thread to have the focus")
        await pilot.press("G", "tab")  # at the end of the long thread, back to the list
        await pilot.press("j", "k", "j")  # quicker than a frame: the store is read once
        await pilot.pause()
        assert ticket_list(app).ticket.id == 2 and view.ticket_id == 2
        assert view.scroll_y == 0
        assert pane_lines(app, view)[:2] == [
            "Order question 2",
            "Buyer 2 <buyer2@example.com> · ebay · open · 2 messages",
        ]
        assert view.virtual_size.height == len(expected_lines(view))
        assert "Reply to 2" in pane_lines(app, view)


async def test_an_empty_view_shows_the_placeholder_and_no_stale_lines() -> None:
    store = long_store()
    store.conn.execute("UPDATE tickets SET status = 'open' WHERE status = 'closed'")
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("6")  # Closed: nothing there
        await pilot.pause()
        view = thread(app)
        assert view.ticket_id is None
        shown = [line for line in pane_lines(app, view) if line]
        assert shown == ["Select a ticket to read its messages."]


# --- the ticket's outbox ----------------------------------------------------------------------


def queue(store: Store, ticket_id: int, text: str, number: int) -> int:
    """A reply in the outbox, built and stored as the composer queues one."""
    from datetime import UTC, datetime

    from inbox_tui.outbox.message import ReplyHeaders, build_reply
    from inbox_tui.store.outbox import insert_reply

    headers = ReplyHeaders(
        sender="Shop <shop@example.com>",
        to=(("Buyer 2", "buyer2@example.com"),),
        subject="Re: Order question 2",
        in_reply_to="m20@example.com",
        references=("m20@example.com",),
    )
    message_id = f"reply{number}@shop.example"
    raw = build_reply(
        headers, text, message_id=message_id, date=datetime(2026, 11, 30, 11, tzinfo=UTC)
    )
    with store.transaction():
        return insert_reply(
            store,
            ticket_id=ticket_id,
            message_id=message_id,
            transport="smtp",
            source="shop",
            raw=raw,
            created_at=at(1),
        )


async def test_the_outbox_replies_of_a_ticket_follow_its_thread() -> None:
    from inbox_tui.store.outbox import claim, mark_failed, mark_sent

    store = long_store()
    waiting = queue(store, 2, "Your parcel left today.\nBest, Shop", 1)
    failed = queue(store, 2, "We refunded the towel.", 2)
    sent = queue(store, 2, "This one went out already.", 3)
    with store.transaction():
        claim(store, failed)
        mark_failed(store, failed, "550 5.1.1 \x1b[31m[red]no such user[/red]")
        claim(store, sent)
        mark_sent(store, sent, at(0.5))
    app = make_app(store)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("j")  # ticket 2
        await pilot.pause()
        view = thread(app)
        await pilot.press("tab", "G")
        await pilot.pause()
        shown = "\n".join(pane_lines(app, view))
        assert "◷ IN THE OUTBOX  to buyer2@example.com" in shown
        assert "Your parcel left today.\nBest, Shop" in shown
        assert "✗ NOT SENT  to buyer2@example.com" in shown
        assert "1 attempt" in shown
        assert "Not sent: 550 5.1.1 [red]no such user[/red]" in shown  # literal, no escape
        assert "We refunded the towel." in shown
        assert "✓ SENT  to buyer2@example.com" in shown
        assert "shown above as your reply" in shown
        assert "This one went out already." not in view.plain  # a message of the thread by now
        assert shown.index("IN THE OUTBOX") < shown.index("NOT SENT") < shown.index("✓ SENT")
        assert waiting

        with store.transaction():
            mark_sent(store, waiting, at(0))
        view.refresh_ticket()  # what the screen does once a send worker reports
        await pilot.pause()
        assert "IN THE OUTBOX" not in view.plain and view.plain.count("✓ SENT") == 2


async def test_dragging_the_mouse_selects_the_thread_text() -> None:
    app = make_app(long_store())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        view = thread(app)
        left = view.content_region.x - view.region.x
        top = view.content_region.y - view.region.y
        await pilot.mouse_down(view, offset=(left, top))
        await pilot.hover(view, offset=(left + 10, top + 1))
        await pilot.mouse_up(view, offset=(left + 10, top + 1))
        await pilot.pause()
        assert app.screen.get_selected_text() == "Order question 1\nBuyer 1 <bu"

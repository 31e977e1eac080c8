"""Missing values in the composer: a gap the template could not fill is selected when the
composer goes to it, so the value typed replaces it; ctrl+n goes to the next one; focusing the
subject never lets the first key wipe it. Real import, templates and outbox; Pilot for keys."""

from __future__ import annotations

from email import message_from_bytes

from textual.widgets.input import Selection as SubjectSelection

from inbox_tui.store.outbox import outbox_for_ticket
from inbox_tui.store.views import get_ticket
from inbox_tui.templates import MISSING_MARK
from inbox_tui.tui.reply_checks import Problem, next_gap
from inbox_tui.tui.screens.main import MainScreen
from tests.test_composer import (  # noqa: F401  (config, inbox: fixtures)
    SIZE,
    config,
    inbox,
    make_app,
    open_on,
    problems_shown,
)
from tests.test_tui import screen_text

MARK = MISSING_MARK.format(name="order.number")


def selected_text(screen) -> str:
    """What is selected in the focused part of the composer (the body or the subject)."""
    if screen.focused is screen.subject:
        start, end = sorted(screen.subject.selection)
        return screen.subject.value[start:end]
    return screen.body.selected_text


async def test_typing_replaces_the_selected_gap_and_ctrl_n_goes_to_the_next(inbox, config) -> None:  # noqa: F811
    store, ids = inbox
    app = make_app(store, config)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_on(pilot, app, ids["refund"])
        await pilot.press(*"refund", "enter")
        # the body's gap is selected: the number typed takes its place, no Delete pressed
        assert screen.focused is screen.body and selected_text(screen) == MARK
        await pilot.press(*"A-77")
        assert "for order A-77." in screen.body.text and MARK not in screen.body.text
        # the subject still has one: the footer offers ctrl+n, which selects it
        assert "Next gap" in screen_text(app)
        await pilot.press("ctrl+n")
        assert screen.focused is screen.subject and selected_text(screen) == MARK
        await pilot.press(*"A-77")
        assert screen.subject.value == "Refund for order A-77"
        assert "missing" not in problems_shown(app)
        assert "Next gap" not in screen_text(app)  # nothing left to go to
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    (entry,) = outbox_for_ticket(store, ids["refund"])
    assert "for order A-77." in entry.text
    raw = store.conn.execute("SELECT raw FROM outbox WHERE id = ?", (entry.id,)).fetchone()[0]
    assert message_from_bytes(raw)["Subject"] == "Refund for order A-77"
    assert get_ticket(store, ids["refund"]).status == "closed"


async def test_ctrl_n_goes_round_the_gaps_in_reading_order(inbox, config) -> None:  # noqa: F811
    store, ids = inbox
    app = make_app(store, config)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_on(pilot, app, ids["refund"])
        await pilot.press(*"refund", "enter")
        # a second gap in the body, after the first
        screen.body.move_cursor(screen.body.document.end)
        await pilot.press("enter", *"Order ")
        screen.body.insert(MARK)  # as a template leaves it
        first = screen.body.text.index(MARK)
        screen.body.move_cursor((0, 0))
        await pilot.press("ctrl+n")  # from the top: the body's first gap
        assert screen.focused is screen.body
        assert min(screen.body.selection) == screen.body.document.get_location_from_index(first)
        await pilot.press("ctrl+n")  # the second one
        second = screen.body.text.index(MARK, first + 1)
        start = screen.body.document.get_location_from_index(second)
        assert min(screen.body.selection) == start and selected_text(screen) == MARK
        await pilot.press("ctrl+n")  # round again: the subject's comes first
        assert screen.focused is screen.subject and selected_text(screen) == MARK
        await pilot.press("ctrl+n")
        assert screen.focused is screen.body and selected_text(screen) == MARK
        assert min(screen.body.selection) == screen.body.document.get_location_from_index(first)


async def test_a_blocked_send_selects_the_gap_it_names(inbox, config) -> None:  # noqa: F811
    store, ids = inbox
    app = make_app(store, config)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_on(pilot, app, ids["refund"])
        await pilot.press(*"refund", "enter", *"A-77")  # the body's gap; the subject's is left
        await pilot.press("ctrl+o")  # send and close: refused, the composer goes to the gap
        await pilot.pause()
        assert app.screen is screen and outbox_for_ticket(store, ids["refund"]) == []
        assert screen.focused is screen.subject and selected_text(screen) == MARK
        await pilot.press(*"A-77", "ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    assert get_ticket(store, ids["refund"]).status == "closed"


async def test_focusing_the_subject_keeps_it_whole(inbox, config) -> None:  # noqa: F811
    store, ids = inbox
    app = make_app(store, config)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_on(pilot, app, ids["wismo"])
        await pilot.press("1")  # the suggested template: its subject, no gap in it
        subject = screen.subject.value
        assert subject and MARK not in subject
        await pilot.press("shift+tab", "shift+tab")  # body → picker filter → subject
        assert screen.focused is screen.subject
        assert screen.subject.selection == SubjectSelection.cursor(len(subject))
        await pilot.press(*" (tracking)")
        assert screen.subject.value == subject + " (tracking)"


def test_next_gap_goes_in_reading_order_and_round() -> None:
    subject = Problem("s", 10, 20, 1, "subject")
    first, second = Problem("a", 5, 9, 1), Problem("b", 30, 40, 2)
    gaps = [second, first, subject]  # in no particular order
    assert next_gap(gaps, "body", 0) is first
    assert next_gap(gaps, "body", 5) is second  # on the first one: the next
    assert next_gap(gaps, "body", 30) is subject  # round: the subject's comes first
    assert next_gap(gaps, "subject", 10) is first
    assert next_gap([], "body", 0) is None

"""Triage actions in the TUI: one key each, bulk on a selection, undo, snooze, tags, help, palette."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from textual.command import CommandPalette

from inbox_tui.store.db import Store, format_time
from inbox_tui.store.views import get_ticket, list_tags, tag_counts, ticket_states
from inbox_tui.tui.app import InboxApp
from inbox_tui.tui.commands import KeymapCommands, palette_entry
from inbox_tui.tui.keymap import KEYMAP, SCOPES, key_label
from inbox_tui.tui.screens.help import HelpScreen
from inbox_tui.tui.screens.main import MainScreen
from inbox_tui.tui.screens.snooze import SnoozeScreen
from inbox_tui.tui.screens.tag_picker import TagPicker, filter_tags
from inbox_tui.tui.screens.thread import ThreadScreen
from inbox_tui.tui.snooze_times import parse_snooze, snooze_presets
from inbox_tui.tui.ticket_views import VIEW_NAMES
from tests.test_tui import NOW, key, make_app, screen_text, seed, seed_many, ticket_list
from tests.waiting import palette_ready, until

ISTANBUL = ZoneInfo("Europe/Istanbul")  # UTC+3 all year


@pytest.fixture
def store() -> Store:
    store = Store.open(":memory:")
    seed(store)
    yield store
    store.close()


def state(store: Store) -> list[tuple]:
    """Everything an action may change, for exact before/after comparisons."""
    tickets = store.conn.execute(
        "SELECT id, status, snoozed_until, flagged, priority, unread_count FROM tickets ORDER BY id"
    ).fetchall()
    tags = store.conn.execute(
        "SELECT ticket_id, tag_id FROM ticket_tags ORDER BY ticket_id, tag_id"
    ).fetchall()
    seen = store.conn.execute("SELECT id, seen FROM messages ORDER BY id").fetchall()
    return [tuple(row) for row in (*tickets, *tags, *seen)]


def status(store: Store, ticket_id: int) -> str:
    ticket = get_ticket(store, ticket_id)
    assert ticket is not None
    return ticket.status


def row_line(app: InboxApp, subject: str) -> str:
    """The list row showing `subject` (matched as a whole word)."""
    return next(line for line in screen_text(app).splitlines() if f"{subject} " in line)


# --- pure parts -----------------------------------------------------------------------------


def test_snooze_presets_are_in_the_sellers_time_zone() -> None:
    labels = [(label, format_time(when)) for label, when in snooze_presets(NOW, ISTANBUL)]
    # NOW is Monday 30 Nov 12:00 UTC = 15:00 in Istanbul
    assert labels == [
        ("In 1 hour", "2026-11-30T13:00:00Z"),
        ("Tomorrow 9:00", "2026-12-01T06:00:00Z"),
        ("Next Monday 9:00", "2026-12-07T06:00:00Z"),
    ]
    late_sunday = datetime(2026, 12, 6, 22, 30, tzinfo=UTC)  # already Monday 01:30 in Istanbul
    assert format_time(snooze_presets(late_sunday, ISTANBUL)[2][1]) == "2026-12-14T06:00:00Z"
    assert format_time(snooze_presets(late_sunday)[2][1]) == "2026-12-07T09:00:00Z"


def test_typed_snooze_times() -> None:
    assert parse_snooze("3d", NOW) == NOW + timedelta(days=3)
    assert parse_snooze(" 4H ", NOW) == NOW + timedelta(hours=4)
    assert parse_snooze("2w", NOW) == NOW + timedelta(weeks=2)
    assert format_time(parse_snooze("2026-12-03 14:00", NOW, ISTANBUL)) == "2026-12-03T11:00:00Z"
    assert format_time(parse_snooze("2026-12-03", NOW)) == "2026-12-03T09:00:00Z"
    for bad, reason in (
        ("", "type a time"),
        ("soon", "cannot read 'soon'"),
        ("0h", "snooze for at least"),
        ("2026-11-01 10:00", "has already passed"),
        ("2026-13-45", "cannot read"),
    ):
        with pytest.raises(ValueError, match=reason):
            parse_snooze(bad, NOW)
    with pytest.raises(ValueError, match="too far ahead"):  # it crashed the TUI (OverflowError)
        parse_snooze("9999-12-31 23:00", NOW, ZoneInfo("America/New_York"))


def test_tag_filter_is_fuzzy() -> None:
    tags = ["Damaged", "refund", "wrong size", "gift"]
    assert filter_tags(tags, "") == tags
    assert filter_tags(tags, "rfd") == ["refund"]
    assert filter_tags(tags, "size")[0] == "wrong size"
    assert filter_tags(tags, "zzz") == []


# --- one key each ---------------------------------------------------------------------------


async def test_close_in_open_view_moves_cursor_to_the_next_ticket(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(key("open"), "j")  # open view: 1, 2, 6, 7, 11, 12; cursor on 2
        tickets = ticket_list(app)
        assert tickets.ticket.id == 2
        await pilot.press("e")
        await pilot.pause()
        assert status(store, 2) == "closed"
        assert tickets.ticket.id == 6 and tickets.cursor == 1 and tickets.count == 5
        text = screen_text(app)
        assert f"{key('open')} Open 5" in text and f"{key('closed')} Closed 3" in text
        assert "Order question 2 " not in text
        assert app.screen.sub_title == "Open · 2 of 5"
        await pilot.press("e", "e")  # the rhythm: closes 6, then 7
        assert [status(store, i) for i in (6, 7)] == ["closed", "closed"]
        assert tickets.ticket.id == 11


async def test_reopen_and_pending(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("j", "j", "j", "j")  # ticket 5 is closed
        assert ticket_list(app).ticket.id == 5
        await pilot.press("E")
        await pilot.pause()
        # reopened, the customer waits again: the row shows the time left to answer
        assert status(store, 5) == "open" and "Tue 06:00" in row_line(app, "Order question 5")
        await pilot.press("p")
        await pilot.pause()
        assert status(store, 5) == "pending" and "pending" in row_line(app, "Order question 5")
        assert f"{key('pending')} Pending 3" in screen_text(app)


async def test_flag_read_and_priority_toggle(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f")
        await pilot.pause()
        assert get_ticket(store, 1).flagged and "⚑" in row_line(app, "Order question 1")
        await pilot.press("f")
        await pilot.pause()
        assert not get_ticket(store, 1).flagged and "⚑" not in row_line(app, "Order question 1")

        assert get_ticket(store, 1).unread_count == 1 and "●" in row_line(app, "Order question 1")
        await pilot.press("U")
        await pilot.pause()
        assert get_ticket(store, 1).unread_count == 0
        assert "●" not in row_line(app, "Order question 1")
        await pilot.press("U")
        assert get_ticket(store, 1).unread_count == 1

        for expected, mark in ((1, "! Order question 1"), (2, "!! Order question 1")):
            await pilot.press("exclamation_mark")
            await pilot.pause()
            assert get_ticket(store, 1).priority == expected
            assert mark in screen_text(app)
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert get_ticket(store, 1).priority == 0
        assert "! Order question 1" not in screen_text(app)


async def test_enter_marks_the_ticket_read(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ThreadScreen)
        assert get_ticket(store, 1).unread_count == 0
        await pilot.press("escape")
        await pilot.pause()
        assert "●" not in row_line(app, "Order question 1")


# --- selection, bulk and undo ---------------------------------------------------------------


async def test_bulk_close_of_a_selection_is_one_batch(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        # open: 1 2 6 7 11 12; x and space select and go on to the next ticket
        await pilot.press(key("open"), "x", "space", "j", "x")  # 1, 2, 7
        await pilot.pause()
        tickets = ticket_list(app)
        assert tickets.selected == {1, 2, 7}
        assert app.screen.sub_title == "Open · 5 of 6 · 3 selected"
        assert "✓" in row_line(app, "Order question 2")
        assert "✓" not in row_line(app, "Order question 6")
        await pilot.press("k", "x")  # deselect 7
        assert tickets.selected == {1, 2}
        await pilot.press("k", "x", "e")
        await pilot.pause()
        assert [status(store, i) for i in (1, 2, 6, 7)] == ["closed", "closed", "open", "closed"]
        batches = store.conn.execute(
            "SELECT DISTINCT batch_id FROM events WHERE kind = 'status'"
        ).fetchall()
        assert len(batches) == 1
        assert tickets.selected == set() and app.screen.sub_title == "Open · 2 of 3"
        assert "✓" not in screen_text(app)
        assert f"{key('open')} Open 3" in screen_text(app)


async def test_undo_single_and_bulk_restore_the_exact_prior_state(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        before = state(store)
        await pilot.press("e")
        await pilot.pause()
        assert status(store, 1) == "closed"
        await pilot.press("u")
        await pilot.pause()
        assert state(store) == before and "Tue 10:00" in row_line(app, "Order question 1")

        await pilot.press("x", "x", "x")  # 1, 2, 3 (3 is pending)
        await pilot.press("U")  # read 1 and 3 (2 is read already)
        await pilot.pause()
        after_read = state(store)
        assert after_read != before
        assert ticket_list(app).ticket.id == 4  # the cursor stayed; the selection cleared
        await pilot.press("k", "x", "x", "j", "x")  # 3, 4, 6
        await pilot.press("e")
        await pilot.pause()
        closed = [i for i in range(1, 13) if status(store, i) == "closed"]
        assert closed == [3, 4, 5, 6, 10]
        await pilot.press("u")
        await pilot.pause()
        assert state(store) == after_read  # the bulk close is undone, the read stays
        await pilot.press("u")
        await pilot.pause()
        assert state(store) == before
        await pilot.press("u")  # nothing left: nothing changes, nothing breaks
        await pilot.pause()
        assert state(store) == before and app.is_running


# --- snooze and tags ------------------------------------------------------------------------


async def test_snooze_presets_and_typed_time(store: Store) -> None:
    app = make_app(store, tz=ISTANBUL)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("z")
        await pilot.pause()
        assert isinstance(app.screen, SnoozeScreen)
        text = screen_text(app)
        assert "Tomorrow 9:00" in text and "Tue 1 Dec 09:00" in text
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        ticket = store.conn.execute("SELECT status, snoozed_until FROM tickets WHERE id = 1")
        assert tuple(ticket.fetchone()) == ("snoozed", "2026-12-01T06:00:00Z")
        assert "snoozed" in row_line(app, "Order question 1")

        await pilot.press("j", "z", "enter")  # the first preset: in 1 hour
        await pilot.pause()
        assert store.conn.execute("SELECT snoozed_until FROM tickets WHERE id = 2").fetchone()[
            0
        ] == format_time(NOW + timedelta(hours=1))

        await pilot.press("j", "z", *"soon", "enter")  # bad input: shown inline, no crash
        await pilot.pause()
        assert isinstance(app.screen, SnoozeScreen)
        assert "cannot read 'soon'" in screen_text(app)
        for _ in "soon":
            await pilot.press("backspace")
        await pilot.press(*"3d", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert store.conn.execute("SELECT snoozed_until FROM tickets WHERE id = 3").fetchone()[
            0
        ] == format_time(NOW + timedelta(days=3))

        before = state(store)
        await pilot.press("j", "z", "escape")  # cancel changes nothing
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and state(store) == before


async def test_tag_picker_creates_and_toggles(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("j", "t")  # ticket 2 has no tags
        await pilot.pause()
        assert isinstance(app.screen, TagPicker)
        text = screen_text(app)
        assert "Damaged" in text and "refund" in text
        await pilot.press(*"gift", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert get_ticket(store, 2).tags == ("gift",)
        assert "#gift" in row_line(app, "Order question 2")

        await pilot.press("t", *"rfd", "enter")  # fuzzy: refund
        await pilot.pause()
        assert get_ticket(store, 2).tags == ("gift", "refund")
        await pilot.press("t", *"gif")
        await pilot.pause()
        text = screen_text(app)
        assert "✓ gift" in text and "refund" not in text.split("Enter adds")[1].split("╰")[0]
        assert "create tag “gif”" in text  # a new name may be a prefix of an old one
        await pilot.press("enter")  # the best match is highlighted: toggles gift off
        await pilot.pause()
        assert get_ticket(store, 2).tags == ("refund",)
        assert "#gift" not in row_line(app, "Order question 2")

        await pilot.press("u")
        await pilot.pause()
        assert get_ticket(store, 2).tags == ("gift", "refund")


# --- help and palette -----------------------------------------------------------------------


async def test_help_lists_every_key_of_the_keymap(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 80)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-keys").render())
        for key in KEYMAP:
            assert f"{key_label(key.key):<14}{key.description}" in text, key
        for title in SCOPES.values():
            assert title in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_palette_lists_actions_with_keys_and_runs_them(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        provider = KeymapCommands(app.screen)
        entries = [hit.text async for hit in provider.discover()]
        for key in KEYMAP:
            if key.scope in ("main", "list", "thread", "app"):
                assert palette_entry(key) in entries, key
        assert "Close  (e)" in entries and "Select, go to the next  (x/space)" in entries

        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"Close")
        await until(pilot, lambda: palette_ready(app), "the palette's commands for 'Close'")
        assert "Close  (e)" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert isinstance(app.screen, MainScreen)
        assert status(store, 1) == "closed"


# --- speed ----------------------------------------------------------------------------------


async def test_bulk_close_of_1000_at_100k_tickets() -> None:
    store = Store.open(":memory:")
    seed_many(store, 100_000)
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(key("open"))
        await pilot.pause()
        tickets = ticket_list(app)
        ids = [tickets.row(i).id for i in range(1000)]
        tickets.selected.update(ids)
        await pilot.press("e")
        closed = store.conn.execute("SELECT id FROM tickets WHERE status = 'closed'").fetchall()
        assert set(ids) <= {row[0] for row in closed}
        assert tickets.count == 40_000 - 1000 and not tickets.selected
    # its speed is measured in benchmarks/tui.py (bulk close of 1,000), not timed here


# --- due times and snooze wake-up (inbox_tui/store/due.py) ------------------------------------


async def test_due_view_comes_first_and_shows_time_left(store: Store) -> None:
    for ticket_id, hours in ((1, 3), (2, -2), (6, 30)):
        store.conn.execute(
            "UPDATE tickets SET due_at = ? WHERE id = ?",
            (format_time(NOW + timedelta(hours=hours)), ticket_id),
        )
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert VIEW_NAMES[0] == "due" and "1 Due 3" in screen_text(app)
        assert "due 15:00" in row_line(app, "Order question 1")  # NOW is Mon 12:00 UTC
        assert "late 2h" in row_line(app, "Order question 2")
        assert "Tue 18:00" in row_line(app, "Order question 6")
        assert "open" in row_line(app, "Order question 7")  # nothing waits on 7
        await pilot.press("1")
        await pilot.pause()
        tickets = ticket_list(app)
        assert [tickets.row(i).id for i in range(tickets.count)] == [2, 1, 6]  # most urgent first
        await pilot.press("e")  # answered elsewhere: closing it leaves the Due view
        await pilot.pause()
        assert tickets.count == 2 and tickets.ticket.id == 1
        assert "1 Due 2" in screen_text(app)


async def test_snoozed_tickets_wake_at_start_and_on_the_timer(store: Store) -> None:
    clock = [NOW]
    store.conn.execute(
        "UPDATE tickets SET snoozed_until = ? WHERE id = 4",
        (format_time(NOW - timedelta(minutes=1)),),
    )
    store.conn.execute(
        "UPDATE tickets SET snoozed_until = ? WHERE id = 9",
        (format_time(NOW + timedelta(hours=2)),),
    )
    app = InboxApp(store, now=lambda: clock[0])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert status(store, 4) == "open"
        assert "snoozed" not in row_line(app, "Order question 4")  # open, and due again
        assert f"{key('snoozed')} Snoozed 1" in screen_text(app)
        assert app.wake_snoozed() == []
        clock[0] = NOW + timedelta(hours=3)
        assert app.wake_snoozed() == [9]
        await pilot.pause()
        assert f"{key('snoozed')} Snoozed 0" in screen_text(app)
        assert status(store, 9) == "open"


# --- search (inbox_tui/store/search.py) -------------------------------------------------------


async def test_search_replaces_the_list_and_escape_brings_the_view_back(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash", *"status:open tag:refund")  # letters that are keys elsewhere
        # search as you type, after a short quiet spell
        done = "Search · 1 of 1 found"  # what it finds for the whole text, not its first letters
        await until(pilot, lambda: app.screen.sub_title == done, "the search")
        tickets = ticket_list(app)
        assert [tickets.row(i).id for i in range(tickets.count)] == [1]
        assert app.screen.sub_title == "Search · 1 of 1 found" and app.is_running
        assert status(store, 1) == "open" and get_ticket(store, 1).unread_count == 1

        await pilot.press("ctrl+u", *"body", "enter")  # Enter searches at once, focus to list
        tickets = ticket_list(app)
        assert tickets.count == 12 and app.focused is tickets
        await pilot.press("n", "n", "N")
        assert tickets.cursor == 1
        await pilot.press("e")  # actions work on results; closed tickets still match
        await pilot.pause()
        assert status(store, 2) == "closed" and tickets.count == 12

        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.sub_title == "All · 2 of 12" and tickets.count == 12
        assert not app.screen.has_class("-searching")


async def test_search_errors_are_shown_inline(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash", *"tag:refund", "enter")
        # the search runs once the typing settles: wait for its list
        await until(pilot, lambda: ticket_list(app).count == 1, "the search's list", every=0.05)
        assert ticket_list(app).count == 1
        # typed after the words, not into an emptied field: an empty field shows every ticket
        # once the search's delay passes, which a loaded machine lets happen before the quote
        await pilot.press("slash", "end", "space", *'"unclosed', "enter")
        await pilot.pause()
        text = screen_text(app)
        assert "^ unclosed quote" in text and app.is_running
        assert ticket_list(app).count == 1  # the last good results stay
        await pilot.press("ctrl+u", *"from:", "enter")
        await pilot.pause()
        assert "needs a value" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert "needs a value" not in screen_text(app) and ticket_list(app).count == 12


async def test_n_without_a_search_does_nothing_harmful(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n", "N")
        await pilot.pause()
        assert ticket_list(app).cursor == 0 and app.is_running


def test_store_queries_for_actions(store: Store) -> None:
    assert list_tags(store) == ["Damaged", "refund"]
    assert tag_counts(store, [1, 2, 3]) == {"Damaged": 1, "refund": 1}
    states = ticket_states(store, [1, 4, 999])
    assert sorted(states) == [1, 4]
    assert (states[1].status, states[1].unread_count, states[4].status) == ("open", 1, "snoozed")


async def test_triage_keys_in_the_full_screen_thread(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(key("open"), "x", "enter")  # a selection elsewhere stays put
        await pilot.pause()
        assert isinstance(app.screen, ThreadScreen) and app.screen.ticket_id == 2
        await pilot.press("f", "exclamation_mark")
        await pilot.pause()
        assert get_ticket(store, 2).flagged and get_ticket(store, 2).priority == 1
        assert not get_ticket(store, 1).flagged  # ticket 1 is selected, but not the one read
        await pilot.press("z", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ThreadScreen) and status(store, 2) == "snoozed"
        assert "snoozed" in app.screen.query_one("ThreadView").plain
        await pilot.press("u")
        await pilot.pause()
        assert status(store, 2) == "open"
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and status(store, 2) == "closed"
        tickets = ticket_list(app)
        assert tickets.ticket.id == 6 and tickets.selected == {1}


async def test_bulk_close_lands_on_the_ticket_after_the_last_closed(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(key("open"), "x", "x", "x", "k")  # open: 1, 2, 6 of 1 2 6 7 11 12
        tickets = ticket_list(app)
        assert tickets.ticket.id == 6
        await pilot.press("e")
        await pilot.pause()
        assert tickets.ticket.id == 7 and tickets.cursor == 0


async def test_a_rules_change_shows_in_the_thread_and_u_there_undoes_it(store: Store) -> None:
    from inbox_tui.config import parse_config
    from inbox_tui.replies import run_rules

    config = parse_config(
        "rules:\n  - name: big-buyer\n    when: {search: 'from:buyer2'}\n"
        "    then: {tag: vip, priority: 3}\n"
    )
    [firing] = run_rules(store, config, now=NOW).firings
    assert firing.ticket_id == 2
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(key("open"), "j", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ThreadScreen) and app.screen.ticket_id == 2
        text = app.screen.query_one("ThreadView").plain
        assert "tagged vip by rule big-buyer" in text
        assert "priority 0 → 3 by rule big-buyer" in text
        await pilot.press("u")  # the seller did nothing: u takes back the rule's change
        await pilot.pause()
        assert get_ticket(store, 2).priority == 0 and "vip" not in get_ticket(store, 2).tags
        assert "tagged vip by rule big-buyer (undone)" in app.screen.query_one("ThreadView").plain

"""Undo a send in the TUI, the outbox view, closing a ticket with a draft, the demo's outbox:
Pilot on the real store, templates and outbox (the sender is held, so nothing needs a server)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from inbox_tui import demo
from inbox_tui.config import parse_config
from inbox_tui.store.drafts import get_draft, save_draft
from inbox_tui.store.outbox import outbox_counts, outbox_for_ticket
from inbox_tui.store.views import get_ticket
from inbox_tui.tui.app import InboxApp
from inbox_tui.tui.screens.composer import ComposerScreen
from inbox_tui.tui.screens.confirm import ConfirmScreen
from inbox_tui.tui.screens.main import MainScreen
from inbox_tui.tui.screens.outbox import OutboxScreen
from tests.test_composer import CONFIG, NOW, SIZE, build_inbox, notices, open_on
from tests.test_tui import screen_text
from tests.waiting import palette_ready, until, workers_settled

HELD = CONFIG + "outbox:\n  undo_seconds: 30\n"


@pytest.fixture
def held_config(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SHOP_PASSWORD", "secret")
    return parse_config(HELD)


@pytest.fixture
def shop(tmp_path: Path):
    store, ids = build_inbox(":memory:", tmp_path / "Mail")
    yield store, ids
    store.close()


def status(store, ticket: int) -> str:
    return get_ticket(store, ticket).status


async def test_u_after_send_and_close_takes_the_reply_back_and_says_so(shop, held_config):
    store, ids = shop
    app = InboxApp(store, now=lambda: NOW, config=held_config)
    async with app.run_test(size=SIZE) as pilot:
        await open_on(pilot, app, ids["wismo"])
        await pilot.press("1", "ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert status(store, ids["wismo"]) == "closed"
        assert "Reply goes in 30s · u undoes the send · o shows the outbox" in notices(app)

        await pilot.press("u")
        await pilot.pause()
        undid = (
            f"Undid: close, tag #shipping and send of #{ids['wismo']}: the reply is a draft again"
        )
        assert undid in notices(app)
    assert status(store, ids["wismo"]) == "open"
    assert "shipping" not in get_ticket(store, ids["wismo"]).tags  # one undo: all of it
    assert outbox_for_ticket(store, ids["wismo"]) == []
    assert get_draft(store, ids["wismo"]).body.startswith("Hi Ayşe,")


async def test_closing_a_ticket_with_a_draft_asks_first(shop, held_config):
    store, ids = shop
    save_draft(store, ids["wismo"], "half a reply")
    app = InboxApp(store, now=lambda: NOW, config=held_config)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.ticket_list.focus()
        while app.screen.ticket_list.ticket.id != ids["wismo"]:
            await pilot.press("j")
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        question = str(app.screen.query_one(".dialog-title").render())
        assert question.startswith(f"#{ids['wismo']} has an unsent reply draft. Close anyway?")
        await pilot.press("n")
        await pilot.pause()
        assert status(store, ids["wismo"]) == "open"

        await pilot.press("e")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    assert status(store, ids["wismo"]) == "closed"
    assert get_draft(store, ids["wismo"]).body == "half a reply"  # kept, not sent


async def test_closing_without_a_draft_asks_nothing(shop, held_config):
    store, ids = shop
    app = InboxApp(store, now=lambda: NOW, config=held_config)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.ticket_list.focus()
        while app.screen.ticket_list.ticket.id != ids["refund"]:
            await pilot.press("j")
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    assert status(store, ids["refund"]) == "closed"


async def test_the_outbox_view_lists_and_cancels_and_edits(shop, held_config):
    store, ids = shop
    clock = [NOW]
    app = InboxApp(store, now=lambda: clock[0], config=held_config)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_on(pilot, app, ids["wismo"])
        await pilot.press("1", "ctrl+o")
        await pilot.pause()
        await open_on(pilot, app, ids["refund"])
        await pilot.press("tab", *"We refund you today.")
        await pilot.press("ctrl+r")
        await pilot.pause()
        clock[0] = NOW + timedelta(seconds=8)

        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, OutboxScreen)
        text = screen_text(app)
        assert "◷ held 22s" in text and "bob@example.com" in text and "ayse@example.com" in text
        assert "c Cancel" in text and "e Edit" in text  # the footer at 80 columns

        await pilot.press("c")  # the newest first: Bob's refund
        await pilot.pause()
        assert outbox_for_ticket(store, ids["refund"]) == []
        assert status(store, ids["refund"]) == "open"
        assert get_draft(store, ids["refund"]) is not None
        assert "bob@example.com" not in screen_text(app)

        await pilot.press("e")  # Ayşe's: back to draft, in the composer
        await pilot.pause()
        assert isinstance(app.screen, ComposerScreen)
        assert app.screen.body.text.startswith("Hi Ayşe,")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, OutboxScreen)
        assert "The outbox is empty" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    assert outbox_counts(store)["queued"] == 0
    assert status(store, ids["wismo"]) == "open"


async def test_the_outbox_view_is_in_the_command_palette(shop, held_config):
    store, _ = shop
    app = InboxApp(store, now=lambda: NOW, config=held_config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"outbox")
        await until(pilot, lambda: palette_ready(app), "the palette's commands for 'outbox'")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, OutboxScreen)


async def test_the_demo_explains_that_the_reply_waits_in_the_outbox(tmp_path: Path):
    store = demo.ensure_demo(tmp_path / "demo.db", now=NOW)
    app = InboxApp(store, now=lambda: NOW, config=parse_config("outbox: {undo_seconds: 0}"))
    async with app.run_test(size=SIZE) as pilot:
        app.screen.ticket_list.focus()
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ComposerScreen)
        await pilot.press("tab", *"Thank you!", "ctrl+s")  # (suggestion 1 may promise a file)
        await pilot.pause()
        await workers_settled(app)
        await pilot.pause()
        assert isinstance(app.screen, MainScreen), notices(app)
        assert (
            "Reply queued: the demo has no mail server: your reply waits in the outbox"
            in notices(app)
        )
        assert not any("smtp" in line for line in notices(app))
        await pilot.press("o")
        await pilot.pause()
        assert "the demo has no mail server" in screen_text(app)
    store.close()


async def test_f2_attaches_a_file_by_its_path_and_the_reply_carries_it(
    shop, held_config, tmp_path: Path
):
    store, ids = shop
    label = tmp_path / "labels" / "return-1042.pdf"
    label.parent.mkdir()
    label.write_bytes(b"%PDF-1.4 label")
    app = InboxApp(store, now=lambda: NOW, config=held_config)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_on(pilot, app, ids["wismo"])
        await pilot.press("tab", *"Your label is attached.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ComposerScreen)  # refused: it says attached, has no file
        assert any("no file is attached" in line for line in notices(app))

        await pilot.press("f2")
        await pilot.pause()
        await pilot.press(*f"{tmp_path}/lab", "tab")  # Tab completes the folder, then the file
        await pilot.pause()
        await pilot.press(*"ret", "tab", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ComposerScreen)
        assert "Files return-1042.pdf" in screen_text(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    (entry,) = outbox_for_ticket(store, ids["wismo"])
    assert (
        b'filename="return-1042.pdf"'
        in store.conn.execute("SELECT raw FROM outbox WHERE id = ?", (entry.id,)).fetchone()[0]
    )


async def test_f3_removes_the_last_file(shop, held_config, tmp_path: Path):
    store, ids = shop
    (tmp_path / "a.txt").write_text("a")
    app = InboxApp(store, now=lambda: NOW, config=held_config)
    async with app.run_test(size=SIZE) as pilot:
        await open_on(pilot, app, ids["refund"])
        await pilot.press("f2", *str(tmp_path / "a.txt"), "enter")
        await pilot.pause()
        assert "Files a.txt" in screen_text(app)
        await pilot.press("escape")  # the draft keeps its file over a close
        await pilot.pause()
        await open_on(pilot, app, ids["refund"])
        assert "Files a.txt" in screen_text(app)
        await pilot.press("f3")
        await pilot.pause()
        assert "Files a.txt" not in screen_text(app)
        assert "Removed a.txt" in notices(app)


async def test_closing_from_the_full_screen_thread_asks_too(shop, held_config):
    from inbox_tui.tui.screens.thread import ThreadScreen

    store, ids = shop
    save_draft(store, ids["wismo"], "half a reply")
    app = InboxApp(store, now=lambda: NOW, config=held_config)
    async with app.run_test(size=(80, 24)) as pilot:
        app.screen.ticket_list.focus()
        while app.screen.ticket_list.ticket.id != ids["wismo"]:
            await pilot.press("j")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ThreadScreen)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ThreadScreen) and status(store, ids["wismo"]) == "open"
        await pilot.press("e", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    assert status(store, ids["wismo"]) == "closed"

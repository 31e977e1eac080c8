"""Keys typed before a send, a completion or a quit are in the text that key acts on.

A terminal delivers what was typed in bursts: a fast typist, a pasted line without bracketed
paste, a loaded machine, tmux's send-keys. Textual runs a priority key's action at once, in the
app's own loop, while the keys before it still wait in the focused field's queue: "Thanks Bob"
then ctrl+o sent "Thanks" (or nothing), and the rest was typed into a closed composer. These
tests deliver the keys as one burst, as the terminal driver does, and read what was stored.
(Pilot's `press` waits for the app to go idle after every key, so it cannot show this.)
"""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.widgets import Input

from inbox_tui.store import Store
from inbox_tui.store.drafts import get_draft
from inbox_tui.store.outbox import outbox_for_ticket
from inbox_tui.store.views import get_ticket
from inbox_tui.tui.screens.attach import AttachScreen
from inbox_tui.tui.screens.main import MainScreen
from tests.test_composer import SIZE, build_inbox, config, make_app, open_on  # noqa: F401
from tests.test_loop_tmux import in_list, shop, status
from tests.test_tmux import Terminal, tmux  # noqa: F401  (tmux: a fixture)
from tests.waiting import until

pytest_plugins = ["tests.smtp_sink"]  # the real SMTP server


def burst(app, *keys: str) -> None:
    """`keys` into the app's queue at once, as the driver's input thread posts a read's keys."""
    for key in keys:
        character = {"space": " "}.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, character))


def typed(text: str) -> list[str]:
    return ["space" if character == " " else character for character in text]


async def test_send_and_close_sends_every_key_typed_before_it(tmp_path: Path, config) -> None:  # noqa: F811
    store, ids = build_inbox(tmp_path / "inbox.db")
    app = make_app(store, config)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_on(pilot, app, ids["refund"])
        await pilot.press("tab")  # to the text: write your own
        assert screen.focused is screen.body
        burst(app, *typed("We are on it, Bob."), "ctrl+o")
        await until(pilot, lambda: isinstance(app.screen, MainScreen), "the list again")
    (entry,) = outbox_for_ticket(store, ids["refund"])
    assert entry.text.startswith("We are on it, Bob.\n")
    assert get_ticket(store, ids["refund"]).status == "closed"
    store.close()


async def test_quit_keeps_every_key_typed_before_it_in_the_draft(tmp_path: Path, config) -> None:  # noqa: F811
    store, ids = build_inbox(tmp_path / "inbox.db")
    app = make_app(store, config)
    async with app.run_test(size=SIZE) as pilot:
        await open_on(pilot, app, ids["refund"])
        await pilot.press("tab")
        burst(app, *typed("Half a reply"), "ctrl+q")
        await until(pilot, lambda: not app.is_running, "the app to end")
    assert get_draft(store, ids["refund"]).body.startswith("Half a reply")
    store.close()


async def test_tab_completes_the_path_typed_before_it(tmp_path: Path, config) -> None:  # noqa: F811
    store, ids = build_inbox(tmp_path / "inbox.db")
    (tmp_path / "labels").mkdir()
    (tmp_path / "labels" / "return-1042.pdf").write_bytes(b"%PDF-1.4")
    app = make_app(store, config)
    async with app.run_test(size=SIZE) as pilot:
        await open_on(pilot, app, ids["wismo"])
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, AttachScreen), "the attach dialog")
        field = app.screen.query_one(Input)
        burst(app, *typed(f"{tmp_path}/lab"), "tab", *typed("ret"), "tab")
        want = f"{tmp_path}/labels/return-1042.pdf"
        await until(pilot, lambda: field.value == want, want, report=lambda: field.value)
    store.close()


def test_a_burst_of_typing_then_ctrl_o_sends_it_all_in_tmux(tmux, tmp_path, smtp_sink) -> None:  # noqa: F811
    """The same in a real terminal: the words and ctrl+o reach inbox-tui in one write."""
    command, db, ids = shop(tmp_path, smtp_sink.port)
    settings = tmp_path / "config.yaml"
    settings.write_text(settings.read_text() + "outbox:\n  undo_seconds: 600\n")  # held, not sent
    terminal = Terminal(tmux, tmp_path)
    try:
        terminal.start(command)
        terminal.wait_for("the ticket list", in_list)
        terminal.keys("r")
        terminal.wait_for("the composer", lambda s: "wismo · en" in s)
        terminal.keys("Tab")  # write your own: the template list goes with the picker's focus
        terminal.wait_for("the body", lambda s: "wismo · en" not in s)
        terminal.burst("Your parcel left today, tracking JD0123456789.", "C-o")
        terminal.wait_for("the list again", in_list)
        terminal.quit()
    finally:
        terminal.kill()
    store = Store.open(db)
    (entry,) = outbox_for_ticket(store, ids["wismo"])
    store.close()
    assert entry.text.startswith("Your parcel left today, tracking JD0123456789.\n")
    assert status(db, ids["wismo"]) == "closed"

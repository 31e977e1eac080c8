"""Keys the seller configures, the stats screen, and saving attachments, through the real app."""

from __future__ import annotations

from pathlib import Path

import pytest

from inbox_tui.config import parse_config
from inbox_tui.importer import import_maildir
from inbox_tui.store import Store
from inbox_tui.tui.keymap import keys_reference
from inbox_tui.tui.screens.help import HelpScreen
from inbox_tui.tui.screens.stats import StatsScreen
from tests.mailgen import write_maildir
from tests.test_attachments import mail_with
from tests.test_cli import run
from tests.test_tui import NOW, make_app, screen_text, store  # noqa: F401  (fixture)
from tests.waiting import workers_settled

ROOT = Path(__file__).resolve().parent.parent


def status_of(store: Store, ticket_id: int) -> str:  # noqa: F811
    return store.conn.execute("SELECT status FROM tickets WHERE id = ?", (ticket_id,)).fetchone()[0]


async def test_a_configured_key_replaces_the_default(store) -> None:  # noqa: F811
    config = parse_config("ui:\n  start_view: all\n  keys:\n    main.close_tickets: a\n")
    app = make_app(store, config=config)
    async with app.run_test(size=(120, 30)) as pilot:
        first = app.screen.ticket_list.ticket
        await pilot.press("e")  # the default key does nothing now
        await pilot.pause()
        assert status_of(store, first.id) == "open"
        await pilot.press("a")
        await pilot.pause()
        assert status_of(store, first.id) == "closed"
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        help_lines = [
            line for line in screen_text(app).splitlines() if "Close  " in line or " Close" in line
        ]
        assert any(" a " in line and "Close" in line for line in help_lines), help_lines


async def test_the_defaults_come_back_for_the_next_app(store) -> None:  # noqa: F811
    async with make_app(store, config=parse_config("ui:\n  keys:\n    main.undo: z\n")).run_test():
        pass
    app = make_app(store)
    async with app.run_test(size=(120, 30)) as pilot:
        first = app.screen.ticket_list.ticket
        await pilot.press("e")
        await pilot.pause()
        assert status_of(store, first.id) == "closed"


def test_an_unknown_action_id_is_a_one_line_config_error(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(
        f"database: {tmp_path / 'inbox.db'}\nui:\n  keys:\n    main.close_ticket: a\n"
    )
    result = run("--config", str(config))
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == (
            "inbox-tui: config: ui.keys: no action 'main.close_ticket' (did you mean"
            " main.close_tickets?); docs/keys.md lists the action ids"
        )
        or "ui.keys: no action 'main.close_ticket'" in result.stderr
    )
    assert len(result.stderr.strip().splitlines()) == 1


def test_docs_keys_md_is_generated() -> None:
    docs = (ROOT / "docs" / "keys.md").read_text(encoding="utf-8")
    assert docs == keys_reference() + "\n", (
        "docs/keys.md is stale: run `python -m inbox_tui.tui.keymap > docs/keys.md`"
    )


async def test_stats_open_with_S_and_switch_period(store) -> None:  # noqa: F811
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        text = screen_text(app)
        assert "Last 30 days" in text and "First response" in text
        await pilot.press("p")
        await pilot.pause()
        assert "Last 90 days" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, StatsScreen)


async def test_s_saves_the_tickets_attachments(tmp_path: Path) -> None:
    inbox = Store.open(tmp_path / "inbox.db")
    box = write_maildir(tmp_path / "Mail", [mail_with([("damage.jpg", b"\xff\xd8", "image/jpeg")])])
    import_maildir(inbox, box)
    folder = tmp_path / "saved"
    config = parse_config(f"ui:\n  attachments_dir: {folder}\n")
    app = make_app(inbox, config=config)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("s")
        await workers_settled(app)
        await pilot.pause()
        assert [n.message for n in app._notifications] == [f"Saved 1 attachment to {folder}"]
    assert (folder / "damage.jpg").read_bytes() == b"\xff\xd8"


@pytest.mark.timeout(60)
async def test_s_beside_a_dangling_symlink_saves_and_keys_keep_working(tmp_path: Path) -> None:
    """`s` with a dangling symlink of the same name in the folder spun the UI thread for ever:
    Escape and q were ignored and a `.part` file was left."""
    inbox = Store.open(tmp_path / "inbox.db")
    files = [
        ("damage.jpg", b"\xff\xd8", "image/jpeg"),
        ("📦" * 130 + ".pdf", b"%PDF", "application/pdf"),
    ]
    import_maildir(inbox, write_maildir(tmp_path / "Mail", [mail_with(files)]))
    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "damage.jpg").symlink_to(tmp_path / "gone.jpg")
    app = make_app(inbox, config=parse_config(f"ui:\n  attachments_dir: {folder}\n"))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("s")
        await workers_settled(app)
        await pilot.pause()
        assert [n.message for n in app._notifications] == [f"Saved 2 attachments to {folder}"]
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert (folder / "damage (2).jpg").read_bytes() == b"\xff\xd8"
    assert not (tmp_path / "gone.jpg").exists()
    assert not [path for path in folder.iterdir() if path.name.endswith(".part")]


async def test_stats_of_a_store_on_disk_are_counted_in_a_worker(tmp_path: Path) -> None:
    inbox = Store.open(tmp_path / "inbox.db")
    import_maildir(inbox, write_maildir(tmp_path / "Mail", [mail_with([])]))
    app = make_app(inbox)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("S")
        await workers_settled(app)
        await pilot.pause()
        assert "First response" in screen_text(app)
        await pilot.press("p", "escape")  # closed while counting: nothing breaks
        await workers_settled(app)
        await pilot.pause()
        assert app.is_running

"""Start where the work is: the inbox opens on Due (`ui.start_view` says otherwise), and the
channel and tag views hold the work too, not the closed tickets (search finds those)."""

from __future__ import annotations

import shlex
from datetime import UTC, datetime, timedelta
from pathlib import Path

from inbox_tui.config import parse_config
from inbox_tui.importer import import_maildir
from inbox_tui.store import Store
from inbox_tui.store.actions import add_tag, set_status
from inbox_tui.tui.app import InboxApp
from inbox_tui.tui.widgets.ticket_list import TicketList
from tests.mailgen import make_mail, write_maildir
from tests.test_tmux import Terminal, inbox_tui_command, tmux  # noqa: F401  (tmux: a fixture)

SELLER = ("Shop", "hello@shop.example")
AMAZON = "@marketplace.amazon.de"


def build(path: Path | str, mail: Path, now: datetime) -> Store:
    """Five Amazon tickets: two wait for an answer, one was answered, two are closed (one of
    them tagged refund, as is a waiting one)."""
    mails = []
    for n, subject in enumerate(["Waiting A", "Waiting B", "Answered C", "Closed D", "Closed E"]):
        buyer = (f"Buyer {n} - Amazon Marketplace", f"b{n}{AMAZON}")
        at = now - timedelta(hours=10 - n)
        mails.append(make_mail(message_id=f"<q{n}@x>", sender=buyer, to=SELLER,
                               subject=subject, body=f"{subject}?", date=at))  # fmt: skip
        if subject.startswith(("Answered", "Closed")):
            mails.append(make_mail(message_id=f"<a{n}@x>", sender=SELLER, to=buyer,
                                   subject=f"Re: {subject}", in_reply_to=f"<q{n}@x>",
                                   body="Done.", date=at + timedelta(minutes=30)))  # fmt: skip
    store = Store.open(path)
    import_maildir(store, write_maildir(mail, mails), seller_emails=frozenset({SELLER[1]}))
    ids = {
        row["subject"]: row["id"] for row in store.conn.execute("SELECT id, subject FROM tickets")
    }
    set_status(store, [ids["Closed D"], ids["Closed E"]], "closed")
    add_tag(store, [ids["Closed D"], ids["Waiting A"]], "refund")
    return store


def listed(app: InboxApp) -> list[str]:
    tickets = app.screen.query_one(TicketList)
    return [tickets.row(i).subject for i in range(tickets.count)]


NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


async def test_the_inbox_opens_on_due_and_ui_start_view_changes_it(tmp_path: Path) -> None:
    store = build(":memory:", tmp_path / "Mail", NOW)
    async with InboxApp(store, now=lambda: NOW).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app = pilot.app
        assert app.screen.view == "due"
        assert listed(app) == ["Waiting A", "Waiting B"]  # most urgent first
    config = parse_config("ui:\n  start_view: all\n")
    async with InboxApp(store, now=lambda: NOW, config=config).run_test() as pilot:
        await pilot.pause()
        assert pilot.app.screen.view == "all" and len(listed(pilot.app)) == 5
    config = parse_config("ui:\n  start_view: 'tag:refund'\n")
    async with InboxApp(store, now=lambda: NOW, config=config).run_test() as pilot:
        await pilot.pause()
        assert listed(pilot.app) == ["Waiting A"]  # Closed D has the tag too, and is closed


async def test_channel_and_tag_views_leave_closed_tickets_to_search(tmp_path: Path) -> None:
    store = build(":memory:", tmp_path / "Mail", NOW)
    config = parse_config("ui:\n  start_view: 'channel:amazon'\n")
    async with InboxApp(store, now=lambda: NOW, config=config).run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        app = pilot.app
        assert sorted(listed(app)) == ["Answered C", "Waiting A", "Waiting B"]
        assert app.screen.sub_title == "Amazon · 1 of 3"
        # asking for them: a search filters by status only when told to
        await pilot.press("slash", *"channel:amazon status:closed", "enter")
        await pilot.pause()
        assert sorted(listed(app)) == ["Closed D", "Closed E"]


def test_a_real_terminal_at_80x24_opens_on_due(tmux: str, tmp_path: Path) -> None:  # noqa: F811
    db = tmp_path / "inbox.db"
    build(db, tmp_path / "Mail", datetime.now(UTC)).close()
    config = tmp_path / "config.yaml"
    config.write_text("seller:\n  emails: [hello@shop.example]\n  timezone: Europe/Istanbul\n")
    command = shlex.join([str(inbox_tui_command()), "--config", str(config), "--db", str(db)])
    terminal = Terminal(tmux, tmp_path)
    try:
        terminal.start(command, size=(80, 24))
        # the preview's dates are the seller's: Istanbul, named as its clocks name it
        screen = terminal.wait_for(
            "the Due view and its preview", lambda s: "Due · 1 of 2" in s and "+03" in s
        )
        assert "Waiting A" in screen and "Waiting B" in screen
        assert "Answered C" not in screen and "Closed D" not in screen
        terminal.quit()
    finally:
        terminal.kill()


def test_the_config_knows_every_view_by_status() -> None:
    from inbox_tui.config.fields import START_VIEWS
    from inbox_tui.tui.ticket_views import VIEW_NAMES

    assert START_VIEWS == VIEW_NAMES

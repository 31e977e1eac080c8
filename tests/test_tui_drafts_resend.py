"""Reply marks in the ticket list (✎ draft, ◷ in the outbox, ✗ failed) and `R`, resending a
failed reply from the thread: real import path, real outbox and sender, a real SMTP server
(aiosmtpd) that refuses and then takes the reply, Textual's Pilot for the keys."""

from __future__ import annotations

import email
from datetime import timedelta
from email.policy import default
from pathlib import Path

import pytest

from inbox_tui.config import parse_config
from inbox_tui.outbox.queue import ReplyRefused, queue_reply, resend, resend_newest_failed
from inbox_tui.outbox.sender import send_due
from inbox_tui.store import Store
from inbox_tui.store.drafts import get_draft, save_draft
from inbox_tui.store.outbox import get_entry, outbox_counts, outbox_for_ticket
from inbox_tui.store.views import get_ticket, list_tickets, outbox_waiting
from inbox_tui.tui.app import InboxApp
from inbox_tui.tui.screens.main import MainScreen
from inbox_tui.tui.screens.thread import ThreadScreen
from inbox_tui.tui.widgets.status_line import StatusLine
from tests.test_composer import CONFIG, NOW, SIZE, build_inbox, open_on
from tests.test_tui import screen_text
from tests.waiting import until, workers_settled

pytest_plugins = ["tests.smtp_sink"]  # the real SMTP server

MARKS = "✎◷✗"


def sink_config(port: int, monkeypatch: pytest.MonkeyPatch):
    """The composer tests' shop, its SMTP server the sink on `port`."""
    # the plugin module, imported once pytest has loaded it
    from tests.smtp_sink import PASSWORD, USERNAME

    monkeypatch.setenv("SHOP_PASSWORD", "unused")
    monkeypatch.setenv("SHOP_SMTP_PASSWORD", PASSWORD)
    return parse_config(
        CONFIG.replace(
            "smtp: {host: 127.0.0.1, port: 1, tls: none}",
            f"smtp: {{host: 127.0.0.1, port: {port}, tls: none, username: {USERNAME},"
            " password_env: SHOP_SMTP_PASSWORD}",
        )
        + "ui:\n  start_view: all\n"  # the rows stay in the list once answered
        + "outbox:\n  undo_seconds: 0\n"  # sent at once: these tests are about failures
    )


def row_mark(app: InboxApp, customer: str = "Ayşe Yılmaz") -> str:
    """The reply mark in the customer's row on screen (" " when it has none)."""
    line = next(line for line in screen_text(app).splitlines() if customer in line)
    marks = line[: line.index("email")].rstrip(" ")[-4:]  # select, unread, flag, reply
    found = [mark for mark in marks if mark in MARKS]
    assert len(found) <= 1, line
    return found[0] if found else " "


def status_line(app: InboxApp) -> StatusLine:
    main = app.screen_stack[0]
    assert isinstance(main, MainScreen)
    return main.status


def failed_style(line: StatusLine):
    """The style the status line gives its "N failed" piece."""
    content = line.text(NOW)
    start = content.plain.index("failed") - 2
    return next(
        span.style for span in content.spans if span.start <= start < span.end and span.style
    )


async def settle(app: InboxApp, pilot) -> None:
    await pilot.pause()
    await workers_settled(app)
    await pilot.pause()


# --- the store: marks come with the page --------------------------------------------------


def test_rows_carry_the_draft_and_the_outbox_state(tmp_path: Path, monkeypatch) -> None:
    store, ids = build_inbox(":memory:", tmp_path / "Mail")
    config = sink_config(1, monkeypatch)
    save_draft(store, ids["wismo"], "half a reply")
    queue_reply(store, config, ids["refund"], body="A first note.", at=NOW)
    outbox_id = queue_reply(store, config, ids["refund"], body="Refunded today.", at=NOW)
    store.conn.execute("UPDATE outbox SET status = 'failed' WHERE id = ?", (outbox_id,))
    queue_reply(store, config, ids["amazon"], body="Returns: see the order page.", at=NOW)

    rows = {row.id: row for row in list_tickets(store)}
    assert (rows[ids["wismo"]].has_draft, rows[ids["wismo"]].outbox) == (True, "")
    assert rows[ids["refund"]].outbox == "failed"  # one failed among waiting ones is enough
    assert (rows[ids["amazon"]].has_draft, rows[ids["amazon"]].outbox) == (False, "waiting")
    assert get_ticket(store, ids["amazon"]).outbox == "waiting"
    assert outbox_counts(store)["failed"] == 1 and outbox_waiting(store) == 3

    # the seller answers again instead of resending: the failure is history, not a ✗
    later = queue_reply(store, config, ids["refund"], body="Refund sent, sorry.", at=NOW)
    assert get_ticket(store, ids["refund"]).outbox == "waiting"
    assert outbox_counts(store)["failed"] == 0 and outbox_waiting(store) == 3
    store.conn.execute("UPDATE outbox SET status = 'sent' WHERE ticket_id = ?", (ids["refund"],))
    store.conn.execute("UPDATE outbox SET status = 'failed' WHERE id = ?", (outbox_id,))
    assert get_ticket(store, ids["refund"]).outbox == ""
    # …unless that later reply failed too: then it is the one that needs the seller
    store.conn.execute("UPDATE outbox SET status = 'failed' WHERE id = ?", (later,))
    assert get_ticket(store, ids["refund"]).outbox == "failed"
    assert outbox_counts(store)["failed"] == 1


def test_the_marks_are_index_lookups_per_row_of_the_page(store: Store) -> None:
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    list_tickets(store, "open", 0, 200)
    store.conn.set_trace_callback(None)
    plan = " | ".join(
        row[3] for sql in statements for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql)
    )
    assert "SEARCH d USING INTEGER PRIMARY KEY (rowid=?)" in plan, plan
    assert "SEARCH o USING INDEX outbox_by_ticket (ticket_id=?)" in plan, plan
    assert "SCAN d" not in plan and "SCAN o" not in plan


# --- resend: which reply, and what becomes of the draft the failure left ------------------


def failed_reply(store: Store, config, ticket: int, body: str, sink) -> int:
    """A reply the real server refused (550): failed, its text back as the ticket's draft."""
    outbox_id = queue_reply(store, config, ticket, body=body, at=NOW)
    sink.mode = "reject-rcpt"
    [item] = send_due(store, config, now=NOW).items
    assert item.outcome == "failed" and "550" in item.detail
    return outbox_id


def test_resend_drops_the_draft_the_failure_put_back(
    tmp_path: Path, monkeypatch, smtp_sink
) -> None:
    store, ids = build_inbox(tmp_path / "inbox.db")
    config = sink_config(smtp_sink.port, monkeypatch)
    ticket = ids["wismo"]
    outbox_id = failed_reply(store, config, ticket, "It ships today.", smtp_sink)
    assert "It ships today." in get_draft(store, ticket).body  # nothing lost meanwhile

    resent = resend_newest_failed(store, ticket)
    assert (resent.outbox_id, resent.draft_kept) == (outbox_id, False)
    assert get_draft(store, ticket) is None  # it cannot go out a second time from the composer
    smtp_sink.mode = "accept"
    [item] = send_due(store, config, now=NOW + timedelta(minutes=1)).items
    assert item.outcome == "sent"
    assert len(smtp_sink.accepted) == 1
    store.close()


def test_resend_keeps_a_draft_the_seller_edited(tmp_path: Path, monkeypatch, smtp_sink) -> None:
    store, ids = build_inbox(tmp_path / "inbox.db")
    config = sink_config(smtp_sink.port, monkeypatch)
    ticket = ids["wismo"]
    outbox_id = failed_reply(store, config, ticket, "It ships today.", smtp_sink)
    save_draft(store, ticket, "It ships today. PS: a coupon for the wait.")

    resent = resend(store, outbox_id)
    assert resent.draft_kept  # the seller's own words are never thrown away
    assert get_draft(store, ticket).body.endswith("a coupon for the wait.")
    store.close()


def test_resend_takes_the_newest_failed_and_refuses_after_a_newer_reply(
    tmp_path: Path, monkeypatch, smtp_sink
) -> None:
    store, ids = build_inbox(tmp_path / "inbox.db")
    config = sink_config(smtp_sink.port, monkeypatch)
    ticket = ids["wismo"]
    with pytest.raises(ReplyRefused, match="has no failed reply"):
        resend_newest_failed(store, ticket)
    first = failed_reply(store, config, ticket, "First try.", smtp_sink)
    second = failed_reply(store, config, ticket, "Second try.", smtp_sink)
    assert resend_newest_failed(store, ticket).outbox_id == second
    assert get_entry(store, first).status == "failed"  # older ones wait for the next R

    # the seller answered again meanwhile: R must not send the old reply on top of it
    store.conn.execute("UPDATE outbox SET status = 'sent' WHERE id = ?", (second,))
    queue_reply(store, config, ticket, body="Third, written anew.", at=NOW + timedelta(hours=1))
    with pytest.raises(ReplyRefused, match=f"reply #{first} failed, but reply #\\d+ "):
        resend_newest_failed(store, ticket)
    store.close()


# --- in the TUI ---------------------------------------------------------------------------


async def test_a_saved_draft_shows_its_mark_until_the_reply_is_queued(
    tmp_path: Path, monkeypatch
) -> None:
    store, ids = build_inbox(tmp_path / "inbox.db")
    config = sink_config(1, monkeypatch)  # nothing listens: the reply waits in the outbox
    app = InboxApp(store, now=lambda: NOW, config=config)
    async with app.run_test(size=SIZE) as pilot:
        assert row_mark(app) == " "
        await open_on(pilot, app, ids["wismo"])
        await pilot.press("tab", *"Dear Ayşe, half a reply")
        # the draft is saved half a second after the last key (the header says so)
        await until(pilot, lambda: app.screen.sub_title.endswith("draft saved"), "the draft's save")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert row_mark(app) == "✎"

        await pilot.press("r", "ctrl+s")  # the draft, sent: it waits in the outbox
        await settle(app, pilot)
        assert get_draft(store, ids["wismo"]) is None
        assert row_mark(app) == "◷"
        assert "1 queued" in status_line(app).text(NOW).plain

        await pilot.press("r")  # a second reply, started and dropped: the outbox mark is back
        await pilot.pause()
        await pilot.press("tab", "x", "f8")
        await pilot.pause()
        assert row_mark(app) == "◷"
    store.close()


async def test_a_failed_reply_is_shown_and_R_sends_it_once_with_its_message_id(
    tmp_path: Path, monkeypatch, smtp_sink
) -> None:
    smtp_sink.mode = "reject-rcpt"  # 550 for the customer's address: a permanent failure
    store, ids = build_inbox(tmp_path / "inbox.db")
    config = sink_config(smtp_sink.port, monkeypatch)
    clock = [NOW]
    app = InboxApp(store, now=lambda: clock[0], config=config)
    async with app.run_test(size=SIZE) as pilot:
        await open_on(pilot, app, ids["wismo"])
        await pilot.press("tab", *"It ships today.", "ctrl+s")
        await settle(app, pilot)
        (entry,) = outbox_for_ticket(store, ids["wismo"])
        assert entry.status == "failed"

        line = status_line(app)
        assert "outbox: 1 failed" in line.text(NOW).plain
        assert failed_style(line) == "bold $text-error"  # the theme's error colour
        assert row_mark(app) == "✗"  # failed outranks the draft the failure put back
        preview = app.screen.query_one("#thread").plain
        assert "R sends it again (same Message-ID)" in preview

        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ThreadScreen)
        shown = app.screen.query_one("#thread").plain
        assert "✗ NOT SENT" in shown
        assert "Not sent: recipient ayse@example.com refused: 550" in shown
        assert "R sends it again (same Message-ID)" in shown

        smtp_sink.mode = "accept"  # the address was fixed on the server's side
        clock[0] = NOW + timedelta(minutes=5)
        await pilot.press("R")
        await settle(app, pilot)
        notices = [n.message for n in app._notifications]
        assert f"Reply #{entry.id} is back in the outbox: sending it again" in notices
        assert "✓ SENT" in app.screen.query_one("#thread").plain

        await pilot.press("R")  # nothing failed any more: said in one line, nothing sent
        await pilot.pause()
        assert any("has no failed reply" in n.message for n in app._notifications)
        await pilot.press("escape")
        await pilot.pause()
        assert row_mark(app) == " "
        assert "outbox 0" in status_line(app).text(NOW).plain

        clock[0] = NOW + timedelta(hours=3)
        app.send_waiting()  # later rounds: nothing is sent again, no stale draft goes out
        await settle(app, pilot)

    assert len(smtp_sink.accepted) == 1
    sent = email.message_from_bytes(smtp_sink.accepted[0].raw, policy=default)
    assert sent["Message-ID"].strip("<>") == entry.message_id.strip("<>")
    assert smtp_sink.accepted[0].recipients == ["ayse@example.com"]
    assert get_draft(store, ids["wismo"]) is None
    assert [e.status for e in outbox_for_ticket(store, ids["wismo"])] == ["sent"]
    store.close()


async def test_R_in_the_list_resends_the_failed_reply_under_the_cursor(
    tmp_path: Path, monkeypatch, smtp_sink
) -> None:
    """Triage without opening the ticket: the ✗ row, R, and the reply goes out once."""
    smtp_sink.mode = "reject-rcpt"
    store, ids = build_inbox(tmp_path / "inbox.db")
    config = sink_config(smtp_sink.port, monkeypatch)
    app = InboxApp(store, now=lambda: NOW, config=config)
    async with app.run_test(size=SIZE) as pilot:
        await open_on(pilot, app, ids["wismo"])
        await pilot.press("tab", *"It ships today.", "ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen) and row_mark(app) == "✗"

        smtp_sink.mode = "accept"
        await pilot.press("R")
        await settle(app, pilot)
        assert row_mark(app) == " "
        assert "outbox 0" in status_line(app).text(NOW).plain
    assert len(smtp_sink.accepted) == 1
    assert [e.status for e in outbox_for_ticket(store, ids["wismo"])] == ["sent"]
    store.close()

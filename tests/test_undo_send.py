"""Undo a send: a reply waits in the outbox for outbox.undo_seconds before anything sends it;
`u` within that time takes it back as the draft and reopens the ticket, through a real SMTP
server (aiosmtpd), which must see nothing, or the reply exactly once after the hold."""

from __future__ import annotations

import email
from datetime import timedelta
from email.policy import default

from inbox_tui import replies
from inbox_tui.config import parse_config
from inbox_tui.outbox.sender import send_due
from inbox_tui.store.drafts import get_draft, save_draft
from inbox_tui.store.outbox import get_entry, outbox_counts
from inbox_tui.store.reply_files import add_draft_file, draft_files
from tests.mailgen import make_mail
from tests.test_outbox import deliver
from tests.test_send import CONFIG, NOW, USERNAME, smtp_secret  # noqa: F401  (a fixture)

pytest_plugins = ["tests.smtp_sink"]  # the real SMTP server

HOLD = timedelta(seconds=10)


def shop(port: int, extra: str = ""):
    text = CONFIG.format(imap_port=9, smtp_port=port, smtp_user=USERNAME)
    return parse_config(text + "outbox:\n  undo_seconds: 10\n" + extra)


def ticket_of(store) -> int:
    return deliver(store, make_mail(message_id="<ask@example.com>", subject="Where is it?"))


def status(store, ticket: int) -> str:
    return store.conn.execute("SELECT status FROM tickets WHERE id = ?", (ticket,)).fetchone()[0]


def test_send_and_close_then_undo_within_the_hold_sends_nothing(store, smtp_sink):
    config = shop(smtp_sink.port)
    ticket = ticket_of(store)
    save_draft(store, ticket, "It ships today.")
    replies.queue(store, config, ticket, body="It ships today.", status="closed", at=NOW)
    assert status(store, ticket) == "closed"

    report = send_due(store, config, now=NOW + HOLD - timedelta(seconds=1))
    assert report.items == [] and smtp_sink.accepted == []  # held: nothing went

    undone = replies.undo_last(store, at=NOW + timedelta(seconds=5))
    assert undone is not None
    assert undone.line == f"Undid: close and send of #{ticket}: the reply is a draft again"
    assert status(store, ticket) == "open"
    assert get_draft(store, ticket).body == "It ships today."  # no signature glued on
    assert outbox_counts(store) == {"queued": 0, "sending": 0, "sent": 0, "failed": 0}

    send_due(store, config, now=NOW + timedelta(minutes=5))
    assert smtp_sink.accepted == []  # long after the hold: still nothing
    assert replies.undo_last(store, at=NOW + timedelta(minutes=6)) is None


def test_after_the_hold_it_goes_exactly_once_and_undo_says_it_is_too_late(store, smtp_sink):
    config = shop(smtp_sink.port)
    ticket = ticket_of(store)
    outbox_id = replies.queue(
        store, config, ticket, body="It ships today.", status="closed", at=NOW
    )

    send_due(store, config, now=NOW + HOLD)
    send_due(store, config, now=NOW + HOLD + timedelta(minutes=1))
    assert len(smtp_sink.accepted) == 1
    assert get_entry(store, outbox_id).status == "sent"

    undone = replies.undo_last(store, at=NOW + timedelta(minutes=2))
    assert undone.line == (
        f"Undid: close of #{ticket} (the reply had already gone out: only the ticket is back)"
    )
    assert status(store, ticket) == "open"
    assert get_draft(store, ticket) is None  # it went: no draft to send twice


def test_undo_hold_zero_sends_at_once(store, smtp_sink):
    config = parse_config(
        CONFIG.format(imap_port=9, smtp_port=smtp_sink.port, smtp_user=USERNAME)
        + "outbox:\n  undo_seconds: 0\n"
    )
    ticket = ticket_of(store)
    replies.queue(store, config, ticket, body="It ships today.", at=NOW)
    send_due(store, config, now=NOW)
    assert len(smtp_sink.accepted) == 1


def test_an_undo_that_loses_the_race_to_the_sender_sends_once_and_keeps_no_draft(store, smtp_sink):
    """The sender listed the reply; an undo took it back before the claim: not sent."""
    config = shop(smtp_sink.port)
    ticket = ticket_of(store)
    replies.queue(store, config, ticket, body="It ships today.", status="closed", at=NOW)
    from inbox_tui.outbox import sender as sender_module

    listed = sender_module.due_ids

    def list_then_undo(store_, now):
        ids = listed(store_, now)
        replies.undo_last(store, at=NOW + HOLD)
        return ids

    sender_module.due_ids = list_then_undo
    try:
        report = send_due(store, config, now=NOW + HOLD)
    finally:
        sender_module.due_ids = listed
    assert [item.outcome for item in report.items] == ["taken back"]
    assert smtp_sink.accepted == []
    assert get_draft(store, ticket).body == "It ships today."


def test_the_outbox_cancel_puts_the_draft_back_and_reopens(store, smtp_sink):
    config = shop(smtp_sink.port)
    ticket = ticket_of(store)
    outbox_id = replies.queue(
        store, config, ticket, body="It ships today.", status="pending", at=NOW
    )
    assert replies.take_back(store, outbox_id, at=NOW) == ticket
    assert status(store, ticket) == "open"
    assert get_draft(store, ticket).body == "It ships today."
    send_due(store, config, now=NOW + timedelta(minutes=5))
    assert smtp_sink.accepted == []


def test_an_attachment_goes_as_a_mime_part_and_comes_back_with_an_undo(store, smtp_sink):
    config = shop(smtp_sink.port)
    ticket = ticket_of(store)
    save_draft(store, ticket, "Your label is attached.")
    add_draft_file(store, ticket, "label.pdf", "application/pdf", b"%PDF-1.4 label", at="x")
    replies.queue(store, config, ticket, body="Your label is attached.", status="closed", at=NOW)
    assert draft_files(store, ticket) == []  # the reply's now

    replies.undo_last(store, at=NOW)
    assert [f.filename for f in draft_files(store, ticket)] == ["label.pdf"]

    replies.queue(store, config, ticket, body="Your label is attached.", status="closed", at=NOW)
    send_due(store, config, now=NOW + HOLD)
    (delivery,) = smtp_sink.accepted
    message = email.message_from_bytes(delivery.raw, policy=default)
    [part] = list(message.iter_attachments())
    assert part.get_filename() == "label.pdf"
    assert part.get_content_type() == "application/pdf"
    assert part.get_content() == b"%PDF-1.4 label"
    assert "Your label is attached." in message.get_body(("plain",)).get_content()

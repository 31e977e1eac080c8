"""Sending through a real SMTP server (aiosmtpd on loopback): offline then online, 451 then
250, 550, a connection dropped after DATA, and what the customer's mail client receives."""

from __future__ import annotations

import email
from datetime import UTC, datetime, timedelta
from email.policy import default

import pytest

from inbox_tui.config import parse_config
from inbox_tui.outbox.queue import queue_reply
from inbox_tui.outbox.sender import MAYBE_SENT, send_due
from inbox_tui.store.drafts import get_draft
from inbox_tui.store.outbox import get_entry, outbox_counts
from tests.mailgen import make_mail
from tests.test_outbox import deliver

pytest_plugins = ["tests.smtp_sink"]  # the real SMTP server

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)

CONFIG = """\
seller:
  name: Anatolia Textiles
  emails: [hello@shop.example]
sources:
  - name: shop
    kind: imap
    host: 127.0.0.1
    port: {imap_port}
    tls: none
    username: hello@shop.example
    password_env: SHOP_IMAP_PASSWORD
    smtp:
      port: {smtp_port}
      tls: none
      username: {smtp_user}
      password_env: SHOP_SMTP_PASSWORD
"""


USERNAME, PASSWORD = "seller@example.com", "smtp-s3cret"  # what tests/smtp_sink.py accepts


@pytest.fixture(autouse=True)
def smtp_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOP_SMTP_PASSWORD", PASSWORD)
    monkeypatch.setenv("SHOP_IMAP_PASSWORD", "unused")


def shop_config(smtp_port: int, imap_port: int = 9):
    # The IMAP port is closed (9, discard): \Answered cannot be set, which must not undo the send.
    text = CONFIG.format(imap_port=imap_port, smtp_port=smtp_port, smtp_user=USERNAME)
    return parse_config(text)


def queued(store, config, **kw) -> tuple[int, int]:
    """A customer's question, synced from imap:shop, and a queued reply to it."""
    ticket = deliver(store, make_mail(message_id="<ask@example.com>", subject="Where is it?"))
    outbox_id = queue_reply(store, config, ticket, body="It ships today.", at=NOW, **kw)
    return ticket, outbox_id


def ticket_row(store, ticket: int):
    return store.conn.execute("SELECT * FROM tickets WHERE id = ?", (ticket,)).fetchone()


def test_queued_offline_is_sent_once_when_the_server_is_back(store, closed_port, start_sink):
    port = closed_port  # nothing listens here yet: "offline"
    config = shop_config(port)
    ticket, outbox_id = queued(store, config)

    report = send_due(store, config, now=NOW)
    [item] = report.items
    assert item.outcome == "waiting" and item.retry_at == NOW + timedelta(seconds=30)
    assert report.offline and "connection refused" in report.offline
    entry = get_entry(store, outbox_id)
    assert (entry.status, entry.attempts) == ("queued", 1)
    assert "connection refused" in entry.last_error

    sink = start_sink(port)
    assert send_due(store, config, now=NOW + timedelta(seconds=10)).items == []  # not yet
    later = NOW + timedelta(seconds=31)
    [item] = send_due(store, config, now=later).items
    assert item.outcome == "sent", item
    assert "IMAP server could not be updated" in item.detail  # a note, not a failure
    assert send_due(store, config, now=later + timedelta(hours=2)).items == []
    assert len(sink.accepted) == 1
    assert sink.logins == [USERNAME]
    entry = get_entry(store, outbox_id)
    assert (entry.status, entry.sent_at) == ("sent", "2026-11-30T10:00:31Z")
    assert outbox_counts(store) == {"queued": 0, "sending": 0, "sent": 1, "failed": 0}


def test_a_sent_reply_is_a_message_of_its_ticket(store, smtp_sink):
    config = shop_config(smtp_sink.port)
    ticket, outbox_id = queued(store, config)
    assert ticket_row(store, ticket)["due_at"] is not None  # the customer waits
    [item] = send_due(store, config, now=NOW).items
    assert item.outcome == "sent"

    rows = store.conn.execute(
        "SELECT direction, message_id, answered FROM messages WHERE ticket_id = ? ORDER BY id",
        (ticket,),
    ).fetchall()
    assert [(r[0], r[1]) for r in rows] == [
        ("in", "ask@example.com"),
        ("out", get_entry(store, outbox_id).message_id),
    ]
    assert rows[0]["answered"] == 1
    row = ticket_row(store, ticket)
    assert (row["message_count"], row["last_outbound_at"], row["due_at"]) == (
        2, "2026-11-30T10:00:00Z", None,
    )  # fmt: skip
    # Search finds the reply; the 'reply' event records the first response.
    found = store.conn.execute(
        "SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'ships'"
    ).fetchall()
    assert len(found) == 1
    event = store.conn.execute(
        "SELECT at, new_value, actor FROM events WHERE ticket_id = ? AND kind = 'reply'", (ticket,)
    ).fetchone()
    assert tuple(event) == (
        "2026-11-30T10:00:00Z",
        get_entry(store, outbox_id).message_id,
        "outbox",
    )


def test_the_customer_receives_a_threaded_reply(store, smtp_sink):
    config = shop_config(smtp_sink.port)
    ticket = deliver(
        store,
        make_mail(
            message_id="<second@example.com>",
            subject="Re: Wrong size",
            in_reply_to="<first@example.com>",
            references=["<first@example.com>"],
        ),
    )
    outbox_id = queue_reply(store, config, ticket, body="We send the right size today.", at=NOW)
    send_due(store, config, now=NOW)

    [delivery] = smtp_sink.accepted
    assert delivery.sender == "hello@shop.example"
    assert delivery.recipients == ["ayse@example.com"]
    received = email.message_from_bytes(delivery.raw, policy=default)
    assert received["Message-ID"] == f"<{get_entry(store, outbox_id).message_id}>"
    assert received["In-Reply-To"] == "<second@example.com>"
    assert received["References"] == "<first@example.com> <second@example.com>"
    assert received["Subject"] == "Re: Wrong size"
    assert received["From"] == "Anatolia Textiles <hello@shop.example>"
    assert "We send the right size today." in received.get_content()


def test_451_then_250_retries_with_backoff(store, smtp_sink):
    smtp_sink.mode = "451-then-250"
    config = shop_config(smtp_sink.port)
    _, outbox_id = queued(store, config)

    [first] = send_due(store, config, now=NOW).items
    assert first.outcome == "waiting" and "451" in first.detail and not first.offline
    assert get_entry(store, outbox_id).status == "queued"
    [second] = send_due(store, config, now=first.retry_at).items
    assert second.outcome == "sent"
    assert (smtp_sink.data_commands, len(smtp_sink.accepted)) == (2, 1)
    assert get_entry(store, outbox_id).attempts == 2


def test_550_fails_with_the_reason_and_the_seller_sees_it(store, smtp_sink):
    smtp_sink.mode = "reject-rcpt"
    config = shop_config(smtp_sink.port)
    ticket, outbox_id = queued(store, config, status="closed")
    assert ticket_row(store, ticket)["status"] == "closed"

    report = send_due(store, config, now=NOW)
    [item] = report.items
    assert item.outcome == "failed" and report.failed == 1
    entry = get_entry(store, outbox_id)
    assert entry.status == "failed"
    assert "550" in entry.last_error and "ayse@example.com" in entry.last_error
    assert ticket_row(store, ticket)["status"] == "open"  # back in front of the seller
    assert get_draft(store, ticket).body == "It ships today."  # the text is kept
    assert smtp_sink.accepted == []
    assert send_due(store, config, now=NOW + timedelta(days=1)).items == []  # stopped


def test_dropped_after_data_with_nothing_to_check_is_not_sent_again(store, smtp_sink):
    smtp_sink.mode = "drop-after-data"
    config = shop_config(smtp_sink.port)
    ticket, outbox_id = queued(store, config)

    [first] = send_due(store, config, now=NOW).items
    assert first.outcome == "waiting" and "dropped the connection" in first.detail
    assert get_entry(store, outbox_id).status == "sending"  # it may have gone out
    smtp_sink.mode = "accept"
    [second] = send_due(store, config, now=first.retry_at).items
    assert second.outcome == "failed" and second.detail == MAYBE_SENT
    assert len(smtp_sink.accepted) == 1  # the server's copy; nothing sent blindly
    assert ticket_row(store, ticket)["status"] == "open"
    assert get_entry(store, outbox_id).last_error == MAYBE_SENT


def test_only_one_sender_at_a_time(tmp_path, smtp_sink):
    from inbox_tui.store import Store

    config = shop_config(smtp_sink.port)
    first, second = Store.open(tmp_path / "inbox.db"), Store.open(tmp_path / "inbox.db")
    try:
        queued(first, config)
        smtp_sink.mode = "hold"
        import threading

        results = []
        worker = threading.Thread(target=lambda: results.append(send_due(first, config, now=NOW)))
        worker.start()
        assert smtp_sink.data_started.wait(10)
        busy = send_due(second, config, now=NOW)  # would find the reply `sending`
        assert busy.busy and busy.items == []
        assert "another inbox-tui is sending" in busy.summary()
        smtp_sink.release.set()
        worker.join(10)
        assert [i.outcome for i in results[0].items] == ["sent"]
        assert len(smtp_sink.accepted) == 1
    finally:
        first.close()
        second.close()

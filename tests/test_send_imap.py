"""Sending with a real Dovecot behind the source: the copy in Sent, \\Answered on the customer's
message, and the Sent folder as the evidence that a dropped send got through."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from inbox_tui.channels.imap.sync import sync_source
from inbox_tui.config import parse_config
from inbox_tui.outbox.queue import queue_reply
from inbox_tui.outbox.sender import MAYBE_SENT, send_due
from inbox_tui.store.outbox import get_entry
from tests.mailgen import make_mail

if TYPE_CHECKING:
    from tests.dovecot import Account

pytest_plugins = ["tests.dovecot", "tests.smtp_sink"]  # real Dovecot, real SMTP server

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
SELLER = frozenset({"hello@shop.example"})

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
    username: {imap_user}
    password_env: SHOP_IMAP_PASSWORD
    folders: [INBOX, Sent]
    sent_folder: Sent
    from: Anatolia Textiles <hello@shop.example>
    smtp:
      port: {smtp_port}
      tls: none
      username: seller@example.com
      password_env: SHOP_SMTP_PASSWORD
      server_saves_sent: {saves}
"""


@pytest.fixture
def mailbox(imap_account: Account, monkeypatch: pytest.MonkeyPatch) -> Account:
    """The seller's mailbox: a Sent folder and one question from a customer in INBOX."""
    monkeypatch.setenv("SHOP_IMAP_PASSWORD", imap_account.password)
    monkeypatch.setenv("SHOP_SMTP_PASSWORD", "smtp-s3cret")
    client = imap_account.client()
    client.create_folder("Sent")
    client.append("INBOX", make_mail(message_id="<ask@example.com>", subject="Where is it?"))
    client.logout()
    return imap_account


def configure(account: Account, smtp_port: int, *, saves: bool = False):
    return parse_config(
        CONFIG.format(
            imap_port=account.port,
            imap_user=account.username,
            smtp_port=smtp_port,
            saves="true" if saves else "false",
        )
    )


def synced_reply(store, config) -> tuple[int, int]:
    """Sync the mailbox, queue a reply to the question; (ticket id, outbox id)."""
    sync_source(store, config.sources[0], seller_emails=SELLER)
    ticket = store.conn.execute("SELECT id FROM tickets").fetchone()[0]
    return ticket, queue_reply(store, config, ticket, body="It ships today.", at=NOW)


def folder(account: Account, name: str) -> dict[int, dict]:
    client = account.client()
    try:
        client.select_folder(name, readonly=True)
        uids = client.search("ALL")
        return (
            client.fetch(uids, ["FLAGS", "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"]) if uids else {}
        )
    finally:
        client.logout()


def message_ids(messages: dict[int, dict]) -> list[str]:
    return [
        data[b"BODY[HEADER.FIELDS (MESSAGE-ID)]"].decode().split(":", 1)[1].strip()
        for data in messages.values()
    ]


def test_sent_reply_is_appended_to_sent_and_answers_the_question(store, mailbox, smtp_sink):
    config = configure(mailbox, smtp_sink.port)
    ticket, outbox_id = synced_reply(store, config)
    [item] = send_due(store, config, now=NOW).items
    assert (item.outcome, item.detail) == ("sent", "")
    message_id = get_entry(store, outbox_id).message_id

    sent = folder(mailbox, "Sent")
    assert message_ids(sent) == [f"<{message_id}>"]
    assert b"\\Seen" in next(iter(sent.values()))[b"FLAGS"]
    [inbox] = folder(mailbox, "INBOX").values()
    assert b"\\Answered" in inbox[b"FLAGS"]
    location = store.conn.execute(
        """SELECT l.source, l.folder FROM message_locations l JOIN messages m ON m.id = l.message_id
           WHERE m.message_id = ?""",
        (message_id,),
    ).fetchall()
    assert [tuple(row) for row in location] == [("imap:shop", "Sent")]

    # The next sync knows the copy in Sent and keeps \Answered: nothing new, nothing doubled.
    results = sync_source(store, config.sources[0], seller_emails=SELLER)
    assert [r.new for r in results] == [0, 0]
    count, answered = store.conn.execute(
        "SELECT count(*), sum(answered) FROM messages WHERE ticket_id = ?", (ticket,)
    ).fetchone()
    assert (count, answered) == (2, 1)


def test_a_drop_after_data_is_found_in_sent_and_not_sent_again(store, mailbox, smtp_sink):
    """The server files what it accepts into Sent (as Gmail does): that copy is the proof."""

    def file_into_sent(raw: bytes) -> None:
        client = mailbox.client()
        client.append("Sent", raw, flags=[b"\\Seen"])
        client.logout()

    smtp_sink.mode, smtp_sink.deliver = "drop-after-data", file_into_sent
    config = configure(mailbox, smtp_sink.port, saves=True)
    _, outbox_id = synced_reply(store, config)

    [first] = send_due(store, config, now=NOW).items
    assert first.outcome == "waiting" and get_entry(store, outbox_id).status == "sending"
    [second] = send_due(store, config, now=first.retry_at).items
    assert second.outcome == "sent" and "found on the server" in second.detail
    assert len(smtp_sink.accepted) == 1
    assert len(folder(mailbox, "Sent")) == 1  # the server's copy; inbox-tui added none


def test_not_in_sent_when_the_server_files_it_means_send_again(store, mailbox, smtp_sink):
    smtp_sink.mode = "drop-after-data"  # the connection drops, and the server keeps nothing
    config = configure(mailbox, smtp_sink.port, saves=True)
    _, outbox_id = synced_reply(store, config)
    [first] = send_due(store, config, now=NOW).items
    assert first.outcome == "waiting"
    smtp_sink.mode = "accept"
    [second] = send_due(store, config, now=first.retry_at).items
    assert second.outcome == "sent"
    assert get_entry(store, outbox_id).attempts == 2


def test_our_own_sent_copy_is_no_proof_of_absence(store, mailbox, smtp_sink):
    """inbox-tui appends to Sent only after the server took the reply: not finding it there
    after a dropped connection proves nothing, so the seller decides."""
    smtp_sink.mode = "drop-after-data"
    config = configure(mailbox, smtp_sink.port, saves=False)
    _, outbox_id = synced_reply(store, config)
    [first] = send_due(store, config, now=NOW).items
    [second] = send_due(store, config, now=first.retry_at).items
    assert (second.outcome, second.detail) == ("failed", MAYBE_SENT)
    assert len(smtp_sink.accepted) == 1

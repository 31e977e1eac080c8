"""Replies to eBay tickets through send_message: EbayTransport and the real outbox, loopback eBay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

import pytest

from inbox_tui.channels.ebay.api import EbayTransport
from inbox_tui.config import parse_config
from inbox_tui.domain.replies import (
    MaybeSent,
    OutgoingReply,
    PermanentFailure,
    SentCopy,
    Unreachable,
)
from inbox_tui.outbox.queue import queue_reply
from inbox_tui.outbox.sender import send_due
from inbox_tui.store.db import Store
from tests.servers.ebay import MESSAGE_API, EbayServer
from tests.test_ebay_sync import SELLER, TOKEN_ENV, messages, sync, tickets

SEND = f"{MESSAGE_API}/send_message"


@pytest.fixture
def ebay():
    with EbayServer(SELLER) as server:
        yield server


@pytest.fixture
def config(ebay: EbayServer, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(TOKEN_ENV, ebay.issue_token())
    return parse_config(
        f"""
seller:
  name: Anatolia Textiles
  emails: [hello@shop.example]
sources:
  - name: ebay-shop
    kind: ebay
    base_url: {ebay.url}
    access_token_env: {TOKEN_ENV}
    username: {SELLER}
"""
    )


@pytest.fixture
def ticket(store: Store, ebay: EbayServer, config) -> tuple[int, str]:
    conversation = ebay.add_conversation("jane_buyer", "Kilim size?", messages=["Is it 40x40?"])
    outcome = sync(store, config.sources[0])
    assert outcome.failed is None, outcome
    return tickets(store)[0]["id"], conversation


def reply(ticket_id: int, text: str, *, queued: datetime | None = None, attempts: int = 0):
    mail = EmailMessage()
    mail["From"] = "hello@shop.example"
    mail["To"] = "jane_buyer@members.ebay.invalid"
    mail["Date"] = format_datetime(queued or datetime.now(UTC))
    mail["Message-ID"] = "<reply-1@shop.example>"
    mail.set_content(text)
    return OutgoingReply(
        outbox_id=1,
        ticket_id=ticket_id,
        message_id="reply-1@shop.example",
        source="ebay-shop",
        raw=mail.as_bytes(),
        text=text,
        to=("jane_buyer",),
        attempts=attempts,
    )


def test_send_returns_where_the_copy_lives(store, ebay, config, ticket) -> None:
    ticket_id, conversation = ticket
    transport = EbayTransport(config.sources[0], store)
    try:
        copy = transport.send(reply(ticket_id, "Yes, 40x40 cm."))
    finally:
        transport.close()
    sent = ebay.messages(conversation)[-1]
    assert sent["messageBody"] == "Yes, 40x40 cm." and sent["senderUsername"] == SELLER
    assert copy == SentCopy("ebay:ebay-shop", conversation, sent["messageId"])


def test_without_the_id_in_the_answer_it_is_looked_up(store, ebay, config, ticket) -> None:
    ticket_id, conversation = ticket
    ebay.send_returns_id = False
    transport = EbayTransport(config.sources[0], store)
    try:
        copy = transport.send(reply(ticket_id, "Yes, 40x40 cm."))
    finally:
        transport.close()
    assert copy == SentCopy(
        "ebay:ebay-shop", conversation, ebay.messages(conversation)[-1]["messageId"]
    )


def test_over_2000_characters_is_refused_before_sending(store, ebay, config, ticket) -> None:
    ticket_id, _ = ticket
    transport = EbayTransport(config.sources[0], store)
    with pytest.raises(PermanentFailure) as caught:
        transport.send(reply(ticket_id, "x" * 2001))
    transport.close()
    assert str(caught.value) == (
        "ebay-shop: the reply has 2,001 characters and eBay takes at most 2,000; shorten it and"
        " send again"
    )
    assert ebay.requests_to(SEND) == 0


def test_a_refusal_is_permanent_and_says_why(store, ebay, config, ticket) -> None:
    ticket_id, _ = ticket
    ebay.fail_next(
        400, {"errors": [{"errorId": 355034, "message": "The buyer blocked you."}]}, path=SEND
    )
    transport = EbayTransport(config.sources[0], store)
    with pytest.raises(PermanentFailure, match=r"HTTP 400 \(The buyer blocked you\.\)"):
        transport.send(reply(ticket_id, "hello"))
    transport.close()


def test_a_lost_answer_is_found_by_was_sent_and_not_sent_twice(store, ebay, config, ticket) -> None:
    ticket_id, conversation = ticket
    ebay.lose_next_send_answer = True
    transport = EbayTransport(config.sources[0], store)
    try:
        with pytest.raises(MaybeSent):
            transport.send(reply(ticket_id, "Yes, 40x40 cm."))
        assert ebay.requests_to(SEND) == 1  # a POST is not repeated blindly
        found = transport.was_sent(reply(ticket_id, "Yes, 40x40 cm.", attempts=1))
        assert found == SentCopy(
            "ebay:ebay-shop", conversation, ebay.messages(conversation)[-1]["messageId"]
        )
        # The same text sent long before this reply was queued is not this reply.
        later = datetime.now(UTC) + timedelta(hours=1)
        assert (
            transport.was_sent(reply(ticket_id, "Yes, 40x40 cm.", queued=later, attempts=1))
            is False
        )
    finally:
        transport.close()


def test_offline_is_unreachable(store, ebay, config, ticket) -> None:
    ticket_id, _ = ticket
    transport = EbayTransport(config.sources[0], store)
    ebay.stop()
    with pytest.raises(Unreachable, match="cannot reach"):
        transport.send(reply(ticket_id, "hello"))
    transport.close()


def test_outbox_send_then_sync_does_not_add_the_reply_twice(store, ebay, config, ticket) -> None:
    ticket_id, conversation = ticket
    now = datetime.now(UTC)
    queue_reply(store, config, ticket_id, body="Yes, it is 40x40 cm.", at=now)
    report = send_due(store, config, now=now)
    assert [item.outcome for item in report.items] == ["sent"], report
    assert ebay.messages(conversation)[-1]["senderUsername"] == SELLER
    outbound = [m for m in messages(store, ticket_id) if m["direction"] == "out"]
    assert len(outbound) == 1
    outcome = sync(store, config.sources[0])
    assert outcome.failed is None
    assert sorted(m["direction"] for m in messages(store, ticket_id)) == ["in", "out"]
    assert len(tickets(store)) == 1


def test_a_shop_without_e_mail_addresses_still_answers_on_ebay(store, ebay, config, ticket):
    ticket_id, conversation = ticket
    config.seller.emails.clear()  # an eBay-only seller: no e-mail address configured
    now = datetime.now(UTC)
    queue_reply(store, config, ticket_id, body="Yes, 40x40 cm.", at=now)
    report = send_due(store, config, now=now)
    assert [item.outcome for item in report.items] == ["sent"], report
    assert ebay.messages(conversation)[-1]["messageBody"] == "Yes, 40x40 cm."
    outbound = [m for m in messages(store, ticket_id) if m["direction"] == "out"]
    assert len(outbound) == 1


def test_an_ebay_reply_refuses_a_file_in_one_line_and_keeps_the_draft(
    store, ebay, config, ticket, tmp_path
) -> None:
    from inbox_tui import replies
    from inbox_tui.store.drafts import get_draft, save_draft
    from inbox_tui.store.reply_files import add_draft_file

    ticket_id, _ = ticket
    label = tmp_path / "label.pdf"
    label.write_bytes(b"%PDF")
    now = datetime(2026, 12, 1, tzinfo=UTC)
    with pytest.raises(replies.ReplyRefused, match="eBay's member messages take text only"):
        replies.attach_file(store, config, ticket_id, str(label), at=now)
    # a file that got into the draft some other way (before the ticket moved to eBay): refused
    save_draft(store, ticket_id, "Here it is.")
    add_draft_file(store, ticket_id, "label.pdf", "application/pdf", b"%PDF", at="x")
    with pytest.raises(replies.ReplyRefused, match="has no attachments"):
        replies.queue(store, config, ticket_id, body="Here it is.", at=now)
    assert get_draft(store, ticket_id).body == "Here it is."

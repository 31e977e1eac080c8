"""Intake's result, carried up to the sync result: the hook where rules will act on new mail."""

from __future__ import annotations

from datetime import timedelta

from inbox_tui.config import MaildirSourceConfig
from inbox_tui.intake import NewMessage
from inbox_tui.sla import DEFAULT_POLICY
from inbox_tui.syncing import sync_one
from tests.mailgen import BASE_TIME, make_mail, write_maildir

SELLER = frozenset({"hello@shop.example"})


def _message_row(store, message_id: str) -> tuple[int, int]:
    row = store.conn.execute(
        "SELECT id, ticket_id FROM messages WHERE message_id = ?", (message_id,)
    ).fetchone()
    return row["id"], row["ticket_id"]


def test_a_sync_says_which_customer_messages_came_in_and_where_they_went(store, tmp_path):
    box = tmp_path / "Mail"
    write_maildir(
        box,
        [
            make_mail(message_id="<q1@example.com>"),
            make_mail(
                message_id="<r1@shop.example>",
                sender=("Shop", "hello@shop.example"),
                to=("Ayşe Yılmaz", "ayse@example.com"),
                subject="Re: Where is my order?",
                in_reply_to="<q1@example.com>",
                date=BASE_TIME + timedelta(hours=1),
            ),
            make_mail(
                message_id="<a1@relay.example>",
                sender=("Jane Doe - Amazon Marketplace", "abc123@marketplace.amazon.de"),
                subject="Order 302-1234567-1234567: wrong size",
            ),
        ],
    )
    source = MaildirSourceConfig(name="archive", kind="maildir", path=box)
    first = sync_one(store, source, seller_emails=SELLER, sla=DEFAULT_POLICY)

    question, email_ticket = _message_row(store, "q1@example.com")
    relay, amazon_ticket = _message_row(store, "a1@relay.example")
    reply, _ = _message_row(store, "r1@shop.example")
    where = f"maildir:{box.resolve()}"
    assert sorted(first.intake.new_inbound, key=lambda m: m.message_id) == sorted(
        [
            NewMessage(email_ticket, question, True, "email", where),
            NewMessage(amazon_ticket, relay, True, "amazon", where),
        ],
        key=lambda m: m.message_id,
    )  # the seller's own reply is stored, but it is nothing a rule answers
    assert reply not in {m.message_id for m in first.intake.new_inbound}
    assert first.intake.new_tickets == {email_ticket, amazon_ticket}
    assert first.intake.touched_tickets == {email_ticket, amazon_ticket}
    assert first.intake.added == first.new == 3

    write_maildir(
        box,
        [
            make_mail(
                message_id="<q2@example.com>",
                subject="Re: Where is my order?",
                in_reply_to="<r1@shop.example>",
                date=BASE_TIME + timedelta(hours=2),
            )
        ],
    )
    second = sync_one(store, source, seller_emails=SELLER, sla=DEFAULT_POLICY)
    again, ticket = _message_row(store, "q2@example.com")
    assert ticket == email_ticket
    assert second.intake.new_inbound == [NewMessage(email_ticket, again, False, "email", where)]
    assert second.intake.new_tickets == set()
    assert second.intake.touched_tickets == {email_ticket}

    third = sync_one(store, source, seller_emails=SELLER, sla=DEFAULT_POLICY)
    assert third.intake.new_inbound == [] and third.intake.touched_tickets == set()

"""Queueing replies: the MIME as the customer's mail client will thread it, channel rules, one
transaction for the row, status, tags and draft; the outbox as the thread view reads it."""

from __future__ import annotations

import email
from datetime import UTC, datetime
from email.policy import default

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inbox_tui.channels.ebay import MAX_TEXT as EBAY_MAX_CHARS
from inbox_tui.channels.registry import channel_problems
from inbox_tui.config import parse_config
from inbox_tui.domain.messages import IncomingMessage
from inbox_tui.mail.parse import parse_message
from inbox_tui.mail.threading import thread_hints
from inbox_tui.outbox.queue import ReplyRefused, check_reply, queue_reply, resend, route_for
from inbox_tui.sla import DEFAULT_POLICY
from inbox_tui.store.drafts import get_draft, save_draft
from inbox_tui.store.ingest import Ingest, encode
from inbox_tui.store.outbox import (
    get_entry,
    mark_failed,
    outbox_counts,
    outbox_for_ticket,
    raw_of,
)
from tests.mailgen import make_mail

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
SHOP = "hello@shop.example"

CONFIG = """\
seller:
  name: Anatolia Textiles
  emails: [hello@shop.example]
  signature: "--\\nAnatolia Textiles"
sources:
  - name: shop
    kind: imap
    host: 127.0.0.1
    tls: none
    username: hello@shop.example
    password_env: SHOP_PASSWORD
    smtp: {tls: none, port: 2525}
"""


def config(text: str = CONFIG):
    return parse_config(text)


def deliver(store, raw: bytes, source: str = "imap:shop", uid: str = "1") -> int:
    """Store one message as sync would, found at `source`; returns its ticket id."""
    parsed = parse_message(raw)
    ingest = Ingest(store)
    with store.transaction():
        ingest.begin_batch()
        outcome = ingest.add(
            IncomingMessage(raw, source, "INBOX", uid),
            encode(raw, parsed, thread_hints(parsed, raw, frozenset({SHOP}))),
        )
    ingest.settle(DEFAULT_POLICY)
    assert outcome.ticket_id is not None
    return outcome.ticket_id


def parsed_reply(store, outbox_id: int) -> email.message.EmailMessage:
    return email.message_from_bytes(raw_of(store, outbox_id), policy=default)


def test_reply_threads_under_the_customers_message(store):
    first = make_mail(message_id="<q1@example.com>", subject="Where is my order?")
    again = make_mail(
        message_id="<q2@example.com>",
        subject="Re: Where is my order?",
        in_reply_to="<q1@example.com>",
        references=["<q1@example.com>"],
        reply_to=("Ayşe Y.", "ayse.private@example.org"),
    )
    ticket = deliver(store, first)
    assert deliver(store, again, uid="2") == ticket

    outbox_id = queue_reply(store, config(), ticket, body="Hello Ayşe,\nit ships today.", at=NOW)
    msg = parsed_reply(store, outbox_id)
    assert msg["Subject"] == "Re: Where is my order?"  # not "Re: Re: …"
    assert msg["In-Reply-To"] == "<q2@example.com>"
    assert msg["References"] == "<q1@example.com> <q2@example.com>"
    assert msg["To"].addresses[0].addr_spec == "ayse.private@example.org"  # Reply-To honoured
    assert str(msg["From"]) == f"Anatolia Textiles <{SHOP}>"
    assert msg["Message-ID"] == f"<{get_entry(store, outbox_id).message_id}>"
    assert msg["Message-ID"].endswith("@shop.example>")
    assert msg["Date"].datetime == NOW
    assert (
        msg.get_content().replace("\r\n", "\n")
        == "Hello Ayşe,\nit ships today.\n\n--\nAnatolia Textiles\n"
    )
    # 7-bit clean on the wire, UTF-8 inside.
    assert raw_of(store, outbox_id).isascii()
    assert msg.get_content_charset() == "utf-8"


def test_signature_is_not_added_twice(store):
    ticket = deliver(store, make_mail())
    body = "Hi,\nthanks!\n\n--\nAnatolia Textiles"
    outbox_id = queue_reply(store, config(), ticket, body=body, at=NOW)
    assert outbox_for_ticket(store, ticket)[0].text == body + "\n"
    assert get_entry(store, outbox_id).to == ("ayse@example.com",)


def test_from_the_source_and_a_subject_of_its_own(store):
    ticket = deliver(store, make_mail())
    text = CONFIG.replace("    smtp:", "    from: Shop Desk <desk@shop.example>\n    smtp:")
    outbox_id = queue_reply(store, config(text), ticket, body="Hi", subject="Your order", at=NOW)
    msg = parsed_reply(store, outbox_id)
    assert str(msg["From"]) == "Shop Desk <desk@shop.example>"
    assert msg["Subject"] == "Your order"


def test_queue_commits_row_status_tags_and_drops_the_draft_together(store):
    ticket = deliver(store, make_mail())
    save_draft(store, ticket, "Hi, draft text")
    outbox_id = queue_reply(
        store, config(), ticket, body="Hi", status="closed", tags=["shipping", "vip"], at=NOW
    )
    entry = get_entry(store, outbox_id)
    assert (entry.status, entry.attempts, entry.transport, entry.source) == (
        "queued", 0, "smtp", "shop"
    )  # fmt: skip
    assert get_draft(store, ticket) is None
    row = store.conn.execute("SELECT status FROM tickets WHERE id = ?", (ticket,)).fetchone()
    assert row[0] == "closed"
    events = store.conn.execute(
        "SELECT kind, new_value FROM events WHERE ticket_id = ? ORDER BY id", (ticket,)
    ).fetchall()
    assert [tuple(e) for e in events] == [
        ("status", "closed"), ("tag_add", "shipping"), ("tag_add", "vip"),
        ("queued", str(outbox_id)),  # one batch: one undo takes back the reply and all of it
    ]  # fmt: skip
    batches = store.conn.execute(
        "SELECT count(DISTINCT batch_id) FROM events WHERE ticket_id = ?", (ticket,)
    ).fetchone()
    assert batches[0] == 1
    assert outbox_counts(store) == {"queued": 1, "sending": 0, "sent": 0, "failed": 0}


def test_a_refused_reply_changes_nothing(store):
    ticket = deliver(store, make_mail())
    save_draft(store, ticket, "keep me")
    with pytest.raises(ReplyRefused, match="fill it in"):
        queue_reply(store, config(), ticket, body="Tracking: [missing: order.tracking]", at=NOW)
    with pytest.raises(ReplyRefused, match="unknown status"):
        queue_reply(store, config(), ticket, body="Hi", status="snoozed", at=NOW)
    with pytest.raises(ReplyRefused, match="empty"):
        queue_reply(store, config(), ticket, body=" \n", at=NOW)
    assert outbox_counts(store)["queued"] == 0
    assert get_draft(store, ticket).body == "keep me"


def test_a_ticket_with_no_way_to_send_says_what_to_configure(store):
    ticket = deliver(store, make_mail(), source="maildir:/home/me/Mail")
    no_smtp = CONFIG.replace("    smtp: {tls: none, port: 2525}\n", "")
    with pytest.raises(ReplyRefused, match=r"add an `smtp:` section") as refused:
        queue_reply(store, config(no_smtp), ticket, body="Hi", at=NOW)
    assert "\n" not in str(refused.value)
    # From an IMAP source without smtp: the message names the source.
    other = deliver(store, make_mail(message_id="<o@x>", subject="Other"), uid="9")
    with pytest.raises(ReplyRefused, match=r"source 'shop' has no `smtp:` section"):
        queue_reply(store, config(no_smtp), other, body="Hi", at=NOW)
    # A maildir-only ticket goes out through the one source that can send.
    assert route_for(store, config(), ticket).source == "shop"


def test_amazon_relay_reply_with_a_link_is_refused_with_its_span(store):
    relay = "abc123xyz@marketplace.amazon.de"
    ticket = deliver(
        store,
        make_mail(sender=("Jane - Amazon Marketplace", relay), subject="Order 302-1234567-1234567"),
    )
    body = "Hello Jane,\nsee https://shop.example/returns or write to help@shop.example."
    problems = check_reply(store, ticket, body)
    spans = [body[p.start : p.end] for p in problems]
    assert spans == ["https://shop.example/returns", "help@shop.example"]
    with pytest.raises(ReplyRefused, match="https://shop.example/returns"):
        queue_reply(store, config(), ticket, body=body, at=NOW)
    assert check_reply(store, ticket, "Hello Jane,\nit ships today.") == []


def test_ebay_messages_are_limited_to_2000_characters():
    [problem] = channel_problems("ebay", "x" * (EBAY_MAX_CHARS + 5))
    assert (problem.start, problem.end) == (EBAY_MAX_CHARS, EBAY_MAX_CHARS + 5)
    assert "shorten it by 5" in problem.message
    assert channel_problems("ebay", "x" * EBAY_MAX_CHARS) == []
    assert channel_problems("email", "see https://x.example and a@b.example") == []


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_amazon_rule_spans_point_at_what_they_name(text):
    problems = channel_problems("amazon", text)
    ends = [0]
    for problem in problems:
        assert 0 <= problem.start < problem.end <= len(text)
        assert problem.start >= ends[-1]  # in text order, not overlapping
        assert repr(text[problem.start : problem.end]) in problem.message
        assert "\n" not in problem.message.replace(repr(text[problem.start : problem.end]), "")
        ends.append(problem.end)


@given(
    st.sampled_from(["https://", "http://", "www."]),
    st.from_regex(r"[a-z0-9]{1,12}\.[a-z]{2,5}", fullmatch=True),
    st.sampled_from(["", ".", ")", "!"]),
)
def test_every_link_is_found(scheme, host, after):
    text = f"Please see {scheme}{host}{after} for details"
    [problem] = channel_problems("amazon", text)
    assert text[problem.start : problem.end] == f"{scheme}{host}"


def test_resend_requeues_a_failed_reply_with_the_same_message_id(store):
    ticket = deliver(store, make_mail())
    outbox_id = queue_reply(store, config(), ticket, body="Hi", at=NOW)
    message_id = get_entry(store, outbox_id).message_id
    with pytest.raises(ReplyRefused, match="not failed"):
        resend(store, outbox_id)
    with store.transaction():
        mark_failed(store, outbox_id, "550 no such user")
    save_draft(store, ticket, "Hi\n\n--\nAnatolia Textiles")  # what a failure leaves behind
    resend(store, outbox_id)
    entry = get_entry(store, outbox_id)
    assert (entry.status, entry.message_id) == ("queued", message_id)
    assert get_draft(store, ticket) is None


def test_outbox_for_ticket_shows_what_the_thread_view_needs(store):
    ticket = deliver(store, make_mail())
    first = queue_reply(store, config(), ticket, body="One", at=NOW)
    second = queue_reply(store, config(), ticket, body="Two", at=NOW)
    entries = outbox_for_ticket(store, ticket)
    assert [e.id for e in entries] == [first, second]
    assert [e.text.split("\n")[0] for e in entries] == ["One", "Two"]
    assert all(e.created_at == "2026-11-30T10:00:00Z" and e.sent_at is None for e in entries)
    # The reply's Message-ID threads the customer's answer into this ticket.
    refs = store.conn.execute(
        "SELECT ref FROM thread_refs WHERE ticket_id = ?", (ticket,)
    ).fetchall()
    assert entries[0].message_id in {r[0] for r in refs}

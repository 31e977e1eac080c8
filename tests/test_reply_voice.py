"""Replies that sound like the seller: the buyer's name from the order, the source's own
signature, templates that follow the order's state, and no promise of a file not attached."""

from __future__ import annotations

from datetime import timedelta

import pytest

from inbox_tui import replies
from inbox_tui.outbox.queue import ReplyRefused, queue_reply
from inbox_tui.store.orders import link_ticket_order, upsert_order
from inbox_tui.store.outbox import get_entry
from inbox_tui.store.reply_files import add_draft_file
from inbox_tui.templates import render, shipped_templates
from tests.mailgen import make_mail
from tests.test_outbox import CONFIG, NOW, config, deliver


@pytest.fixture(autouse=True)
def password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOP_PASSWORD", "unused")


def template(key: str):
    return next(t for t in shipped_templates() if t.key == key)


def ticket_with_order(store, *, sender=("hannah_j96", "hannah@example.com"), **order) -> int:
    ticket = deliver(store, make_mail(sender=sender, message_id="<q@example.com>"))
    order_id = upsert_order(
        store,
        provider="ebay",
        order_number="12-34567-89012",
        customer_email=sender[1],
        placed_at=NOW - timedelta(days=6),
        **order,
    )
    link_ticket_order(store, ticket, order_id)
    return ticket


def wismo(store, ticket: int) -> str:
    context = replies.context_for(store, config(), ticket, now=NOW)
    return render(template("wismo"), context).body


def test_a_user_id_is_greeted_with_the_buyer_name_from_the_order(store):
    ticket = ticket_with_order(store, customer_name="Hannah Jones", status="FULFILLED")
    context = replies.context_for(store, config(), ticket, now=NOW)
    assert context["customer"]["name"] == "Hannah Jones"
    assert wismo(store, ticket).startswith("Hi Hannah,")


def test_a_real_name_is_kept_and_no_order_name_keeps_the_user_id(store):
    ticket = ticket_with_order(store, sender=("Ayşe Yılmaz", "ayse@example.com"))
    assert wismo(store, ticket).startswith("Hi Ayşe,")
    other = deliver(
        store,
        make_mail(sender=("bob_77", "bob@example.com"), message_id="<b@example.com>"),
        uid="2",
    )
    context = replies.context_for(store, config(), other, now=NOW)
    assert context["customer"]["first_name"] == "bob_77"  # nothing better is known


def test_a_delivered_order_is_not_on_its_way(store):
    ticket = ticket_with_order(
        store,
        customer_name="Hannah Jones",
        status="DELIVERED",
        tracking_number="JD01",
        carrier="DHL",
    )
    assert replies.context_for(store, config(), ticket, now=NOW)["order"]["state"] == "delivered"
    body = wismo(store, ticket)
    assert "is on its way" not in body
    assert "DHL shows your order 12-34567-89012 as delivered (tracking number JD01)." in body


@pytest.mark.parametrize(
    ("status", "tracking", "says"),
    [
        ("IN_PROGRESS", "JD01", "is on its way"),
        ("NOT_STARTED", None, "is being prepared"),
    ],
)
def test_the_order_state_picks_the_words(store, status, tracking, says):
    ticket = ticket_with_order(store, status=status, tracking_number=tracking)
    assert says in wismo(store, ticket)


def test_a_source_signature_replaces_the_seller_one(store):
    text = CONFIG.replace(
        "    smtp: {tls: none, port: 2525}",
        '    smtp: {tls: none, port: 2525}\n    signature: "--\\nHannah\'s Linen · support"',
    )
    ticket = deliver(store, make_mail())
    outbox_id = queue_reply(store, config(text), ticket, body="It ships today.", at=NOW)
    assert get_entry(store, outbox_id).text == "It ships today.\n\n--\nHannah's Linen · support\n"
    other = deliver(store, make_mail(message_id="<m2@example.com>", subject="Size?"), uid="2")
    outbox_id = queue_reply(store, config(), other, body="It fits.", at=NOW)
    assert get_entry(store, outbox_id).text.endswith("--\nAnatolia Textiles\n")


def test_a_reply_that_says_attached_needs_a_file(store):
    ticket = ticket_with_order(store, sender=("Ayşe Yılmaz", "ayse@example.com"))
    context = replies.context_for(store, config(), ticket, now=NOW)
    body = render(template("return-label"), context).body
    assert "is attached" in body
    with pytest.raises(ReplyRefused, match="says 'is attached', but no file is attached"):
        queue_reply(store, config(), ticket, body=body, at=NOW)
    add_draft_file(store, ticket, "label.pdf", "application/pdf", b"%PDF", at="now")
    assert queue_reply(store, config(), ticket, body=body, at=NOW)

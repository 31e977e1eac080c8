"""Adding a channel is its package and one registration line (docs/architecture.md): the
guestbook of tests/guestbook/ is synced, threaded, timed, checked and answered like any other."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from inbox_tui.channels import registry
from inbox_tui.config import parse_config
from inbox_tui.outbox.queue import ReplyRefused, queue_reply
from inbox_tui.outbox.sender import send_due
from inbox_tui.sla import SlaPolicy
from inbox_tui.store.views import get_ticket, ticket_messages
from inbox_tui.syncing import sync_one
from tests import guestbook

NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def registered() -> Iterator[None]:
    registry.register(guestbook)  # the one line a new channel needs
    try:
        yield
    finally:
        registry.unregister(guestbook)


def test_a_registered_channel_is_synced_and_answered_end_to_end(registered, store, tmp_path):
    book = tmp_path / "guestbook"
    book.mkdir()
    (book / "1.json").write_text(
        json.dumps(
            {
                "id": "visit-1",
                "name": "Deniz",
                "email": "deniz@example.com",
                "text": "Do you ship the blue kilim to Izmir?",
                "date": "Mon, 02 Nov 2026 08:00:00 +0000",
            }
        )
    )
    source = guestbook.GuestbookConfig(kind="guestbook", name="book", path=book)
    config = parse_config("seller: {name: Shop, emails: [hello@shop.example]}")
    config = config.model_copy(update={"sources": [source]})
    policy = SlaPolicy.from_config(config)
    assert policy.target("guestbook") == timedelta(hours=48)  # no own key yet: e-mail's rule

    outcome = sync_one(store, source, seller_emails=frozenset(), sla=policy)
    [arrived] = outcome.intake.new_inbound
    assert (arrived.channel, arrived.ticket_is_new) == ("guestbook", True)
    ticket = get_ticket(store, arrived.ticket_id)
    assert ticket is not None and ticket.channel == "guestbook"

    with pytest.raises(ReplyRefused, match="guestbook answer takes 500 characters"):
        queue_reply(store, config, ticket.id, body="x" * 600, at=NOW)  # the channel's own rule
    outbox_id = queue_reply(store, config, ticket.id, body="Yes, in two days.", at=NOW)
    report = send_due(store, config, now=NOW + timedelta(minutes=1))
    assert [(item.outbox_id, item.outcome) for item in report.items] == [(outbox_id, "sent")]

    [answer] = list((book / "replies").glob("*.json"))
    assert json.loads(answer.read_text()) == {
        "to": "deniz.example.com@guestbook.invalid",
        "text": "Yes, in two days.\n",
    }
    thread = ticket_messages(store, ticket.id)
    assert [m.direction for m in thread] == ["in", "out"]  # the answer is in its ticket

    again = sync_one(store, source, seller_emails=frozenset(), sla=policy)
    assert again.intake.new_inbound == [] and len(ticket_messages(store, ticket.id)) == 2


def test_an_unregistered_channel_is_unknown(store):
    assert registry.channel("guestbook") is None
    assert registry.channel_of("deniz@guestbook.invalid") == "email"

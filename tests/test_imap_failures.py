"""A message a sync cannot store is never skipped: remembered by UID, retried at every sync,
counted and shown until it is stored. Against a real Dovecot; the store's failure is a real
SQLite one (a trigger that refuses one message), not a patched function."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from inbox_tui.channels.imap.sync import sync_source
from inbox_tui.sla import DEFAULT_POLICY
from inbox_tui.syncing import sync_one
from inbox_tui.tui.widgets.status_line import StatusLine
from tests.mailgen import make_mail
from tests.test_imap_sync import append, expunge, source  # noqa: F401  (`source`: a fixture)

if TYPE_CHECKING:
    from tests.dovecot import Account

pytest_plugins = ["tests.dovecot"]

BAD_ID = b"<\xff\xfe@x>"


def raw_header(raw: bytes, name: bytes, value: bytes) -> bytes:
    return name + b": " + value + b"\r\n" + raw


def refuse(store, subject: str) -> None:
    """The store refuses any message with this subject (as a full disk or a bug would)."""
    store.conn.execute(
        f"CREATE TRIGGER refuse BEFORE INSERT ON messages WHEN new.subject = '{subject}'"
        " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
    )


def failed(store) -> list[tuple]:
    return [
        tuple(row)
        for row in store.conn.execute("SELECT folder, uid, attempts FROM failed_messages")
    ]


def test_a_non_utf8_message_id_is_synced_and_a_reply_to_it_joins_its_ticket(
    store,
    source,  # noqa: F811
    imap_account: Account,
):
    bad = raw_header(make_mail(message_id=None, subject="Scarf colour"), b"Message-ID", BAD_ID)
    append(imap_account, [make_mail(message_id="<a@x>"), bad, make_mail(message_id="<b@x>")])
    [first] = sync_source(store, source)
    assert (first.new, first.errors) == (3, 0), first.problems
    reply = make_mail(message_id="<reply@x>", subject="Re: Scarf colour")
    append(imap_account, [raw_header(reply, b"In-Reply-To", BAD_ID)])
    [second] = sync_source(store, source)
    assert (second.new, second.errors) == (1, 0), second.problems
    count, ticket_ids = store.conn.execute(
        "SELECT count(*), count(DISTINCT ticket_id) FROM messages WHERE subject LIKE '%Scarf%'"
    ).fetchone()
    assert (count, ticket_ids) == (2, 1)


@pytest.mark.parametrize("workers", [0, 1], ids=["one-connection", "worker-process"])
def test_a_message_that_fails_is_retried_at_every_sync_until_stored(
    store,
    source,  # noqa: F811
    imap_account: Account,
    workers: int,
):
    bob = ("Bob", "bob@example.com")
    append(imap_account, [
        make_mail(message_id="<m1@x>", subject="Order 1"),
        make_mail(message_id="<m2@x>", subject="poison", sender=bob),  # UID 2
        make_mail(message_id="<m3@x>", subject="Order 3", sender=bob),  # same new customer
        make_mail(message_id="<m4@x>", subject="Order 4"),
    ])  # fmt: skip
    refuse(store, "poison")
    [first] = sync_source(store, source, workers=workers)
    assert (first.new, first.errors, first.unstored) == (3, 1, 1), first.problems
    assert first.problems[0].startswith("UID 2: IntegrityError: refused by the test")
    assert "1 not stored (tried again at the next sync)" in first.summary()
    assert failed(store) == [("INBOX", "2", 1)]

    # The next sync tries it again (though nothing else is new), and says so again.
    outcome = sync_one(store, source, seller_emails=frozenset(), sla=DEFAULT_POLICY)
    assert outcome.failed == "1 message not stored yet (tried again at each sync)"
    assert "0 new, 0 changed, 0 gone, 1 errors, 1 not stored" in outcome.lines[0][0]
    status = StatusLine()
    status.sources = 1
    status.report.synced([outcome], datetime.now(UTC))
    assert "shop: 1 message not stored yet" in status.text(datetime.now(UTC)).plain
    assert failed(store) == [("INBOX", "2", 2)]

    store.conn.execute("DROP TRIGGER refuse")  # the cause is gone (a fixed bug, a freed disk)
    [third] = sync_source(store, source, workers=workers)
    assert (third.new, third.errors) == (1, 0), third.problems
    assert failed(store) == []
    stored = store.conn.execute("SELECT count(*), count(DISTINCT message_id) FROM messages")
    assert tuple(stored.fetchone()) == (4, 4)
    [fourth] = sync_source(store, source, workers=workers)
    assert (fourth.new, fourth.errors) == (0, 0)


def test_a_failed_message_expunged_on_the_server_is_forgotten(
    store,
    source,  # noqa: F811
    imap_account: Account,
):
    append(imap_account, [make_mail(message_id="<e1@x>", subject="poison")])
    refuse(store, "poison")
    [first] = sync_source(store, source)
    assert first.unstored == 1 and failed(store) == [("INBOX", "1", 1)]
    expunge(imap_account, [1])
    [second] = sync_source(store, source)
    assert (second.new, second.errors) == (0, 0) and failed(store) == []

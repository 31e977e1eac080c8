"""Due times in the store: set by the importer, cleared by replies, the Due view, snooze wake-ups."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from inbox_tui.importer import import_maildir
from inbox_tui.sla import DEFAULT_POLICY, SlaPolicy
from inbox_tui.store import Store
from inbox_tui.store.actions import set_status, snooze, undo
from inbox_tui.store.due import (
    count_due,
    due_times,
    list_due,
    refresh_due,
    wake_on_reply,
    wake_snoozed,
)
from inbox_tui.store.schema import MIGRATIONS, SCHEMA_VERSION
from tests.mailgen import BASE_TIME, make_mail, write_maildir

SELLER = ("Shop", "hello@shop.example")
AMAZON_BUYER = ("Jane Doe - Amazon Marketplace", "0abc123@marketplace.amazon.de")
EMAIL_BUYER = ("Ayşe Yılmaz", "ayse@example.com")
H = timedelta(hours=1)


def deliver(store: Store, tmp_path: Path, *mails: bytes, policy: SlaPolicy | None = None) -> None:
    """Drop mails into one Maildir and run the real importer over it."""
    box = write_maildir(tmp_path / "Maildir", list(mails))
    import_maildir(store, box, seller_emails=frozenset({SELLER[1]}), sla=policy)


def ticket(store: Store, message_id: str) -> sqlite3.Row:
    return store.conn.execute(
        "SELECT t.* FROM tickets t JOIN messages m ON m.ticket_id = t.id WHERE m.message_id = ?",
        (message_id.strip("<>"),),
    ).fetchone()


def customer_mail(mid: str, sender=EMAIL_BUYER, *, at: datetime, parent: str | None = None):
    return make_mail(
        sender=sender, to=SELLER, message_id=mid, date=at, in_reply_to=parent,
        references=[parent] if parent else None, subject="Where is my order?",
    )  # fmt: skip


def seller_mail(mid: str, to, *, at: datetime, parent: str):
    return make_mail(
        sender=SELLER, to=to, message_id=mid, date=at, in_reply_to=parent, references=[parent],
        subject="Re: Where is my order?", body="It ships today.",
    )  # fmt: skip


# BASE_TIME is Thursday 1 Oct 2026, 09:00 UTC; the default business hours are Mon-Fri 9-17 UTC.


def test_amazon_is_due_in_24h_email_in_two_working_days(store, tmp_path) -> None:
    deliver(
        store,
        tmp_path,
        customer_mail("<a1@amazon.de>", AMAZON_BUYER, at=BASE_TIME),
        customer_mail("<e1@example.com>", at=BASE_TIME),
    )
    amazon, email = ticket(store, "<a1@amazon.de>"), ticket(store, "<e1@example.com>")
    assert amazon["channel"] == "amazon" and email["channel"] == "email"
    assert amazon["due_at"] == "2026-10-02T09:00:00Z"
    # 48h in business hours: two working days, Thursday and Friday (six 8-hour days before)
    assert email["due_at"] == "2026-10-02T17:00:00Z"
    assert [row.id for row in list_due(store)] == [amazon["id"], email["id"]]
    assert count_due(store) == 2
    assert due_times(store, [email["id"]]) == {email["id"]: datetime(2026, 10, 2, 17, tzinfo=UTC)}


def test_a_reply_clears_due_and_the_next_customer_message_sets_it_again(store, tmp_path) -> None:
    first = customer_mail("<a1@amazon.de>", AMAZON_BUYER, at=BASE_TIME)
    deliver(store, tmp_path, first)
    deliver(
        store,
        tmp_path,
        seller_mail("<r1@shop>", AMAZON_BUYER, at=BASE_TIME + H, parent="<a1@amazon.de>"),
    )
    assert ticket(store, "<a1@amazon.de>")["due_at"] is None
    assert count_due(store) == 0 and list_due(store) == []

    again = BASE_TIME + 30 * H
    deliver(
        store, tmp_path, customer_mail("<a2@amazon.de>", AMAZON_BUYER, at=again, parent="<r1@shop>")
    )
    row = ticket(store, "<a1@amazon.de>")
    assert row["message_count"] == 3
    assert row["due_at"] == "2026-10-03T15:00:00Z"  # 24 h after the new message


def test_the_clock_starts_at_the_first_unanswered_message(store, tmp_path) -> None:
    deliver(
        store,
        tmp_path,
        customer_mail("<a1@amazon.de>", AMAZON_BUYER, at=BASE_TIME),
        customer_mail(
            "<a2@amazon.de>", AMAZON_BUYER, at=BASE_TIME + 5 * H, parent="<a1@amazon.de>"
        ),
    )
    assert ticket(store, "<a2@amazon.de>")["due_at"] == "2026-10-02T09:00:00Z"


def test_only_open_tickets_are_due_and_refresh_is_idempotent(store, tmp_path) -> None:
    deliver(store, tmp_path, customer_mail("<e1@example.com>", at=BASE_TIME))
    ticket_id = ticket(store, "<e1@example.com>")["id"]
    set_status(store, [ticket_id], "closed")
    assert ticket(store, "<e1@example.com>")["due_at"] is None  # the trigger cleared it
    assert refresh_due(store, None, DEFAULT_POLICY) == 0
    set_status(store, [ticket_id], "open")
    assert refresh_due(store, None, DEFAULT_POLICY) == 1
    assert refresh_due(store, None, DEFAULT_POLICY) == 0
    assert refresh_due(store, [ticket_id], DEFAULT_POLICY) == 0
    tighter = SlaPolicy(targets={"email": H})
    assert refresh_due(store, None, tighter) == 1
    assert ticket(store, "<e1@example.com>")["due_at"] == "2026-10-01T10:00:00Z"


def test_wake_snoozed_opens_tickets_whose_time_has_come(store, tmp_path) -> None:
    deliver(
        store,
        tmp_path,
        customer_mail("<a1@amazon.de>", AMAZON_BUYER, at=BASE_TIME),
        customer_mail("<e1@example.com>", at=BASE_TIME),
        customer_mail("<e2@example.com>", ("Bo", "bo@example.com"), at=BASE_TIME),
    )
    a, e1, e2 = (
        ticket(store, m)["id"] for m in ("<a1@amazon.de>", "<e1@example.com>", "<e2@example.com>")
    )
    snooze(store, [a, e1], datetime(2040, 1, 1, 9, tzinfo=UTC))
    snooze(store, [e2], datetime(2040, 1, 3, 9, tzinfo=UTC))
    assert count_due(store) == 0

    assert wake_snoozed(store, datetime(2039, 12, 31, tzinfo=UTC), policy=DEFAULT_POLICY) == []
    now = datetime(2040, 1, 2, tzinfo=UTC)
    assert wake_snoozed(store, now, policy=DEFAULT_POLICY) == [a, e1]
    rows = {r["id"]: r for r in store.conn.execute("SELECT * FROM tickets")}
    assert rows[a]["status"] == rows[e1]["status"] == "open"
    assert rows[a]["snoozed_until"] is None and rows[e2]["status"] == "snoozed"
    assert rows[a]["due_at"] == "2026-10-02T09:00:00Z"  # long breached: it is due at once
    events = store.conn.execute(
        "SELECT ticket_id, at, kind, old_value, new_value, actor, batch_id FROM events"
        " WHERE actor = 'snooze' ORDER BY ticket_id"
    ).fetchall()
    assert [tuple(e)[:6] for e in events] == [
        (t, "2040-01-02T00:00:00Z", "status", "snoozed:2040-01-01T09:00:00Z", "open", "snooze")
        for t in (a, e1)
    ]
    assert len({e["batch_id"] for e in events}) == 1 and events[0]["batch_id"]
    assert wake_snoozed(store, now, policy=DEFAULT_POLICY) == []
    # The wake-up is an ordinary batch: undo puts the snooze back.
    undo(store, events[0]["batch_id"], at=now)
    assert ticket(store, "<a1@amazon.de>")["snoozed_until"] == "2040-01-01T09:00:00Z"


def test_a_customer_message_wakes_a_snoozed_ticket(store, tmp_path) -> None:
    deliver(store, tmp_path, customer_mail("<e1@example.com>", at=BASE_TIME))
    deliver(
        store,
        tmp_path,
        seller_mail("<r1@shop>", EMAIL_BUYER, at=BASE_TIME + H, parent="<e1@example.com>"),
    )
    ticket_id = ticket(store, "<e1@example.com>")["id"]
    snooze(store, [ticket_id], datetime(2040, 1, 1, tzinfo=UTC))
    # Our own (outbound) message does not wake it.
    deliver(
        store,
        tmp_path,
        seller_mail("<r2@shop>", EMAIL_BUYER, at=BASE_TIME + 2 * H, parent="<r1@shop>"),
    )
    assert ticket(store, "<e1@example.com>")["status"] == "snoozed"

    deliver(
        store, tmp_path, customer_mail("<e2@example.com>", at=BASE_TIME + 3 * H, parent="<r2@shop>")
    )
    row = ticket(store, "<e1@example.com>")
    assert row["status"] == "open" and row["snoozed_until"] is None
    assert row["due_at"] == "2026-10-05T12:00:00Z"  # two working days from Thu 12:00: Mon 12:00
    events = store.conn.execute(
        "SELECT old_value, new_value, actor FROM events WHERE ticket_id = ? AND actor = 'import'",
        (ticket_id,),
    )
    assert [tuple(e) for e in events] == [("snoozed:2040-01-01T00:00:00Z", "open", "import")]


def test_wake_on_reply_can_be_turned_off(store, tmp_path) -> None:
    quiet = SlaPolicy(wake_on_reply=False)
    deliver(store, tmp_path, customer_mail("<e1@example.com>", at=BASE_TIME), policy=quiet)
    ticket_id = ticket(store, "<e1@example.com>")["id"]
    snooze(store, [ticket_id], datetime(2040, 1, 1, tzinfo=UTC))
    deliver(
        store,
        tmp_path,
        customer_mail("<e2@example.com>", at=BASE_TIME + H, parent="<e1@example.com>"),
        policy=quiet,
    )
    assert ticket(store, "<e1@example.com>")["status"] == "snoozed"
    assert ticket(store, "<e1@example.com>")["due_at"] is None
    # Called directly (what the importer does when it is on), it wakes the ticket.
    assert wake_on_reply(store, [ticket_id, 999], policy=DEFAULT_POLICY) == [ticket_id]
    assert ticket(store, "<e1@example.com>")["due_at"] is not None


def test_due_queries_use_indexes(store, tmp_path) -> None:
    deliver(store, tmp_path, customer_mail("<e1@example.com>", at=BASE_TIME))
    ticket_id = ticket(store, "<e1@example.com>")["id"]
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    count_due(store)
    list_due(store, offset=10, limit=50)
    refresh_due(store, None, DEFAULT_POLICY)
    refresh_due(store, [ticket_id], DEFAULT_POLICY)
    wake_snoozed(store, datetime(2040, 1, 1, tzinfo=UTC), policy=DEFAULT_POLICY)
    wake_on_reply(store, [ticket_id], policy=DEFAULT_POLICY)
    store.conn.set_trace_callback(None)
    queries = [
        q for q in seen if q.lstrip().upper().startswith(("SELECT", "WITH")) and "tickets" in q
    ]
    assert len(queries) >= 6
    used = set()
    for query in queries:
        plan = [row[3] for row in store.conn.execute(f"EXPLAIN QUERY PLAN {query}")]
        scans = [step for step in plan if step.startswith("SCAN") and "INDEX" not in step]
        assert not [s for s in scans if s.split()[1] in ("t", "tickets")], (query, plan)
        used |= {word for step in plan for word in step.split() if word.startswith("tickets_")}
    # The Due view walks its partial index in order (no sort of every open ticket).
    assert {"tickets_due", "tickets_snoozed"} <= used


def test_migration_from_version_1_keeps_everything_and_adds_due(tmp_path) -> None:
    path = tmp_path / "v1.db"
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0])
    conn.execute(
        "INSERT INTO customers (id, email, name, channel, created_at) VALUES (1, 'a@b.example', 'A', 'email', '2026-10-01T09:00:00Z')"
    )
    conn.execute(
        """INSERT INTO tickets (id, channel, status, subject, customer_id, created_at, last_message_at,
               last_inbound_at, message_count) VALUES (7, 'amazon', 'open', 'Hi', 1,
               '2026-10-01T09:00:00Z', '2026-10-01T09:00:00Z', '2026-10-01T09:00:00Z', 1)"""
    )
    conn.execute(
        """INSERT INTO messages (id, ticket_id, message_id, raw_sha256, content_key, direction,
               channel, date, imported_at) VALUES (3, 7, 'x@y', 'd', 'k', 'in', 'amazon',
               '2026-10-01T09:00:00Z', '2026-10-01T09:00:00Z')"""
    )
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()

    store = Store.open(path)
    assert store.schema_version == SCHEMA_VERSION >= 2
    row = store.conn.execute("SELECT * FROM tickets WHERE id = 7").fetchone()
    assert (row["subject"], row["customer_id"], row["due_at"]) == ("Hi", 1, None)
    assert store.conn.execute("SELECT count(*) FROM messages").fetchone()[0] == 1
    assert store.conn.execute("SELECT name FROM customers").fetchone()[0] == "A"
    # No backfill in SQL: the first refresh fills it.
    assert refresh_due(store, None, DEFAULT_POLICY) == 1
    assert [t.id for t in list_due(store)] == [7]
    assert store.conn.execute("SELECT due_at FROM tickets").fetchone()[0] == "2026-10-02T09:00:00Z"
    store.close()

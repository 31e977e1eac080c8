"""Due times and snooze wake-ups: tickets.due_at kept in step with the SLA policy.

`due_at` is set only on open tickets whose customer is waiting (their message is newer than the
seller's last reply); a trigger clears it when a ticket leaves 'open'. Every query here is
served by an index: tickets_due, tickets_snoozed, tickets_by_status_time, messages_by_ticket.
The Due view and the wake-up name theirs (INDEXED BY): without statistics the planner would
rather walk every open ticket through the status index and sort them.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterable
from datetime import datetime

from inbox_tui.domain.tickets import DuePolicy
from inbox_tui.store.actions import atomic
from inbox_tui.store.db import Store, format_time, parse_time, utc_now

# Private helpers of views.py, reused so a Due row is built exactly like any other list row.
from inbox_tui.store.views import TicketRow, page_rows

BATCH = 500  # ids per IN (...) list and per transaction

__all__ = [
    "count_due",
    "due_settled",
    "due_times",
    "list_due",
    "refresh_due",
    "settle_due",
    "wake_on_reply",
    "wake_snoozed",
]


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def refresh_due(store: Store, ticket_ids: list[int] | None, policy: DuePolicy) -> int:
    """Recompute due_at for these tickets (all open ones when None); returns how many changed.

    The clock starts at the customer's first message after the seller's last reply. Idempotent:
    a second call with the same policy changes nothing.
    """
    if ticket_ids is None:
        # Only an open ticket can be due, and the trigger keeps the others NULL.
        ids = [row[0] for row in store.conn.execute("SELECT id FROM tickets WHERE status = 'open'")]
    else:
        ids = sorted(set(ticket_ids))
    changed = 0
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        with atomic(store) as conn:
            rows = conn.execute(
                f"""
                SELECT t.id, t.channel, t.status, t.due_at,
                       (SELECT min(m.date) FROM messages m
                        WHERE m.ticket_id = t.id AND m.direction = 'in'
                          AND m.date > coalesce(t.last_outbound_at, '')) AS waiting_since
                FROM tickets t WHERE t.id IN ({marks})
                """,
                chunk,
            ).fetchall()
            updates = []
            for row in rows:
                new = None
                if row["status"] == "open" and row["waiting_since"]:
                    since = parse_time(row["waiting_since"])
                    new = format_time(policy.due(row["channel"], since))
                if new != row["due_at"]:
                    updates.append((new, row["id"]))
            conn.executemany("UPDATE tickets SET due_at = ? WHERE id = ?", updates)
            changed += len(updates)
    return changed


POLICY_KEY = "due_policy"  # store_info: the policy fingerprint the stored due times follow


def due_settled(store: Store, policy: DuePolicy) -> bool:
    """Whether the stored due times follow `policy` (one read of store_info)."""
    row = store.conn.execute("SELECT value FROM store_info WHERE key = ?", (POLICY_KEY,)).fetchone()
    return row is not None and bool(row[0] == policy.fingerprint)


def settle_due(store: Store, policy: DuePolicy) -> int:
    """Recompute every open ticket's due time when the stored ones follow another policy (an
    older rule, a changed `sla:` section or time zone); returns how many changed. With nothing
    changed it is one read; else ~75 µs an open ticket (2 s for 26,000 open at 100k tickets).
    A store opened read-only keeps what it has."""
    if due_settled(store, policy):
        return 0
    key = policy.fingerprint
    try:
        changed = refresh_due(store, None, policy)
        with atomic(store) as conn:  # last: an interrupted refresh is done again next time
            conn.execute(
                "INSERT OR REPLACE INTO store_info (key, value) VALUES (?, ?)", (POLICY_KEY, key)
            )
    except sqlite3.OperationalError as exc:  # a file we may only read (stats, export)
        if (getattr(exc, "sqlite_errorcode", 0) & 0xFF) != sqlite3.SQLITE_READONLY:
            raise
        return 0
    return changed


def count_due(store: Store) -> int:
    """How many open tickets wait for an answer (the Due view's size)."""
    return int(
        store.conn.execute(
            "SELECT count(*) FROM tickets INDEXED BY tickets_due"
            " WHERE status = 'open' AND due_at IS NOT NULL"
        ).fetchone()[0]
    )


def list_due(store: Store, offset: int = 0, limit: int = 100) -> list[TicketRow]:
    """A window of the Due view: open tickets with a due time, most urgent (earliest) first."""
    return page_rows(
        store,
        """SELECT id FROM tickets INDEXED BY tickets_due
           WHERE status = 'open' AND due_at IS NOT NULL
           ORDER BY due_at, id LIMIT ? OFFSET ?""",
        (max(0, limit), max(0, offset)),
        "t.due_at, t.id",
    )


def due_times(store: Store, ticket_ids: list[int]) -> dict[int, datetime]:
    """due_at of those tickets that have one (for the list's time-left column)."""
    found: dict[int, datetime] = {}
    for chunk in _chunks(list(ticket_ids)):
        marks = ",".join("?" * len(chunk))
        for row in store.conn.execute(
            f"SELECT id, due_at FROM tickets WHERE id IN ({marks}) AND due_at IS NOT NULL", chunk
        ):
            found[row[0]] = parse_time(row[1])
    return found


def _reopen(
    store: Store, rows: list[sqlite3.Row], at: str, actor: str, policy: DuePolicy
) -> list[int]:
    """Open snoozed tickets (rows of id, snoozed_until) with one status event each, one batch."""
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    batch = uuid.uuid4().hex
    with atomic(store) as conn:
        conn.executemany(
            "UPDATE tickets SET status = 'open', snoozed_until = NULL"
            " WHERE id = ? AND status = 'snoozed'",
            [(ticket_id,) for ticket_id in ids],
        )
        # The old value follows the events convention of store/actions.py ("snoozed:<until>"),
        # so undo can put the snooze back.
        conn.executemany(
            "INSERT INTO events (ticket_id, at, kind, old_value, new_value, actor, batch_id)"
            " VALUES (?, ?, 'status', ?, 'open', ?, ?)",
            [
                (
                    row["id"],
                    at,
                    f"snoozed:{row['snoozed_until']}" if row["snoozed_until"] else "snoozed",
                    actor,
                    batch,
                )
                for row in rows
            ],
        )
        refresh_due(store, ids, policy)
    return ids


def wake_snoozed(
    store: Store, now: datetime, *, policy: DuePolicy, actor: str = "snooze"
) -> list[int]:
    """Open every snoozed ticket whose time has come (snoozed_until <= now); returns their ids."""
    rows = store.conn.execute(
        "SELECT id, snoozed_until FROM tickets INDEXED BY tickets_snoozed"
        " WHERE snoozed_until <= ? AND status = 'snoozed' ORDER BY snoozed_until, id",
        (format_time(now),),
    ).fetchall()
    return _reopen(store, rows, format_time(now), actor, policy)


def wake_on_reply(
    store: Store,
    ticket_ids: list[int],
    *,
    policy: DuePolicy,
    actor: str = "import",
) -> list[int]:
    """Open those snoozed tickets among `ticket_ids` whose customer wrote last; returns their ids.

    The importer passes the tickets that received a customer message in the batch it just
    committed (when `snooze.wake_on_reply` is on).
    """
    rows: list[sqlite3.Row] = []
    for chunk in _chunks(sorted(set(ticket_ids))):
        marks = ",".join("?" * len(chunk))
        rows += store.conn.execute(
            f"""SELECT id, snoozed_until FROM tickets
                WHERE id IN ({marks}) AND status = 'snoozed'
                  AND last_inbound_at > coalesce(last_outbound_at, '')
                ORDER BY id""",
            chunk,
        ).fetchall()
    return _reopen(store, rows, utc_now(), actor, policy)

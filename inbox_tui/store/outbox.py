"""The outbox table: every SQL statement the send queue needs (queue, claim, settle, show).

An item's life: queued → sending (committed before the attempt) → sent | queued again (a
temporary failure, with next_attempt_at) | failed (permanent, or "may have been sent" after a
crash with nothing to check). An item left in `sending` may have gone out: the sender asks the
transport before it tries again (docs/replies.md). Callers own the transactions.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from inbox_tui.domain.tickets import OUTBOX_STATUSES
from inbox_tui.store.db import Store, format_time, parse_time

STATUSES = OUTBOX_STATUSES


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """One reply in the outbox, as the thread view and the sender see it."""

    id: int
    ticket_id: int
    message_id: str
    transport: str  # smtp | ebay | …
    source: str | None
    status: str  # queued | sending | sent | failed
    attempts: int
    last_error: str | None
    next_attempt_at: str | None
    created_at: str
    sent_at: str | None
    text: str  # the reply's text, as the customer reads it
    to: tuple[str, ...]  # the recipients' addresses


@dataclass(frozen=True, slots=True)
class RepliedTo:
    """The message a reply answers, and where it lives on an IMAP server (for \\Answered)."""

    message_row: int  # messages.id
    folder: str | None
    uid: str | None


_COLUMNS = """id, ticket_id, message_id, transport, source, status, attempts, last_error,
    next_attempt_at, created_at, sent_at, raw"""


def _entry(row: sqlite3.Row) -> OutboxEntry:
    from inbox_tui.domain.replies import reply_recipients, reply_text  # email's parser: not
    # for outbox_counts, which the TUI's start needs

    raw = bytes(row["raw"])
    return OutboxEntry(
        id=row["id"],
        ticket_id=row["ticket_id"],
        message_id=row["message_id"],
        transport=row["transport"],
        source=row["source"],
        status=row["status"],
        attempts=row["attempts"],
        last_error=row["last_error"],
        next_attempt_at=row["next_attempt_at"],
        created_at=row["created_at"],
        sent_at=row["sent_at"],
        text=reply_text(raw),
        to=reply_recipients(raw),
    )


# --- reading ---------------------------------------------------------------------------------


def outbox_for_ticket(store: Store, ticket_id: int) -> list[OutboxEntry]:
    """Every reply of a ticket that went through the outbox, oldest first (outbox_by_ticket)."""
    rows = store.conn.execute(
        f"SELECT {_COLUMNS} FROM outbox WHERE ticket_id = ? ORDER BY created_at, id", (ticket_id,)
    )
    return [_entry(row) for row in rows]


# A failed reply (`o`) that still needs the seller: the newest reply of its ticket. Once the
# seller answered again (or resent it: that is the same row), an older failure is history,
# shown in the thread only; `R` would refuse it anyway.
FAILED_UNANSWERED = """o.status = 'failed' AND NOT EXISTS (
    SELECT 1 FROM outbox later WHERE later.ticket_id = o.ticket_id AND later.id > o.id)"""


def outbox_counts(store: Store) -> dict[str, int]:
    """How many replies are in each status, every status present (0 when none): the status line.
    "failed" counts only failures that still need the seller (FAILED_UNANSWERED)."""
    counts = dict.fromkeys(STATUSES, 0)
    for status, count in store.conn.execute(
        f"""SELECT status, count(*) FROM outbox o
            WHERE o.status <> 'failed' OR ({FAILED_UNANSWERED}) GROUP BY status"""
    ):
        counts[status] = count
    return counts


def get_entry(store: Store, outbox_id: int) -> OutboxEntry | None:
    row = store.conn.execute(f"SELECT {_COLUMNS} FROM outbox WHERE id = ?", (outbox_id,)).fetchone()
    return _entry(row) if row else None


@dataclass(frozen=True, slots=True)
class Later:
    """A reply of the ticket queued after another one (its id and status)."""

    id: int
    status: str


def newest_failed(store: Store, ticket_id: int) -> tuple[int | None, Later | None]:
    """The ticket's newest failed reply (None when none failed), and the first reply that was
    queued after it and did not fail (None when there is none): outbox_by_ticket, a few rows."""
    rows = store.conn.execute(
        "SELECT id, status FROM outbox WHERE ticket_id = ? ORDER BY created_at DESC, id DESC",
        (ticket_id,),
    ).fetchall()
    later: Later | None = None
    for row in rows:
        if row["status"] == "failed":
            return row["id"], later
        later = Later(row["id"], row["status"])
    return None, None


def raw_of(store: Store, outbox_id: int) -> bytes:
    row = store.conn.execute("SELECT raw FROM outbox WHERE id = ?", (outbox_id,)).fetchone()
    return bytes(row[0])


def due_ids(store: Store, now: str) -> list[int]:
    """Items to work on now, oldest first: queued ones whose time has come, and `sending` ones
    (a crash or a dropped connection left them; their next_attempt_at says when to look)."""
    rows = store.conn.execute(
        """SELECT id FROM outbox INDEXED BY outbox_pending
           WHERE status IN ('queued', 'sending')
             AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
           ORDER BY created_at, id""",
        (now,),
    )
    return [row[0] for row in rows]


def held_for_undo(store: Store, now: datetime) -> tuple[int, datetime] | None:
    """Replies queued and never tried whose undo hold has not ended at `now`: how many, and
    when the last of them may go; None when none is held."""
    row = store.conn.execute(
        """SELECT count(*), max(next_attempt_at) FROM outbox
           WHERE status IN ('queued', 'sending') AND status = 'queued' AND attempts = 0
             AND next_attempt_at > ?""",  # the first test lets outbox_pending serve it
        (format_time(now),),
    ).fetchone()
    return (int(row[0]), parse_time(row[1])) if row[0] else None


def next_attempt(store: Store) -> str | None:
    """When the earliest waiting item is due again (None when nothing waits)."""
    row = store.conn.execute(
        "SELECT min(next_attempt_at) FROM outbox INDEXED BY outbox_pending"
        " WHERE status IN ('queued', 'sending')"
    ).fetchone()
    value: str | None = row[0]
    return value


# --- writing (inside the caller's transaction) -----------------------------------------------


def insert_reply(
    store: Store,
    *,
    ticket_id: int,
    message_id: str,
    transport: str,
    source: str | None,
    raw: bytes,
    created_at: str,
    hold_until: str | None = None,
) -> int:
    """Queue one reply (not sent before `hold_until`, the end of its undo hold, when given).
    Its Message-ID also joins the ticket's threading refs, so an answer to it lands in this
    ticket even before the sent copy is stored."""
    outbox_id = store.conn.execute(
        """INSERT INTO outbox (ticket_id, message_id, transport, source, status, raw, created_at,
                               next_attempt_at)
           VALUES (?, ?, ?, ?, 'queued', ?, ?, ?)""",
        (ticket_id, message_id, transport, source, raw, created_at, hold_until),
    ).lastrowid
    store.conn.execute(
        "INSERT OR IGNORE INTO thread_refs (ref, ticket_id) VALUES (?, ?)", (message_id, ticket_id)
    )
    assert outbox_id is not None
    return outbox_id


def claim(store: Store, outbox_id: int) -> int | None:
    """Mark an item `sending` before the attempt, counting it; returns the attempts before this,
    or None when the item is no longer there to send (an undo took it back meanwhile)."""
    row = store.conn.execute(
        "SELECT attempts FROM outbox WHERE id = ? AND status IN ('queued', 'sending')",
        (outbox_id,),
    ).fetchone()
    if row is None:
        return None
    store.conn.execute(
        "UPDATE outbox SET status = 'sending', attempts = attempts + 1, next_attempt_at = NULL"
        " WHERE id = ?",
        (outbox_id,),
    )
    return int(row[0])


def delete_queued(store: Store, outbox_id: int) -> bool:
    """Take a queued item out (no attempt under way, nothing sent); False when it is not queued."""
    return (
        store.conn.execute(
            "DELETE FROM outbox WHERE id = ? AND status = 'queued'", (outbox_id,)
        ).rowcount
        > 0
    )


def queued_draft(store: Store, outbox_id: int) -> str | None:
    """The draft a reply was queued from (JSON: body, subject, template_key), from its
    'queued' event; None for a reply queued before undo-send existed."""
    row = store.conn.execute(
        "SELECT old_value FROM events WHERE kind = 'queued' AND new_value = ? ORDER BY id DESC",
        (str(outbox_id),),
    ).fetchone()
    return row[0] if row else None


def recent_outbox(store: Store, since: str, limit: int = 200) -> list[OutboxEntry]:
    """The outbox view: every reply waiting or failed, and those sent since `since`; newest
    first."""
    rows = store.conn.execute(
        f"""SELECT {_COLUMNS} FROM outbox
            WHERE status IN ('queued', 'sending', 'failed') OR sent_at >= ?
            ORDER BY created_at DESC, id DESC LIMIT ?""",
        (since, limit),
    )
    return [_entry(row) for row in rows]


def mark_sent(store: Store, outbox_id: int, sent_at: str) -> None:
    store.conn.execute(
        "UPDATE outbox SET status = 'sent', sent_at = ?, next_attempt_at = NULL WHERE id = ?",
        (sent_at, outbox_id),
    )


def mark_waiting(store: Store, outbox_id: int, error: str, retry_at: str, *, status: str) -> None:
    """Try again at `retry_at`: `queued` (it surely did not go) or `sending` (it may have gone:
    look before sending again)."""
    store.conn.execute(
        "UPDATE outbox SET status = ?, last_error = ?, next_attempt_at = ? WHERE id = ?",
        (status, error, retry_at, outbox_id),
    )


def mark_failed(store: Store, outbox_id: int, error: str) -> None:
    store.conn.execute(
        "UPDATE outbox SET status = 'failed', last_error = ?, next_attempt_at = NULL WHERE id = ?",
        (error, outbox_id),
    )


def requeue(store: Store, outbox_id: int) -> bool:
    """A failed item goes back to the queue as it is (same Message-ID); False if not failed."""
    return (
        store.conn.execute(
            "UPDATE outbox SET status = 'queued', next_attempt_at = NULL, attempts = 0"
            " WHERE id = ? AND status = 'failed'",
            (outbox_id,),
        ).rowcount
        > 0
    )


# --- what a reply answers --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Inbound:
    """The customer's newest message of a ticket, which a reply answers."""

    id: int
    message_id: str
    subject: str
    from_name: str
    from_addr: str
    reply_to: str  # JSON [[name, address], …]
    refs: str  # JSON list of Message-IDs
    channel: str


def last_inbound(store: Store, ticket_id: int) -> Inbound | None:
    row = store.conn.execute(
        """SELECT id, message_id, subject, from_name, from_addr, reply_to, refs, channel
           FROM messages WHERE ticket_id = ? AND direction = 'in'
           ORDER BY date DESC, id DESC LIMIT 1""",
        (ticket_id,),
    ).fetchone()
    return Inbound(**dict(row)) if row else None


def ticket_sources(store: Store, ticket_id: int) -> list[str]:
    """The sources (message_locations.source) a ticket's messages came from, the source of the
    newest inbound message first."""
    rows = store.conn.execute(
        """SELECT l.source, max(m.direction = 'in') AS inbound, max(m.date) AS newest
           FROM messages m JOIN message_locations l ON l.message_id = m.id
           WHERE m.ticket_id = ? GROUP BY l.source ORDER BY inbound DESC, newest DESC""",
        (ticket_id,),
    )
    return [row[0] for row in rows]


def ticket_channel(store: Store, ticket_id: int) -> str | None:
    row = store.conn.execute("SELECT channel FROM tickets WHERE id = ?", (ticket_id,)).fetchone()
    return row[0] if row else None


def replied_to(store: Store, message_id: str, source: str) -> RepliedTo | None:
    """The stored message with this Message-ID, and its location in `source` if it has one."""
    row = store.conn.execute(
        """SELECT m.id, l.folder, l.uid FROM messages m
           LEFT JOIN message_locations l ON l.message_id = m.id AND l.source = ?
           WHERE m.message_id = ? ORDER BY l.uid IS NULL LIMIT 1""",
        (source, message_id),
    ).fetchone()
    return RepliedTo(row[0], row[1], row[2]) if row else None


def mark_answered(store: Store, message_row: int) -> None:
    store.conn.execute("UPDATE messages SET answered = 1 WHERE id = ?", (message_row,))


def record_reply_event(store: Store, ticket_id: int, message_id: str, at: str) -> None:
    """One 'reply' event per reply that went out: analytics count replies and first responses
    from it. No batch: sending is not something undo takes back."""
    store.conn.execute(
        "INSERT INTO events (ticket_id, at, kind, old_value, new_value, actor)"
        " VALUES (?, ?, 'reply', NULL, ?, 'outbox')",
        (ticket_id, at, message_id),
    )

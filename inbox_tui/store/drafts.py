"""Reply drafts, one per ticket: saved as the seller types, restored when the composer reopens.

A draft is the seller's own text, so it is stored as typed; the queue deletes it in the same
transaction that commits the reply (inbox_tui.outbox.queue).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from inbox_tui.store.db import Store, format_time, utc_now

_CHUNK = 500  # ids per IN (...) list, well under SQLite's variable limit


@dataclass(frozen=True, slots=True)
class Draft:
    ticket_id: int
    body: str
    subject: str | None = None  # None: the reply keeps the thread's subject ("Re: …")
    template_key: str | None = None  # the template it started from, if any
    updated_at: str = ""


def save_draft(
    store: Store,
    ticket_id: int,
    body: str,
    *,
    subject: str | None = None,
    template_key: str | None = None,
    at: datetime | None = None,
) -> bool:
    """Write (or overwrite) the ticket's draft in one statement: a crash keeps the old or the
    new. False when there is no such ticket (a sync merged it into another meanwhile)."""
    try:
        store.conn.execute(
            """INSERT INTO drafts (ticket_id, template_key, subject, body, updated_at)
               VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (ticket_id) DO UPDATE SET template_key = excluded.template_key,
                   subject = excluded.subject, body = excluded.body,
                   updated_at = excluded.updated_at""",
            (ticket_id, template_key, subject, body, format_time(at) if at else utc_now()),
        )
    except sqlite3.IntegrityError:  # the ticket's row is gone (foreign key)
        return False
    return True


def get_draft(store: Store, ticket_id: int) -> Draft | None:
    """The ticket's draft, or None when there is none."""
    row = store.conn.execute(
        "SELECT ticket_id, template_key, subject, body, updated_at FROM drafts WHERE ticket_id = ?",
        (ticket_id,),
    ).fetchone()
    if row is None:
        return None
    return Draft(
        ticket_id=row["ticket_id"],
        body=row["body"],
        subject=row["subject"],
        template_key=row["template_key"],
        updated_at=row["updated_at"],
    )


def delete_draft(store: Store, ticket_id: int) -> bool:
    """Throw the ticket's draft away, with the files attached to it; whether there was one."""
    from inbox_tui.store.reply_files import delete_draft_files

    files = delete_draft_files(store, ticket_id)
    return (
        store.conn.execute("DELETE FROM drafts WHERE ticket_id = ?", (ticket_id,)).rowcount > 0
        or files > 0
    )


def move_draft(store: Store, from_ticket: int, to_ticket: int) -> None:
    """A ticket merged into another takes its draft along (the drafts row references the
    ticket, so it must move before the ticket goes). When both have one, the moved text is
    added below the kept one: nothing typed is lost. Runs in the caller's transaction."""
    from inbox_tui.store.reply_files import move_draft_files

    move_draft_files(store, from_ticket, to_ticket)
    moving = get_draft(store, from_ticket)
    if moving is None:
        return
    if get_draft(store, to_ticket) is None:
        store.conn.execute(
            "UPDATE drafts SET ticket_id = ? WHERE ticket_id = ?", (to_ticket, from_ticket)
        )
        return
    store.conn.execute(
        """UPDATE drafts SET body = body || char(10) || char(10) || ?,
               updated_at = max(updated_at, ?) WHERE ticket_id = ?""",
        (moving.body, moving.updated_at, to_ticket),
    )
    delete_draft(store, from_ticket)


def tickets_with_drafts(store: Store, ticket_ids: Iterable[int]) -> set[int]:
    """Which of `ticket_ids` have a draft (a primary-key lookup per id: cheap for a page)."""
    ids = list(ticket_ids)
    found: set[int] = set()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        rows = store.conn.execute(
            f"SELECT ticket_id FROM drafts WHERE ticket_id IN ({marks})", chunk
        )
        found.update(row[0] for row in rows)
    return found

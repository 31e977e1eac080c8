"""A ticket's attachments, for saving them to a folder; an attachment's bytes kept once.

Since schema 12 an attachment whose bytes its raw message gives back exactly is not stored a
second time: its row points into message_raw (domain/raw_spans.py), and its bytes are decoded
from there when they are asked for. The rest keep theirs in `content`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from inbox_tui.domain.raw_spans import RawSpan, decode_span, find_in_raw

if TYPE_CHECKING:
    from inbox_tui.store.db import Store

# Attachments the schema 12 upgrade reads per query: one message's raw bytes and one
# attachment's content are in memory at a time, whatever the size of the store.
UPGRADE_BATCH = 200


class AttachmentUnreadable(ValueError):
    """The bytes an attachment row points to are gone or are not what was stored."""


@dataclass(frozen=True, slots=True)
class StoredAttachment:
    id: int
    message_id: int
    filename: str  # as the sender named it (sanitised when stored), may be ""
    content_type: str
    size: int
    inline: bool


def ticket_attachments(store: Store, ticket_id: int) -> list[StoredAttachment]:
    """Every attachment of the ticket's messages, oldest message first; contents not read."""
    rows = store.conn.execute(
        """SELECT a.id, a.message_id, a.filename, a.content_type, a.size, a.inline
             FROM messages m JOIN attachments a ON a.message_id = m.id
            WHERE m.ticket_id = ? AND (a.content IS NOT NULL OR a.raw_start IS NOT NULL)
            ORDER BY m.date, m.id, a.id""",
        (ticket_id,),
    ).fetchall()
    return [
        StoredAttachment(
            row["id"],
            row["message_id"],
            row["filename"],
            row["content_type"],
            row["size"],
            bool(row["inline"]),
        )
        for row in rows
    ]


def attachment_content(store: Store, attachment_id: int) -> bytes:
    """The attachment's bytes: stored, or decoded from its message's raw bytes (reading only
    the part of them it lies in). AttachmentUnreadable when those are gone or changed."""
    row = store.conn.execute(
        """SELECT content, message_id, size, raw_start, raw_end, raw_encoding
             FROM attachments WHERE id = ?""",
        (attachment_id,),
    ).fetchone()
    if row is None:
        return b""
    content, message_id, size, start, end, encoding = row
    if content is not None or start is None:
        return bytes(content or b"")
    try:
        with store.conn.blobopen("message_raw", "raw", message_id, readonly=True) as blob:
            blob.seek(start)
            chunk = blob.read(end - start)
        data = decode_span(chunk, encoding)
    except (sqlite3.OperationalError, ValueError) as exc:
        raise AttachmentUnreadable(f"not readable from its message ({exc})") from None
    if len(data) != size:
        raise AttachmentUnreadable(f"{len(data)} bytes read back, {size} stored")
    return data


def kept_once(content: bytes, span: RawSpan | None) -> tuple[object, ...]:
    """The columns content, raw_start, raw_end, raw_encoding of a new attachment row: its
    bytes, or where in its raw message they are (`span`: find_in_raw on these very bytes)."""
    if span is None:
        return (content, None, None, None)
    return (None, span.start, span.end, span.encoding)


def point_attachments_into_raw(conn: sqlite3.Connection) -> None:
    """Schema 12, inside its transaction: every stored attachment that its message's raw bytes
    give back exactly (find_in_raw compares them) keeps a span instead of its bytes; any
    other keeps them. Reads in batches of UPGRADE_BATCH rows: memory stays small."""
    after = 0
    while True:
        rows = conn.execute(
            """SELECT id, message_id FROM attachments
                WHERE id > ? AND content IS NOT NULL AND length(content) > 0
                ORDER BY id LIMIT ?""",
            (after, UPGRADE_BATCH),
        ).fetchall()
        if not rows:
            return
        after = rows[-1][0]
        conn.executemany(
            """UPDATE attachments SET content = NULL, raw_start = ?, raw_end = ?,
                      raw_encoding = ? WHERE id = ?""",
            list(_found_in_raw(conn, rows)),  # read all, then write
        )


def _found_in_raw(
    conn: sqlite3.Connection, rows: Iterable[tuple[int, int]]
) -> Iterable[tuple[int, int, str, int]]:
    raw_of: tuple[int, bytes | None] = (-1, None)
    for attachment_id, message_id in rows:
        if raw_of[0] != message_id:  # a message's attachments are next to each other
            found = conn.execute(
                "SELECT raw FROM message_raw WHERE message_id = ?", (message_id,)
            ).fetchone()
            raw_of = (message_id, bytes(found[0]) if found else None)
        raw = raw_of[1]
        if raw is None:
            continue
        content = conn.execute(
            "SELECT content FROM attachments WHERE id = ?", (attachment_id,)
        ).fetchone()[0]
        span = find_in_raw(raw, bytes(content))
        if span is not None:
            yield (span.start, span.end, span.encoding, attachment_id)

"""A ticket's attachments, for saving them to a folder."""

from __future__ import annotations

from dataclasses import dataclass

from inbox_tui.store.db import Store


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
            WHERE m.ticket_id = ? AND a.content IS NOT NULL
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
    row = store.conn.execute(
        "SELECT content FROM attachments WHERE id = ?", (attachment_id,)
    ).fetchone()
    return bytes(row[0]) if row is not None and row[0] is not None else b""

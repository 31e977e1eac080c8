"""Files the seller attaches to a reply: the draft's until it is queued, then the reply's.

The bytes are read when the file is attached, so a file moved or deleted afterwards still goes,
and a restart keeps them. Callers own the transactions (the queue moves a draft's files to its
reply in the same one that deletes the draft).
"""

from __future__ import annotations

from dataclasses import dataclass

from inbox_tui.store.db import Store

MAX_FILE_BYTES = 20 * 1024 * 1024  # more than most mail servers take in one message


@dataclass(frozen=True, slots=True)
class ReplyFile:
    id: int
    filename: str
    content_type: str
    size: int


@dataclass(frozen=True, slots=True)
class FileContent:
    filename: str
    content_type: str
    data: bytes


def add_draft_file(
    store: Store, ticket_id: int, filename: str, content_type: str, data: bytes, *, at: str
) -> int:
    """Attach a file to the ticket's draft; its id."""
    file_id = store.conn.execute(
        """INSERT INTO reply_files (ticket_id, outbox_id, filename, content_type, data, added_at)
           VALUES (?, NULL, ?, ?, ?, ?)""",
        (ticket_id, filename, content_type, data, at),
    ).lastrowid
    assert file_id is not None
    return file_id


def draft_files(store: Store, ticket_id: int) -> list[ReplyFile]:
    """The files attached to the ticket's draft, in the order they were attached."""
    rows = store.conn.execute(
        """SELECT id, filename, content_type, length(data) FROM reply_files
           WHERE ticket_id = ? AND outbox_id IS NULL ORDER BY id""",
        (ticket_id,),
    )
    return [ReplyFile(row[0], row[1], row[2], row[3]) for row in rows]


def draft_file_contents(store: Store, ticket_id: int) -> list[FileContent]:
    rows = store.conn.execute(
        """SELECT filename, content_type, data FROM reply_files
           WHERE ticket_id = ? AND outbox_id IS NULL ORDER BY id""",
        (ticket_id,),
    )
    return [FileContent(row[0], row[1], bytes(row[2])) for row in rows]


def outbox_files(store: Store, outbox_id: int) -> list[ReplyFile]:
    """The files a queued (or sent) reply carries."""
    rows = store.conn.execute(
        """SELECT id, filename, content_type, length(data) FROM reply_files
           WHERE outbox_id = ? ORDER BY id""",
        (outbox_id,),
    )
    return [ReplyFile(row[0], row[1], row[2], row[3]) for row in rows]


def remove_draft_file(store: Store, ticket_id: int, file_id: int) -> bool:
    return (
        store.conn.execute(
            "DELETE FROM reply_files WHERE id = ? AND ticket_id = ? AND outbox_id IS NULL",
            (file_id, ticket_id),
        ).rowcount
        > 0
    )


def give_to_reply(store: Store, ticket_id: int, outbox_id: int) -> None:
    """The draft's files now belong to its queued reply."""
    store.conn.execute(
        "UPDATE reply_files SET outbox_id = ? WHERE ticket_id = ? AND outbox_id IS NULL",
        (outbox_id, ticket_id),
    )


def give_back_to_draft(store: Store, outbox_id: int) -> None:
    """A reply taken back: its files are the draft's again (before the outbox row goes)."""
    store.conn.execute("UPDATE reply_files SET outbox_id = NULL WHERE outbox_id = ?", (outbox_id,))


def copy_to_draft(store: Store, outbox_id: int) -> None:
    """A failed reply's text came back as the draft: its files come with it (the failed reply
    keeps its own, for a resend)."""
    store.conn.execute(
        """INSERT INTO reply_files (ticket_id, outbox_id, filename, content_type, data, added_at)
           SELECT ticket_id, NULL, filename, content_type, data, added_at FROM reply_files
           WHERE outbox_id = ? ORDER BY id""",
        (outbox_id,),
    )


def delete_draft_files(store: Store, ticket_id: int) -> int:
    return store.conn.execute(
        "DELETE FROM reply_files WHERE ticket_id = ? AND outbox_id IS NULL", (ticket_id,)
    ).rowcount


def move_draft_files(store: Store, from_ticket: int, to_ticket: int) -> None:
    """A ticket merged into another: every file goes along (the draft's and its replies')."""
    store.conn.execute(
        "UPDATE reply_files SET ticket_id = ? WHERE ticket_id = ?", (to_ticket, from_ticket)
    )

"""Sync state and server-side flags: every SQL statement IMAP sync needs, inside the caller's transaction.

A folder's state (uidvalidity, highest uid, highest modseq) lives in `sync_state` and is written
in the same transaction as the messages it covers, so a crash never leaves the state ahead of
the store. Flags come from the server into messages.seen/answered/flagged/keywords; a message
expunged on the server loses that location and, once it is nowhere else, is marked `gone`.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from inbox_tui.store.db import Store, utc_now
from inbox_tui.store.ingest import refresh_ticket


@dataclass(frozen=True, slots=True)
class FolderState:
    uidvalidity: int | None
    highest_uid: int
    highest_modseq: int | None
    pushed_event: int = 0  # local changes up to this events.id are on the server


@dataclass(frozen=True, slots=True)
class ServerFlags:
    seen: bool
    answered: bool
    flagged: bool
    keywords: tuple[str, ...]  # sorted, without system flags


def folder_state(store: Store, source: str, folder: str) -> FolderState | None:
    row = store.conn.execute(
        "SELECT uidvalidity, highest_uid, highest_modseq, cursor FROM sync_state"
        " WHERE source = ? AND folder = ?",
        (source, folder),
    ).fetchone()
    if row is None:
        return None
    pushed = int(row[3]) if row[3] and row[3].isdigit() else 0
    return FolderState(row[0], row[1] or 0, row[2], pushed)


def save_folder_state(store: Store, source: str, folder: str, state: FolderState) -> None:
    store.conn.execute(
        """INSERT INTO sync_state (source, folder, uidvalidity, highest_uid, highest_modseq, cursor,
               updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (source, folder) DO UPDATE SET uidvalidity = excluded.uidvalidity,
             highest_uid = excluded.highest_uid, highest_modseq = excluded.highest_modseq,
             cursor = excluded.cursor, updated_at = excluded.updated_at""",
        (
            source,
            folder,
            state.uidvalidity,
            state.highest_uid,
            state.highest_modseq,
            str(state.pushed_event),
            utc_now(),
        ),
    )


def forget_folder(store: Store, source: str, folder: str) -> int:
    """Drop a folder's locations, state and failed UIDs (its UIDVALIDITY changed); messages stay.

    Messages found nowhere else are marked gone until the refetch finds them again
    (`mark_found_again`), so mail that did not survive the renumbering ends up gone.
    """
    conn = store.conn
    ids = [
        row[0]
        for row in conn.execute(
            "SELECT message_id FROM message_locations WHERE source = ? AND folder = ?",
            (source, folder),
        )
    ]
    conn.execute("DELETE FROM message_locations WHERE source = ? AND folder = ?", (source, folder))
    conn.execute("DELETE FROM sync_state WHERE source = ? AND folder = ?", (source, folder))
    conn.execute("DELETE FROM failed_messages WHERE source = ? AND folder = ?", (source, folder))
    conn.executemany(
        """UPDATE messages SET gone = 1 WHERE id = ? AND NOT EXISTS
             (SELECT 1 FROM message_locations WHERE message_id = ?)""",
        [(i, i) for i in ids],
    )
    return len(ids)


def folder_uids(store: Store, source: str, folder: str) -> set[int]:
    rows = store.conn.execute(
        "SELECT uid FROM message_locations WHERE source = ? AND folder = ?", (source, folder)
    )
    return {int(row[0]) for row in rows}


def apply_server_flags(
    store: Store, source: str, folder: str, flags: dict[int, ServerFlags]
) -> int:
    """Take the server's flags for these UIDs; returns how many messages changed."""
    conn = store.conn
    changed = 0
    tickets: set[int] = set()
    for uid, value in flags.items():
        row = conn.execute(
            """SELECT m.id, m.ticket_id, m.seen, m.answered, m.flagged, m.keywords
               FROM message_locations l JOIN messages m ON m.id = l.message_id
               WHERE l.source = ? AND l.folder = ? AND l.uid = ?""",
            (source, folder, str(uid)),
        ).fetchone()
        if row is None:
            continue
        keywords = json.dumps(list(value.keywords), ensure_ascii=False)
        new = (int(value.seen), int(value.answered), int(value.flagged), keywords)
        if (row["seen"], row["answered"], row["flagged"], row["keywords"]) == new:
            continue
        conn.execute(
            "UPDATE messages SET seen = ?, answered = ?, flagged = ?, keywords = ? WHERE id = ?",
            (*new, row["id"]),
        )
        changed += 1
        if row["seen"] != new[0]:
            tickets.add(row["ticket_id"])
        _follow_ticket(store, row, value)
    refresh_unread(store, tickets)
    return changed


def _follow_ticket(store: Store, row: sqlite3.Row, value: ServerFlags) -> None:
    """A flag or tag keyword changed on the server: change the ticket the same way."""
    from inbox_tui.store.actions import add_tag, remove_tag, set_flag

    ticket_id = row["ticket_id"]
    if value.flagged and not row["flagged"]:
        set_flag(store, [ticket_id], True, actor="sync")
    elif row["flagged"] and not value.flagged:
        still = store.conn.execute(
            "SELECT 1 FROM messages WHERE ticket_id = ? AND flagged LIMIT 1", (ticket_id,)
        ).fetchone()
        if still is None:
            set_flag(store, [ticket_id], False, actor="sync")
    before = {t for k in json.loads(row["keywords"]) if (t := keyword_tag(k))}
    after = {t for k in value.keywords if (t := keyword_tag(k))}
    for name in sorted(after - before):
        add_tag(store, [ticket_id], name, actor="sync")
    for name in sorted(before - after):
        remove_tag(store, [ticket_id], name, actor="sync")


KEYWORD_PREFIX = "$inbox_"
_ATOM_SAFE = re.compile(r"[A-Za-z0-9_.\-+]")


def tag_keyword(name: str) -> str:
    """The IMAP keyword for a tag: `$inbox_` and the name, other characters as =XX (UTF-8)."""
    return KEYWORD_PREFIX + "".join(
        ch if _ATOM_SAFE.fullmatch(ch) else "".join(f"={b:02X}" for b in ch.encode("utf-8"))
        for ch in name
    )


def keyword_tag(keyword: str) -> str | None:
    """The tag name of one of our keywords; None for any other keyword."""
    if not keyword.lower().startswith(KEYWORD_PREFIX):
        return None
    body = keyword[len(KEYWORD_PREFIX) :]
    try:
        raw = re.sub(rb"=([0-9A-Fa-f]{2})", lambda m: bytes([int(m[1], 16)]), body.encode("utf-8"))
        return raw.decode("utf-8") or None
    except UnicodeDecodeError:
        return body or None


def refresh_unread(store: Store, ticket_ids: Iterable[int]) -> None:
    store.conn.executemany(
        """UPDATE tickets SET unread_count = (SELECT count(*) FROM messages
             WHERE ticket_id = :id AND direction = 'in' AND NOT seen) WHERE id = :id""",
        [{"id": ticket_id} for ticket_id in ticket_ids],
    )


def mark_gone(
    store: Store, source: str, folder: str, uids: Iterable[int], *, keep: bool = True
) -> int:
    """The server expunged these UIDs: drop the locations; a message found nowhere else is gone.
    With `keep=False` (the source's `keep_gone: false`) such a message is deleted instead
    (`delete_gone`)."""
    conn = store.conn
    gone = 0
    newly_gone: list[int] = []
    for uid in uids:
        row = conn.execute(
            "SELECT message_id FROM message_locations WHERE source = ? AND folder = ? AND uid = ?",
            (source, folder, str(uid)),
        ).fetchone()
        if row is None:
            continue
        conn.execute(
            "DELETE FROM message_locations WHERE source = ? AND folder = ? AND uid = ?",
            (source, folder, str(uid)),
        )
        if conn.execute(
            """UPDATE messages SET gone = 1 WHERE id = ? AND NOT gone AND NOT EXISTS
                 (SELECT 1 FROM message_locations WHERE message_id = ?)""",
            (row[0], row[0]),
        ).rowcount:
            gone += 1
            newly_gone.append(row[0])
    if not keep and newly_gone:
        delete_gone(store, newly_gone)
    return gone


def delete_gone(store: Store, message_ids: list[int]) -> None:
    """Delete messages the server no longer has, with their raw bytes and attachments.

    Not silent: each deletion is an event on its ticket (kind `deleted`, the subject as the
    old value, actor `sync`). The ticket keeps its threading references, so a later reply to
    a deleted message still joins it; a ticket left with no message at all (and nothing in
    the outbox) is deleted with its tags, order links, draft and events."""
    conn = store.conn
    at = utc_now()
    tickets: set[int] = set()
    for message_id in message_ids:
        row = conn.execute(
            "SELECT ticket_id, subject FROM messages WHERE id = ?", (message_id,)
        ).fetchone()
        if row is None:
            continue
        tickets.add(row[0])
        conn.execute(
            "INSERT INTO events (ticket_id, at, kind, old_value, actor)"
            " VALUES (?, ?, 'deleted', ?, 'sync')",
            (row[0], at, row[1]),
        )
        for table in ("message_raw", "attachments", "message_locations"):
            conn.execute(f"DELETE FROM {table} WHERE message_id = ?", (message_id,))
        conn.execute("DELETE FROM messages WHERE id = ?", (message_id,))
    for ticket_id in tickets:
        empty = conn.execute(
            """SELECT NOT EXISTS (SELECT 1 FROM messages WHERE ticket_id = :t)
                  AND NOT EXISTS (SELECT 1 FROM outbox WHERE ticket_id = :t)""",
            {"t": ticket_id},
        ).fetchone()[0]
        if not empty:
            refresh_ticket(store, ticket_id)
            continue
        for table in ("ticket_tags", "ticket_orders", "thread_refs", "drafts", "events"):
            conn.execute(f"DELETE FROM {table} WHERE ticket_id = ?", (ticket_id,))
        conn.execute("DELETE FROM tickets WHERE id = ?", (ticket_id,))


def mark_found_again(store: Store, source: str, folder: str, uid: int) -> None:
    """A message came back (re-mapped after a UIDVALIDITY change, or copied back): not gone."""
    store.conn.execute(
        """UPDATE messages SET gone = 0 WHERE gone AND id =
             (SELECT message_id FROM message_locations WHERE source = ? AND folder = ? AND uid = ?)""",
        (source, folder, str(uid)),
    )


@contextmanager
def savepoint(store: Store) -> Iterator[None]:
    """Inside a transaction: undo only this block's writes if it raises (one broken message)."""
    store.conn.execute("SAVEPOINT one_message")
    try:
        yield
    except BaseException:
        store.conn.execute("ROLLBACK TO one_message")
        store.conn.execute("RELEASE one_message")
        raise
    store.conn.execute("RELEASE one_message")


def last_event_id(store: Store) -> int:
    return int(store.conn.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0])


def seen_to_push(
    store: Store, source: str, folder: str, after_event: int, upto_event: int
) -> dict[int, bool]:
    """Local read/unread changes in events (after_event, upto_event] for this folder: {uid: seen}.

    The seller's `read` events name the messages they changed; an undo of one names only its
    ticket, so all of that ticket's inbound messages are sent as they are now.
    """
    conn = store.conn
    events = conn.execute(
        """SELECT id, ticket_id, kind, old_value FROM events
           WHERE id > ? AND id <= ? AND kind IN ('read', 'undo') AND actor NOT IN ('sync', 'import')
           ORDER BY id""",
        (after_event, upto_event),
    ).fetchall()
    message_ids: set[int] = set()
    whole_tickets: set[int] = set()
    for event in events:
        try:
            value = json.loads(event["old_value"] or "null")
        except ValueError:
            continue
        if not isinstance(value, dict) or "seen" not in value:
            continue  # an undo of something other than read
        if event["kind"] == "read" and isinstance(value.get("messages"), list):
            message_ids.update(int(m) for m in value["messages"])
        else:
            whole_tickets.add(event["ticket_id"])
    found: dict[int, bool] = {}
    query = """SELECT l.uid, m.seen FROM message_locations l JOIN messages m ON m.id = l.message_id
               WHERE l.source = ? AND l.folder = ? AND {where}"""
    ids = sorted(message_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for uid, seen in conn.execute(
            query.format(where=f"m.id IN ({marks})"), (source, folder, *chunk)
        ):
            found[int(uid)] = bool(seen)
    for ticket_id in whole_tickets:
        for uid, seen in conn.execute(
            query.format(where="m.ticket_id = ? AND m.direction = 'in'"),
            (source, folder, ticket_id),
        ):
            found[int(uid)] = bool(seen)
    return found


@dataclass(frozen=True, slots=True)
class FlagChange:
    uid: int
    message_id: int
    add: frozenset[str]  # IMAP flags/keywords to set, e.g. "\\Flagged", "$inbox_refund"
    remove: frozenset[str]


def ticket_flags_to_push(
    store: Store, source: str, folder: str, after_event: int, upto_event: int
) -> list[FlagChange]:
    """Flag and tags of tickets the seller changed since `after_event`, as per-message changes.

    A flagged ticket has \\Flagged on its newest message (unless one already has it); an
    unflagged ticket has it on none. Each tag is the keyword `tag_keyword(tag)` on every message.
    """
    conn = store.conn
    tickets = [
        row[0]
        for row in conn.execute(
            """SELECT DISTINCT ticket_id FROM events WHERE id > ? AND id <= ?
                 AND kind IN ('flag', 'tag_add', 'tag_remove', 'undo')
                 AND actor NOT IN ('sync', 'import')""",
            (after_event, upto_event),
        )
    ]
    return _ticket_flag_changes(store, source, folder, tickets)


def new_mail_flags_to_push(
    store: Store, source: str, folder: str, above_uid: int
) -> list[FlagChange]:
    """Mail that just arrived (UIDs above `above_uid`) in a flagged or tagged ticket: the
    keywords of the ticket's tags (and its \\Flagged) for it, so a second device sees the new
    message tagged like the rest of its ticket."""
    tickets = [
        row[0]
        for row in store.conn.execute(
            """SELECT DISTINCT m.ticket_id FROM message_locations l
                 JOIN messages m ON m.id = l.message_id
               WHERE l.source = ? AND l.folder = ? AND CAST(l.uid AS INTEGER) > ?
                 AND (EXISTS (SELECT 1 FROM ticket_tags g WHERE g.ticket_id = m.ticket_id)
                      OR EXISTS (SELECT 1 FROM tickets t WHERE t.id = m.ticket_id AND t.flagged))""",
            (source, folder, above_uid),
        )
    ]
    return _ticket_flag_changes(store, source, folder, tickets)


def _ticket_flag_changes(
    store: Store, source: str, folder: str, tickets: list[int]
) -> list[FlagChange]:
    """What the server's flags and keywords must change to say what these tickets say."""
    conn = store.conn
    changes: list[FlagChange] = []
    for ticket_id in tickets:
        ticket = conn.execute("SELECT flagged FROM tickets WHERE id = ?", (ticket_id,)).fetchone()
        if ticket is None:
            continue
        wanted = {
            tag_keyword(row[0])
            for row in conn.execute(
                "SELECT g.name FROM ticket_tags t JOIN tags g ON g.id = t.tag_id WHERE t.ticket_id = ?",
                (ticket_id,),
            )
        }
        rows = conn.execute(
            """SELECT l.uid, m.id, m.flagged, m.keywords FROM message_locations l
                 JOIN messages m ON m.id = l.message_id
               WHERE l.source = ? AND l.folder = ? AND m.ticket_id = ?
               ORDER BY m.date DESC, m.id DESC""",
            (source, folder, ticket_id),
        ).fetchall()
        any_flagged = any(row["flagged"] for row in rows)
        for index, row in enumerate(rows):
            have = set(json.loads(row["keywords"]))
            ours = {k for k in have if keyword_tag(k) is not None}
            add = {k for k in wanted if k.lower() not in {h.lower() for h in have}}
            remove = {k for k in ours if k.lower() not in {w.lower() for w in wanted}}
            if ticket["flagged"] and not any_flagged and index == 0:
                add.add("\\Flagged")
            if not ticket["flagged"] and row["flagged"]:
                remove.add("\\Flagged")
            if add or remove:
                changes.append(
                    FlagChange(int(row["uid"]), row["id"], frozenset(add), frozenset(remove))
                )
    return changes


def record_pushed(store: Store, changes: list[FlagChange]) -> None:
    """The server took these changes: the messages' flags now say so too."""
    for change in changes:
        row = store.conn.execute(
            "SELECT flagged, keywords FROM messages WHERE id = ?", (change.message_id,)
        ).fetchone()
        keywords = set(json.loads(row["keywords"]))
        keywords = (keywords - change.remove) | {k for k in change.add if not k.startswith("\\")}
        flagged = row["flagged"]
        if "\\Flagged" in change.add:
            flagged = 1
        if "\\Flagged" in change.remove:
            flagged = 0
        store.conn.execute(
            "UPDATE messages SET flagged = ?, keywords = ? WHERE id = ?",
            (flagged, json.dumps(sorted(keywords), ensure_ascii=False), change.message_id),
        )

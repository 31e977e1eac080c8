"""Sources whose folders are conversations (a marketplace's message API; eBay today): their
sync cursors and read state, the conversation of a ticket. Inside the caller's transaction.

Rows of `sync_state` for such a source ("ebay:NAME"):
- folder "type:FROM_MEMBERS" (one per conversation type): cursor = the latest-message time up to
  which every conversation is stored, written with the messages it covers;
- folder = a conversation id: cursor = its conversation type (update_conversation needs it);
- folder "" : cursor = the events.id up to which local read changes were sent to eBay;
- folder "account": cursor = the seller's eBay user name, once asked.
Messages live in message_locations with folder = conversation id and uid = eBay's messageId.
"""

from __future__ import annotations

from inbox_tui.store.db import Store, utc_now
from inbox_tui.store.sync import refresh_unread


def _cursor(store: Store, source: str, folder: str) -> str | None:
    row = store.conn.execute(
        "SELECT cursor FROM sync_state WHERE source = ? AND folder = ?", (source, folder)
    ).fetchone()
    return row[0] if row else None


def _save_cursor(store: Store, source: str, folder: str, cursor: str) -> None:
    store.conn.execute(
        """INSERT INTO sync_state (source, folder, cursor, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (source, folder) DO UPDATE SET cursor = excluded.cursor,
             updated_at = excluded.updated_at""",
        (source, folder, cursor, utc_now()),
    )


def list_cursor(store: Store, source: str, conversation_type: str) -> str | None:
    """The eBay time (as eBay wrote it) from which to list conversations again; None: all."""
    return _cursor(store, source, f"type:{conversation_type}")


def save_list_cursor(store: Store, source: str, conversation_type: str, since: str) -> None:
    _save_cursor(store, source, f"type:{conversation_type}", since)


def remember_conversation(
    store: Store, source: str, conversation_id: str, conversation_type: str
) -> None:
    if _cursor(store, source, conversation_id) != conversation_type:
        _save_cursor(store, source, conversation_id, conversation_type)


def conversation_type(store: Store, source: str, conversation_id: str) -> str | None:
    return _cursor(store, source, conversation_id)


def pushed_event(store: Store, source: str) -> int | None:
    """Local read changes up to this events.id are on eBay; None before the first sync."""
    value = _cursor(store, source, "")
    return int(value) if value and value.isdigit() else None


def save_pushed_event(store: Store, source: str, event_id: int) -> None:
    _save_cursor(store, source, "", str(event_id))


def account_username(store: Store, source: str) -> str | None:
    return _cursor(store, source, "account")


def save_account_username(store: Store, source: str, username: str) -> None:
    _save_cursor(store, source, "account", username)


def known_messages(store: Store, source: str, conversation_id: str) -> set[str]:
    rows = store.conn.execute(
        "SELECT uid FROM message_locations WHERE source = ? AND folder = ?",
        (source, conversation_id),
    )
    return {row[0] for row in rows}


def is_known(store: Store, source: str, conversation_id: str, message_id: str) -> bool:
    row = store.conn.execute(
        "SELECT 1 FROM message_locations WHERE source = ? AND folder = ? AND uid = ?",
        (source, conversation_id, message_id),
    ).fetchone()
    return row is not None


def conversation_of_ticket(store: Store, source: str, ticket_id: int) -> str | None:
    """The eBay conversation a ticket came from (its newest message's), or None."""
    row = store.conn.execute(
        """SELECT l.folder FROM message_locations l JOIN messages m ON m.id = l.message_id
           WHERE l.source = ? AND m.ticket_id = ? ORDER BY m.date DESC, m.id DESC LIMIT 1""",
        (source, ticket_id),
    ).fetchone()
    return row[0] if row else None


def read_changes(store: Store, source: str, after_event: int, upto_event: int) -> dict[str, bool]:
    """Conversations whose read state the seller changed in events (after, upto]: {id: read}.

    eBay keeps one read state per conversation: it is read when every inbound message of it
    is seen here.
    """
    conn = store.conn
    tickets = [
        row[0]
        for row in conn.execute(
            """SELECT DISTINCT ticket_id FROM events WHERE id > ? AND id <= ?
                 AND kind IN ('read', 'undo') AND actor NOT IN ('sync', 'import')""",
            (after_event, upto_event),
        )
    ]
    changes: dict[str, bool] = {}
    for ticket_id in tickets:
        rows = conn.execute(
            """SELECT l.folder, min(m.seen) FROM message_locations l
                 JOIN messages m ON m.id = l.message_id
               WHERE l.source = ? AND m.ticket_id = ? AND m.direction = 'in'
               GROUP BY l.folder""",
            (source, ticket_id),
        )
        for folder, all_seen in rows:
            changes[folder] = bool(all_seen)
    return changes


def apply_read_state(store: Store, source: str, conversation_id: str, seen: dict[str, bool]) -> int:
    """Take eBay's read state of these messages (uid → read) for inbound messages; returns how
    many changed. The tickets' unread counts follow."""
    conn = store.conn
    changed = 0
    tickets: set[int] = set()
    for uid, value in seen.items():
        row = conn.execute(
            """SELECT m.id, m.ticket_id, m.seen FROM message_locations l
                 JOIN messages m ON m.id = l.message_id
               WHERE l.source = ? AND l.folder = ? AND l.uid = ? AND m.direction = 'in'""",
            (source, conversation_id, uid),
        ).fetchone()
        if row is None or bool(row["seen"]) == value:
            continue
        conn.execute("UPDATE messages SET seen = ? WHERE id = ?", (int(value), row["id"]))
        changed += 1
        tickets.add(row["ticket_id"])
    refresh_unread(store, tickets)
    return changed


def inbound_newest_first(store: Store, source: str, conversation_id: str) -> list[str]:
    """uids of the conversation's inbound messages, newest first (to apply an unread count)."""
    rows = store.conn.execute(
        """SELECT l.uid FROM message_locations l JOIN messages m ON m.id = l.message_id
           WHERE l.source = ? AND l.folder = ? AND m.direction = 'in'
           ORDER BY m.date DESC, m.id DESC""",
        (source, conversation_id),
    )
    return [row[0] for row in rows]


def remember_member(store: Store, address: str, username: str) -> None:
    """Note the eBay user name of the customer with this stand-in address, for order lookups
    and replies; a name another customer already holds is left alone."""
    store.conn.execute(
        """UPDATE OR IGNORE customers SET marketplace_user = ?
           WHERE email = ? AND marketplace_user IS NULL""",
        (username, address),
    )

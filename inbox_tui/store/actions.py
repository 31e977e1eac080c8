"""Every change a person or a rule makes to tickets: one transaction, one event row per change.

Each call works on a list of ticket ids, writes one `events` row per ticket it actually changed
(none when nothing changed) and returns the call's batch id, which `undo` reverts as a whole.

Event values, so undo (and analytics) can read them back:
- status / snooze: "open" | "pending" | "closed" | "snoozed:<until>" (the snooze time rides along);
- tag_add / tag_remove: the tag name in new_value / old_value, the other side NULL;
- priority: the number; flag: "0" | "1";
- read: old_value {"unread": n, "seen": 0|1, "messages": [ids whose seen flag changed]}, new_value
  {"unread": n, "seen": 0|1} (JSON).
An undo writes one 'undo' event per reverted change into the same batch (old_value: the value it
replaced, new_value: the value restored); a batch holding 'undo' events is spent.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime

from inbox_tui.domain.tickets import TICKET_STATUSES
from inbox_tui.sanitize import clean_line
from inbox_tui.store.db import Store, format_time, utc_now

STATUSES = TICKET_STATUSES
MAX_TAG_LENGTH = 64
_CHUNK = 500  # ids per IN (...) list, well under SQLite's variable limit

Event = tuple[int, str, str | None, str | None]  # ticket_id, kind, old_value, new_value


# --- public actions ---------------------------------------------------------------------


def set_status(
    store: Store,
    ticket_ids: Iterable[int],
    status: str,
    *,
    actor: str = "user",
    at: datetime | None = None,
    rule: str | None = None,
    batch: str | None = None,
) -> str:
    """Set open / pending / closed (use `snooze` for snoozed); a snooze time is cleared.
    `batch` joins the change to a batch of the caller's (one undo takes back the whole)."""
    if status not in STATUSES:
        raise ValueError(f"unknown ticket status {status!r}: expected one of {', '.join(STATUSES)}")
    if status == "snoozed":
        raise ValueError("a snoozed ticket needs a time to wake up: use snooze(store, ids, until)")
    return _change_status(store, ticket_ids, status, None, "status", actor, at, rule, batch)


def snooze(
    store: Store,
    ticket_ids: Iterable[int],
    until: datetime,
    *,
    actor: str = "user",
    at: datetime | None = None,
    rule: str | None = None,
    batch: str | None = None,
) -> str:
    """Snooze tickets until `until` (timezone-aware, or naive meaning UTC), which must be ahead of `at`."""
    if not isinstance(until, datetime):
        raise ValueError(f"snooze needs a datetime to wake up at, not {type(until).__name__}")
    until_text = format_time(until)
    if until_text <= _time(at):
        raise ValueError(f"cannot snooze until {until_text}: that time has already passed")
    return _change_status(
        store, ticket_ids, "snoozed", until_text, "snooze", actor, at, rule, batch
    )


def add_tag(
    store: Store,
    ticket_ids: Iterable[int],
    name: str,
    *,
    actor: str = "user",
    at: datetime | None = None,
    rule: str | None = None,
    batch: str | None = None,
) -> str:
    """Tag tickets; the tag is created when no tag of that name (ignoring case) exists yet."""
    name = _tag_name(name)
    ids = _ids(ticket_ids)
    batch, when = batch or _batch(), _time(at)
    with atomic(store) as conn:
        _require(conn, ids)
        tag_id, tag = _find_tag(conn, name)
        if tag_id is None:
            tag_id = conn.execute("INSERT INTO tags (name) VALUES (?)", (name,)).lastrowid
            tag = name
        assert tag_id is not None
        missing = [i for i in ids if i not in _tagged(conn, tag_id, ids)]
        conn.executemany(
            "INSERT INTO ticket_tags (ticket_id, tag_id, created_at) VALUES (?, ?, ?)",
            [(i, tag_id, when) for i in missing],
        )
        _write_events(conn, [(i, "tag_add", None, tag) for i in missing], actor, when, batch, rule)
    return batch


def remove_tag(
    store: Store,
    ticket_ids: Iterable[int],
    name: str,
    *,
    actor: str = "user",
    at: datetime | None = None,
    rule: str | None = None,
    batch: str | None = None,
) -> str:
    """Take a tag off tickets (an unknown tag changes nothing)."""
    name = _tag_name(name)
    ids = _ids(ticket_ids)
    batch, when = batch or _batch(), _time(at)
    with atomic(store) as conn:
        _require(conn, ids)
        tag_id, tag = _find_tag(conn, name)
        if tag_id is None:
            return batch
        present = [i for i in ids if i in _tagged(conn, tag_id, ids)]
        conn.executemany(
            "DELETE FROM ticket_tags WHERE ticket_id = ? AND tag_id = ?",
            [(i, tag_id) for i in present],
        )
        _write_events(
            conn, [(i, "tag_remove", tag, None) for i in present], actor, when, batch, rule
        )
    return batch


def set_priority(
    store: Store,
    ticket_ids: Iterable[int],
    priority: int,
    *,
    actor: str = "user",
    at: datetime | None = None,
    rule: str | None = None,
    batch: str | None = None,
) -> str:
    if isinstance(priority, bool) or not isinstance(priority, int):
        raise ValueError(f"priority must be a whole number, not {priority!r}")
    return _change_column(
        store, ticket_ids, "priority", priority, "priority", actor, at, rule, batch
    )


def set_flag(
    store: Store,
    ticket_ids: Iterable[int],
    flagged: bool,
    *,
    actor: str = "user",
    at: datetime | None = None,
    rule: str | None = None,
    batch: str | None = None,
) -> str:
    if not isinstance(flagged, bool):
        raise ValueError(f"flagged must be True or False, not {flagged!r}")
    return _change_column(
        store, ticket_ids, "flagged", int(flagged), "flag", actor, at, rule, batch
    )


def mark_read(
    store: Store,
    ticket_ids: Iterable[int],
    read: bool,
    *,
    actor: str = "user",
    at: datetime | None = None,
    rule: str | None = None,
    batch: str | None = None,
) -> str:
    """Mark every inbound message of the tickets seen (read=True) or unseen, and recount unread."""
    if not isinstance(read, bool):
        raise ValueError(f"read must be True or False, not {read!r}")
    ids = _ids(ticket_ids)
    seen = int(read)
    batch, when = batch or _batch(), _time(at)
    with atomic(store) as conn:
        current = _require(conn, ids, "unread_count")
        inbound: dict[int, list[tuple[int, int]]] = {i: [] for i in ids}
        for chunk in _chunks(ids):
            rows = conn.execute(
                f"SELECT id, ticket_id, seen FROM messages WHERE ticket_id IN ({_marks(chunk)}) "
                "AND direction = 'in'",
                chunk,
            )
            for row in rows:
                inbound[row["ticket_id"]].append((row["id"], row["seen"]))
        events: list[Event] = []
        for ticket_id in ids:
            messages = inbound[ticket_id]
            changed = sorted(mid for mid, was in messages if bool(was) != read)
            old_unread = current[ticket_id]["unread_count"]
            new_unread = 0 if read else len(messages)
            if not changed and old_unread == new_unread:
                continue
            conn.executemany(
                "UPDATE messages SET seen = ? WHERE id = ?", [(seen, m) for m in changed]
            )
            conn.execute(
                "UPDATE tickets SET unread_count = ? WHERE id = ?", (new_unread, ticket_id)
            )
            old = {"unread": old_unread, "seen": 1 - seen, "messages": changed}
            events.append(
                (
                    ticket_id,
                    "read",
                    json.dumps(old),
                    json.dumps({"unread": new_unread, "seen": seen}),
                )
            )
        _write_events(conn, events, actor, when, batch, rule)
    return batch


def new_batch() -> str:
    """A batch id for several actions that one undo takes back together (a reply queued with
    the status and tags it sets)."""
    return _batch()


def record_queued(
    store: Store, ticket_id: int, outbox_id: int, draft: str, *, batch: str, at: datetime
) -> None:
    """A reply went into the outbox as part of `batch`: undo takes it back while it is held
    (still queued, never tried). `draft` (JSON: body, subject, template_key) is the draft it
    came from, which the undo puts back."""
    _write_events(
        store.conn, [(ticket_id, "queued", draft, str(outbox_id))], "user", _time(at), batch
    )


def undo(store: Store, batch_id: str, *, actor: str = "user", at: datetime | None = None) -> int:
    """Revert every change of one batch, newest first; returns how many changes were reverted.

    A change that a later action already overwrote is still put back to its old value. A batch
    that was undone before reverts nothing (0).
    """
    when = _time(at)
    with atomic(store) as conn:
        events = conn.execute(
            "SELECT id, ticket_id, kind, old_value, new_value FROM events WHERE batch_id = ? ORDER BY id DESC",
            (batch_id,),
        ).fetchall()
        if any(row["kind"] == "undo" for row in events):
            return 0
        undone: list[Event] = []
        for row in events:
            reverted = _revert(conn, row, when)
            if reverted is not None:
                undone.append((row["ticket_id"], "undo", *reverted))
        _write_events(conn, undone, actor, when, batch_id)
    return len(undone)


def last_batch(store: Store, actor: str = "user") -> str | None:
    """The newest batch of `actor` that has not been undone, or None."""
    rows = store.conn.execute(
        "SELECT batch_id FROM events WHERE actor = ? AND batch_id IS NOT NULL AND kind != 'undo' ORDER BY id DESC",
        (actor,),
    )
    return _first_not_undone(store, rows)


def last_batch_on(
    store: Store, ticket_id: int, actors: tuple[str, ...] = ("user", "rule")
) -> str | None:
    """The newest batch of `actors` that changed this ticket and has not been undone: what `u`
    in a ticket's thread takes back, a rule's action as a person's."""
    marks = ",".join("?" * len(actors))
    rows = store.conn.execute(
        f"SELECT batch_id FROM events WHERE ticket_id = ? AND actor IN ({marks})"
        " AND batch_id IS NOT NULL AND kind != 'undo' ORDER BY id DESC",
        (ticket_id, *actors),
    )
    return _first_not_undone(store, rows)


def _first_not_undone(store: Store, rows: Iterable[tuple[str]]) -> str | None:
    """The first of these batch ids (newest first) that no undo has taken back yet."""
    checked: set[str] = set()
    for (batch_id,) in rows:
        if batch_id in checked:
            continue
        checked.add(batch_id)
        spent = store.conn.execute(
            "SELECT 1 FROM events WHERE batch_id = ? AND kind = 'undo' LIMIT 1", (batch_id,)
        ).fetchone()
        if spent is None:
            return batch_id
    return None


def batch_events(store: Store, batch_id: str) -> list[Event]:
    """Every event of one batch in order (ticket_id, kind, old_value, new_value): what an undo
    of it says it undid, and (kind 'undo') what it put back."""
    rows = store.conn.execute(
        "SELECT ticket_id, kind, old_value, new_value FROM events WHERE batch_id = ? ORDER BY id",
        (batch_id,),
    )
    return [(row[0], row[1], row[2], row[3]) for row in rows]


def batch_tickets(store: Store, batch_id: str) -> list[int]:
    """The tickets one batch changed, in id order (what an undo of it will touch)."""
    rows = store.conn.execute(
        "SELECT DISTINCT ticket_id FROM events WHERE batch_id = ? ORDER BY ticket_id", (batch_id,)
    )
    return [row[0] for row in rows]


# --- shared machinery -------------------------------------------------------------------


@contextmanager
def atomic(store: Store) -> Iterator[sqlite3.Connection]:
    """Our own transaction, or a savepoint inside the caller's (a rule running during an import)."""
    conn = store.conn
    if not conn.in_transaction:
        with store.transaction() as inner:
            yield inner
        return
    conn.execute("SAVEPOINT ticket_action")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK TO ticket_action")
        conn.execute("RELEASE ticket_action")
        raise
    conn.execute("RELEASE ticket_action")


def _batch() -> str:
    return uuid.uuid4().hex


def _time(at: datetime | None) -> str:
    return utc_now() if at is None else format_time(at)


def _ids(ticket_ids: Iterable[int]) -> list[int]:
    if isinstance(ticket_ids, int | str | bytes):
        raise ValueError("ticket ids must be a list of ids, not a single value")
    ids: list[int] = []
    seen: set[int] = set()
    for value in ticket_ids:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"ticket id must be a whole number, not {value!r}")
        if value not in seen:
            seen.add(value)
            ids.append(value)
    return ids


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _marks(chunk: list[int]) -> str:
    return ",".join("?" * len(chunk))


def _require(
    conn: sqlite3.Connection, ids: list[int], columns: str = "id"
) -> dict[int, sqlite3.Row]:
    """The tickets' rows (with `columns`); ValueError naming the ids that do not exist."""
    found: dict[int, sqlite3.Row] = {}
    for chunk in _chunks(ids):
        for row in conn.execute(
            f"SELECT id, {columns} FROM tickets WHERE id IN ({_marks(chunk)})", chunk
        ):
            found[row["id"]] = row
    missing = [i for i in ids if i not in found]
    if missing:
        shown = ", ".join(str(i) for i in missing[:10]) + (" …" if len(missing) > 10 else "")
        raise ValueError(f"no ticket with id {shown}")
    return found


def _write_events(
    conn: sqlite3.Connection,
    events: list[Event],
    actor: str,
    at: str,
    batch: str,
    rule: str | None = None,
) -> None:
    conn.executemany(
        "INSERT INTO events (ticket_id, at, kind, old_value, new_value, actor, batch_id, rule)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (ticket_id, at, kind, old, new, actor, batch, rule)
            for ticket_id, kind, old, new in events
        ],
    )


def _status_value(status: str, until: str | None) -> str:
    return f"snoozed:{until}" if status == "snoozed" and until else status


def _split_status(value: str) -> tuple[str, str | None]:
    status, _, until = value.partition(":")
    return status, (until or None) if status == "snoozed" else None


def _change_status(
    store: Store,
    ticket_ids: Iterable[int],
    status: str,
    until: str | None,
    kind: str,
    actor: str,
    at: datetime | None,
    rule: str | None = None,
    batch: str | None = None,
) -> str:
    ids = _ids(ticket_ids)
    batch, when = batch or _batch(), _time(at)
    new_value = _status_value(status, until)
    with atomic(store) as conn:
        rows = _require(conn, ids, "status, snoozed_until")
        events: list[Event] = []
        for ticket_id in ids:
            old_value = _status_value(rows[ticket_id]["status"], rows[ticket_id]["snoozed_until"])
            if old_value != new_value:
                events.append((ticket_id, kind, old_value, new_value))
        conn.executemany(
            "UPDATE tickets SET status = ?, snoozed_until = ? WHERE id = ?",
            [(status, until, ticket_id) for ticket_id, *_ in events],
        )
        _write_events(conn, events, actor, when, batch, rule)
    return batch


def _change_column(
    store: Store,
    ticket_ids: Iterable[int],
    column: str,
    value: int,
    kind: str,
    actor: str,
    at: datetime | None,
    rule: str | None = None,
    batch: str | None = None,
) -> str:
    ids = _ids(ticket_ids)
    batch, when = batch or _batch(), _time(at)
    with atomic(store) as conn:
        rows = _require(conn, ids, column)
        events: list[Event] = [
            (i, kind, str(rows[i][column]), str(value)) for i in ids if rows[i][column] != value
        ]
        conn.executemany(
            f"UPDATE tickets SET {column} = ? WHERE id = ?",
            [(value, ticket_id) for ticket_id, *_ in events],
        )
        _write_events(conn, events, actor, when, batch, rule)
    return batch


def _tag_name(name: str) -> str:
    if not isinstance(name, str):
        raise ValueError(f"tag name must be text, not {name!r}")
    cleaned = clean_line(name)
    if not cleaned:
        raise ValueError("tag name is empty")
    if len(cleaned) > MAX_TAG_LENGTH:
        raise ValueError(f"tag name is longer than {MAX_TAG_LENGTH} characters: {cleaned[:20]!r}…")
    return cleaned


def _find_tag(conn: sqlite3.Connection, name: str) -> tuple[int | None, str]:
    """The tag called `name` ignoring case: SQLite's NOCASE for ASCII, casefold for the rest (İade)."""
    row = conn.execute("SELECT id, name FROM tags WHERE name = ?", (name,)).fetchone()
    if row is None and not name.isascii():
        folded = name.casefold()
        row = next(
            (
                r
                for r in conn.execute("SELECT id, name FROM tags")
                if r["name"].casefold() == folded
            ),
            None,
        )
    return (row["id"], row["name"]) if row else (None, name)


def _tagged(conn: sqlite3.Connection, tag_id: int, ids: list[int]) -> set[int]:
    tagged: set[int] = set()
    for chunk in _chunks(ids):
        rows = conn.execute(
            f"SELECT ticket_id FROM ticket_tags WHERE tag_id = ? AND ticket_id IN ({_marks(chunk)})",
            (tag_id, *chunk),
        )
        tagged.update(row[0] for row in rows)
    return tagged


def _revert(
    conn: sqlite3.Connection, event: sqlite3.Row, at: str
) -> tuple[str | None, str | None] | None:
    """Put one event's old value back; (value replaced, value restored), or None if nothing moved."""
    ticket_id, kind, old, new = (
        event["ticket_id"],
        event["kind"],
        event["old_value"],
        event["new_value"],
    )
    row = conn.execute(
        "SELECT status, snoozed_until, priority, flagged, unread_count FROM tickets WHERE id = ?",
        (ticket_id,),
    ).fetchone()
    if row is None:  # the ticket is gone (merged away): nothing to put back
        return None
    if kind in ("status", "snooze"):
        current = _status_value(row["status"], row["snoozed_until"])
        if old is None or current == old:
            return None
        status, until = _split_status(old)
        conn.execute(
            "UPDATE tickets SET status = ?, snoozed_until = ? WHERE id = ?",
            (status, until, ticket_id),
        )
        return current, old
    if kind in ("priority", "flag"):
        column = "priority" if kind == "priority" else "flagged"
        if old is None or str(row[column]) == old:
            return None
        conn.execute(f"UPDATE tickets SET {column} = ? WHERE id = ?", (int(old), ticket_id))
        return str(row[column]), old
    if kind in ("tag_add", "tag_remove"):
        name = new if kind == "tag_add" else old
        if not name:
            return None
        tag_id, _ = _find_tag(conn, name)
        if kind == "tag_add":
            if tag_id is None:
                return None
            gone = conn.execute(
                "DELETE FROM ticket_tags WHERE ticket_id = ? AND tag_id = ?", (ticket_id, tag_id)
            )
            return (name, None) if gone.rowcount else None
        if tag_id is None:
            tag_id = conn.execute("INSERT INTO tags (name) VALUES (?)", (name,)).lastrowid
        added = conn.execute(
            "INSERT OR IGNORE INTO ticket_tags (ticket_id, tag_id, created_at) VALUES (?, ?, ?)",
            (ticket_id, tag_id, at),
        )
        return (None, name) if added.rowcount else None
    if kind == "read":
        before = json.loads(old)
        conn.executemany(
            "UPDATE messages SET seen = ? WHERE id = ? AND ticket_id = ?",
            [(before["seen"], m, ticket_id) for m in before["messages"]],
        )
        conn.execute(
            "UPDATE tickets SET unread_count = ? WHERE id = ?", (before["unread"], ticket_id)
        )
        return new, json.dumps({"unread": before["unread"], "seen": before["seen"]})
    if kind == "queued":
        return _take_back(conn, ticket_id, int(new), old, at)
    return None  # merged, created, …: not something undo can take back


def _take_back(
    conn: sqlite3.Connection, ticket_id: int, outbox_id: int, draft: str | None, at: str
) -> tuple[str | None, str | None]:
    """Take a queued reply out of the outbox, if no attempt to send it has started, and put
    its draft back (its files too). ("queued:<id>", "draft") when taken back; ("sent:<id>" or
    "sending:<id>", None) when it was too late: the undo still counts (the batch is spent)."""
    row = conn.execute("SELECT status, attempts FROM outbox WHERE id = ?", (outbox_id,)).fetchone()
    if row is None:
        return f"gone:{outbox_id}", None
    if row["status"] != "queued" or row["attempts"]:
        return f"{row['status']}:{outbox_id}", None
    conn.execute(
        "UPDATE reply_files SET outbox_id = NULL WHERE outbox_id = ? AND ticket_id = ?",
        (outbox_id, ticket_id),
    )
    conn.execute("DELETE FROM outbox WHERE id = ? AND status = 'queued'", (outbox_id,))
    saved = json.loads(draft or "{}")
    conn.execute(
        """INSERT INTO drafts (ticket_id, template_key, subject, body, updated_at)
           VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (ticket_id) DO UPDATE SET
               body = excluded.body || char(10) || char(10) || body,
               updated_at = excluded.updated_at""",  # a newer draft is kept, below it
        (ticket_id, saved.get("template_key"), saved.get("subject"), saved.get("body", ""), at),
    )
    return f"queued:{outbox_id}", "draft"

"""Writing arriving messages into tickets: dedupe, thread, store. Called inside a transaction.

Duplicates, deliberately:
- the same bytes again (raw_sha256 matches): nothing is added; a new location is recorded;
- a copy of a stored message (same Message-ID, sender, subject and body, other bytes, e.g. the
  same mail in two folders with other Received headers): nothing is added; a location is recorded;
- the same Message-ID with different content (broken mailers reuse ids): stored as its own
  message in the same ticket, with the defect "DuplicateMessageIdDefect", so nothing is lost.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple, TypeVar

from inbox_tui.domain.folding import fold_for_search
from inbox_tui.domain.messages import (
    Address,
    IncomingMessage,
    ParsedMessage,
    ThreadHints,
    normalize_subject,
)
from inbox_tui.domain.raw_spans import find_in_raw
from inbox_tui.domain.subjects import customer_subject
from inbox_tui.domain.tickets import DuePolicy
from inbox_tui.store.attachments import kept_once
from inbox_tui.store.db import Store, format_time, utc_now
from inbox_tui.store.drafts import move_draft
from inbox_tui.store.due import refresh_due, wake_on_reply
from inbox_tui.store.look_ahead import LookAhead

SUBJECT_FALLBACK_DAYS = 60

Listed = TypeVar("Listed")  # an entry of a mailbox's listing

# A buffered Ingest writes messages this many rows to an INSERT. Each statement that writes to
# messages flushes the FTS5 indexes' pending terms (the triggers make it open a savepoint, and
# FTS5 writes its in-memory terms out at every savepoint), so one row per statement made the
# index ~3x dearer than the text: 105 µs of an import's ~600 µs a message at 100k messages.
ROWS_PER_INSERT = 200

_MESSAGE_COLUMNS = (
    "id, ticket_id, message_id, raw_sha256, content_key, direction, channel, from_name, "
    "from_addr, to_addrs, cc_addrs, reply_to, subject, date, in_reply_to, refs, headers, text, "
    "snippet, seen, answered, flagged, parse_error, defects, imported_at"
)


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str  # "added" | "copy"
    ticket_id: int | None
    message_id: int | None
    ticket_created: bool = False
    merged: int = 0  # tickets merged into this one


class Ready(NamedTuple):
    """A message parsed, threaded and encoded: everything `Ingest.add` stores of it, as plain
    values. Pure, so a parsing worker process makes it (parse_workers.py, channels/imap/
    parallel.py) and the storing process only writes it; and plain (a tuple of strings, no
    dataclasses), so handing it back pickled costs a fraction of a ParsedMessage's
    (per message ~10 µs against ~100: no objects rebuilt in Python)."""

    digest: str  # raw_sha256
    content_key: str
    message_id: str  # ThreadHints.message_id: its own, or a synthetic one
    links: tuple[str, ...]  # ThreadHints.links
    thread_key: str | None
    subject_key: str | None
    channel: str
    direction: str  # "in" | "out"
    customer_name: str  # ThreadHints.customer; "" with no customer
    customer_addr: str  # "" with no customer (or one without an address)
    order_number: str | None
    from_name: str
    from_addr: str
    to_addrs: str  # JSON, as stored
    cc_addrs: str
    reply_to: str
    subject: str
    date: str | None  # the Date header as stored; None: the message has none (see add)
    in_reply_to: str | None
    refs: str  # JSON
    headers: str  # JSON
    text: str
    snippet: str
    defects: tuple[str, ...]
    parse_error: str | None
    # attachment rows without their message id: filename, content_type, size, content_id,
    # inline (0/1), then content, raw_start, raw_end, raw_encoding (store.attachments.kept_once:
    # the bytes, or where the raw message gives them back exactly)
    attachments: tuple[tuple[object, ...], ...]
    # fold_for_search of what the search indexes hold (subject, from_name, from_addr, text,
    # to_addrs; None where it is the value itself), made by a worker beside the storing
    # process, whose search_fold() then takes them (Store.known_folds); None: not made.
    folds: tuple[str | None, ...] | None = None


def encode(
    raw: bytes,
    parsed: ParsedMessage,
    hints: ThreadHints,
    digest: str | None = None,
    *,
    fold: bool = False,
) -> Ready:
    """`fold`: make `Ready.folds` too (a worker process does; in the storing process the
    triggers fold as they write)."""
    sender = parsed.from_
    customer = hints.customer
    ready = Ready(
        digest or raw_digest(raw),
        content_key(hints.message_id, parsed),
        hints.message_id,
        hints.links,
        hints.thread_key,
        hints.subject_key,
        hints.channel,
        hints.direction,
        customer.name if customer else "",
        customer.addr if customer else "",
        hints.order_number,
        sender.name if sender else "",
        sender.addr if sender else "",
        _addresses(parsed.to),
        _addresses(parsed.cc),
        _addresses(parsed.reply_to),
        parsed.subject,
        format_time(parsed.date) if isinstance(parsed.date, datetime) else None,
        parsed.in_reply_to,
        _json(parsed.references),
        _json(parsed.headers),
        parsed.text,
        parsed.snippet,
        tuple(parsed.defects),
        parsed.parse_error,
        tuple(
            (a.filename, a.content_type, a.size, a.content_id, int(a.inline))
            + kept_once(a.content, find_in_raw(raw, a.content))
            for a in parsed.attachments
        ),
    )
    if not fold:
        return ready
    folds = []
    for value in (ready.subject, ready.from_name, ready.from_addr, ready.text, ready.to_addrs):
        folded = fold_for_search(value)
        folds.append(None if folded == value else folded)
    return ready._replace(folds=tuple(folds))


def raw_digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def content_key(message_id: str, parsed: ParsedMessage) -> str:
    sender = parsed.from_.addr if parsed.from_ else ""
    text = "\x00".join((message_id, sender, parsed.subject, parsed.text))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def known_uids(store: Store, source: str, folder: str) -> set[str]:
    """UIDs already recorded for one folder of a source, to skip them without reading them."""
    rows = store.conn.execute(
        "SELECT uid FROM message_locations WHERE source = ? AND folder = ?", (source, folder)
    )
    return {row[0] for row in rows}


def not_recorded(
    store: Store, source: str, folder: str, listing: list[Listed], uid_of: Callable[[Listed], str]
) -> list[Listed]:
    """The entries of `listing` (sorted by their uid, `uid_of`) whose uid is not recorded for
    this folder of a source, in the listing's order: what `known_uids` filters, without a set
    of every recorded uid (+101 MB and 4.7 s for a folder of a million files; benchmarks/README).

    One walk along the folder's uids in the primary key's order beside the listing. SQLite
    orders TEXT by its UTF-8 bytes, which is Python's order of the str it can hold (code
    points); should either side not be in order after all (a listing not sorted, a uid that is
    not text), the set decides as before."""
    cursor = store.conn.cursor()
    cursor.row_factory = None  # plain tuples: a Row a uid costs more than the walk
    try:
        rows = cursor.execute(
            "SELECT uid FROM message_locations WHERE source = ? AND folder = ? ORDER BY uid",
            (source, folder),
        )
        todo = _walk_beside(listing, uid_of, rows)
    finally:
        cursor.close()
    if todo is None:
        known = known_uids(store, source, folder)
        todo = [entry for entry in listing if uid_of(entry) not in known]
    return todo


def _walk_beside(
    listing: list[Listed], uid_of: Callable[[Listed], str], rows: Iterable[tuple[object]]
) -> list[Listed] | None:
    """`not_recorded`'s merge of two sorted sequences; None when one is out of order."""
    todo: list[Listed] = []
    stored = iter(rows)
    at: str | None = None  # the last recorded uid read: the first not below the listing's
    exhausted = False
    previous: str | None = None
    for entry in listing:
        uid = uid_of(entry)
        if previous is not None and uid < previous:
            return None
        previous = uid
        while not exhausted and (at is None or at < uid):
            row = next(stored, None)
            if row is None:
                exhausted = True
            elif not isinstance(row[0], str) or (at is not None and row[0] <= at):
                return None
            else:
                at = row[0]
        if at != uid:
            todo.append(entry)
    return todo


def message_for_raw(store: Store, digest: str) -> int | None:
    row = store.conn.execute("SELECT id FROM messages WHERE raw_sha256 = ?", (digest,)).fetchone()
    return row[0] if row else None


_INSERT_REF = "INSERT OR IGNORE INTO thread_refs (ref, ticket_id) VALUES (?, ?)"
_INSERT_LOCATION = (
    "INSERT OR IGNORE INTO message_locations (source, folder, uid, message_id) VALUES (?, ?, ?, ?)"
)


# A held ticket summary (Ingest._tickets): these columns, in this order, then status, the
# ticket's id and its status as stored.
_TICKET_SUMMARY = (
    "message_count, unread_count, subject, title, created_at, last_message_at, "
    "last_inbound_at, last_outbound_at, snippet, customer_id, order_number, channel"
)
(
    _MESSAGE_COUNT, _UNREAD_COUNT, _SUBJECT, _TITLE, _CREATED_AT, _LAST_MESSAGE_AT,
    _LAST_INBOUND_AT, _LAST_OUTBOUND_AT, _SNIPPET, _CUSTOMER_ID, _ORDER_NUMBER, _CHANNEL,
    _STATUS, _ID, _STORED_STATUS,
) = range(15)  # fmt: skip
_INSERT_TICKET = (
    "INSERT INTO tickets (id, thread_key, "
    + _TICKET_SUMMARY
    + ") VALUES ("
    + ", ".join("?" * (_TICKET_SUMMARY.count(",") + 3))
    + ")"
)
_UPDATE_TICKET = (
    "UPDATE tickets SET "
    + ", ".join(f"{column.strip()} = ?" for column in _TICKET_SUMMARY.split(","))
    + " WHERE id = ?"
)


@lru_cache(maxsize=16)
def _insert_messages(rows: int) -> str:
    marks = "(" + ", ".join("?" * _MESSAGE_COLUMNS.count(",")) + ", ?)"
    return f"INSERT INTO messages ({_MESSAGE_COLUMNS}) VALUES " + ", ".join([marks] * rows)


def _thread_refs(ready: Ready) -> list[str]:
    """The references a message joins tickets by, and gives its ticket: its Message-ID, the
    ids it links to, its marketplace thread key."""
    refs = [ready.message_id, *ready.links]
    if ready.thread_key:
        refs.append("key:" + ready.thread_key)
    return refs


def _addresses(addresses: tuple[Address, ...]) -> str:
    if not addresses:
        return "[]"
    return json.dumps([[a.name, a.addr] for a in addresses], ensure_ascii=False)


def _json(value: list[str] | tuple[str, ...] | dict[str, str]) -> str:
    if not value:
        return "{}" if isinstance(value, dict) else "[]"
    return json.dumps(value if isinstance(value, dict) else list(value), ensure_ascii=False)


class Ingest:
    """Stores messages one by one inside the caller's transaction, with a small customer cache.

    Call `begin_batch()` at the start of every transaction: it forgets the cache, which may
    hold rows a rolled-back transaction never kept. Call `settle(policy)` after the commit: it
    brings the due times of the tickets the batch touched up to date.

    `buffered=True` (bulk import) holds the batch's messages, with their raw bytes, attachments
    and locations, in memory and writes them with a few multi-row INSERTs: call `flush()`
    before the commit. Tickets and thread references are still written at once, so threading
    sees every message of the batch; the lookups of stored messages (same bytes, same
    Message-ID) consult the held ones too, and a merge of tickets flushes them first.

    `look_ahead(readys)` after `begin_batch()` (buffered): the store is asked about all of
    the batch's messages at once (store/look_ahead.py), not once a message; new tickets and
    thread references are then held until the flush as well.
    """

    def __init__(self, store: Store, *, buffered: bool = False) -> None:
        self.store = store
        self.conn: sqlite3.Connection = store.conn
        self.buffered = buffered
        self._customers: dict[str, int] = {}
        self.now = utc_now()  # imported_at for this batch
        self.touched: set[int] = set()  # tickets that got a message in this batch
        self.written_to: set[int] = set()  # … of them, those the customer wrote to
        # Held until flush(): message rows (ids given here), raw bytes, attachments, locations.
        self._rows: list[tuple[object, ...]] = []
        self._raws: list[tuple[int, bytes]] = []
        self._attachments: list[tuple[object, ...]] = []
        self._locations: list[tuple[str, str, str, int]] = []
        self._held_digests: dict[str, int] = {}  # raw_sha256 -> id, for the held messages
        self._held_ids: dict[str, list[tuple[int, str]]] = {}  # Message-ID -> [(id, content_key)]
        self._next_ids: dict[str, int] = {}  # table -> the id SQLite would give its next row
        self._folds: dict[str, str] = {}  # value -> fold_for_search(value), from Ready.folds
        # Buffered: the summary columns of the tickets this batch's messages went into, as
        # they will be (held, so a ticket is written once a flush, not once a message), and
        # those that differ from the stored row.
        self._tickets: dict[int, list[Any]] = {}
        self._changed_tickets: set[int] = set()
        # With a look-ahead (look_ahead()): what the store holds of the batch's keys, and held
        # until flush() as well, the new tickets (id -> thread_key; their summaries in
        # _tickets) and the thread references.
        self._ahead: LookAhead | None = None
        self._new_tickets: dict[int, str | None] = {}
        self._refs: list[tuple[str, int]] = []
        self._new_customers: list[tuple[int, str, str, str, str]] = []

    def begin_batch(self) -> None:
        self.forget()
        self.touched.clear()
        self.written_to.clear()
        self.now = utc_now()

    def forget(self) -> None:
        """After a rollback (of one message or a batch): drop the customer cache, the
        look-ahead and the held messages, which may name rows the store no longer has."""
        self._customers.clear()
        self._ahead = None
        self._forget_held()

    def look_ahead(self, readys: Iterable[Ready]) -> None:
        """The batch's messages that are coming (buffered, after `begin_batch()`): ask the
        store about all their keys now. Messages not named here are asked about alone."""
        if not self.buffered:
            return
        readys = list(readys)
        self._ahead = ahead = LookAhead(self.conn)
        ahead.load(
            (ready.digest for ready in readys),
            (ready.message_id for ready in readys),
            (ref for ready in readys for ref in _thread_refs(ready)),
            (ready.customer_addr for ready in readys if ready.customer_addr),
        )

    def flush(self) -> None:
        """Write the held messages, then their raw bytes, attachments and locations (which
        refer to them). Unbuffered, every call has done it already: nothing is held."""
        self._write_new_tickets()  # before the messages that refer to them
        rows = self._rows
        known = self.store.known_folds  # the triggers' search_fold() takes these as made
        known.update(self._folds)
        try:
            for start in range(0, len(rows), ROWS_PER_INSERT):
                chunk = rows[start : start + ROWS_PER_INSERT]
                self.conn.execute(_insert_messages(len(chunk)), [v for row in chunk for v in row])
        finally:
            known.clear()
        if self._raws:
            self.conn.executemany(
                "INSERT INTO message_raw (message_id, raw) VALUES (?, ?)", self._raws
            )
        if self._attachments:
            self.conn.executemany(
                """INSERT INTO attachments (message_id, filename, content_type, size, content_id,
                                           inline, content, raw_start, raw_end, raw_encoding)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                self._attachments,
            )
        if self._locations:
            self.conn.executemany(_INSERT_LOCATION, self._locations)
        if self._refs:  # in key order: the B-tree's pages one after the other
            self._refs.sort()
            self.conn.executemany(_INSERT_REF, self._refs)
        self._write_tickets()
        self._forget_held()

    def _write_tickets(self) -> None:
        """The held tickets' summaries into their rows (one UPDATE a ticket, not a message),
        then forgotten: what else writes tickets (a merge, the server's flags) reads the rows."""
        self._write_new_tickets()
        changed = [self._tickets[ticket_id] for ticket_id in sorted(self._changed_tickets)]
        if changed:
            self.conn.executemany(_UPDATE_TICKET, [[*row[:_STATUS], row[_ID]] for row in changed])
            reopened = [(row[_ID],) for row in changed if row[_STATUS] != row[_STORED_STATUS]]
            if reopened:
                self.conn.executemany("UPDATE tickets SET status = 'open' WHERE id = ?", reopened)
        self._tickets.clear()
        self._changed_tickets.clear()

    def _write_new_tickets(self) -> None:
        """The held new customers and tickets, each ticket one INSERT with its summary as the
        batch made it."""
        if self._new_customers:
            self.conn.executemany(
                "INSERT INTO customers (id, email, name, channel, created_at) VALUES (?, ?, ?, ?, ?)",
                self._new_customers,
            )
            self._new_customers.clear()
        if self._new_tickets:
            self.conn.executemany(
                _INSERT_TICKET,
                [
                    (ticket_id, thread_key, *self._tickets[ticket_id][:_STATUS])
                    for ticket_id, thread_key in self._new_tickets.items()
                ],
            )
            for ticket_id in self._new_tickets:  # stored now, as the batch made them
                self._tickets[ticket_id][_STORED_STATUS] = "open"
                self._changed_tickets.discard(ticket_id)
            self._new_tickets.clear()

    def _forget_held(self) -> None:
        self._rows.clear()
        self._raws.clear()
        self._attachments.clear()
        self._locations.clear()
        self._held_digests.clear()
        self._held_ids.clear()
        self._next_ids.clear()  # a merge may have deleted the newest ticket: SQLite's next id
        self._tickets.clear()
        self._changed_tickets.clear()
        self._folds.clear()
        self._new_tickets.clear()
        self._refs.clear()
        self._new_customers.clear()

    def settle(self, policy: DuePolicy) -> None:
        """After the batch committed: wake snoozed tickets the customer wrote to (when the
        policy says so) and recompute the due times of every ticket the batch touched."""
        if (
            self._rows
            or self._locations
            or self._changed_tickets
            or self._new_tickets
            or self._new_customers
            or self._refs
        ):
            raise RuntimeError("Ingest.settle() with messages never flushed into the store")
        if policy.wake_on_reply and self.written_to:
            wake_on_reply(self.store, sorted(self.written_to), policy=policy)
        if self.touched:
            refresh_due(self.store, sorted(self.touched), policy)

    def record_if_known(self, item: IncomingMessage, digest: str) -> bool:
        """True (and the location recorded) when these exact bytes are stored already."""
        if self._ahead is not None:
            existing = self._ahead.digest(digest)
        else:
            existing = self._held_digests.get(digest)
            if existing is None:
                existing = message_for_raw(self.store, digest)
        if existing is None:
            return False
        self._locations.append((item.source, item.folder, item.uid, existing))
        if not self.buffered:
            self.flush()
        return True

    def add(self, item: IncomingMessage, ready: Ready) -> Outcome:
        """Store one message that is not stored yet (check `record_if_known` first), made
        ready by `encode(item.raw, parsed, hints)` here or in a worker process."""
        digest = ready.digest
        key = ready.content_key
        defects = list(ready.defects)
        ahead = self._ahead
        if ahead is not None:
            same_id = ahead.same_id(ready.message_id)
        else:
            same_id = [
                (row[0], row[1])
                for row in self.conn.execute(
                    "SELECT id, content_key FROM messages WHERE message_id = ?",
                    (ready.message_id,),
                )
            ]
            same_id += self._held_ids.get(ready.message_id, ())  # held ones are newer: ids after
        for stored_id, stored_key in same_id:
            if stored_key == key:
                self._locations.append((item.source, item.folder, item.uid, stored_id))
                if not self.buffered:
                    self.flush()
                return Outcome("copy", None, stored_id)
        if same_id:
            defects.append("DuplicateMessageIdDefect")

        date_text = ready.date
        if date_text is None:
            date = item.received_at
            date_text = format_time(date) if isinstance(date, datetime) else utc_now()
        customer_id = self._customer_id(ready)

        refs = _thread_refs(ready)
        ticket_ids = self._tickets_for_refs(refs)
        if not ticket_ids and ready.subject_key and customer_id is not None:
            self._write_tickets()  # the query reads their subjects and times
            found = self._ticket_by_subject(customer_id, ready.subject_key, date_text)
            ticket_ids = [found] if found else []

        seen = item.seen or ready.direction == "out"
        created = False
        merged = 0
        if ticket_ids:
            ticket_id = ticket_ids[0]
            if len(ticket_ids) > 1:
                self.flush()  # a merge moves and recounts messages: the held ones too
            for other in ticket_ids[1:]:
                merge_tickets(self.store, ticket_id, other)
                if ahead is not None:
                    ahead.merged(ticket_id, other)
                merged += 1
        else:
            ticket_id = self._create_ticket(ready, date_text, customer_id, seen)
            created = True

        if ahead is not None:  # held: the look-ahead answers for them until the flush
            self._refs += ahead.referred(refs, ticket_id)
        else:
            self.conn.executemany(_INSERT_REF, [(ref, ticket_id) for ref in refs])
        message_id = self._new_message_id()
        self._rows.append(
            (
                message_id,
                ticket_id,
                ready.message_id,
                digest,
                key,
                ready.direction,
                ready.channel,
                ready.from_name,
                ready.from_addr,
                ready.to_addrs,
                ready.cc_addrs,
                ready.reply_to,
                ready.subject,
                date_text,
                ready.in_reply_to,
                ready.refs,
                ready.headers,
                ready.text,
                ready.snippet,
                int(seen),
                int(item.answered),
                int(item.flagged),
                ready.parse_error,
                _json(defects),
                self.now,
            )
        )
        if ahead is not None:
            ahead.added(digest, ready.message_id, message_id, key)
        else:
            self._held_digests[digest] = message_id
            self._held_ids.setdefault(ready.message_id, []).append((message_id, key))
        self._raws.append((message_id, item.raw))
        if ready.folds is not None:
            values = (ready.subject, ready.from_name, ready.from_addr, ready.text, ready.to_addrs)
            for value, folded in zip(values, ready.folds, strict=True):
                self._folds[value] = value if folded is None else folded
        self._attachments += [(message_id, *row) for row in ready.attachments]
        self._locations.append((item.source, item.folder, item.uid, message_id))
        self.touched.add(ticket_id)
        if ready.direction == "in":
            self.written_to.add(ticket_id)
        if not created:  # a new ticket was written with this message's summary already
            self._update_ticket(ticket_id, ready, date_text, customer_id, seen)
        if not self.buffered:
            self.flush()
        return Outcome("added", ticket_id, message_id, created, merged)

    # --- helpers -------------------------------------------------------------------------

    def _new_message_id(self) -> int:
        return self._new_id("messages")

    def _new_id(self, table: str) -> int:
        """The id SQLite would give the next row of `table` (max + 1), so held rows can be
        referred to."""
        new_id = self._next_ids.get(table)
        if new_id is None:
            query = f"SELECT coalesce(max(id), 0) + 1 FROM {table}"  # noqa: S608  # ours
            new_id = self.conn.execute(query).fetchone()[0]
        self._next_ids[table] = new_id + 1
        return new_id

    def _customer_id(self, ready: Ready) -> int | None:
        addr, name = ready.customer_addr, ready.customer_name
        if not addr:
            return None
        cached = self._customers.get(addr)
        if cached is not None:
            return cached
        if self._ahead is not None:
            row = self._ahead.customer(addr)
        else:
            row = self.conn.execute(
                "SELECT id, name FROM customers WHERE email = ?", (addr,)
            ).fetchone()
        if row is None and self._ahead is not None:  # held, as tickets are (_create_ticket)
            held = self._new_id("customers")
            self._new_customers.append((held, addr, name, ready.channel, utc_now()))
            customer_id: int | None = held
        elif row is None:
            customer_id = self.conn.execute(
                "INSERT INTO customers (email, name, channel, created_at) VALUES (?, ?, ?, ?)",
                (addr, name, ready.channel, utc_now()),
            ).lastrowid
        else:
            customer_id, stored_name = row[0], row[1]
            if not stored_name and name:
                self.conn.execute("UPDATE customers SET name = ? WHERE id = ?", (name, customer_id))
        assert customer_id is not None
        self._customers[addr] = customer_id
        return customer_id

    def _tickets_for_refs(self, refs: list[str]) -> list[int]:
        if self._ahead is not None:
            return self._ahead.tickets(refs)
        marks = ",".join("?" * len(refs))
        rows = self.conn.execute(
            f"SELECT DISTINCT ticket_id FROM thread_refs WHERE ref IN ({marks}) ORDER BY ticket_id",
            refs,
        )
        return [row[0] for row in rows]

    def _ticket_by_subject(self, customer_id: int, subject_key: str, date_text: str) -> int | None:
        rows = self.conn.execute(
            """SELECT id, subject FROM tickets WHERE customer_id = ?
                 AND last_message_at >= strftime('%Y-%m-%dT%H:%M:%SZ', ?, ?)
               ORDER BY last_message_at DESC LIMIT 50""",
            (customer_id, date_text, f"-{SUBJECT_FALLBACK_DAYS} days"),
        )
        for row in rows:
            if normalize_subject(row["subject"]) == subject_key:
                value: int | None = row["id"]
                return value
        return None

    def _create_ticket(
        self, ready: Ready, date_text: str, customer_id: int | None, seen: bool
    ) -> int:
        """A ticket holding just this message, its summary columns filled in at once (what
        `_update_ticket` would make of a blank row, without a second write of the row).
        With a look-ahead it is held, written at the flush with its summary as the batch
        made it, under the id SQLite would give it (the largest + 1)."""
        inbound = ready.direction == "in"
        summary = [
            1,
            int(inbound and not seen),
            ready.subject,
            customer_subject(ready.subject, ready.text),
            date_text,
            date_text,
            date_text if inbound else None,
            None if inbound else date_text,
            ready.snippet,
            customer_id,
            ready.order_number,
            ready.channel,
        ]
        if self._ahead is not None:
            held = self._new_id("tickets")
            self._new_tickets[held] = ready.thread_key
            self._tickets[held] = [*summary, "open", held, None]  # None: not stored
            return held
        ticket_id = self.conn.execute(
            """INSERT INTO tickets (thread_key, channel, subject, title, customer_id, order_number,
                   created_at, last_message_at, last_inbound_at, last_outbound_at,
                   message_count, unread_count, snippet)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)""",
            (
                ready.thread_key,
                ready.channel,
                ready.subject,
                summary[_TITLE],
                customer_id,
                ready.order_number,
                date_text,
                date_text,
                summary[_LAST_INBOUND_AT],
                summary[_LAST_OUTBOUND_AT],
                summary[_UNREAD_COUNT],
                ready.snippet,
            ),
        ).lastrowid
        assert ticket_id is not None
        if self.buffered:  # the row as written: later messages of the batch update it here
            self._tickets[ticket_id] = [*summary, "open", ticket_id, "open"]
        return ticket_id

    def _update_ticket(
        self, ticket_id: int, ready: Ready, date_text: str, customer_id: int | None, seen: bool
    ) -> None:
        """Fold one more message into an existing ticket's summary columns."""
        if self.buffered:
            self._hold_ticket_update(ticket_id, ready, date_text, customer_id, seen)
            return
        inbound = ready.direction == "in"
        row = self.conn.execute(
            "SELECT status, last_message_at FROM tickets WHERE id = ?", (ticket_id,)
        ).fetchone()
        newest = row is None or date_text >= row["last_message_at"]
        # SQLite evaluates every right-hand side against the old row.
        self.conn.execute(
            """UPDATE tickets SET
                 message_count = message_count + 1,
                 unread_count = unread_count + :unread,
                 subject = CASE WHEN message_count = 0 OR :date < created_at THEN :subject ELSE subject END,
                 title = CASE WHEN message_count = 0 OR :date < created_at
                         THEN customer_subject(:subject, :text) ELSE title END,
                 created_at = min(created_at, :date),
                 last_message_at = max(last_message_at, :date),
                 last_inbound_at = CASE WHEN :inbound THEN max(coalesce(last_inbound_at, ''), :date)
                                   ELSE last_inbound_at END,
                 last_outbound_at = CASE WHEN :inbound THEN last_outbound_at
                                    ELSE max(coalesce(last_outbound_at, ''), :date) END,
                 snippet = CASE WHEN :newest THEN :snippet ELSE snippet END,
                 customer_id = coalesce(customer_id, :customer_id),
                 order_number = coalesce(order_number, :order_number),
                 channel = CASE WHEN channel = 'email' THEN :channel ELSE channel END
               WHERE id = :id""",
            {
                "unread": int(inbound and not seen),
                "subject": ready.subject,
                "text": ready.text,
                "date": date_text,
                "inbound": int(inbound),
                "newest": int(newest),
                "snippet": ready.snippet,
                "customer_id": customer_id,
                "order_number": ready.order_number,
                "channel": ready.channel,
                "id": ticket_id,
            },
        )
        # The customer wrote again: a closed or pending ticket needs the seller again.
        if inbound and newest and row is not None and row["status"] in ("closed", "pending"):
            self.conn.execute("UPDATE tickets SET status = 'open' WHERE id = ?", (ticket_id,))
            self.conn.execute(
                "INSERT INTO events (ticket_id, at, kind, old_value, new_value, actor) "
                "VALUES (?, ?, 'status', ?, 'open', 'import')",
                (ticket_id, utc_now(), row["status"]),
            )

    def _hold_ticket_update(
        self, ticket_id: int, ready: Ready, date_text: str, customer_id: int | None, seen: bool
    ) -> None:
        """`_update_ticket`'s UPDATE, made on the held summary (written at the flush): the
        same values, column by column, as SQLite computes them from the old row."""
        state = self._tickets.get(ticket_id)
        if state is None:
            row = self.conn.execute(
                f"SELECT {_TICKET_SUMMARY}, status FROM tickets WHERE id = ?", (ticket_id,)
            ).fetchone()
            if row is None:
                return  # as the UPDATE of a missing row: nothing
            state = self._tickets[ticket_id] = [*row, ticket_id, row["status"]]
        inbound = ready.direction == "in"
        newest = date_text >= state[_LAST_MESSAGE_AT]
        if state[_MESSAGE_COUNT] == 0 or date_text < state[_CREATED_AT]:
            state[_SUBJECT] = ready.subject
            state[_TITLE] = customer_subject(ready.subject, ready.text)
        state[_MESSAGE_COUNT] += 1
        state[_UNREAD_COUNT] += int(inbound and not seen)
        state[_CREATED_AT] = min(state[_CREATED_AT], date_text)
        state[_LAST_MESSAGE_AT] = max(state[_LAST_MESSAGE_AT], date_text)
        side = _LAST_INBOUND_AT if inbound else _LAST_OUTBOUND_AT
        state[side] = max("" if state[side] is None else state[side], date_text)
        if newest:
            state[_SNIPPET] = ready.snippet
        if state[_CUSTOMER_ID] is None:
            state[_CUSTOMER_ID] = customer_id
        if state[_ORDER_NUMBER] is None:
            state[_ORDER_NUMBER] = ready.order_number
        if state[_CHANNEL] == "email":
            state[_CHANNEL] = ready.channel
        # The customer wrote again: a closed or pending ticket needs the seller again.
        if inbound and newest and state[_STATUS] in ("closed", "pending"):
            self.conn.execute(
                "INSERT INTO events (ticket_id, at, kind, old_value, new_value, actor) "
                "VALUES (?, ?, 'status', ?, 'open', 'import')",
                (ticket_id, utc_now(), state[_STATUS]),
            )
            state[_STATUS] = "open"
        self._changed_tickets.add(ticket_id)


def stored_message_count(store: Store) -> int:
    return int(store.conn.execute("SELECT count(*) FROM messages").fetchone()[0])


def compact_search_index(store: Store) -> None:
    """Merge each full-text index into one segment (FTS5 'optimize'), in its own transaction.

    A bulk import leaves the indexes in many segments, and a typed prefix reads every one of
    them: merged, the slowest search-as-you-type queries at 100k messages take ~5 ms instead of
    15-20. It rewrites the whole index (~0.6 s per 100k messages), so it is for after an import
    that made a good part of the store, not after every sync.
    """
    with store.transaction():
        for table in ("messages_fts", "messages_fts_to"):
            store.conn.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")


def merge_tickets(store: Store, keep: int, other: int) -> None:
    """Move everything of ticket `other` into `keep` (a message linked two threads) and drop it."""
    conn = store.conn
    statuses = {
        row["id"]: row["status"]
        for row in conn.execute("SELECT id, status FROM tickets WHERE id IN (?, ?)", (keep, other))
    }
    conn.execute("UPDATE messages SET ticket_id = ? WHERE ticket_id = ?", (keep, other))
    for table, columns in (
        ("thread_refs", "ref"),
        ("ticket_tags", "tag_id, created_at"),
        ("ticket_orders", "order_id"),
    ):
        conn.execute(
            f"INSERT OR IGNORE INTO {table} (ticket_id, {columns}) "
            f"SELECT ?, {columns} FROM {table} WHERE ticket_id = ?",
            (keep, other),
        )
        conn.execute(f"DELETE FROM {table} WHERE ticket_id = ?", (other,))
    conn.execute("UPDATE events SET ticket_id = ? WHERE ticket_id = ?", (keep, other))
    conn.execute("UPDATE outbox SET ticket_id = ? WHERE ticket_id = ?", (keep, other))
    move_draft(store, other, keep)
    if statuses.get(other) == "open":
        conn.execute("UPDATE tickets SET status = 'open' WHERE id = ?", (keep,))
    conn.execute("DELETE FROM tickets WHERE id = ?", (other,))
    refresh_ticket(store, keep)
    conn.execute(
        "INSERT INTO events (ticket_id, at, kind, old_value, new_value, actor) VALUES (?, ?, 'merged', ?, ?, 'import')",
        (keep, utc_now(), str(other), str(keep)),
    )


def refresh_ticket(store: Store, ticket_id: int) -> None:
    """Recompute a ticket's summary columns from its messages."""
    store.conn.execute(
        """UPDATE tickets SET
             message_count = (SELECT count(*) FROM messages WHERE ticket_id = :id),
             unread_count = (SELECT count(*) FROM messages WHERE ticket_id = :id AND direction = 'in' AND NOT seen),
             created_at = (SELECT min(date) FROM messages WHERE ticket_id = :id),
             last_message_at = (SELECT max(date) FROM messages WHERE ticket_id = :id),
             last_inbound_at = (SELECT max(date) FROM messages WHERE ticket_id = :id AND direction = 'in'),
             last_outbound_at = (SELECT max(date) FROM messages WHERE ticket_id = :id AND direction = 'out'),
             subject = (SELECT subject FROM messages WHERE ticket_id = :id ORDER BY date, id LIMIT 1),
             title = (SELECT customer_subject(subject, text) FROM messages
                      WHERE ticket_id = :id ORDER BY date, id LIMIT 1),
             snippet = (SELECT snippet FROM messages WHERE ticket_id = :id ORDER BY date DESC, id DESC LIMIT 1)
           WHERE id = :id""",
        {"id": ticket_id},
    )


def tickets_for_message_ids(store: Store, message_ids: list[str]) -> dict[str, int]:
    """The ticket holding each of these Message-IDs (ids not stored are left out)."""
    found: dict[str, int] = {}
    for start in range(0, len(message_ids), 500):
        chunk = message_ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = store.conn.execute(
            f"SELECT message_id, ticket_id FROM messages WHERE message_id IN ({marks})", chunk
        )
        found.update((row[0], row[1]) for row in rows)
    return found

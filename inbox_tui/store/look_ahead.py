"""What the store holds of a batch's keys, read in a few queries at its start (Ingest.look_ahead).

A bulk import asked the store three or four things a message (its bytes stored? its Message-ID?
the tickets of its thread references? its customer?), one statement each: ~0.1 ms a message of
the storing process's ~0.3. Here every key of a batch is asked at once, and the answers are kept
as the batch writes, so they stay what those statements would answer at that point:
- `digest(raw_sha256)`: the id of the message with these bytes, or None;
- `same_id(message_id)`: (id, content_key) of the messages with this Message-ID, by id;
- `tickets(refs)`: the tickets holding any of these thread references, by id;
- `customer(email)`: (id, name) of the customer with this address, or None.
A key the batch did not announce is asked alone when it comes (and kept from then on). The
writer tells it what it writes (`added`, `referred`, `merged`); a rollback drops it whole.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Container, Iterable, Iterator
from typing import Any

CHUNK = 500  # keys a statement: under every SQLite's limit of bound values (999 before 3.32)


class LookAhead:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._digests: dict[str, int | None] = {}
        self._same_id: dict[str, list[tuple[int, str]]] = {}
        self._refs: dict[str, set[int]] = {}
        self._customers: dict[str, tuple[int, str] | None] = {}

    def load(
        self,
        digests: Iterable[str],
        message_ids: Iterable[str],
        refs: Iterable[str],
        emails: Iterable[str],
    ) -> None:
        """Ask the store about every key not known yet, a few hundred a statement."""
        self._load_digests(_unknown(digests, self._digests))
        self._load_same_ids(_unknown(message_ids, self._same_id))
        self._load_refs(_unknown(refs, self._refs))
        self._load_customers(_unknown(emails, self._customers))

    def _load_digests(self, digests: list[str]) -> None:
        self._digests.update(dict.fromkeys(digests))
        for digest, row_id in self._rows("raw_sha256, id FROM messages WHERE raw_sha256", digests):
            self._digests[digest] = row_id

    def _load_same_ids(self, message_ids: list[str]) -> None:
        for key in message_ids:
            self._same_id[key] = []
        for key, row_id, content_key in self._rows(
            "message_id, id, content_key FROM messages WHERE message_id", message_ids
        ):
            self._same_id[key].append((row_id, content_key))
        for key in message_ids:
            self._same_id[key].sort()

    def _load_refs(self, refs: list[str]) -> None:
        for key in refs:
            self._refs[key] = set()
        for ref, ticket_id in self._rows("ref, ticket_id FROM thread_refs WHERE ref", refs):
            self._refs[ref].add(ticket_id)

    def _load_customers(self, emails: list[str]) -> None:
        self._customers.update(dict.fromkeys(emails))
        for email, customer_id, name in self._rows(
            "email, id, name FROM customers WHERE email", emails
        ):
            self._customers[email] = (customer_id, name)

    def _rows(self, select: str, keys: list[str]) -> Iterator[Any]:
        """SELECT `select` IN (keys), as plain tuples."""
        if not keys:
            return
        cursor = self.conn.cursor()
        cursor.row_factory = None
        try:
            for start in range(0, len(keys), CHUNK):
                chunk = keys[start : start + CHUNK]
                marks = ",".join("?" * len(chunk))
                yield from cursor.execute(f"SELECT {select} IN ({marks})", chunk)
        finally:
            cursor.close()

    # --- answers ------------------------------------------------------------------------------

    def digest(self, digest: str) -> int | None:
        if digest not in self._digests:
            self._load_digests([digest])
        return self._digests[digest]

    def same_id(self, message_id: str) -> list[tuple[int, str]]:
        if message_id not in self._same_id:
            self._load_same_ids([message_id])
        return self._same_id[message_id]

    def tickets(self, refs: list[str]) -> list[int]:
        known = self._refs
        try:
            if len(refs) == 1:
                return sorted(known[refs[0]])
            found: set[int] = set()
            for ref in refs:
                found |= known[ref]
        except KeyError:  # a ref the batch did not announce
            self._load_refs(_unknown(refs, known))
            return self.tickets(refs)
        return sorted(found)

    def customer(self, email: str) -> tuple[int, str] | None:
        if email not in self._customers:
            self._load_customers([email])
        return self._customers[email]

    # --- what the batch writes ----------------------------------------------------------------

    def added(self, digest: str, message_id: str, row_id: int, content_key: str) -> None:
        """A message row (held or written): asked about first, so its lists are whole."""
        self._digests[digest] = row_id
        self.same_id(message_id).append((row_id, content_key))

    def referred(self, refs: list[str], ticket_id: int) -> list[tuple[str, int]]:
        """`INSERT OR IGNORE INTO thread_refs` of these refs for a ticket: the rows it adds."""
        known = self._refs
        self._load_refs(_unknown(refs, known))  # asked already by tickets(), as a rule
        new = []
        for ref in refs:
            tickets = known[ref]
            if ticket_id not in tickets:
                tickets.add(ticket_id)
                new.append((ref, ticket_id))
        return new

    def merged(self, keep: int, other: int) -> None:
        """merge_tickets(keep, other): the other ticket's thread references are keep's now."""
        for tickets in self._refs.values():
            if other in tickets:
                tickets.discard(other)
                tickets.add(keep)


def _unknown(keys: Iterable[str], known: Container[str]) -> list[str]:
    """The keys not in `known`, each once, in their order."""
    unknown = [key for key in keys if key not in known]
    return list(dict.fromkeys(unknown)) if len(unknown) > 1 else unknown

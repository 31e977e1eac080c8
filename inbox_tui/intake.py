"""The one way a message gets in: known? → parse → thread → store, then settle due times.

Every source hands its messages here (import, IMAP in one process or with parsing workers, eBay,
the outbox's own sent replies). Intake says what happened to each (`Taken`) and adds it up in an
`IntakeResult` (new and touched tickets, each new inbound message with its ids): the result every
sync returns, and the place where rules act on new mail. Inside the caller's transaction, like
store/ingest.py, which does the SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from inbox_tui.domain.messages import IncomingMessage, ParsedMessage, ThreadHints
from inbox_tui.domain.tickets import DuePolicy
from inbox_tui.mail.parse import parse_message
from inbox_tui.mail.threading import thread_hints
from inbox_tui.store.db import Store
from inbox_tui.store.failed import record_failure, store_alone
from inbox_tui.store.ingest import Ingest, Ready, encode, raw_digest

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class NewMessage:
    """A customer's message that intake stored: what a rule needs to act on it."""

    ticket_id: int
    message_id: int  # messages.id
    ticket_is_new: bool
    channel: str
    source: str  # message_locations.source: "imap:shop", "ebay:shop", "maildir:/path"


@dataclass(frozen=True, slots=True)
class Taken:
    """What intake did with one message."""

    status: str  # "known" (same bytes stored), "copy" (same message, other bytes), "added"
    ticket_id: int | None = None
    message_id: int | None = None
    ticket_created: bool = False
    merged: int = 0  # tickets merged into this one
    unreadable: bool = False  # stored with a parse error
    inbound: NewMessage | None = None  # set for a new message from the customer


@dataclass
class IntakeResult:
    """What a batch, a folder or a whole sync brought in."""

    added: int = 0
    known: int = 0
    copies: int = 0
    unreadable: int = 0
    merged: int = 0
    failed: int = 0  # messages that could not be stored (remembered, tried again)
    new_tickets: set[int] = field(default_factory=set)
    touched_tickets: set[int] = field(default_factory=set)
    new_inbound: list[NewMessage] = field(default_factory=list)

    def count(self, taken: Taken) -> None:
        if taken.status == "known":
            self.known += 1
            return
        if taken.status == "copy":
            self.copies += 1
            return
        self.added += 1
        self.merged += taken.merged
        self.unreadable += int(taken.unreadable)
        if taken.ticket_id is not None:
            self.touched_tickets.add(taken.ticket_id)
            if taken.ticket_created:
                self.new_tickets.add(taken.ticket_id)
        if taken.inbound is not None:
            self.new_inbound.append(taken.inbound)

    def add(self, other: IntakeResult) -> None:
        self.added += other.added
        self.known += other.known
        self.copies += other.copies
        self.unreadable += other.unreadable
        self.merged += other.merged
        self.failed += other.failed
        self.new_tickets |= other.new_tickets
        self.touched_tickets |= other.touched_tickets
        self.new_inbound += other.new_inbound


class Intake:
    """Takes messages into the store inside the caller's transactions (see Ingest for
    `buffered`): `begin_batch()` at the start of each, `flush()` before the commit when
    buffered, `settle(policy)` after it. `take` only reports; the caller counts a message in
    its IntakeResult once it is written."""

    def __init__(
        self, store: Store, *, seller_emails: frozenset[str], buffered: bool = False
    ) -> None:
        self.store = store
        self.seller = seller_emails
        self.ingest = Ingest(store, buffered=buffered)

    def begin_batch(self) -> None:
        self.ingest.begin_batch()

    def flush(self) -> None:
        self.ingest.flush()

    def look_ahead(self, readys: Iterable[Ready]) -> None:
        """The batch's messages made ready elsewhere, before they are taken: the store is asked
        about them all at once (Ingest.look_ahead)."""
        self.ingest.look_ahead(readys)

    def settle(self, policy: DuePolicy) -> None:
        self.ingest.settle(policy)

    def take(
        self,
        item: IncomingMessage,
        parsed: tuple[ParsedMessage, ThreadHints] | None = None,
        *,
        seller: frozenset[str] | None = None,
        ready: Ready | None = None,
    ) -> Taken:
        """Store one message unless its bytes are stored already. `parsed`: parsed and threaded
        elsewhere; `ready`: parsed, threaded and encoded elsewhere (a worker process,
        store.ingest.encode); `seller`: this source's own addresses, if others."""
        digest = ready.digest if ready is not None else raw_digest(item.raw)
        if self.ingest.record_if_known(item, digest):
            return Taken("known")
        if ready is None:
            if parsed is None:
                message = parse_message(item.raw)
                hints = thread_hints(message, item.raw, self.seller if seller is None else seller)
            else:
                message, hints = parsed
            ready = encode(item.raw, message, hints, digest)
        outcome = self.ingest.add(item, ready)
        if outcome.status == "copy" or outcome.ticket_id is None or outcome.message_id is None:
            return Taken("copy", message_id=outcome.message_id)
        inbound = None
        if ready.direction == "in":
            inbound = NewMessage(
                outcome.ticket_id,
                outcome.message_id,
                outcome.ticket_created,
                ready.channel,
                item.source,
            )
        return Taken(
            "added",
            outcome.ticket_id,
            outcome.message_id,
            outcome.ticket_created,
            outcome.merged,
            ready.parse_error is not None,
            inbound,
        )

    def alone(self, work: Callable[[], T]) -> tuple[T | None, str | None]:
        """One message's `work` in a savepoint: (its result, None), or (None, why it failed)
        with its writes undone and nothing else (store/failed.py)."""
        return store_alone(self.store, self.ingest, work)

    def remember_failure(self, source: str, folder: str, uid: str, reason: str) -> None:
        """A message that could not be stored: kept in failed_messages and tried again at every
        sync until it is stored (inside the transaction that moves the source past it)."""
        record_failure(self.store, source, folder, uid, reason)

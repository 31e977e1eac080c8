"""Sending what the outbox holds, one reply at a time, exactly once.

Each attempt is committed (`sending`, attempts + 1) before the transport is called, and the
reply is marked sent only after the server took it. A reply found in `sending` may have gone
out already (a crash, a connection lost after the message was handed over): it is never sent
again blindly. The transport is asked (`was_sent`: SMTP searches the Sent folder for the
Message-ID); found → sent; not found → sent now; nowhere to look → failed with
MAYBE_SENT, and the seller decides (queue.resend). Only one process sends at a time.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from inbox_tui.channels.base import Transport
from inbox_tui.channels.registry import source_kind
from inbox_tui.domain.messages import IncomingMessage
from inbox_tui.domain.replies import (
    MaybeSent,
    NoEvidence,
    OutgoingReply,
    PermanentFailure,
    SentCopy,
    TemporaryFailure,
    Unreachable,
    reply_header,
)
from inbox_tui.intake import Intake
from inbox_tui.outbox.message import reply_sender
from inbox_tui.sanitize import clean_line
from inbox_tui.sla import SlaPolicy
from inbox_tui.store.actions import set_status
from inbox_tui.store.db import Store, format_time
from inbox_tui.store.drafts import get_draft, save_draft
from inbox_tui.store.outbox import (
    OutboxEntry,
    claim,
    due_ids,
    get_entry,
    mark_answered,
    mark_failed,
    mark_sent,
    mark_waiting,
    raw_of,
    record_reply_event,
    replied_to,
)
from inbox_tui.store.reply_files import copy_to_draft
from inbox_tui.times import clock_label

# Waits after the 1st, 2nd, 3rd, 4th and later temporary failures.
BACKOFF = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10), timedelta(hours=1))
MAYBE_SENT = "may have been sent before inbox-tui stopped; check your Sent folder, then resend"
OUTBOX_SOURCE = "outbox"  # message_locations.source of a sent reply with no copy on a server


@dataclass(frozen=True, slots=True)
class ItemResult:
    """What happened to one reply in this round."""

    outbox_id: int
    ticket_id: int
    to: tuple[str, ...]
    outcome: str  # "sent" | "waiting" | "failed" | "taken back" (an undo won the race)
    detail: str = ""  # the error (waiting, failed) or a note (sent)
    retry_at: datetime | None = None
    offline: bool = False  # waiting because the server could not be reached at all


@dataclass
class SendReport:
    items: list[ItemResult] = field(default_factory=list)
    busy: bool = False  # another inbox-tui was sending: this round did nothing

    def count(self, outcome: str) -> int:
        return sum(1 for item in self.items if item.outcome == outcome)

    @property
    def failed(self) -> int:
        return self.count("failed")

    @property
    def offline(self) -> str | None:
        """Why a server could not be reached this round (the first such reason), else None."""
        return next((item.detail for item in self.items if item.offline), None)

    def summary(self, zone: tzinfo = UTC) -> str:
        """ "sent 3, waiting 1 (retry at 14:05 CET: 451 try later), failed 0"; times in `zone`."""
        if self.busy:
            return "another inbox-tui is sending the outbox right now; nothing done"
        waiting = [item for item in self.items if item.outcome == "waiting"]
        text = f"sent {self.count('sent')}, waiting {len(waiting)}"
        if waiting:
            first = min(waiting, key=lambda item: item.retry_at.timestamp() if item.retry_at else 0)
            when = clock_label(first.retry_at, zone) if first.retry_at else "?"
            text += f" (retry at {when}: {first.detail})"
        return f"{text}, failed {self.failed}"


Progress = Callable[[ItemResult], None]
TransportFactory = Callable[[str, Any, Store], Transport]


class TransportUnavailable(Exception):
    """No transport for a reply (its source left the config, eBay support missing)."""


def backoff(attempts: int) -> timedelta:
    return BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]


def send_due(
    store: Store,
    config: Any,
    *,
    now: datetime,
    progress: Progress | None = None,
    only: Collection[int] | None = None,
    make_transport: TransportFactory | None = None,
) -> SendReport:
    """Send every reply that is due at `now` (of the outbox ids `only`, when given); never
    raises for a reply's own trouble. `make_transport` replaces open_transport (tests)."""
    report = SendReport()
    with _send_lock(store) as held:
        if not held:
            report.busy = True
            return report
        sender = _Sender(store, config, now, make_transport or open_transport)
        try:
            for outbox_id in due_ids(store, format_time(now)):
                if only is not None and outbox_id not in only:
                    continue
                result = sender.send(outbox_id)
                report.items.append(result)
                if progress is not None:
                    progress(result)
        finally:
            sender.close()
    return report


def open_transport(transport: str, source: Any, store: Store) -> Transport:
    """The transport of one configured source, from its kind (channels/registry.py)."""
    kind = source_kind(source.kind)
    if kind is None or kind.transport != transport:
        raise TransportUnavailable(f"source {source.name!r} cannot send {transport} replies")
    return kind.open_transport(source, store)


class _Sender:
    """One round: transports opened once per source, results written one reply at a time."""

    def __init__(self, store: Store, config: Any, now: datetime, make: TransportFactory):
        self.store, self.config, self.now, self.make = store, config, now, make
        self.transports: dict[tuple[str, str | None], Transport] = {}
        self.policy = SlaPolicy.from_config(config)

    def close(self) -> None:
        for transport in self.transports.values():
            with contextlib.suppress(Exception):
                transport.close()

    def send(self, outbox_id: int) -> ItemResult:
        entry = get_entry(self.store, outbox_id)
        if entry is None:  # an undo took it back after this round listed it
            return ItemResult(outbox_id, 0, (), "taken back", "an undo took it back")
        raw = raw_of(self.store, outbox_id)
        try:
            transport = self._transport(entry)
        except TransportUnavailable as exc:
            return self._wait(entry, str(exc), entry.status)
        reply = self._reply(entry, raw)
        if entry.status == "sending":  # it may have gone out: look before sending again
            try:
                found = transport.was_sent(reply)
            except NoEvidence:
                return self._fail(entry, MAYBE_SENT, raw)
            except TemporaryFailure as exc:
                why = f"cannot tell whether it went out: {exc}"
                offline = isinstance(exc, Unreachable)
                return self._wait(entry, why, "sending", offline=offline)
            if found:
                copy = found if isinstance(found, SentCopy) else None
                return self._sent(entry, raw, copy, "it had gone out before; found on the server")
        with self.store.transaction():
            claimed = claim(self.store, outbox_id)
        if claimed is None:  # taken back by an undo between the listing and now: not sent
            return ItemResult(outbox_id, entry.ticket_id, entry.to, "taken back", "undone")
        try:
            copy = transport.send(reply)
        except MaybeSent as exc:
            return self._wait(entry, str(exc), "sending", attempts=entry.attempts + 1)
        except Unreachable as exc:
            return self._wait(entry, str(exc), "queued", attempts=entry.attempts + 1, offline=True)
        except TemporaryFailure as exc:
            return self._wait(entry, str(exc), "queued", attempts=entry.attempts + 1)
        except PermanentFailure as exc:
            return self._fail(entry, str(exc), raw)
        except (
            Exception
        ) as exc:  # a bug must not lose the reply: it stays `sending`, looked at again
            why = f"unexpected error: {type(exc).__name__}: {clean_line(str(exc))[:200]}"
            return self._wait(entry, why, "sending", attempts=entry.attempts + 1)
        notes = getattr(transport, "notes", None) or []
        return self._sent(entry, raw, copy, "; ".join(notes))

    # --- helpers -------------------------------------------------------------------------------

    def _transport(self, entry: OutboxEntry) -> Transport:
        if entry.transport == "demo":
            from inbox_tui.outbox.queue import DEMO_NO_SERVER

            raise TransportUnavailable(DEMO_NO_SERVER)
        key = (entry.transport, entry.source)
        if key not in self.transports:
            source = next((s for s in self.config.sources if s.name == entry.source), None)
            if source is None:
                raise TransportUnavailable(
                    f"source {entry.source!r} is no longer in the config; add it back to send this"
                )
            kind = source_kind(source.kind)
            why = kind.cannot_send(source) if kind is not None else "its kind is unknown"
            if why is not None:
                raise TransportUnavailable(f"{why} any more; add it back")
            self.transports[key] = self.make(entry.transport, source, self.store)
        return self.transports[key]

    def _reply(self, entry: OutboxEntry, raw: bytes) -> OutgoingReply:
        return OutgoingReply(
            outbox_id=entry.id,
            ticket_id=entry.ticket_id,
            message_id=entry.message_id,
            source=entry.source,
            raw=raw,
            text=entry.text,
            to=entry.to,
            attempts=entry.attempts,
        )

    def _wait(
        self,
        entry: OutboxEntry,
        error: str,
        status: str,
        *,
        attempts: int | None = None,
        offline: bool = False,
    ) -> ItemResult:
        retry_at = self.now + backoff(attempts if attempts is not None else entry.attempts)
        with self.store.transaction():
            mark_waiting(self.store, entry.id, error, format_time(retry_at), status=status)
        return ItemResult(entry.id, entry.ticket_id, entry.to, "waiting", error, retry_at, offline)

    def _fail(self, entry: OutboxEntry, error: str, raw: bytes) -> ItemResult:
        """Stop: the reason in the outbox, the ticket open again, its text back as the draft."""
        with self.store.transaction():
            mark_failed(self.store, entry.id, error)
            set_status(self.store, [entry.ticket_id], "open", actor="outbox", at=self.now)
            if get_draft(self.store, entry.ticket_id) is None:
                save_draft(self.store, entry.ticket_id, entry.text.rstrip("\n"), at=self.now)
                copy_to_draft(self.store, entry.id)  # its files come back with its text
        return ItemResult(entry.id, entry.ticket_id, entry.to, "failed", error)

    def _sent(self, entry: OutboxEntry, raw: bytes, copy: SentCopy | None, note: str) -> ItemResult:
        """Mark it sent and store the reply in its ticket as an outbound message, through the
        same ingest path as mail (threading, search and export see it), in one transaction."""
        sent_at = format_time(self.now)
        ours = {e.lower() for e in self.config.seller.emails} | {reply_sender(raw).lower()}
        intake = Intake(self.store, seller_emails=frozenset(ours))
        with self.store.transaction():
            intake.begin_batch()
            mark_sent(self.store, entry.id, sent_at)
            self._store_reply(intake, entry, raw, copy)
            record_reply_event(self.store, entry.ticket_id, entry.message_id, sent_at)
        intake.settle(self.policy)
        return ItemResult(entry.id, entry.ticket_id, entry.to, "sent", note)

    def _store_reply(
        self, intake: Intake, entry: OutboxEntry, raw: bytes, copy: SentCopy | None
    ) -> None:
        if copy is not None:
            item = IncomingMessage(raw, copy.source, copy.folder, copy.uid, seen=True)
        else:
            item = IncomingMessage(raw, OUTBOX_SOURCE, "", str(entry.id), seen=True)
        intake.take(item)
        parent = (reply_header(raw, "In-Reply-To") or "").strip("<> ")
        if parent:
            found = replied_to(self.store, parent, f"imap:{entry.source}")
            if found is not None:
                mark_answered(self.store, found.message_row)


@contextlib.contextmanager
def _send_lock(store: Store) -> Iterator[bool]:
    """Hold the store's send lock, or yield False when another sender holds it. The lock file
    sits next to the database; the OS lets go of it when a process dies, even by kill -9."""
    if store.path is None:
        with _memory_lock(store) as held:
            yield held
        return
    path = f"{store.path}.send-lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


_MEMORY_LOCKS: dict[int, threading.Lock] = {}


@contextlib.contextmanager
def _memory_lock(store: Store) -> Iterator[bool]:
    lock = _MEMORY_LOCKS.setdefault(id(store), threading.Lock())
    if not lock.acquire(blocking=False):
        yield False
        return
    try:
        yield True
    finally:
        lock.release()


__all__ = [
    "BACKOFF",
    "MAYBE_SENT",
    "ItemResult",
    "SendReport",
    "TransportUnavailable",
    "backoff",
    "open_transport",
    "send_due",
]

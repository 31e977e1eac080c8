"""Offline import: Maildir and mbox files through the same parse → thread → store path as sync."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from inbox_tui.channels.files.maildir import MaildirReader, NotAMailbox
from inbox_tui.channels.files.mbox import MboxReader
from inbox_tui.domain.messages import IncomingMessage
from inbox_tui.intake import Intake, IntakeResult, Taken
from inbox_tui.parse_workers import PARALLEL_FROM, parsed_in_workers, worker_count
from inbox_tui.sanitize import clean_line, escape_undecodable
from inbox_tui.sla import DEFAULT_POLICY, SlaPolicy
from inbox_tui.store.db import Store
from inbox_tui.store.ingest import (
    Ready,
    compact_search_index,
    known_uids,
    not_recorded,
    stored_message_count,
)

Progress = Callable[[int], None]  # called with how many more messages were handled

BATCH_SIZE = 2000
# An import that makes at least this share of the store (and this many messages) ends by
# merging the search index into one piece: cheap then, and typed prefixes search 3x faster.
COMPACT_SHARE = 0.25
COMPACT_MIN_ADDED = 1000

__all__ = ["ImportResult", "NotAMailbox", "import_maildir", "import_mbox", "import_messages"]


@dataclass
class ImportResult(IntakeResult):
    """What an import did: intake's counts, and the import's own (time, mailbox size, problems)."""

    tickets_created: int = 0
    seconds: float = 0.0
    total: int = 0  # messages in the mailbox, including those skipped as already imported
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        rate = self.added / self.seconds if self.seconds > 0 else 0.0
        parts = [
            f"{self.added} new messages in {self.tickets_created} new tickets",
            f"{self.known + self.copies} already there",
        ]
        if self.unreadable:
            parts.append(f"{self.unreadable} stored with parse errors")
        if self.failed:
            parts.append(f"{self.failed} not stored (tried again at the next import)")
        return ", ".join(parts) + f" ({self.seconds:.1f}s, {rate:,.0f} msg/s)"

    def count(self, taken: Taken) -> None:
        super().count(taken)
        self.tickets_created += int(taken.status == "added" and taken.ticket_created)

    def add(self, other: IntakeResult) -> None:
        """Count in a batch's tally (its time and total are counted by the caller)."""
        super().add(other)
        if isinstance(other, ImportResult):
            self.tickets_created += other.tickets_created
            self.problems += other.problems


def import_messages(
    store: Store,
    items: Iterable[IncomingMessage],
    *,
    seller_emails: frozenset[str] = frozenset(),
    progress: Progress | None = None,
    result: ImportResult | None = None,
    sla: SlaPolicy | None = None,
    workers: int | None = None,
    expected: int = 0,
) -> ImportResult:
    """Store every message; commits every BATCH_SIZE so an interrupted import resumes cheaply.

    `workers`: processes that parse while this one stores (parse_workers.py); None: one per
    core when `expected` (how many messages are coming) reaches PARALLEL_FROM, else none.

    After each batch the touched tickets' due times are recomputed with `sla` (default: the
    default policy) and, if it says so, snoozed tickets the customer wrote to are woken. An
    import that made a good part of the store (COMPACT_SHARE) ends by compacting the search index.
    A message that cannot be stored is counted in `failed` and left out; the rest of its batch is
    stored (it has no location, so the next import tries it again).
    """
    result = result or ImportResult()
    sla = sla or DEFAULT_POLICY
    started = time.perf_counter()
    seller = frozenset(address.lower() for address in seller_emails)
    intake = Intake(store, seller_emails=seller, buffered=True)  # a few INSERTs a batch
    added_before = result.added
    if workers is None:
        workers = worker_count() if expected >= PARALLEL_FROM else 0
    iterator: Iterator[tuple[IncomingMessage, Ready | None]]
    if workers > 0:
        iterator = parsed_in_workers(items, seller=seller, workers=workers)
    else:
        iterator = ((item, None) for item in items)
    while True:
        batch = [item for _, item in zip(range(BATCH_SIZE), iterator, strict=False)]
        if not batch:
            break
        result.add(_store_batch(intake, batch))
        intake.settle(sla)
        if progress:
            progress(len(batch))
    added = result.added - added_before
    if added >= COMPACT_MIN_ADDED and added >= COMPACT_SHARE * stored_message_count(store):
        compact_search_index(store)
    result.seconds += time.perf_counter() - started
    return result


def _store_batch(intake: Intake, batch: list[tuple[IncomingMessage, Ready | None]]) -> ImportResult:
    """One batch in one transaction, written a few INSERTs at a time. When a message breaks it
    (the whole batch is rolled back), the batch is stored again one message at a time, each in
    a savepoint: the one that fails is left out alone. Only this slow path pays for savepoints."""
    store = intake.store
    tally = ImportResult()
    try:
        with store.transaction():
            intake.begin_batch()
            intake.look_ahead(parsed for _, parsed in batch if parsed is not None)
            for item, parsed in batch:
                tally.count(_take(intake, item, parsed))
            intake.flush()
        return tally
    except sqlite3.OperationalError:
        raise  # the store's own trouble (locked, full, I/O): nothing of this batch is kept
    except Exception:
        pass
    tally = ImportResult()
    with store.transaction():
        intake.begin_batch()
        for item, parsed in batch:
            taken, reason = intake.alone(partial(_store_one, intake, item, parsed))
            if taken is not None:
                tally.count(taken)
            if reason is not None:
                tally.failed += 1
                tally.problems.append(f"{_where(item)}: {reason}")
    return tally


def _take(intake: Intake, item: IncomingMessage, parsed: Ready | None) -> Taken:
    return intake.take(item, ready=parsed)


def _store_one(intake: Intake, item: IncomingMessage, parsed: Ready | None) -> Taken:
    taken = _take(intake, item, parsed)
    intake.flush()  # written now: its savepoint covers it
    return taken


def _where(item: IncomingMessage) -> str:
    """A message of a mailbox in a problem line: Maildir folder and file key, mbox digest."""
    return f"{item.folder}/{item.uid}" if item.folder else item.uid


def import_maildir(
    store: Store,
    path: Path,
    *,
    seller_emails: frozenset[str] = frozenset(),
    progress: Progress | None = None,
    on_total: Callable[[int], None] | None = None,
    sla: SlaPolicy | None = None,
    workers: int | None = None,
) -> ImportResult:
    """Import a Maildir and its Maildir++ subfolders. Files already imported are not even read.
    `workers`: parsing processes (import_messages)."""
    reader = MaildirReader(Path(path))
    result = ImportResult()
    plan: list[tuple[str, list[str]]] = []
    for folder in reader.folders():
        listing = reader.listing(folder)
        result.total += len(listing)
        todo = not_recorded(store, reader.source, folder, listing, reader.uid_of)
        result.known += len(listing) - len(todo)
        plan.append((folder, todo))
    expected = sum(len(todo) for _, todo in plan)
    if on_total:
        on_total(expected)

    def items() -> Iterable[IncomingMessage]:
        for folder, todo in plan:
            for listed in todo:
                uid, file = reader.uid_of(listed), reader.path_of(folder, listed)
                try:
                    yield reader.read(folder, uid, file)
                except OSError as exc:
                    result.failed += 1
                    name = clean_line(escape_undecodable(file))  # a name is hostile text too
                    result.problems.append(f"{name}: {exc.strerror or exc}")
                    if progress:
                        progress(1)

    return import_messages(
        store,
        items(),
        seller_emails=seller_emails,
        progress=progress,
        result=result,
        sla=sla,
        workers=workers,
        expected=expected,
    )


def import_mbox(
    store: Store,
    path: Path,
    *,
    seller_emails: frozenset[str] = frozenset(),
    progress: Progress | None = None,
    on_total: Callable[[int], None] | None = None,
    sla: SlaPolicy | None = None,
    workers: int | None = None,
) -> ImportResult:
    """Import one mbox file. Messages are identified by the digest of their bytes.
    `workers`: parsing processes (import_messages)."""
    reader = MboxReader(Path(path))
    result = ImportResult()
    total = reader.count()
    result.total = total
    known = known_uids(store, reader.source, "")
    if on_total:
        on_total(total)
    before = result.known
    imported = import_messages(
        store,
        reader.messages(known),
        seller_emails=seller_emails,
        progress=progress,
        result=result,
        sla=sla,
        workers=workers,
        expected=total - len(known),
    )
    handled = imported.added + imported.copies + imported.known - before + imported.failed
    skipped = total - handled
    imported.known += skipped
    if progress and skipped:
        progress(skipped)
    return imported

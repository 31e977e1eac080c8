"""IMAP sync: bring a server's folders into the store, incrementally and crash-safely.

Per folder: EXAMINE (read-only, so nothing is marked read), compare UIDVALIDITY/UIDNEXT/
HIGHESTMODSEQ with the stored state, fetch new UIDs in size-bounded batches of BODY.PEEK[] +
FLAGS through the same parse → thread → ingest path as import, and advance the folder's state
in the same transaction as each batch (with the UIDs of messages that could not be stored, which
every sync fetches again until they are). Then flag changes (CONDSTORE CHANGEDSINCE when offered,
else FLAGS of every known UID) and expunges (the server's UID set against the stored one).
"""

from __future__ import annotations

import sqlite3
import ssl
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError

from inbox_tui.channels.imap.parallel import (
    FETCH_ITEMS,
    NO_BODY,
    PARALLEL_FROM,
    Prepared,
    fetch_in_workers,
    worker_count,
)
from inbox_tui.channels.imap.session import (
    TIMEOUT,
    ImapSyncError,
    ImapUnreachable,
    all_uids,
    close,
    connect,
    error_text,
    server_flags,
    uid_fetch,
    uid_set,
)
from inbox_tui.config import ImapSourceConfig
from inbox_tui.domain.messages import IncomingMessage
from inbox_tui.intake import Intake, IntakeResult, Taken
from inbox_tui.secrets import SecretError, source_password
from inbox_tui.sla import DEFAULT_POLICY, SlaPolicy
from inbox_tui.store.db import Store
from inbox_tui.store.failed import failed_uids, forget_failures
from inbox_tui.store.sync import (
    FlagChange,
    FolderState,
    ServerFlags,
    apply_server_flags,
    folder_state,
    folder_uids,
    forget_folder,
    last_event_id,
    mark_found_again,
    mark_gone,
    new_mail_flags_to_push,
    record_pushed,
    save_folder_state,
    seen_to_push,
    ticket_flags_to_push,
)

BATCH_MESSAGES = 500
BATCH_BYTES = 32 * 1024 * 1024

Progress = Callable[[str, int, int | None], None]  # (folder, messages done, total or None)


@dataclass
class FolderResult:
    folder: str
    new: int = 0
    changed: int = 0
    gone: int = 0
    errors: int = 0
    unstored: int = 0  # messages that failed to store: remembered, fetched again next sync
    reconnects: int = 0  # the connection dropped and the folder was resumed
    pushed: int = 0  # local changes sent to the server
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    failed: str | None = None  # the folder could not be synced (missing, renamed, dropped)
    intake: IntakeResult = field(default_factory=IntakeResult)  # what came in, for rules

    def summary(self) -> str:
        if self.failed:
            return f"{self.folder}: failed: {self.failed}"
        extra = f", {self.pushed} sent to the server" if self.pushed else ""
        if self.unstored:
            extra += f", {self.unstored} not stored (tried again at the next sync)"
        if self.reconnects:
            extra += f", reconnected {self.reconnects}x"
        return (
            f"{self.folder}: {self.new} new, {self.changed} changed, {self.gone} gone,"
            f" {self.errors} errors{extra} ({self.seconds:.1f}s)"
        )


def source_key(config: ImapSourceConfig) -> str:
    return f"imap:{config.name}"


class FolderSync:
    """Syncs one folder over an open connection."""

    def __init__(
        self,
        client: IMAPClient,
        store: Store,
        config: ImapSourceConfig,
        folder: str,
        *,
        seller_emails: frozenset[str],
        progress: Progress | None = None,
        result: FolderResult | None = None,
        sla: SlaPolicy = DEFAULT_POLICY,
        workers: int | None = None,
        password: str | None = None,
    ) -> None:
        self.client, self.store, self.config, self.folder = client, store, config, folder
        self.workers = workers  # fetch-and-parse processes; None: decided by size and cores
        self.password = password  # for the workers' logins; None: read when they start
        self.sla = sla
        self.source = source_key(config)
        self.seller = seller_emails
        self.progress = progress
        self.condstore = client.has_capability("CONDSTORE")
        self.result = result or FolderResult(folder)  # carried over when retrying
        # Buffered: a batch's messages go in with a few INSERTs (store/ingest.py), not one
        # statement and one savepoint each; see _store_batch.
        self.intake = Intake(store, seller_emails=seller_emails, buffered=True)
        self.retry: set[int] = set()  # UIDs that failed to store in an earlier sync

    def run(self) -> FolderResult:
        started = time.perf_counter()
        try:
            self._run()
        finally:
            self.result.seconds += time.perf_counter() - started
        return self.result

    def _run(self) -> None:
        state = folder_state(self.store, self.source, self.folder)
        self.retry = {int(uid) for uid in failed_uids(self.store, self.source, self.folder)}
        pushed = last_event_id(self.store)  # local changes up to here go out in this sync
        push: dict[int, bool] = {}
        flag_changes: list[FlagChange] = []
        if state is not None and state.pushed_event < pushed:
            since = state.pushed_event
            push = seen_to_push(self.store, self.source, self.folder, since, pushed)
            flag_changes = ticket_flags_to_push(self.store, self.source, self.folder, since, pushed)
        # EXAMINE (read-only) unless there is something to push: nothing can change by accident.
        info = self.client.select_folder(self.folder, readonly=not (push or flag_changes))
        uidvalidity = int(info[b"UIDVALIDITY"])
        uidnext = info.get(b"UIDNEXT")
        modseq = info.get(b"HIGHESTMODSEQ") if self.condstore else None
        if state is not None and state.uidvalidity != uidvalidity:
            # The server renumbered the folder: forget its UIDs; fetching the mail again re-maps
            # every message to the stored one by its bytes or Message-ID, adding nothing twice.
            # Local changes not pushed yet stay local (their UIDs mean nothing any more).
            with self.store.transaction():
                forget_folder(self.store, self.source, self.folder)
            state, push, flag_changes, self.retry = None, {}, [], set()
        if push or flag_changes:
            # Before pulling: for the same flag, the seller's newer intent wins (docs/imap.md).
            self._push_seen(push)
            self._push_flags(flag_changes)
        elif state is not None and not self.retry and self._unchanged(state, uidnext, modseq):
            if pushed != state.pushed_event:
                with self.store.transaction():
                    save_folder_state(
                        self.store, self.source, self.folder,
                        FolderState(uidvalidity, state.highest_uid, state.highest_modseq, pushed),
                    )  # fmt: skip
            return  # one round-trip: nothing new, nothing changed, nothing expunged
        highest = state.highest_uid if state else 0
        current = FolderState(uidvalidity, highest, state.highest_modseq if state else None, pushed)
        if uidnext is None or int(uidnext) > highest + 1 or self.retry:
            current = self._fetch_new(current)
            tagged = new_mail_flags_to_push(self.store, self.source, self.folder, highest)
            if tagged:  # new mail in tagged or flagged tickets: give it their keywords
                if not (push or flag_changes):
                    self.client.select_folder(self.folder)  # EXAMINEd so far: now writable
                self._push_flags(tagged)
        if state is not None:
            self._pull_flags(state)
            self._find_expunged(current.highest_uid)
        with self.store.transaction():
            save_folder_state(
                self.store,
                self.source,
                self.folder,
                FolderState(
                    uidvalidity, current.highest_uid, int(modseq) if modseq else None, pushed
                ),
            )

    def _push_seen(self, push: dict[int, bool]) -> None:
        seen = sorted(uid for uid, value in push.items() if value)
        unseen = sorted(uid for uid, value in push.items() if not value)
        if seen:
            self.client.add_flags(seen, [b"\\Seen"], silent=True)
        if unseen:
            self.client.remove_flags(unseen, [b"\\Seen"], silent=True)
        self.result.pushed += len(push)

    def _push_flags(self, changes: list[FlagChange]) -> None:
        for change in changes:
            if change.add:
                self.client.add_flags([change.uid], sorted(change.add), silent=True)
            if change.remove:
                self.client.remove_flags([change.uid], sorted(change.remove), silent=True)
        if changes:
            with self.store.transaction():
                record_pushed(self.store, changes)
            self.result.pushed += len(changes)

    def _unchanged(self, state: FolderState, uidnext: Any, modseq: Any) -> bool:
        return (
            uidnext is not None
            and int(uidnext) <= state.highest_uid + 1
            and modseq is not None
            and state.highest_modseq is not None
            and int(modseq) == state.highest_modseq
        )

    def _fetch_new(self, state: FolderState) -> FolderState:
        """New mail, and the messages earlier syncs could not store (first: lower UIDs)."""
        wanted = f"{state.highest_uid + 1}:*"
        if self.retry:
            wanted = f"{uid_set(sorted(self.retry))},{wanted}"
        sizes = uid_fetch(self.client, wanted, ["RFC822.SIZE"])
        todo = sorted(
            (uid, int(data.get(b"RFC822.SIZE", 0)))
            for uid, data in sizes.items()
            if uid > state.highest_uid or uid in self.retry
        )
        expunged = self.retry.difference(uid for uid, _ in todo)
        if expunged:  # nothing left to store
            with self.store.transaction():
                forget_failures(self.store, self.source, self.folder, map(str, expunged))
            self.retry -= expunged
        done = 0
        if self.progress:
            self.progress(self.folder, 0, len(todo))
        for batch, prepared in self._fetched(_batches(todo), len(todo)):
            state = self._store_batch(state, batch, prepared)
            done += len(batch)
            if self.progress:
                self.progress(self.folder, done, len(todo))
        return state

    def _fetched(
        self, batches: list[list[int]], count: int
    ) -> Iterator[tuple[list[int], list[Prepared]]]:
        """The batches with their messages: fetched here, or by worker processes (already
        parsed) when the folder has many new messages (channels/imap/parallel.py)."""
        workers = self.workers
        if workers is None:
            workers = worker_count() if count >= PARALLEL_FROM else 0
        if workers > 0:
            password = self.password if self.password is not None else _password(self.config)
            yield from fetch_in_workers(
                self.config, password, self.folder, batches, seller=self.seller, workers=workers
            )
            return
        for batch in batches:
            fetched = uid_fetch(self.client, uid_set(batch), FETCH_ITEMS)
            yield (
                batch,
                [
                    Prepared(uid, data, None, None if b"BODY[]" in data else NO_BODY)
                    for uid in batch
                    if (data := fetched.get(uid)) is not None
                ],
            )  # a UID missing here was expunged between listing and fetching

    def _store_batch(
        self, state: FolderState, uids: list[int], prepared: list[Prepared]
    ) -> FolderState:
        """One batch and the folder's position past it, in one transaction, its messages
        written a few INSERTs at a time. When a message breaks it (the whole batch is rolled
        back), the batch is stored again one message at a time, each in a savepoint: the one
        that fails is undone alone and recorded in failed_messages (tried again at every sync).
        Either way the position never passes a message that is neither stored nor recorded."""
        try:
            state = self._store_batch_at_once(state, uids, prepared)
        except sqlite3.OperationalError:
            raise  # the store's own trouble (locked, full, I/O): nothing of this batch is kept
        except Exception:
            state = self._store_batch_alone(state, uids, prepared)
        self.intake.settle(self.sla)
        return state

    def _store_batch_at_once(
        self, state: FolderState, uids: list[int], prepared: list[Prepared]
    ) -> FolderState:
        tally = IntakeResult()
        unreadable: list[tuple[int, str]] = []  # no body, or a worker could not parse it
        found_again: list[int] = []
        with self.store.transaction():
            self.intake.begin_batch()
            # what workers parsed: the store asked about them all at once (Ingest.look_ahead)
            self.intake.look_ahead(item.ready for item in prepared if item.ready is not None)
            flags: dict[int, ServerFlags] = {}
            for item in prepared:
                if item.problem is not None:
                    unreadable.append((item.uid, item.problem))
                    continue
                flags[item.uid], taken = self._take(item)
                tally.count(taken)
                if taken.status != "added":  # the same message is stored: another location
                    found_again.append(item.uid)
            self.intake.flush()  # before anything reads the held messages' rows
            for uid in found_again:
                mark_found_again(self.store, self.source, self.folder, uid)
            state, settled = self._finish_batch(state, uids, flags, unreadable)
        self.retry -= set(settled)
        self.result.intake.add(tally)
        self.result.new += tally.added
        self._count_failures(unreadable)
        return state

    def _store_batch_alone(
        self, state: FolderState, uids: list[int], prepared: list[Prepared]
    ) -> FolderState:
        failed: list[tuple[int, str]] = []
        with self.store.transaction():
            self.intake.begin_batch()
            flags: dict[int, ServerFlags] = {}
            for item in prepared:
                reason = item.problem
                if reason is None:
                    stored, reason = self.intake.alone(partial(self._store_message, item))
                    if stored is not None:
                        flags[item.uid], taken = stored
                        self.result.intake.count(taken)
                        self.result.new += int(taken.status == "added")
                        continue
                failed.append((item.uid, reason or "unknown error"))
            state, settled = self._finish_batch(state, uids, flags, failed)
        self.retry -= set(settled)
        self._count_failures(failed)
        return state

    def _finish_batch(
        self,
        state: FolderState,
        uids: list[int],
        flags: dict[int, ServerFlags],
        failed: list[tuple[int, str]],
    ) -> tuple[FolderState, list[int]]:
        """Inside the batch's transaction: the failures remembered, the server's flags taken,
        and the folder's position moved past the batch. Returns it with the retried UIDs now
        stored (taken out of `retry` once committed)."""
        for uid, reason in failed:
            self.intake.remember_failure(self.source, self.folder, str(uid), reason)
        not_stored = {uid for uid, _ in failed}
        settled = [uid for uid in uids if uid in self.retry and uid not in not_stored]
        forget_failures(self.store, self.source, self.folder, map(str, settled))
        apply_server_flags(self.store, self.source, self.folder, flags)
        state = FolderState(
            state.uidvalidity,
            max(state.highest_uid, *uids),
            state.highest_modseq,
            state.pushed_event,
        )
        save_folder_state(self.store, self.source, self.folder, state)
        return state, settled

    def _count_failures(self, failed: list[tuple[int, str]]) -> None:
        """After the commit that recorded them."""
        for uid, reason in failed:
            self.result.intake.failed += 1
            self.result.errors += 1
            self.result.unstored += 1
            self.result.problems.append(f"UID {uid}: {reason}")

    def _take(self, prepared: Prepared) -> tuple[ServerFlags, Taken]:
        uid, data = prepared.uid, prepared.data
        raw = bytes(data[b"BODY[]"])
        flags = server_flags(data.get(b"FLAGS"))
        received = data.get(b"INTERNALDATE")
        item = IncomingMessage(
            raw=raw,
            source=self.source,
            folder=self.folder,
            uid=str(uid),
            received_at=received if isinstance(received, datetime) else None,
            seen=flags.seen,
            answered=flags.answered,
            flagged=False,  # set by apply_server_flags, which also flags the ticket
        )
        # parsed, threaded and encoded by a worker process, or (None) here by intake
        return flags, self.intake.take(item, ready=prepared.ready)

    def _store_message(self, prepared: Prepared) -> tuple[ServerFlags, Taken]:
        """One message alone, written at once (inside its savepoint)."""
        flags, taken = self._take(prepared)
        self.intake.flush()
        if taken.status != "added":  # the same message is stored: this is another location
            mark_found_again(self.store, self.source, self.folder, prepared.uid)
        return flags, taken

    def _pull_flags(self, state: FolderState) -> None:
        if state.highest_uid == 0:
            return
        uids = f"1:{state.highest_uid}"
        if self.condstore and state.highest_modseq is not None:
            fetched = uid_fetch(
                self.client, uids, ["FLAGS"], [f"CHANGEDSINCE {state.highest_modseq}"]
            )
        else:
            fetched = uid_fetch(self.client, uids, ["FLAGS"])
        flags = {
            uid: server_flags(data.get(b"FLAGS"))
            for uid, data in fetched.items()
            if uid <= state.highest_uid and b"FLAGS" in data
        }
        if flags:
            with self.store.transaction():
                self.result.changed += apply_server_flags(
                    self.store, self.source, self.folder, flags
                )

    def _find_expunged(self, highest_uid: int) -> None:
        on_server = all_uids(self.client)
        stored = folder_uids(self.store, self.source, self.folder)
        missing = sorted(uid for uid in stored if uid <= highest_uid and uid not in on_server)
        if missing:
            with self.store.transaction():
                self.result.gone += mark_gone(
                    self.store, self.source, self.folder, missing, keep=self.config.keep_gone
                )


def _batches(todo: list[tuple[int, int]]) -> list[list[int]]:
    batches: list[list[int]] = []
    current: list[int] = []
    size = 0
    for uid, length in todo:
        if current and (len(current) >= BATCH_MESSAGES or size + length > BATCH_BYTES):
            batches.append(current)
            current, size = [], 0
        current.append(uid)
        size += length
    if current:
        batches.append(current)
    return batches


# A dropped connection or a timeout: reconnect after these pauses (seconds), each new try after
# the next pause whether the link dropped again or the server did not answer yet, and resume the
# folder from its last committed batch; after the last one, give up on the source for this run.
BACKOFF = (1.0, 4.0, 15.0)
_CONNECTION_LOST = (OSError, EOFError, IMAPClientAbortError, ssl.SSLError, ImapUnreachable)


def sync_source(
    store: Store,
    config: ImapSourceConfig,
    *,
    seller_emails: frozenset[str] = frozenset(),
    progress: Progress | None = None,
    timeout: float = TIMEOUT,
    backoff: tuple[float, ...] = BACKOFF,
    sla: SlaPolicy = DEFAULT_POLICY,
    workers: int | None = None,
) -> list[FolderResult]:
    """Sync every configured folder of one IMAP source. ImapSyncError if it cannot even log in.
    `workers`: processes that fetch and parse while this one stores (None: as many as the
    cores allow, `parallel.worker_count`, for folders with PARALLEL_FROM new messages or
    more; 0: never)."""
    password = _password(config)  # once: a password command is not run at every reconnect
    client: IMAPClient | None = _session(config, timeout, password)
    results: list[FolderResult] = []
    try:
        for folder in config.folders:
            result = FolderResult(folder)
            results.append(result)
            tries = 0  # reconnections tried for this folder, one per pause of `backoff`
            while True:
                try:
                    if client is None:
                        client = _session(config, timeout, password)
                        result.reconnects += 1
                    FolderSync(
                        client, store, config, folder,
                        seller_emails=seller_emails, progress=progress, result=result, sla=sla,
                        workers=workers, password=password,
                    ).run()  # fmt: skip
                    break
                except _CONNECTION_LOST as exc:
                    if client is not None:
                        close(client)
                        client = None
                    if tries >= len(backoff):
                        result.failed = _given_up(exc, tries, backoff)
                        return results  # the server is unwell: leave the other folders be
                    time.sleep(backoff[tries])
                    tries += 1
                except ImapSyncError as exc:  # reconnecting was refused (login, TLS)
                    result.failed = f"could not reconnect: {exc}"
                    return results
                except IMAPClientError as exc:  # a missing or renamed folder: report, go on
                    result.failed = error_text(exc)
                    break
    finally:
        if client is not None:
            close(client)
    return results


def _given_up(exc: BaseException, tries: int, backoff: tuple[float, ...]) -> str:
    if isinstance(exc, ImapUnreachable):  # the server stayed away
        waited = sum(backoff[:tries])
        return f"could not reconnect ({tries} tries in {waited:.0f}s): {exc}"
    return f"connection lost {tries + 1} times, last: {error_text(exc)}"


def _password(config: ImapSourceConfig) -> str:
    try:
        return source_password(config)
    except SecretError as exc:
        raise ImapSyncError(str(exc)) from None


def _session(config: ImapSourceConfig, timeout: float, password: str) -> IMAPClient:
    client = connect(config, timeout=timeout, password=password)
    try:
        if client.has_capability("CONDSTORE") and client.has_capability("ENABLE"):
            client.enable("CONDSTORE")  # so SELECT reports HIGHESTMODSEQ
    except _CONNECTION_LOST as exc:
        close(client)
        raise ImapUnreachable(f"{config.host} dropped the connection: {error_text(exc)}") from None
    return client

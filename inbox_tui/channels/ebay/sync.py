"""eBay sync: bring an account's conversations into the store, incrementally and crash-safely.

Per conversation type: first send the seller's local read changes (update_conversation), then
list conversations whose latest message is at or after the stored cursor (newest first, 50 a
page; paging.py ends a listing whose `total` lies), and fetch only those whose latest message
is not stored yet, a few at a time (bounded by `concurrency`, never faster than
`max_per_second`). Fetched conversations are stored oldest first, 50 to a transaction, and the
cursor moves to the newest stored one's latest message in the same transaction, so a crash or
a failure resumes where it stopped. A message that cannot be
stored is recorded in failed_messages in that transaction, and its conversation is read again
(from the top) at every sync until it is stored. With nothing new, a sync costs one request per
conversation type.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import httpx

from inbox_tui.channels.ebay.api import (
    MAX_LIST_PAGES,
    MESSAGE_API,
    PAGE,
    conversation_messages,
    ebay_client,
    message_page,
    seller_username,
    source_key,
)
from inbox_tui.channels.ebay.mail import member_address, message_to_mail, parse_ebay_time
from inbox_tui.config import EbaySourceConfig
from inbox_tui.domain.messages import IncomingMessage
from inbox_tui.intake import Intake, IntakeResult, Taken
from inbox_tui.marketplaces.http import ApiClient, ApiError
from inbox_tui.marketplaces.paging import Listing, Page, page_of, read_listing
from inbox_tui.sanitize import clean_line
from inbox_tui.sla import DEFAULT_POLICY, SlaPolicy
from inbox_tui.store.conversations import (
    apply_read_state,
    conversation_type,
    inbound_newest_first,
    is_known,
    known_messages,
    list_cursor,
    pushed_event,
    read_changes,
    remember_conversation,
    remember_member,
    save_list_cursor,
    save_pushed_event,
)
from inbox_tui.store.db import Store
from inbox_tui.store.failed import failed_folders, forget_failures
from inbox_tui.store.sync import last_event_id

Progress = Callable[[str, int, int | None], None]  # (conversation type, done, total or None)

BATCH_CONVERSATIONS = 50  # conversations stored per transaction


@dataclass
class TypeResult:
    """What one conversation type's sync did: the summary line `inbox-tui sync` prints."""

    conversation_type: str
    new: int = 0
    changed: int = 0
    errors: int = 0
    unstored: int = 0  # messages that failed to store: remembered, read again next sync
    pushed: int = 0
    conversations: int = 0  # fetched because something was new
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    failed: str | None = None
    stopped: str | None = None  # the listing ended before it said it would: why
    intake: IntakeResult = field(default_factory=IntakeResult)  # what came in, for rules

    def summary(self) -> str:
        if self.failed:
            return f"{self.conversation_type}: failed: {self.failed}"
        extra = f", {self.pushed} sent to eBay" if self.pushed else ""
        if self.unstored:
            extra += f", {self.unstored} not stored (tried again at the next sync)"
        stopped = f"; {self.stopped}" if self.stopped else ""
        return (
            f"{self.conversation_type}: {self.new} new, {self.changed} changed,"
            f" {self.errors} errors{extra} ({self.seconds:.1f}s){stopped}"
        )


@dataclass
class _Fetched:
    summary: dict[str, Any]
    known: set[str]
    messages: list[dict[str, Any]] | None = None
    error: ApiError | None = None
    stopped: str | None = None  # why its messages were not all read


class EbaySync:
    """Syncs one eBay source's conversation types over one client."""

    def __init__(
        self,
        store: Store,
        config: EbaySourceConfig,
        client: ApiClient,
        *,
        seller_emails: frozenset[str] = frozenset(),
        progress: Progress | None = None,
        sla: SlaPolicy = DEFAULT_POLICY,
    ) -> None:
        self.store, self.config, self.client = store, config, client
        self.source = source_key(config)
        self.progress = progress
        self.sla = sla
        self.seller = seller_username(store, config, client)
        self.seller_emails = seller_emails | {member_address(self.seller)}
        self.intake = Intake(store, seller_emails=self.seller_emails)
        self.failed: dict[str, set[str]] = {}  # conversation id -> messageIds not stored yet

    # -- local read changes out ----------------------------------------------------------
    def push_read_state(self, results: dict[str, TypeResult]) -> None:
        """Send conversations the seller marked read/unread here since the last sync."""
        upto = last_event_id(self.store)
        since = pushed_event(self.store, self.source)
        if since is not None and since < upto:
            changes = read_changes(self.store, self.source, since, upto)
            for conversation_id, read in sorted(changes.items()):
                kind = conversation_type(self.store, self.source, conversation_id)
                if kind not in results:
                    continue
                try:
                    self.client.request(
                        "POST",
                        f"{MESSAGE_API}/update_conversation",
                        json={
                            "conversationId": conversation_id,
                            "conversationType": kind,
                            "read": read,
                        },
                        expect=(200, 204),
                    )
                    results[kind].pushed += 1
                except ApiError as exc:
                    if exc.offline or exc.auth_failed:
                        raise
                    results[kind].errors += 1
                    results[kind].problems.append(f"conversation {conversation_id}: {exc}")
        if since != upto:
            with self.store.transaction():
                save_pushed_event(self.store, self.source, upto)

    # -- conversations in ----------------------------------------------------------------
    def run(self, kind: str, result: TypeResult) -> TypeResult:
        started = time.perf_counter()
        try:
            self._run(kind, result)
        finally:
            result.seconds += time.perf_counter() - started
        return result

    def _run(self, kind: str, result: TypeResult) -> None:
        since = list_cursor(self.store, self.source, kind)
        listing = self._list(kind, since)
        result.stopped = listing.stopped
        self.failed = failed_folders(self.store, self.source)
        retry = {
            conversation_id
            for conversation_id in self.failed
            if conversation_type(self.store, self.source, conversation_id) == kind
        }
        todo: list[dict[str, Any]] = []
        newest = since
        for summary in listing.items:
            latest = summary.get("latestMessage") or {}
            stamp = latest.get("createdDate")
            if isinstance(stamp, str) and _later(stamp, newest):
                newest = stamp
            conversation_id = str(summary["conversationId"])
            retry.discard(conversation_id)
            if (
                conversation_id not in self.failed
                and latest.get("messageId")
                and is_known(self.store, self.source, conversation_id, str(latest["messageId"]))
            ):
                result.changed += self._unread_count(conversation_id, summary)
            else:
                todo.append(summary)
        todo += ({"conversationId": conversation_id} for conversation_id in sorted(retry))
        todo.sort(key=lambda s: _time_key((s.get("latestMessage") or {}).get("createdDate")))
        result.conversations = len(todo)
        # an unfinished listing holds the cursor: what it did not show is listed again next time
        clean = self._fetch_all(kind, todo, result, listing.complete)
        if clean and newest is not None and newest != since:
            with self.store.transaction():
                save_list_cursor(self.store, self.source, kind, newest)

    def _list(self, kind: str, since: str | None) -> Listing:
        """Every conversation of this type whose latest message is at or after `since` (a
        conversation that moved up while we paged is listed twice: the first is kept)."""
        params: dict[str, Any] = {"conversation_type": kind, "limit": PAGE}
        if since:
            params["start_time"] = since

        def fetch(offset: int) -> Page:
            body = self.client.get_json(
                f"{MESSAGE_API}/conversation", params={**params, "offset": offset}
            )
            return page_of(body, "conversations")

        return read_listing(
            fetch,
            lambda summary: str(summary.get("conversationId") or ""),
            what="eBay's conversation list",
            page_size=PAGE,
            max_pages=MAX_LIST_PAGES,
        )

    def _unread_count(self, conversation_id: str, summary: dict[str, Any]) -> int:
        """A listed conversation with nothing new: take eBay's unread count (read elsewhere)."""
        unread = summary.get("unreadCount")
        if not isinstance(unread, int) or unread < 0:
            return 0
        inbound = inbound_newest_first(self.store, self.source, conversation_id)
        wanted = {uid: index >= unread for index, uid in enumerate(inbound)}
        with self.store.transaction():
            return apply_read_state(self.store, self.source, conversation_id, wanted)

    def _fetch_all(
        self, kind: str, todo: list[dict[str, Any]], result: TypeResult, clean: bool
    ) -> bool:
        """Fetch and store the conversations in order, up to BATCH_CONVERSATIONS of them per
        transaction (one commit each would cost more than the rest); True when every one was
        stored and `clean` (the cursor may move). A failure commits what came before it: that
        work is done."""
        pending = 0
        if self.progress:
            self.progress(kind, 0, len(todo))
        with ExitStack() as transaction:
            for done, fetched in enumerate(self._fetched(kind, todo), start=1):
                conversation_id = str(fetched.summary["conversationId"])
                if fetched.error is not None:
                    if fetched.error.offline or fetched.error.auth_failed:
                        self._commit(transaction)
                        raise fetched.error
                    clean = False
                    result.errors += 1
                    result.problems.append(f"conversation {conversation_id}: {fetched.error}")
                else:
                    if fetched.stopped:  # stored as far as eBay listed it; looked at again
                        clean = False
                        result.errors += 1
                        result.problems.append(f"conversation {conversation_id}: {fetched.stopped}")
                    if pending == 0:
                        transaction.enter_context(self.store.transaction())
                        self.intake.begin_batch()
                    stamp = (fetched.summary.get("latestMessage") or {}).get("createdDate")
                    cursor = stamp if clean and isinstance(stamp, str) else None
                    self._store(kind, fetched, cursor, result)
                    pending += 1
                    if pending >= BATCH_CONVERSATIONS:
                        self._commit(transaction)
                        pending = 0
                if self.progress:
                    self.progress(kind, done, len(todo))
            self._commit(transaction)
        return clean

    def _commit(self, transaction: ExitStack) -> None:
        transaction.close()  # leaves the store.transaction() block: COMMIT
        self.intake.settle(self.sla)

    def _fetched(self, kind: str, todo: list[dict[str, Any]]) -> Iterator[_Fetched]:
        """The conversations' messages, in `todo` order, fetched `concurrency` at a time."""
        if not todo:
            return
        window = self.config.concurrency * 2
        with ThreadPoolExecutor(self.config.concurrency, thread_name_prefix="ebay") as pool:
            pending: deque[tuple[_Fetched, Future[Listing]]] = deque()
            queue = iter(todo)
            try:
                for summary in queue:
                    pending.append(self._submit(pool, kind, summary))
                    if len(pending) >= window:
                        break
                while pending:
                    fetched, future = pending.popleft()
                    nxt = next(queue, None)
                    if nxt is not None:
                        pending.append(self._submit(pool, kind, nxt))
                    try:
                        listing = future.result()
                        fetched.messages, fetched.stopped = listing.items, listing.stopped
                    except ApiError as exc:
                        fetched.error = exc
                    yield fetched
            finally:
                for _, future in pending:
                    future.cancel()

    def _submit(
        self, pool: ThreadPoolExecutor, kind: str, summary: dict[str, Any]
    ) -> tuple[_Fetched, Future[Listing]]:
        conversation_id = str(summary["conversationId"])
        known = known_messages(self.store, self.source, conversation_id)  # main thread: SQLite
        fetched = _Fetched(summary, known)
        everything = conversation_id in self.failed  # an older message waits: read them all
        return fetched, pool.submit(self._messages, kind, conversation_id, known, everything)

    def _messages(
        self, kind: str, conversation_id: str, known: set[str], everything: bool = False
    ) -> Listing:
        """The messages worth reading: from the page holding the last stored one when eBay
        lists oldest first (as it does), else every page until a stored message shows up;
        `everything`: every page."""
        if everything:
            return conversation_messages(self.client, conversation_id, kind)
        start = max(len(known) - 1, 0)  # a page that starts with the last stored message
        first = message_page(self.client, conversation_id, kind, start)
        if start and not (
            first.items
            and str(first.items[0].get("messageId")) in known
            and _ascending(first.items)
        ):
            start = 0  # not as expected (deleted messages, another order): read from the top
            first = message_page(self.client, conversation_id, kind)

        def enough(page: list[dict[str, Any]]) -> bool:  # newest first: the rest is stored
            return not _ascending(first.items) and any(
                str(m.get("messageId")) in known for m in page
            )

        return conversation_messages(
            self.client, conversation_id, kind, start=start, first=first, enough=enough
        )

    def _store(self, kind: str, fetched: _Fetched, cursor: str | None, result: TypeResult) -> None:
        """One conversation's new messages and read state, and the cursor that covers them,
        inside the caller's transaction."""
        conversation = fetched.summary
        conversation_id = str(conversation["conversationId"])
        messages = sorted(
            (m for m in fetched.messages or [] if m.get("messageId")),
            key=lambda m: _time_key(m.get("createdDate")),
        )
        read: dict[str, bool] = {}
        remember_conversation(self.store, self.source, conversation_id, kind)
        waiting = self.failed.pop(conversation_id, set())
        for message in messages:
            uid = str(message["messageId"])
            if uid in fetched.known:
                if isinstance(message.get("readStatus"), bool):
                    read[uid] = message["readStatus"]
                continue
            work = partial(self._store_message, conversation, message)
            taken, reason = self.intake.alone(work)
            if taken is not None:  # stored (or known by its bytes): nothing left to try
                result.intake.count(taken)
                result.new += int(taken.status == "added")
                continue
            waiting.discard(uid)
            self.intake.remember_failure(self.source, conversation_id, uid, reason or "?")
            result.intake.failed += 1
            result.errors += 1
            result.unstored += 1
            result.problems.append(clean_line(f"message {uid}: {reason}"))  # eBay's id too
        # the rest of `waiting` is stored now, or no longer on eBay
        forget_failures(self.store, self.source, conversation_id, waiting)
        result.changed += apply_read_state(self.store, self.source, conversation_id, read)
        if kind == "FROM_MEMBERS":
            self._remember_buyers(messages)
        if cursor is not None:
            save_list_cursor(self.store, self.source, kind, cursor)

    def _remember_buyers(self, messages: list[dict[str, Any]]) -> None:
        """The other party's eBay user name on their customer record (orders, replies)."""
        seller = self.seller.casefold()
        names = {
            clean_line(str(m.get(key) or ""))
            for m in messages
            for key in ("senderUsername", "recipientUsername")
        }
        for name in names:
            if name and name.casefold() != seller:
                remember_member(self.store, member_address(name), name)

    def _store_message(self, conversation: dict[str, Any], message: dict[str, Any]) -> Taken:
        raw = message_to_mail(message, conversation)
        from_seller = str(message.get("senderUsername") or "").casefold() == self.seller.casefold()
        item = IncomingMessage(
            raw=raw,
            source=self.source,
            folder=str(conversation["conversationId"]),
            uid=str(message["messageId"]),
            received_at=parse_ebay_time(message.get("createdDate")),
            seen=from_seller or message.get("readStatus") is True,
        )
        return self.intake.take(item)


def _ascending(messages: list[dict[str, Any]]) -> bool:
    stamps = [_time_key(m.get("createdDate")) for m in messages]
    return all(a <= b for a, b in zip(stamps, stamps[1:], strict=False))


def _time_key(value: Any) -> str:
    """eBay times sort as text once normalised (all UTC, `Z`)."""
    when = parse_ebay_time(value)
    return when.isoformat() if when else ""


def _later(stamp: str, than: str | None) -> bool:
    return than is None or _time_key(stamp) > _time_key(than)


def sync_source(
    store: Store,
    config: EbaySourceConfig,
    *,
    seller_emails: frozenset[str] = frozenset(),
    progress: Progress | None = None,
    sla: SlaPolicy = DEFAULT_POLICY,
    transport: httpx.BaseTransport | None = None,
    client: ApiClient | None = None,
) -> list[TypeResult]:
    """Sync every configured conversation type of one eBay source. Raises ApiError when eBay
    cannot be reached or refuses the credentials, SecretError when a secret cannot be read."""
    own = client is None
    client = client or ebay_client(config, transport)
    try:
        sync = EbaySync(
            store, config, client, seller_emails=seller_emails, progress=progress, sla=sla
        )
        results: dict[str, TypeResult] = {
            kind: TypeResult(kind) for kind in config.conversation_types
        }
        sync.push_read_state(results)
        for kind, result in results.items():
            try:
                sync.run(kind, result)
            except ApiError as exc:
                if exc.offline or exc.auth_failed:
                    raise
                result.failed = str(exc)
        return list(results.values())
    finally:
        if own:
            client.close()

"""What the command line and the TUI both do, written once: fill a template in for a ticket,
queue the reply with what its template says, send what is due, resend a failed reply, sync.

`cli.py` prints what these return; the composer and the app's workers show it. Neither calls
the outbox or the sync machinery by itself (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from inbox_tui.outbox.queue import (
    ReplyRefused,
    Resent,
    cancel_reply,
    queue_reply,
    resend,
    resend_newest_failed,
)
from inbox_tui.store import actions
from inbox_tui.store.db import Store
from inbox_tui.store.reply_context import reply_context

if TYPE_CHECKING:
    from inbox_tui.config import Config
    from inbox_tui.config_cache import StartConfig
    from inbox_tui.outbox.sender import Progress, SendReport
    from inbox_tui.rules.engine import RulesReport
    from inbox_tui.sla import SlaPolicy
    from inbox_tui.syncing import FolderProgress, SourceOutcome
    from inbox_tui.templates import Template

__all__ = [
    "ReplyRefused",
    "Resent",
    "Undone",
    "context_for",
    "queue",
    "resend",
    "resend_newest_failed",
    "run_rules",
    "send",
    "sync",
    "take_back",
    "undo_last",
]


def context_for(
    store: Store, config: Config | StartConfig, ticket_id: int, *, now: datetime
) -> dict[str, Any]:
    """What a template can say about this ticket, its dates in the seller's time zone (only
    `config.seller` is read: the start's settings do). ValueError for a ticket that does not
    exist."""
    from inbox_tui.suggest import order_state

    seller = config.seller
    today = now.astimezone(seller.tzinfo).date()
    context = reply_context(store, ticket_id, seller=seller, today=today)
    order = context.get("order")
    if order is not None:  # delivered / shipped / unshipped / refunded / cancelled, or ""
        shipped = order.pop("shipped")
        state = order_state(order.pop("status"), shipped=shipped) or ""
        # eBay says IN_PROGRESS until every line shipped: a tracking number means it is on its way
        order["state"] = "shipped" if state == "unshipped" and shipped else state
    return context


def queue(
    store: Store,
    config: Config,
    ticket_id: int,
    *,
    body: str,
    at: datetime,
    template: Template | None = None,
    subject: str | None = None,
    status: str | None = None,
    hold: timedelta | None = None,
) -> int:
    """Commit the reply to the outbox; its template's status (unless `status` says another)
    and tags come with it. ReplyRefused (one line) when it cannot go. It waits `hold`
    (default: outbox.undo_seconds) before anything sends it: `u` takes it back meanwhile."""
    return queue_reply(
        store,
        config,
        ticket_id,
        body=body,
        subject=subject,
        template_key=template.key if template else None,
        status=status or (template.status if template else None),
        tags=template.tags if template else (),
        at=at,
        hold=hold if hold is not None else timedelta(seconds=config.outbox.undo_seconds),
    )


def send(
    store: Store,
    config: Config,
    *,
    now: datetime,
    only: Collection[int] | None = None,
    progress: Progress | None = None,
) -> SendReport:
    """Send what the outbox holds that is due now (or only these outbox ids), exactly once."""
    from inbox_tui.outbox.sender import send_due  # SMTP and the APIs only once a send runs

    return send_due(store, config, now=now, progress=progress, only=only)


def sync(
    store: Store,
    sources: Sequence[Any],
    *,
    seller_emails: frozenset[str],
    sla: SlaPolicy,
    progress: FolderProgress | None = None,
) -> list[SourceOutcome]:
    """Bring each source up to date, one after the other; one that fails does not stop the
    others. Each outcome carries what came in (`intake`)."""
    from inbox_tui.syncing import sync_one  # parsers and network clients only now

    return [
        sync_one(store, source, seller_emails=seller_emails, sla=sla, progress=progress)
        for source in sources
    ]


def run_rules(store: Store, config: Config, *, now: datetime) -> RulesReport:
    """The rules (`rules:` in the config) on the mail that came in since they last looked, and
    the timed ones on the tickets that wait: after every sync and import, in the CLI and the
    TUI. Never raises: a rule that fails, or a run that cannot finish (the store busy), is in
    the report's failures, and the next sync goes on where this one stopped."""
    from inbox_tui.rules.engine import Firing, RulesReport, run

    try:
        return run(store, config, now=now)
    except Exception as error:
        why = " ".join(f"{type(error).__name__}: {error}".split())[:200]
        report = RulesReport()
        report.firings.append(Firing("(all)", 0, 0, f"failed: {why}", failed=True))
        return report


@dataclass(frozen=True, slots=True)
class Undone:
    """What an undo did: the tickets it touched, and the line that says so."""

    tickets: list[int]
    line: str  # "Undid: close and send of #123"
    taken_back: int = 0  # replies taken out of the outbox, back as drafts
    too_late: int = 0  # replies already on their way: the undo could not stop them


_VERBS = {"closed": "close", "open": "reopen", "pending": "marking pending"}


def undo_last(store: Store, *, at: datetime, batch: str | None = None) -> Undone | None:
    """Undo the seller's newest action (the TUI's `u`), or `batch` when given (a ticket's own
    newest change, a rule's too); None when there is nothing to undo.

    A reply queued with it that is still held in the outbox (outbox.undo_seconds) is taken
    back: it will not be sent, and its text is the ticket's draft again."""
    if batch is None:
        batch = actions.last_batch(store)
    if batch is None:
        return None
    before = actions.batch_events(store, batch)
    tickets = actions.batch_tickets(store, batch)
    actions.undo(store, batch, at=at)
    put_back = [e for e in actions.batch_events(store, batch) if e[1] == "undo"]
    taken = sum(1 for e in put_back if (e[2] or "").startswith("queued:") and e[3] == "draft")
    queued = sum(1 for e in before if e[1] == "queued")
    line = f"Undid: {_what(before, taken_back=bool(taken))} of {_which(tickets)}"
    if queued > taken:
        line += " (the reply had already gone out: only the ticket is back)"
    elif taken:
        line += ": the reply is a draft again"
    return Undone(tickets, line, taken, queued - taken)


def _what(events: Sequence[tuple[int, str, str | None, str | None]], *, taken_back: bool) -> str:
    """ "close and send", "tag #refund", "flag" … from a batch's events."""
    parts: list[str] = []
    for _, kind, old, new in events:
        if kind == "status":
            word = _VERBS.get(new or "", new or "status")
        elif kind == "snooze":
            word = "snooze"
        elif kind == "tag_add":
            word = f"tag #{new}"
        elif kind == "tag_remove":
            word = f"untag #{old}"
        elif kind == "flag":
            word = "flag" if new == "1" else "unflag"
        elif kind == "priority":
            word = "priority"
        elif kind == "read":
            word = "mark read/unread"
        elif kind == "queued":
            if not taken_back:
                continue  # it went: the line says so after the rest
            word = "send"
        else:
            continue
        if word not in parts:
            parts.append(word)
    if not parts:
        return "the last action"
    return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]


def _which(tickets: Sequence[int]) -> str:
    if len(tickets) == 1:
        return f"#{tickets[0]}"
    return f"{len(tickets):,} tickets"


def take_back(store: Store, outbox_id: int, *, at: datetime) -> int:
    """Take a held or waiting reply out of the outbox (the outbox view's cancel): it will not
    be sent, its text and files are the ticket's draft again; the ticket id. ReplyRefused
    when it is being sent or already went."""
    return cancel_reply(store, outbox_id, at=at)


def attach_file(store: Store, config: Config, ticket_id: int, path: str, *, at: datetime) -> str:
    """Attach the file at `path` to the ticket's draft (its bytes are read now, so a restart
    or a moved file keeps it); the line that says so. ReplyRefused (one line) when the file
    cannot be read, is too big, or the ticket's channel takes no files (eBay)."""
    import mimetypes
    from pathlib import Path

    from inbox_tui.outbox.queue import files_refused
    from inbox_tui.store.db import format_time
    from inbox_tui.store.reply_files import MAX_FILE_BYTES, add_draft_file

    refused = files_refused(store, config, ticket_id)
    if refused:
        raise ReplyRefused(f"ticket {ticket_id}: {refused}")
    file = Path(path.strip()).expanduser()
    if not path.strip():
        raise ReplyRefused("no file given: type the path of the file to attach")
    try:
        size = file.stat().st_size
        if file.is_dir():
            raise ReplyRefused(f"{file} is a folder: give the path of a file in it")
        if size > MAX_FILE_BYTES:
            raise ReplyRefused(
                f"{file.name} is {size / 1_048_576:.0f} MB: mail servers take about"
                f" {MAX_FILE_BYTES // 1_048_576} MB at most; send a link instead"
            )
        data = file.read_bytes()
    except OSError as exc:
        raise ReplyRefused(f"cannot read {file}: {exc.strerror or exc}") from None
    content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    with store.transaction():
        add_draft_file(store, ticket_id, file.name, content_type, data, at=format_time(at))
    return f"Attached {file.name} ({_size(len(data))})"


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} B"
    if count < 1_048_576:
        return f"{count / 1024:.0f} KB"
    return f"{count / 1_048_576:.1f} MB"

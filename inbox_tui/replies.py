"""What the command line and the TUI both do, written once: fill a template in for a ticket,
queue the reply with what its template says, send what is due, resend a failed reply, sync.

`cli.py` prints what these return; the composer and the app's workers show it. Neither calls
the outbox or the sync machinery by itself (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from inbox_tui.outbox.queue import ReplyRefused, Resent, queue_reply, resend, resend_newest_failed
from inbox_tui.store.db import Store
from inbox_tui.store.reply_context import reply_context

if TYPE_CHECKING:
    from inbox_tui.config import Config
    from inbox_tui.outbox.sender import Progress, SendReport
    from inbox_tui.rules.engine import RulesReport
    from inbox_tui.sla import SlaPolicy
    from inbox_tui.syncing import FolderProgress, SourceOutcome
    from inbox_tui.templates import Template

__all__ = [
    "ReplyRefused",
    "Resent",
    "context_for",
    "queue",
    "resend",
    "resend_newest_failed",
    "run_rules",
    "send",
    "sync",
]


def context_for(store: Store, config: Config, ticket_id: int, *, now: datetime) -> dict[str, Any]:
    """What a template can say about this ticket, its dates in the seller's time zone.
    ValueError for a ticket that does not exist."""
    seller = config.seller
    today = now.astimezone(seller.tzinfo).date()
    return reply_context(store, ticket_id, seller=seller, today=today)


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
) -> int:
    """Commit the reply to the outbox; its template's status (unless `status` says another)
    and tags come with it. ReplyRefused (one line) when it cannot go."""
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

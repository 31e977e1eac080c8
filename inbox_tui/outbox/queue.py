"""Queueing a reply: check the channel's rules, build the MIME, commit it to the outbox.

The outbox row, the status and tags the reply sets, and the end of the ticket's draft are one
transaction: after a crash either all of it happened or none. Nothing is sent here; the sender
(sender.py) takes queued replies out, exactly once.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import formataddr
from typing import Any

from inbox_tui.channels.base import SourceKind
from inbox_tui.channels.registry import channel_problems, source_kind
from inbox_tui.domain.messages import real_message_id
from inbox_tui.domain.replies import MISSING_VALUE, RuleProblem, attachment_promised
from inbox_tui.domain.tickets import SETTABLE_STATUSES
from inbox_tui.outbox.message import (
    ReplyHeaders,
    build_reply,
    new_message_id,
    reply_subject,
    thread_references,
    with_signature,
)
from inbox_tui.sanitize import clean_line, clean_text
from inbox_tui.store.actions import add_tag, atomic, new_batch, record_queued, set_status
from inbox_tui.store.db import Store, format_time
from inbox_tui.store.drafts import delete_draft, get_draft, save_draft
from inbox_tui.store.outbox import (
    Inbound,
    delete_queued,
    get_entry,
    insert_reply,
    last_inbound,
    newest_failed,
    queued_draft,
    requeue,
    ticket_channel,
    ticket_sources,
)
from inbox_tui.store.reply_files import (
    draft_file_contents,
    draft_files,
    give_back_to_draft,
    give_to_reply,
)
from inbox_tui.store.views import get_ticket

__all__ = [
    "DEMO_NO_SERVER",
    "ReplyRefused",
    "Resent",
    "Route",
    "RuleProblem",
    "cancel_reply",
    "check_reply",
    "queue_reply",
    "resend",
    "resend_newest_failed",
    "route_for",
]


class ReplyRefused(Exception):
    """The reply cannot be queued; str() is one line saying why and what to do."""


@dataclass(frozen=True, slots=True)
class Route:
    """How a ticket's replies leave: the transport and the configured source that sends them."""

    transport: str  # outbox.transport: the source kind's ("smtp" for imap, "ebay")
    source: str  # the source's name in the config
    config: Any  # that source's config section


DEMO_NO_SERVER = "the demo has no mail server: your reply waits in the outbox"
# The demo's made-up customers are answered through no server at all (not the seller's SMTP).
DEMO_ROUTE = Route("demo", "demo", None)


def check_reply(store: Store, ticket_id: int, body: str) -> list[RuleProblem]:
    """The channel's objections to `body` as a reply in this ticket (empty: fine to queue)."""
    channel = ticket_channel(store, ticket_id)
    if channel is None:
        raise ReplyRefused(f"no ticket with id {ticket_id}")
    problems = channel_problems(channel, body)
    promised = attachment_promised(body)
    if promised is not None and not draft_files(store, ticket_id):
        problems = sorted([*problems, promised], key=lambda p: p.start)
    return problems


def queue_reply(
    store: Store,
    config: Any,
    ticket_id: int,
    *,
    body: str,
    subject: str | None = None,
    template_key: str | None = None,
    status: str | None = None,
    tags: Sequence[str] = (),
    at: datetime,
    auto_submitted: bool = False,
    hold: timedelta = timedelta(0),
) -> int:
    """Commit a reply to the outbox and return its outbox id; ReplyRefused (one line) when it
    cannot go: a channel rule, a value still missing, no source that can send it.

    `auto_submitted`: a rule's reply (`Auto-Submitted: auto-replied`); the ticket's draft, the
    seller's own words, is kept.

    `subject` None answers with "Re: " and the customer's subject. `template_key` says which
    template the reply came from (kept with the undo record, which puts the draft back).
    The files attached to the ticket's draft go with it. Nothing sends it before `at + hold`
    (outbox.undo_seconds): until then an undo of this one batch (the reply, its status and
    tags) takes it back as the draft.
    """
    if status is not None and status not in SETTABLE_STATUSES:
        raise ReplyRefused(
            f"unknown status {status!r} after the reply: expected {', '.join(SETTABLE_STATUSES)}"
        )
    body = clean_text(body)
    if not body.strip():
        raise ReplyRefused(f"ticket {ticket_id}: the reply is empty")
    if missing := MISSING_VALUE.search(body):
        raise ReplyRefused(
            f"ticket {ticket_id}: the reply still says {missing.group(0)!r}: fill it in first"
        )
    route = DEMO_ROUTE if store.demo else route_for(store, config, ticket_id)
    files = [] if auto_submitted else draft_file_contents(store, ticket_id)
    if files and (refused := _files_refused(route)):
        raise ReplyRefused(f"ticket {ticket_id}: {refused}")
    text = with_signature(body, signature_for(route, config))
    _refuse_on_rules(store, ticket_id, text, len(body))
    inbound = last_inbound(store, ticket_id)
    if inbound is None:
        raise ReplyRefused(f"ticket {ticket_id} has no message from the customer to answer")
    sender = _sender(route, config)
    headers = ReplyHeaders(
        sender=sender,
        to=_recipients(inbound),
        subject=clean_line(subject) if subject else reply_subject(inbound.subject),
        in_reply_to=real_message_id(inbound.message_id),
        references=thread_references(
            [r for r in json.loads(inbound.refs) if real_message_id(r)],
            real_message_id(inbound.message_id),
        ),
    )
    message_id = new_message_id(sender)
    raw = build_reply(
        headers,
        text,
        message_id=message_id,
        date=at,
        files=[(f.filename, f.content_type, f.data) for f in files],
        auto_submitted=auto_submitted,
    )
    batch = new_batch()
    draft = json.dumps(
        {"body": body.rstrip("\n"), "subject": subject, "template_key": template_key}
    )
    with atomic(store):
        outbox_id = insert_reply(
            store,
            ticket_id=ticket_id,
            message_id=message_id,
            transport=route.transport,
            source=route.source,
            raw=raw,
            created_at=format_time(at),
            hold_until=format_time(at + hold) if hold > timedelta(0) else None,
        )
        if status is not None:
            set_status(store, [ticket_id], status, at=at, batch=batch)
        for tag in tags:
            add_tag(store, [ticket_id], tag, at=at, batch=batch)
        if not auto_submitted:  # a rule's reply leaves the seller's draft (and its files) alone
            record_queued(store, ticket_id, outbox_id, draft, batch=batch, at=at)
            give_to_reply(store, ticket_id, outbox_id)
            delete_draft(store, ticket_id)
    return outbox_id


def _files_refused(route: Route) -> str | None:
    kind = source_kind(route.config.kind) if route.config is not None else None
    return kind.attachments_refused if kind is not None else None


def files_refused(store: Store, config: Any, ticket_id: int) -> str | None:
    """Why replies in this ticket cannot carry files (eBay's API takes text), else None; a
    ticket nothing can answer yet takes them (the queue says what to configure)."""
    if store.demo:
        return None
    try:
        return _files_refused(route_for(store, config, ticket_id))
    except ReplyRefused:
        return None


def signature_for(route: Route, config: Any) -> str:
    """The signature below a reply through this route: the source's own (`signature:` in its
    section), else `seller.signature`."""
    own = getattr(route.config, "signature", None)
    return own if own is not None else config.seller.signature


def _refuse_on_rules(store: Store, ticket_id: int, text: str, body_length: int) -> None:
    problems = check_reply(store, ticket_id, text)
    if not problems:
        return
    first = problems[0]
    where = " (in your signature, seller.signature)" if first.start >= body_length else ""
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    raise ReplyRefused(f"ticket {ticket_id}: {first.message}{where}{more}")


def _recipients(inbound: Inbound) -> tuple[tuple[str, str], ...]:
    """The customer, where they asked to be answered: Reply-To when given, else From."""
    reply_to = [(n, a) for n, a in json.loads(inbound.reply_to) if a]
    if reply_to:
        return tuple(reply_to)
    if inbound.from_addr:
        return ((inbound.from_name, inbound.from_addr),)
    return ()


def _sender(route: Route, config: Any) -> str:
    if route is DEMO_ROUTE:
        return formataddr((config.seller.name or "Demo shop", "shop@demo.invalid"))
    configured = getattr(route.config, "from_address", None)
    if configured:
        return configured
    username = getattr(route.config, "username", "") or ""
    address = username if "@" in username else next(iter(config.seller.emails), "")
    kind = source_kind(route.config.kind)
    if not address and kind is not None:  # a marketplace takes text: its own stand-in will do
        address = kind.reply_address(route.config) or ""
    if not address:
        raise ReplyRefused(
            f"source {route.source!r}: set `from:` (e.g. 'Shop <you@example.com>'):"
            " its username is not an e-mail address"
        )
    return formataddr((config.seller.name, address)) if config.seller.name else address


def route_for(store: Store, config: Any, ticket_id: int) -> Route:
    """The transport and source that answer this ticket: the source its customer's mail came
    from; else the only source that can send e-mail. ReplyRefused says what to configure."""
    if ticket_channel(store, ticket_id) is None:
        raise ReplyRefused(f"no ticket with id {ticket_id}")
    configured = {source.name: source for source in config.sources}
    reasons: list[str] = []
    for location in ticket_sources(store, ticket_id):
        kind_name, _, name = location.partition(":")
        kind = source_kind(kind_name)
        if kind is None or kind.transport is None:
            continue  # an import: any source that answers any ticket may answer it
        source = configured.get(name)
        if source is None or source.kind != kind_name:
            if kind.answers_any_ticket:
                reasons.append(f"its source {name!r} is no longer in the config")
            continue
        why = kind.cannot_send(source)
        if why is None:
            return Route(kind.transport, name, source)
        reasons.append(why)
    senders = [(s, kind) for s in config.sources if (kind := _any_ticket(s)) is not None]
    if len(senders) == 1 and not reasons:
        source, kind = senders[0]
        assert kind.transport is not None
        return Route(kind.transport, source.name, source)
    why = reasons[0] if reasons else "it came from no source that can send"
    raise ReplyRefused(
        f"ticket {ticket_id} cannot be answered from here: {why}; add an `smtp:` section to"
        " the imap source its mail comes from (see docs/replies.md)"
    )


def _any_ticket(source: Any) -> SourceKind | None:
    """The source's kind, when it can send now and answer a ticket from anywhere (SMTP)."""
    kind = source_kind(source.kind)
    if kind is None or not kind.answers_any_ticket or kind.cannot_send(source) is not None:
        return None
    return kind


@dataclass(frozen=True, slots=True)
class Resent:
    """A failed reply put back in the queue."""

    outbox_id: int
    draft_kept: bool  # the ticket's draft is not that reply's text (the seller's own): kept


def resend(store: Store, outbox_id: int) -> Resent:
    """Put a failed reply back in the queue as it is, with the same Message-ID: the seller's
    explicit "send it again" after a failure or a "may have been sent" (docs/replies.md).

    A permanent failure put the reply's text back as the ticket's draft; that draft goes now,
    or sending it later would answer the customer twice. A draft with other text (the seller
    edited it, or wrote it before the failure) is the seller's work: it stays."""
    entry = get_entry(store, outbox_id)
    if entry is None:
        raise ReplyRefused(f"no reply with outbox id {outbox_id}")
    if entry.status != "failed":
        raise ReplyRefused(f"reply {outbox_id} is {entry.status}, not failed: nothing to resend")
    with atomic(store):
        requeue(store, outbox_id)
        draft = get_draft(store, entry.ticket_id)
        stale = draft is not None and draft.body.strip() == entry.text.strip()
        if stale:
            delete_draft(store, entry.ticket_id)
    return Resent(outbox_id, draft_kept=draft is not None and not stale)


def resend_newest_failed(store: Store, ticket_id: int) -> Resent:
    """Resend the ticket's newest failed reply (the TUI's `R`). Refused when a newer reply of
    the ticket was queued or sent after it: the seller has answered again, and resending the
    old one would answer twice (`inbox-tui send --resend N` still can, on purpose)."""
    failed, newer = newest_failed(store, ticket_id)
    if failed is None:
        raise ReplyRefused(f"ticket {ticket_id} has no failed reply to resend")
    if newer is not None:
        raise ReplyRefused(
            f"reply #{failed} failed, but reply #{newer.id} ({newer.status}) came after it;"
            f" to send #{failed} anyway: inbox-tui send --resend {failed}"
        )
    return resend(store, failed)


def cancel_reply(store: Store, outbox_id: int, *, at: datetime) -> int:
    """Take a queued reply out of the outbox (the outbox view's cancel and edit): it will not be
    sent; its text and files are the ticket's draft again (below a newer draft, if the seller
    started one), and a ticket it closed or set pending is open again. Returns the ticket id;
    ReplyRefused when it is being sent, went already, or failed (a failed reply's text is
    the draft already)."""
    entry = get_entry(store, outbox_id)
    if entry is None:
        raise ReplyRefused(f"no reply with outbox id {outbox_id}")
    if entry.status != "queued":
        why = {
            "sending": "it is being sent right now",
            "sent": "it went out already",
            "failed": "it failed, so it will not go unless you resend it; its text is the draft",
        }.get(entry.status, entry.status)
        raise ReplyRefused(f"reply #{outbox_id} cannot be cancelled: {why}")
    saved = json.loads(queued_draft(store, outbox_id) or "{}")
    body = saved.get("body") or entry.text.rstrip("\n")
    with atomic(store):
        give_back_to_draft(store, outbox_id)
        if not delete_queued(store, outbox_id):
            raise ReplyRefused(
                f"reply #{outbox_id} cannot be cancelled: it is being sent right now"
            )
        draft = get_draft(store, entry.ticket_id)
        if draft is not None:
            body = f"{body}\n\n{draft.body}"
        save_draft(
            store,
            entry.ticket_id,
            body,
            subject=saved.get("subject"),
            template_key=saved.get("template_key"),
            at=at,
        )
        ticket = get_ticket(store, entry.ticket_id)
        if ticket is not None and ticket.status in ("closed", "pending"):
            set_status(store, [entry.ticket_id], "open", at=at)
    return entry.ticket_id

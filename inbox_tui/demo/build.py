"""Building the demo inbox: the shop's mail written to a scratch Maildir and imported with
`import_maildir`, then its orders, tags and ticket states set through the store's own APIs."""

from __future__ import annotations

import mailbox
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from inbox_tui.demo.rules import run_demo_rules
from inbox_tui.demo.shop import (
    _Shop,
    _Thread,
)
from inbox_tui.demo.words import (
    _HOUR,
    ACTOR,
    SELLER_EMAIL,
    TICKETS,
    TOPIC_TAGS,
)
from inbox_tui.importer import import_maildir
from inbox_tui.store import actions
from inbox_tui.store.db import Store
from inbox_tui.store.ingest import tickets_for_message_ids
from inbox_tui.store.orders import link_orders_by_number, link_ticket_order, upsert_order
from inbox_tui.store.views import count_tickets


@dataclass(frozen=True, slots=True)
class DemoResult:
    tickets: int
    messages: int
    orders: int
    seconds: float


def build_demo(store: Store, *, now: datetime | None = None, seed: int = 7) -> DemoResult:
    """Fill `store` with the demo shop's inbox. Deterministic for a given (now, seed)."""
    started = time.perf_counter()
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    shop = _Shop(now, seed)
    shop.plan(TICKETS)
    shop.render()
    # The scratch Maildir goes next to the database file when there is one (same disk, often faster than /tmp).
    scratch = store.path.parent if store.path is not None else None
    with tempfile.TemporaryDirectory(prefix=".inbox-tui-demo-", dir=scratch) as tmp:
        maildir = Path(tmp) / "Maildir"
        _write_maildir(maildir, shop.threads)
        import_maildir(store, maildir, seller_emails=frozenset({SELLER_EMAIL}), progress=None)
    tickets = _ticket_ids(store, shop.threads)
    with store.transaction():
        _store_orders(store, shop, tickets)
        _apply_states(store, shop, tickets)
        store.mark_demo()
    run_demo_rules(store, now)  # tags the seller missed, deadlines near: as a sync would
    return DemoResult(
        tickets=count_tickets(store),
        messages=store.db["messages"].count,
        orders=store.db["orders"].count,
        seconds=time.perf_counter() - started,
    )


def _write_maildir(path: Path, threads: list[_Thread]) -> None:
    """Inbound mail in the inbox, the seller's replies in .Sent; file names sort oldest first."""
    inbox = mailbox.Maildir(path, create=True)
    inbox.add_folder("Sent")
    mails = sorted((m for t in threads for m in t.mails), key=lambda m: (m.at, m.message_id))
    for n, mail in enumerate(mails):
        folder = path if mail.direction == "in" else path / ".Sent"
        name = f"{int(mail.at.timestamp()):010d}.M{n:05d}P1.demo:2,{'S' if mail.seen else ''}"
        (folder / "cur" / name).write_bytes(mail.raw)


def _ticket_ids(store: Store, threads: list[_Thread]) -> list[int]:
    """The ticket each planned thread became, found by its first mail's Message-ID."""
    first = [t.mails[0].message_id for t in threads]
    found = tickets_for_message_ids(store, first)
    missing = [m for m in first if m not in found]
    if missing:
        raise RuntimeError(
            f"the importer did not store demo message <{missing[0]}> ({len(missing)} missing)"
        )
    return [found[m] for m in first]


def _store_orders(store: Store, shop: _Shop, tickets: list[int]) -> None:
    ids: dict[int, int] = {}
    for order in shop.orders:
        system = order.person.username == "ebay"
        ids[id(order)] = upsert_order(
            store,
            provider=order.provider,
            order_number=order.number,
            customer_email=None if system else order.person.addr,
            customer_name=order.person.name,
            placed_at=order.placed,
            status=order.status,
            total=order.total,
            currency=order.currency,
            items=order.items,
            carrier=order.carrier,
            tracking_number=order.tracking,
            tracking_url=order.url,
            shipped_at=order.shipped,
            data={"source": "demo", "market": order.person.market},
            fetched_at=shop.now,
        )
    link_orders_by_number(store)  # Amazon tickets carry the number in their subject
    for thread, ticket_id in zip(shop.threads, tickets, strict=True):
        if thread.order is not None:
            link_ticket_order(store, ticket_id, ids[id(thread.order)])


def _apply_states(store: Store, shop: _Shop, tickets: list[int]) -> None:
    """Statuses, tags, read state, flags and priorities, as the seller would have left them."""
    rng, now = shop.rng, shop.now
    pairs = list(zip(shop.threads, tickets, strict=True))
    for thread, ticket_id in pairs:
        if thread.status in ("closed", "pending"):
            at = min(now, thread.mails[-1].at + rng.uniform(0.1, 8) * _HOUR)
            actions.set_status(store, [ticket_id], thread.status, actor=ACTOR, at=at)
        tags = list(TOPIC_TAGS.get(thread.topic, ()))
        if len(thread.person.orders) >= 3:
            tags.append("vip")
        if rng.random() < 0.88:  # a few tickets the seller never got round to tagging
            for tag in tags:
                actions.add_tag(
                    store, [ticket_id], tag, actor=ACTOR, at=min(now, thread.mails[0].at + _HOUR)
                )
    snoozed = [i for t, i in pairs if t.status == "snoozed"]
    if snoozed:
        actions.snooze(store, snoozed, now + timedelta(days=2, hours=3), actor=ACTOR, at=now)
    actions.mark_read(store, [i for t, i in pairs if not t.unread], True, actor=ACTOR, at=now)
    urgent = [i for t, i in pairs if t.topic == "damaged" and t.status == "open"]
    actions.set_flag(store, urgent, True, actor=ACTOR, at=now)
    actions.set_priority(store, urgent, 2, actor=ACTOR, at=now)
    vip = [
        i for t, i in pairs if t.status == "open" and len(t.person.orders) >= 3 and i not in urgent
    ]
    actions.set_priority(store, vip, 1, actor=ACTOR, at=now)

"""eBay: buyer messages through eBay's Message API (a `kind: ebay` source syncs them and sends
replies), eBay's notification mail through IMAP, and each source's orders (Fulfillment API)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from inbox_tui.channels.base import Channel, OrderProvider, OrderSource, SourceKind, Transport

if TYPE_CHECKING:  # the domain's orders and replies: not on the first frame's way
    from pydantic import BaseModel

    from inbox_tui.domain.orders import OrderQuery
    from inbox_tui.domain.replies import RuleProblem
    from inbox_tui.sla import SlaPolicy
    from inbox_tui.store.db import Store
    from inbox_tui.store.orders import OrderLookup
    from inbox_tui.syncing import FolderProgress, SourceOutcome

MAX_TEXT = 2000  # send_message's limit on messageText


def at_most_2000(text: str) -> list[RuleProblem]:
    if len(text) <= MAX_TEXT:
        return []
    from inbox_tui.domain.replies import RuleProblem

    return [
        RuleProblem(
            f"eBay messages take at most {MAX_TEXT:,} characters; this reply has"
            f" {len(text):,}: shorten it by {len(text) - MAX_TEXT:,}",
            MAX_TEXT,
            len(text),
        )
    ]


EBAY = Channel(
    "ebay",
    "eBay",
    timedelta(hours=24),
    "an eBay buyer",
    addresses=r"@(?:[a-z0-9-]+\.)*ebay\.[a-z.]+$",
    relay=True,
    reply_rules=at_most_2000,
)


class EbaySource(SourceKind):
    kind = "ebay"
    transport = "ebay"
    attachments_refused = (
        "eBay's member messages take text only (the API has no attachments): remove it from"
        " the reply, then send it on ebay.com or by e-mail"
    )

    def config_model(self) -> type[BaseModel]:
        from inbox_tui.config.sources import EbaySourceConfig

        return EbaySourceConfig

    def sync(
        self,
        store: Store,
        config: Any,
        *,
        seller_emails: frozenset[str],
        sla: SlaPolicy,
        progress: FolderProgress | None,
    ) -> SourceOutcome:
        """One summary line per conversation type, like an IMAP folder's."""
        from inbox_tui.channels.ebay.sync import sync_source
        from inbox_tui.marketplaces.http import ApiError
        from inbox_tui.secrets import SecretError
        from inbox_tui.syncing import SourceOutcome, add_folders

        def type_progress(kind: str, done: int, total: int | None) -> None:
            if progress:
                progress(config.name, kind, done, total)

        outcome = SourceOutcome(config.name)
        try:
            results = sync_source(
                store, config, seller_emails=seller_emails, progress=type_progress, sla=sla
            )
        except (ApiError, SecretError) as exc:
            outcome.failed = str(exc).removeprefix(f"{config.name}: ")  # the CLI names it
            outcome.offline = isinstance(exc, ApiError) and exc.offline
            return outcome
        return add_folders(outcome, config.name, results)

    def open_transport(self, config: Any, store: Store) -> Transport:
        from inbox_tui.channels.ebay.api import EbayTransport

        return EbayTransport(config, store)

    def reply_address(self, config: Any) -> str | None:
        """eBay takes text, not mail: any From will do, the seller's stand-in address."""
        from inbox_tui.channels.ebay.mail import member_address

        return member_address(config.username or "seller")


class EbayOrders(OrderSource):
    kind = "ebay"
    channel = "ebay"
    from_sources = True

    def build(self, config: Any, **options: Any) -> OrderProvider:
        from inbox_tui.channels.ebay.api import EbayOrders as Provider

        options.pop("sleep", None)  # its client paces itself (max_per_second)
        return Provider(config, **options)

    def lookup(self, ticket: OrderLookup) -> tuple[str, OrderQuery] | None:
        from inbox_tui.domain.orders import OrderQuery

        if ticket.channel != self.channel:
            return None
        if ticket.username:
            numbers = (ticket.order_number,) if ticket.order_number else ()
            query = OrderQuery(username=ticket.username, order_numbers=numbers)
            return f"user:{ticket.username}", query
        if ticket.order_number:
            return f"order:{ticket.order_number}", OrderQuery(order_numbers=(ticket.order_number,))
        return None


CHANNELS = (EBAY,)
SOURCES = (EbaySource(),)
ORDER_SOURCES = (EbayOrders(),)

"""What a channel declares, in three small parts, each optional but the first:

- `Channel`: a ticket's channel (email, amazon, ebay…): its label, default SLA, the relay
  addresses its mail comes from, and what it refuses in a reply;
- `SourceKind`: a `kind:` under `sources:` (imap, maildir, ebay…): its config model, how it syncs
  and, if it can, how replies go out through it;
- `OrderSource`: a `kind:` under `orders.providers:` (shopify, amazon…), or a source that brings
  orders by itself (ebay): how it is built and what it can be asked about a ticket.

A channel package exports what it has (CHANNELS, SOURCES, ORDER_SOURCES) and registry.py lists
the package once. Heavy modules (network clients, parsers) are imported inside the methods, so
reading the registry costs nothing at start-up.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # the domain's orders and replies: not on the first frame's way (types here)
    from pydantic import BaseModel

    from inbox_tui.domain.orders import FetchedOrder, OrderQuery
    from inbox_tui.domain.replies import OutgoingReply, RuleProblem, SentCopy
    from inbox_tui.sla import SlaPolicy
    from inbox_tui.store.db import Store
    from inbox_tui.store.orders import OrderLookup
    from inbox_tui.syncing import FolderProgress, SourceOutcome


def no_rules(text: str) -> list[RuleProblem]:
    """A channel that takes any text."""
    return []


@dataclass(frozen=True)
class Channel:
    """A channel a ticket can be on: where its customer talks to the seller."""

    name: str  # tickets.channel, `channel:` in searches, the key under sla.targets
    label: str  # as sellers write it: "eBay"
    sla_target: timedelta  # the default first-response target
    sla_note: str  # who waits, for the config reference: "an eBay buyer"
    business_hours: bool = False  # its clock runs in business hours only, by default
    addresses: str | None = None  # regex: a customer-side address of this channel's relay mail
    relay: bool = False  # its addresses are the marketplace's stand-ins, no shop knows them
    threads_by_order: bool = False  # a relay thread is its order and buyer, not its headers
    reply_rules: Callable[[str], list[RuleProblem]] = no_rules  # what it refuses in a reply


class Transport(Protocol):
    """How a reply leaves (SMTP, a marketplace's API). The outbox commits a reply before any
    attempt; the sender then hands it to the transport of the source the ticket came from."""

    def was_sent(self, reply: OutgoingReply) -> SentCopy | bool:
        """Did an earlier attempt get through? Asked only when `reply.attempts > 0`.
        A copy found (or True) means: do not send again. Raises TemporaryFailure when it cannot
        tell (then nothing is sent this round)."""
        ...

    def send(self, reply: OutgoingReply) -> SentCopy | None:
        """Send it; raise TemporaryFailure or PermanentFailure. Returns where the sent copy
        lives, when known, so a later sync of that place does not add it a second time."""
        ...

    def close(self) -> None: ...


class SourceKind(ABC):
    """A kind of source under `sources:`. Its messages' locations are "<kind>:<name>"."""

    kind: str
    transport: str | None = None  # outbox.transport of replies through it; None: cannot send
    answers_any_ticket: bool = False  # may answer tickets of sources that cannot send (SMTP)
    # why its replies cannot carry files (None: they can, as MIME parts of the reply)
    attachments_refused: str | None = None

    @abstractmethod
    def config_model(self) -> type[BaseModel]:
        """The pydantic model of its config section (`kind` its discriminator)."""

    @abstractmethod
    def sync(
        self,
        store: Store,
        config: Any,
        *,
        seller_emails: frozenset[str],
        sla: SlaPolicy,
        progress: FolderProgress | None,
    ) -> SourceOutcome:
        """Bring the source up to date through intake; never raises for the source's trouble."""

    def cannot_send(self, config: Any) -> str | None:
        """Why replies cannot go out through this configured source (None: they can)."""
        return None if self.transport else f"source {config.name!r} cannot send replies"

    def open_transport(self, config: Any, store: Store) -> Transport:
        raise NotImplementedError(f"{self.kind} sources cannot send replies")

    def reply_address(self, config: Any) -> str | None:
        """The address replies go out from when the config names none (None: the seller's)."""
        return None

    def watched_folders(self, config: Any) -> list[str]:
        """Folders whose server announces new mail (IMAP IDLE): a sync starts at once."""
        return []

    def watch(
        self, config: Any, folder: str, announced: Callable[[], None], stop: threading.Event
    ) -> None:
        """Wait for the server to announce new mail in `folder` (calling `announced`) until
        `stop` is set; in a worker thread. Only for the folders of `watched_folders`."""
        raise NotImplementedError


class OrderProvider(Protocol):
    """A shop or marketplace that answers "which orders has this customer?"."""

    name: str  # the config section's name

    def orders_for(self, query: OrderQuery) -> list[FetchedOrder]:
        """The customer's orders, newest first; [] when none. Raises
        inbox_tui.marketplaces.http.ApiError (one line) when the provider cannot answer."""
        ...

    def close(self) -> None: ...


class OrderSource(ABC):
    """A kind of order provider: under `orders.providers:`, or a source kind with orders."""

    kind: str
    channel: str | None = None  # a marketplace's: answers only tickets of this channel
    from_sources: bool = False  # built from each `sources:` entry of this kind (eBay)

    def config_model(self) -> type[BaseModel] | None:
        """Its model under `orders.providers` (None when it comes with a source)."""
        return None

    @abstractmethod
    def build(self, config: Any, **options: Any) -> OrderProvider:
        """The provider for one config section (reads its secrets: SecretError)."""

    def lookup(self, ticket: OrderLookup) -> tuple[str, OrderQuery] | None:
        """What it can be asked about this ticket, and the key its answer is cached under; None
        when it cannot answer. A shop: by the customer's e-mail, unless that is a relay's."""
        from inbox_tui.channels.registry import channel
        from inbox_tui.domain.orders import OrderQuery

        known = channel(ticket.channel)
        if (known is not None and known.relay) or not ticket.email:
            return None
        return f"email:{ticket.email.lower()}", OrderQuery(email=ticket.email.lower())

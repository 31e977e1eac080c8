"""The interfaces a channel implements: a transport for replies and an order provider."""

from __future__ import annotations

from typing import Protocol

from inbox_tui.domain.orders import FetchedOrder, OrderQuery
from inbox_tui.domain.replies import OutgoingReply, SentCopy


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


class OrderProvider(Protocol):
    """A shop or marketplace that answers "which orders has this customer?"."""

    name: str  # the config section's name

    def orders_for(self, query: OrderQuery) -> list[FetchedOrder]:
        """The customer's orders, newest first; [] when none. Raises
        inbox_tui.marketplaces.http.ApiError (one line) when the provider cannot answer."""
        ...

    def close(self) -> None: ...

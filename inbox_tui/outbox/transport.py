"""What the sender needs from a way of sending (SMTP, a marketplace's API).

The outbox commits a reply before any attempt; the sender then hands it to the transport of
the source the ticket came from. A transport says whether a reply already got through (after
a crash between "accepted" and "marked sent"), sends it, and tells where the sent copy lives so
a later sync of that place does not add it to the ticket a second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class TemporaryFailure(Exception):
    """Try again later (no network, 4xx from SMTP, 429/5xx from an API); str() is one line."""


class PermanentFailure(Exception):
    """Retrying will not help (recipient rejected, message refused); str() is one line.
    The reply stays in the outbox as failed, with the reason, and its text is kept."""


class Unreachable(TemporaryFailure):
    """The server could not be reached at all (no network, refused, no DNS): "offline"."""


class MaybeSent(TemporaryFailure):
    """The connection broke after the message was handed over: it may have arrived. The sender
    keeps the reply in `sending` and asks `was_sent` before any new attempt."""


class NoEvidence(Exception):
    """`was_sent` has nowhere to look (no Sent folder configured): the sender must not guess,
    so the reply is marked failed and the seller decides whether to resend."""


@dataclass(frozen=True, slots=True)
class OutgoingReply:
    outbox_id: int
    ticket_id: int
    message_id: str  # fixed when queued: the idempotency key
    source: str | None  # the configured source that sends it
    raw: bytes  # the full MIME message as queued
    text: str  # the reply's text (what an API that takes plain text is given)
    to: tuple[str, ...]  # addresses (e-mail) or user names (marketplaces)
    attempts: int  # earlier attempts, 0 on the first


@dataclass(frozen=True, slots=True)
class SentCopy:
    """Where the sent reply can be found again: a message location (see message_locations)."""

    source: str  # as in message_locations.source: "imap:shop", "ebay:ebay-shop"
    folder: str
    uid: str


class Transport(Protocol):
    def was_sent(self, reply: OutgoingReply) -> SentCopy | bool:
        """Did an earlier attempt get through? Asked only when `reply.attempts > 0`.
        A copy found (or True) means: do not send again. Raises TemporaryFailure when it cannot
        tell (then nothing is sent this round)."""
        ...

    def send(self, reply: OutgoingReply) -> SentCopy | None:
        """Send it; raise TemporaryFailure or PermanentFailure. Returns where the sent copy
        lives, when known."""
        ...

    def close(self) -> None: ...

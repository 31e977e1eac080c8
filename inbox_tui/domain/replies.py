"""A reply on its way out: what a transport is handed, where the sent copy lives, how a send
fails, what a channel objects to in a reply's text, the mark of a value a template could not
fill, and reading a queued reply's MIME back (stdlib email only)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the email package is imported only to read a queued reply (not at start)
    from email.message import EmailMessage

MISSING_MARK = "[missing: {name}]"
"""What a filled-in template shows where a value is missing; a reply still holding one is refused."""

MISSING_VALUE = re.compile(r"\[missing: (?P<name>[^\]\n]{1,100})\]")
"""Finds every MISSING_MARK in a text (its `name` group is the value's name)."""


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


@dataclass(frozen=True)
class RuleProblem:
    """One thing a channel refuses in a reply; `start`/`end` index the offending text."""

    message: str
    start: int
    end: int


# Words that tell the customer a file comes with the reply (en, de, tr): a reply saying so
# with no file attached would promise what it does not carry.
_ATTACHED = re.compile(
    r"\b(?:is|are) attached\b|\battached (?:is|are|you will find|please find)\b|"
    r"\b(?:i|we)(?:'ve| have) attached\b|\bsee (?:the )?attach|\bin the attachment\b|"
    r"\bim anhang\b|\banbei\b|\bangehängt\b|\bekte(?:ki|dir)?\b|\bekinde\b",
    re.IGNORECASE,
)


def attachment_promised(text: str) -> RuleProblem | None:
    """Where `text` says a file is attached ("is attached", "im Anhang", "ekte"), or None."""
    found = _ATTACHED.search(text)
    if found is None:
        return None
    return RuleProblem(
        f"the reply says {found.group(0)!r}, but no file is attached: attach it, or change"
        " the words",
        found.start(),
        found.end(),
    )


def _parse(raw: bytes) -> EmailMessage:
    from email import message_from_bytes
    from email.message import EmailMessage
    from email.policy import default

    message = message_from_bytes(raw, policy=default)
    assert isinstance(message, EmailMessage)  # the `default` policy makes EmailMessages
    return message


def reply_text(raw: bytes) -> str:
    """The text of a queued reply (LF line ends)."""
    from email.message import EmailMessage

    part = _parse(raw).get_body(("plain",))
    if not isinstance(part, EmailMessage):
        return ""
    text: str = part.get_content()
    return text.replace("\r\n", "\n")


def reply_recipients(raw: bytes) -> tuple[str, ...]:
    """The addresses a queued reply goes to (To and Cc)."""
    from email.utils import getaddresses

    msg = _parse(raw)
    values = [str(v) for v in (*msg.get_all("To", []), *msg.get_all("Cc", []))]
    return tuple(addr for _, addr in getaddresses(values) if addr)


def reply_header(raw: bytes, name: str) -> str | None:
    value = _parse(raw).get(name)
    return str(value) if value is not None else None

"""A message as it arrives (raw bytes and where they were found), as parsed, and where it
belongs (thread hints); the made-up Message-ID of a message that has none."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime

SYNTHETIC_ID_SUFFIX = "@inbox-tui.invalid"
"""Ends the Message-ID made up for a message without one: never written into a reply."""


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    """What every source hands to intake: raw bytes plus where they were found."""

    raw: bytes
    source: str  # "maildir:/abs/path", "mbox:/abs/path", "imap:shop", "ebay:shop"
    folder: str  # "" for a single-folder source
    uid: str  # stable id of the message inside (source, folder)
    received_at: datetime | None = None  # delivery time, used when the Date header is unusable
    seen: bool = False
    answered: bool = False
    flagged: bool = False


@dataclass(frozen=True, slots=True)
class Address:
    name: str  # display name, sanitised, may be ""
    addr: str  # lower-cased address, may be "" when unparseable

    def __str__(self) -> str:
        return f"{self.name} <{self.addr}>" if self.name else self.addr


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str  # sanitised; "" when the part has none
    content_type: str  # e.g. "application/pdf"
    size: int  # bytes of decoded content
    content: bytes
    content_id: str | None = None
    inline: bool = False


@dataclass(frozen=True, slots=True)
class ParsedMessage:
    """Everything inbox-tui reads from one RFC 5322 message. Text fields are already sanitised.

    `parse_message` never raises: a message it cannot read still yields a ParsedMessage with
    `parse_error` set (and whatever it could recover), so the raw bytes are stored anyway.
    """

    message_id: str | None  # without <>, None when missing or unusable
    in_reply_to: str | None  # the parent's Message-ID without <>
    references: tuple[str, ...]  # oldest first, without <>
    subject: str
    from_: Address | None
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    reply_to: tuple[Address, ...] = ()
    date: datetime | None = None  # timezone-aware (UTC) or None when missing/broken
    text: str = ""  # readable body: text/plain part, else HTML converted to text
    snippet: str = ""  # first ~160 characters of text on one line
    attachments: tuple[Attachment, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)  # selected headers, sanitised
    defects: tuple[str, ...] = ()  # MIME defects the parser noticed (message still usable)
    parse_error: str | None = None  # set when the message could not be fully parsed


@dataclass(frozen=True, slots=True)
class ThreadHints:
    """What the store needs to place one message into a ticket (mail/threading.py finds them)."""

    message_id: str  # own id, synthetic when the message has none
    links: tuple[str, ...]  # In-Reply-To and References: ids this message points at
    thread_key: str | None  # marketplace grouping key, when there is one
    subject_key: str | None  # normalised subject, only for header-less replies
    channel: str
    direction: str  # "in" (from the customer) or "out" (from the seller)
    customer: Address | None  # the other party
    order_number: str | None


def synthetic_message_id(raw: bytes) -> str:
    """A stable id for a message without a Message-ID: the digest of its bytes."""
    return f"sha256-{hashlib.sha256(raw).hexdigest()[:32]}{SYNTHETIC_ID_SUFFIX}"


def real_message_id(message_id: str | None) -> str | None:
    """A Message-ID worth putting in a header (not one made up for a message without one)."""
    return message_id if message_id and not message_id.endswith(SYNTHETIC_ID_SUFFIX) else None


# Reply/forward prefixes in the languages our sellers meet: English, German (AW, WG),
# Turkish (YNT, Ynt, CVP, İLT), Nordic/Dutch (SV, VS, Antw), Spanish/Italian (RE, RV, R, I).
_PREFIX = re.compile(
    r"^\s*(?:(?:re|aw|wg|fwd?|ynt|cvp|ilt|i̇lt|sv|vs|antw|rv|tr|ref)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*)+",
    re.IGNORECASE,
)
_SPACES = re.compile(r"\s+")


def normalize_subject(subject: str) -> str:
    """Subject without reply/forward prefixes, case-folded, whitespace collapsed: what a
    header-less reply is matched on (the store's subject fallback)."""
    return _SPACES.sub(" ", _PREFIX.sub("", subject)).strip().casefold()

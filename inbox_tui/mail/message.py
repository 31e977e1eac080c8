"""The parsed form of one message, as the rest of inbox-tui sees it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


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

"""A reply as MIME: headers that thread it (Re:, In-Reply-To, References), a Message-ID fixed at
queue time, UTF-8 text. Pure (stdlib email only): the queue builds, the sender reads it back.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, parseaddr

from inbox_tui.domain.replies import reply_header

MAX_REFERENCES = 20  # the oldest id and the newest ones: enough to thread, short enough to send
_REPLY_PREFIX = re.compile(r"^\s*(?:re|aw|sv|vs|antw|ynt|cvp)\s*(?:\[\d+\])?\s*[:：]\s*", re.I)


@dataclass(frozen=True, slots=True)
class ReplyHeaders:
    sender: str  # "Shop <seller@example.com>"
    to: tuple[tuple[str, str], ...]  # (name, address)
    subject: str
    in_reply_to: str | None  # without <>
    references: tuple[str, ...]  # without <>, oldest first


def reply_subject(subject: str) -> str:
    """ "Re: " once: "Where is it?" → "Re: Where is it?", "RE: AW: x" stays as it is."""
    subject = subject.strip()
    if _REPLY_PREFIX.match(subject):
        return subject
    return f"Re: {subject}" if subject else "Re: your message"


def thread_references(parent_refs: list[str], parent_id: str | None) -> tuple[str, ...]:
    """The parent's References plus the parent itself (RFC 5322 3.6.4), trimmed to the first
    and the newest ids when long."""
    chain = [ref for ref in dict.fromkeys([*parent_refs, parent_id]) if ref]
    if len(chain) > MAX_REFERENCES:
        chain = [chain[0], *chain[-(MAX_REFERENCES - 1) :]]
    return tuple(chain)


def sender_domain(sender: str) -> str:
    _, address = parseaddr(sender)
    return address.rpartition("@")[2] or "inbox-tui.invalid"


def new_message_id(sender: str) -> str:
    """A fresh Message-ID (without <>) in the sender's domain: the time and 64 random bits,
    short enough that the header is not folded (make_msgid's often is)."""
    stamp = int(time.time() * 1000)
    return f"{_base36(stamp)}.{secrets.token_hex(8)}@{sender_domain(sender)}"


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while number:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
    return text or "0"


def with_signature(body: str, signature: str) -> str:
    """The body with the seller's signature below it, unless the body already carries it
    (the shipped templates end with it)."""
    body = body.rstrip("\n")
    signature = signature.strip("\n")
    if not signature or signature.strip() in body:
        return body + "\n"
    return f"{body}\n\n{signature}\n"


def build_reply(
    headers: ReplyHeaders,
    text: str,
    *,
    message_id: str,
    date: datetime,
    files: Sequence[tuple[str, str, bytes]] = (),
    auto_submitted: bool = False,
) -> bytes:
    """The reply's bytes as they will be sent (CRLF line ends); `files` (name, MIME type,
    bytes) become attachments: multipart/mixed, the text first. `auto_submitted`: a rule's
    automatic reply, marked so (RFC 3834) that no other responder answers it."""
    msg = EmailMessage(policy=SMTP)
    msg["From"] = headers.sender
    msg["To"] = ", ".join(_address(name, addr) for name, addr in headers.to)
    msg["Subject"] = headers.subject
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = f"<{message_id}>"
    if headers.in_reply_to:
        msg["In-Reply-To"] = f"<{headers.in_reply_to}>"
    if headers.references:
        msg["References"] = " ".join(f"<{ref}>" for ref in headers.references)
    if auto_submitted:
        msg["Auto-Submitted"] = "auto-replied"
    msg["MIME-Version"] = "1.0"
    # Quoted-printable keeps non-ASCII text 7-bit clean for servers without 8BITMIME.
    msg.set_content(text, charset="utf-8", cte="7bit" if text.isascii() else "quoted-printable")
    for filename, content_type, data in files:
        maintype, _, subtype = content_type.partition("/")
        if not subtype:
            maintype, subtype = "application", "octet-stream"
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes(policy=SMTP)


def _address(name: str, addr: str) -> str:
    try:
        return str(Address(display_name=name, addr_spec=addr))
    except (ValueError, IndexError):  # a name the header model cannot hold: let formataddr quote
        return formataddr((name, addr))


def reply_sender(raw: bytes) -> str:
    """The bare From address of a queued reply."""
    return parseaddr(reply_header(raw, "From") or "")[1]

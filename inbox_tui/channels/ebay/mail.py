"""eBay messages as small RFC 5322 mails: pure functions, no I/O.

Turning each eBay message into a mail lets it take the same parse → thread → ingest path as
IMAP, so threading, search, export, SLA and due times need nothing eBay-specific. Members get
addresses under `members.ebay.invalid` (a reserved name that can never receive mail), which
`mail/threading.py` already reads as the `ebay` channel; every message of a conversation
references one root id, so a conversation is one ticket.
"""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime
from email.header import Header
from email.utils import format_datetime, formataddr
from typing import Any

from inbox_tui.sanitize import clean_line, clean_text

MEMBER_DOMAIN = "members.ebay.invalid"
_LOCAL_SAFE = re.compile(r"[a-z0-9_-]")  # '.' too is encoded: "a." and ".a" must stay valid
_HTML = re.compile(r"<(?:html|body|div|p|br|table|span|a)\b", re.I)


def member_address(username: str) -> str:
    """The stand-in address of an eBay member: the user name, lower-cased (eBay's names ignore
    case), other characters as =xx (UTF-8), so every name has its own address, in the form the
    parser stores it, and `username_of` reverses it."""
    local = "".join(
        ch if _LOCAL_SAFE.fullmatch(ch) else "".join(f"={b:02x}" for b in ch.encode("utf-8"))
        for ch in username.lower()
    )
    return f"{local}@{MEMBER_DOMAIN}"


def username_of(address: str) -> str | None:
    """The eBay user name behind a `member_address`, or None for any other address
    (for order lookups by buyer)."""
    local, _, domain = address.rpartition("@")
    if domain.lower() != MEMBER_DOMAIN or not local:
        return None
    raw = re.sub(rb"=([0-9A-Fa-f]{2})", lambda m: bytes([int(m[1], 16)]), local.encode("utf-8"))
    return raw.decode("utf-8", errors="replace")


def message_ref(message_id: str) -> str:
    return f"<ebay-{_id_part(message_id)}@{MEMBER_DOMAIN}>"


def conversation_ref(conversation_id: str) -> str:
    return f"<ebay-conversation-{_id_part(conversation_id)}@{MEMBER_DOMAIN}>"


def _id_part(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", value)[:200] or "_"


def parse_ebay_time(value: Any) -> datetime | None:
    """An eBay timestamp (`2026-11-01T09:00:00.000Z`) as an aware datetime; None if unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def message_to_mail(message: dict[str, Any], conversation: dict[str, Any]) -> bytes:
    """One eBay message (getConversation's `messages[]`) of `conversation` as mail bytes.

    Raises ValueError when the message lacks what makes it a message (id, sender)."""
    message_id = str(message.get("messageId") or "")
    sender = clean_line(str(message.get("senderUsername") or ""))
    if not message_id or not sender:
        raise ValueError("an eBay message without messageId or senderUsername")
    recipient = clean_line(str(message.get("recipientUsername") or ""))
    conversation_id = str(conversation.get("conversationId") or "")
    title = (
        clean_line(str(message.get("subject") or conversation.get("conversationTitle") or ""))
        or "eBay message"
    )

    headers = [("From", _address(sender))]
    if recipient:
        headers.append(("To", _address(recipient)))
    headers.append(("Subject", _encoded(title[:300])))
    created = parse_ebay_time(message.get("createdDate"))
    if created is not None:
        headers.append(("Date", format_datetime(created.astimezone(UTC))))
    headers.append(("Message-ID", message_ref(message_id)))
    if conversation_id:
        headers.append(("References", conversation_ref(conversation_id)))
        headers.append(("X-Ebay-Conversation-Id", _id_part(conversation_id)))
    item = conversation.get("referenceId")
    if item and conversation.get("referenceType") == "LISTING":
        headers.append(("X-Ebay-Item-Id", _id_part(str(item))))
    body = clean_text(str(message.get("messageBody") or ""))
    media = _media_lines(message.get("messageMedia"))
    if _HTML.search(body):
        subtype = "html"
        body += "".join(f"<p>{_escape(line)}</p>" for line in media)
    else:
        subtype = "plain"
        body += "\n\nAttachments:\n" + "\n".join(media) if media else ""
    headers.append(("MIME-Version", "1.0"))
    headers.append(("Content-Type", f"text/{subtype}; charset=utf-8"))
    data = body.encode("utf-8", "surrogatepass")
    if any(len(line) > 990 for line in data.split(b"\n")):  # 8bit lines must stay short
        headers.append(("Content-Transfer-Encoding", "base64"))
        data = base64.encodebytes(data)
    else:
        headers.append(("Content-Transfer-Encoding", "8bit"))
        data = data.replace(b"\n", b"\r\n") + b"\r\n"
    head = "".join(f"{name}: {value}\r\n" for name, value in headers)
    return head.encode("ascii") + b"\r\n" + data


def _encoded(text: str) -> str:
    """A header value as ASCII: RFC 2047 when it needs it (the email package's Header is
    ~10x cheaper than EmailMessage's header objects, which dominated the sync's CPU time)."""
    if text.isascii() and "=?" not in text:
        return text
    return Header(text, "utf-8").encode()


def _address(username: str) -> str:
    return formataddr((username, member_address(username)), charset="utf-8")


def _media_lines(media: Any) -> list[str]:
    """messageMedia as "- name: URL" lines; only http(s) links are kept."""
    if not isinstance(media, list):
        return []
    lines = []
    for entry in media:
        if not isinstance(entry, dict):
            continue
        url = clean_line(str(entry.get("mediaUrl") or ""))
        if not re.match(r"https?://\S+$", url):
            continue
        name = clean_line(str(entry.get("mediaName") or entry.get("mediaType") or "file"))
        lines.append(f"- {name}: {url}")
    return lines


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

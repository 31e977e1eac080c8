"""Building real RFC 5322 messages (bytes) and mailboxes for tests."""

from __future__ import annotations

import mailbox
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path

BASE_TIME = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


def make_mail(
    *,
    subject: str = "Where is my order?",
    sender: tuple[str, str] = ("Ayşe Yılmaz", "ayse@example.com"),
    to: tuple[str, str] = ("Shop", "hello@shop.example"),
    body: str = "Hello, where is my order?",
    message_id: str | None = "<m1@example.com>",
    in_reply_to: str | None = None,
    references: list[str] | None = None,
    date: datetime | None = BASE_TIME,
    reply_to: tuple[str, str] | None = None,
    html: str | None = None,
    charset: str | None = None,
    extra_headers: dict[str, str] | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = formataddr(sender)
    msg["To"] = formataddr(to)
    msg["Subject"] = subject
    if date is not None:
        msg["Date"] = format_datetime(date)
    if message_id:
        msg["Message-ID"] = message_id
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = " ".join(references)
    if reply_to:
        msg["Reply-To"] = formataddr(reply_to)
    for name, value in (extra_headers or {}).items():
        msg[name] = value
    if charset:
        msg.set_content(body, charset=charset)
    else:
        msg.set_content(body)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    return msg.as_bytes()


def write_maildir(path: Path, messages: list[bytes], *, seen: bool = False) -> Path:
    """A Maildir holding exactly these bytes (mailbox.Maildir would re-serialise them)."""
    for sub in ("cur", "new", "tmp"):
        (path / sub).mkdir(parents=True, exist_ok=True)
    start = len(list((path / "cur").iterdir())) + len(list((path / "new").iterdir()))
    for index, raw in enumerate(messages, start):
        name = f"{1700000000 + index}.M{index}P1.test"
        target = path / "cur" / f"{name}:2,S" if seen else path / "new" / name
        target.write_bytes(raw)
    return path


def write_mbox(path: Path, messages: list[bytes]) -> Path:
    box = mailbox.mbox(str(path), create=True)
    for raw in messages:
        box.add(mailbox.mboxMessage(raw))
    box.flush()
    box.close()
    return path


def thread(count: int, *, prefix: str = "t", seller: str = "hello@shop.example") -> list[bytes]:
    """A customer/seller conversation of `count` messages with proper threading headers."""
    mails: list[bytes] = []
    ids: list[str] = []
    for index in range(count):
        mid = f"<{prefix}-{index}@example.com>"
        customer_turn = index % 2 == 0
        mails.append(
            make_mail(
                subject="Where is my order?" if index == 0 else "Re: Where is my order?",
                sender=("Ayşe Yılmaz", f"{prefix}@example.com")
                if customer_turn
                else ("Shop", seller),
                to=("Shop", seller) if customer_turn else ("Ayşe Yılmaz", f"{prefix}@example.com"),
                body=f"message {index} of {prefix}",
                message_id=mid,
                in_reply_to=ids[-1] if ids else None,
                references=list(ids) or None,
                date=BASE_TIME + timedelta(hours=index),
            )
        )
        ids.append(mid)
    return mails

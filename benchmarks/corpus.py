"""The generated seller mail the benchmarks measure (import.py, sync.py, parse.py): one place for it.

Two mixes: the plain one (one message in 50 with 20 KB of random bytes as a JPEG) and, with
`photos=True`, the attachment-heavy one sellers get: one message in six carries a real 20-80 KB
phone photo (benchmarks/photo.py), base64 in a multipart/mixed after the text, as phone mail
clients send it.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from benchmarks.photo import photo

SELLER = "hello@shop.example"
FIRST = ["Ayşe", "Mehmet", "Lena", "Jonas", "Emily", "James", "Zeynep", "Can", "Sophie", "Oliver"]
LAST = [
    "Yılmaz",
    "Kaya",
    "Müller",
    "Schmidt",
    "Smith",
    "Brown",
    "Demir",
    "Öztürk",
    "Weber",
    "Taylor",
]
TOPICS = [
    (
        "Where is my order?",
        "Hello, I ordered a towel set two weeks ago and it has not arrived yet. ",
    ),
    (
        "Siparişim nerede?",
        "Merhaba, iki hafta önce sipariş verdim ama hâlâ gelmedi. Kargo takip numarası var mı? ",
    ),
    (
        "Falsche Größe geliefert",
        "Guten Tag, ich habe die falsche Größe bekommen. Wie kann ich das umtauschen? ",
    ),
    ("Refund request", "Hi, the item arrived damaged and I would like a refund please. "),
    ("İade talebi", "Ürün hasarlı geldi, iade etmek istiyorum. Lütfen yardımcı olur musunuz? "),
    (
        "Rücksendung",
        "Ich möchte den Artikel zurücksenden. Bitte senden Sie mir ein Rücksendeetikett. ",
    ),
]
REPLIES = [
    "Thank you for your message, we are looking into it and will get back to you today. ",
    "Merhaba, siparişiniz yarın kargoya verilecek. Teşekkür ederiz. ",
    "Vielen Dank für Ihre Nachricht. Wir kümmern uns sofort darum. ",
]


def build_message(
    rnd: random.Random,
    index: int,
    thread: int,
    turn: int,
    when: datetime,
    ids: list[str],
    *,
    id_prefix: str = "bench",
    replies: bool = False,
    photos: bool = False,
) -> bytes:
    """One message of a thread: the customer's turns and the seller's, in the mix import and
    sync measure (60 % plain, 30 % multipart/alternative, 10 % HTML-only, 1 in 50 with a photo).
    `replies` gives the seller's turns their own words and a quoted tail, as real replies have.
    `photos`: one in six is a phone's mail instead, its text and a 20-80 KB JPEG photo."""
    first, last = rnd.choice(FIRST), rnd.choice(LAST)
    customer = (f"{first} {last}", f"customer{thread}@example.com")
    subject, text = TOPICS[thread % len(TOPICS)]
    inbound = turn % 2 == 0
    msg = EmailMessage()
    msg["From"] = formataddr(customer if inbound else ("Anatolia Textiles", SELLER))
    msg["To"] = formataddr(("Anatolia Textiles", SELLER) if inbound else customer)
    msg["Subject"] = subject if turn == 0 else "Re: " + subject
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = f"<{id_prefix}-{index}@example.com>"
    if ids:
        msg["In-Reply-To"] = ids[-1]
        msg["References"] = " ".join(ids[-8:])
    said = text if inbound or not replies else rnd.choice(REPLIES)
    body = (said * rnd.randint(3, 12)) + f"\n\nOrder {thread:07d}\n-- \n{first}\n"
    if replies and ids:  # a quoted tail, as mail clients write it
        body += "\n" + "\n".join("> " + line for line in (text * 3).split(". "))
    kind = index % 10
    if photos and index % 6 == 5:
        msg.set_content(body)
        msg.add_attachment(
            photo(rnd, when.strftime("%Y:%m:%d %H:%M:%S")),
            maintype="image",
            subtype="jpeg",
            filename=f"IMG_{1000 + index % 9000}.jpg",
        )
        return msg.as_bytes()
    if kind < 6:
        turkish = subject.startswith(("Sip", "İade"))
        msg.set_content(body, charset="iso-8859-9" if kind == 1 and turkish else "utf-8")
    elif kind < 9:
        msg.set_content(body)
        html = body.replace("\n", "<br>")
        msg.add_alternative(f"<html><body><p>{html}</p></body></html>", subtype="html")
    else:
        msg.add_alternative(
            f"<html><body><div><p>{body}</p><table><tr><td>Item</td><td>1</td></tr>"
            "</table></div></body></html>",
            subtype="html",
        )
    if index % 50 == 0 and not photos:
        msg.add_attachment(
            rnd.randbytes(20_000), maintype="image", subtype="jpeg", filename="photo.jpg"
        )
    return msg.as_bytes()


def generate(
    count: int, *, seed: int = 42, start: int = 0, photos: bool = False, **kwargs: object
) -> Iterator[bytes]:
    """`count` messages in threads of 1-6 over three years before 2026-11-01, in thread order;
    `kwargs` go to build_message."""
    rnd = random.Random(seed)
    now = datetime(2026, 11, 1, tzinfo=UTC)
    index = thread = start
    prefix = kwargs.get("id_prefix", "bench")
    while index < start + count:
        length = min(rnd.choice([1, 1, 2, 2, 3, 4, 6]), start + count - index)
        begin = now - timedelta(minutes=rnd.randint(0, 3 * 365 * 24 * 60))
        ids: list[str] = []
        for turn in range(length):
            when = begin + timedelta(hours=turn * 5)
            yield build_message(rnd, index, thread, turn, when, ids, photos=photos, **kwargs)
            ids.append(f"<{prefix}-{index}@example.com>")
            index += 1
        thread += 1

"""A shop's history with known trends, built through the real importer, for the trends tests.

Ten weeks up to NOW (a Friday noon, UTC):
- QUIET: two "where is my order" e-mails every day, each answered after two hours; nothing about
  it changes, so it must never be flagged;
- SPIKE: in the last six days, one "arrived torn" ticket a day about the Linen towel set
  (SKU LTS-1), never seen damaged before: four with a linked order, two naming it only in their
  words, all tagged `damaged`; it must be flagged;
- a steady Waffle bathrobe return every third day (orders in sizes M and L), and an Amazon
  question every second day, answered the next day.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from inbox_tui.importer import import_maildir
from inbox_tui.store import Store
from inbox_tui.store.actions import add_tag
from inbox_tui.store.orders import link_ticket_order, upsert_order
from tests.mailgen import make_mail, write_maildir

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
DAYS = 70
SHOP = ("Shop", "hello@shop.example")
QUIET = "Hello, where is my order? It has not arrived and there is no tracking number yet."
SPIKE = "Hi, the Linen towel set arrived torn: there is a hole in the fabric and a stain."
ROBE = "I would like to return the bathrobe, I need a return label please."
AMAZON = "Hello, where is my parcel? Tracking shows nothing."
SPIKE_DAYS = 6
SPIKE_WITH_ORDER = 4


def _ask(n: int, at: datetime, body: str, sender: tuple[str, str], answer: timedelta | None,
         subject: str = "Question") -> list[bytes]:  # fmt: skip
    mails = [make_mail(message_id=f"<q{n}@x>", subject=f"{subject} {n}", sender=sender, to=SHOP,
                       body=body, date=at)]  # fmt: skip
    if answer is not None:
        mails.append(make_mail(message_id=f"<a{n}@x>", subject=f"Re: {subject} {n}", sender=SHOP,
                               to=sender, in_reply_to=f"<q{n}@x>", body="Thanks, on its way.",
                               date=at + answer))  # fmt: skip
    return mails


def ticket_of(store: Store, message_id: str) -> int:
    return store.conn.execute(
        "SELECT ticket_id FROM messages WHERE message_id = ?", (message_id,)
    ).fetchone()[0]


def build_history(folder: Path, now: datetime = NOW) -> Store:
    """The store of the history above, in `folder`, up to `now`."""
    mails: list[bytes] = []
    orders: list[tuple[int, str, str, datetime]] = []  # (n, sku, title, placed) to link later
    n = 0
    for day in range(DAYS, 0, -1):
        morning = now - timedelta(days=day) + timedelta(hours=1)
        for hour in (0, 5):
            n += 1
            mails += _ask(n, morning + timedelta(hours=hour), QUIET,
                          (f"Buyer {n}", f"b{n}@example.com"), timedelta(hours=2))  # fmt: skip
        if day % 3 == 0:
            n += 1
            size = "M" if day % 2 else "L"
            mails += _ask(n, morning + timedelta(hours=2), ROBE, (f"Robe {n}", f"r{n}@example.com"),
                          timedelta(hours=20))  # fmt: skip
            orders.append(
                (n, "ROBE-1", f"Waffle bathrobe, size {size}", morning - timedelta(days=2))
            )
        if day % 2 == 0:
            n += 1
            relay = (f"Amazon buyer {n}", f"buyer{n}@marketplace.amazon.de")
            mails += _ask(n, morning + timedelta(hours=3), AMAZON, relay, timedelta(hours=26),
                          subject=f"Question about your item (Order: 302-{n:07d}-1234567)")  # fmt: skip
        if day <= SPIKE_DAYS:
            n += 1
            mails += _ask(n, morning + timedelta(hours=4), SPIKE, (f"Towel {n}", f"t{n}@example.com"),
                          None, subject="Damaged")  # fmt: skip
            if day > SPIKE_DAYS - SPIKE_WITH_ORDER:
                orders.append((n, "LTS-1", "Linen towel set", morning - timedelta(days=2)))
    store = Store.open(folder / "inbox.db")
    import_maildir(store, write_maildir(folder / "Mail", mails),
                   seller_emails=frozenset({SHOP[1]}))  # fmt: skip
    for number, sku, title, placed in orders:
        order = upsert_order(store, provider="shopify", order_number=f"#{number}",
                             customer_email=f"x{number}@example.com",
                             placed_at=placed,
                             items=[{"title": title, "sku": sku, "quantity": 1}])  # fmt: skip
        link_ticket_order(store, ticket_of(store, f"q{number}@x"), order)
    spike = [t for (t,) in store.conn.execute(
        "SELECT ticket_id FROM messages WHERE subject LIKE 'Damaged %'")]  # fmt: skip
    add_tag(store, spike, "damaged", at=now)
    return store

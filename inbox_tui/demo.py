"""The demo inbox: a made-up textile shop's 90 days of customer mail, built through the real importer.

`build_demo` writes RFC 5322 mail (English, Turkish, German; plain email, Amazon and eBay relay
mail, Shopify contact forms, Etsy) into a temporary Maildir, imports it with `import_maildir`,
then adds orders, tags and ticket states through the store's own APIs. No network; the result
depends only on (now, seed). The words live in the tables at the end of this file.
"""

from __future__ import annotations

import email.policy
import mailbox
import os
import random
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.header import Header
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from html import escape
from pathlib import Path

from inbox_tui.importer import import_maildir
from inbox_tui.store import actions
from inbox_tui.store.db import Store
from inbox_tui.store.orders import link_orders_by_number, link_ticket_order, upsert_order
from inbox_tui.store.views import count_tickets

SELLER_NAME = "Anatolia Textiles"
SELLER_EMAIL = "hello@anatolia-textiles.example"
SELLER_DOMAIN = "anatolia-textiles.example"
DAYS = 90
TICKETS = 300
ACTOR = "demo"
_HOUR = timedelta(hours=1)
# Headers are written pre-folded with set_raw; not refolding them halves the time to write mail.
_POLICY = email.policy.default.clone(refold_source="none")


@dataclass(frozen=True, slots=True)
class DemoResult:
    tickets: int
    messages: int
    orders: int
    seconds: float


@dataclass
class _Person:
    name: str
    lang: str  # en | tr | de
    channel: str  # email | shopify | amazon | ebay | etsy
    market: str  # amazon.de, ebay.co.uk, uk, tr …: currency, time zone, order number shape
    addr: str  # where the customer writes from and replies go to
    display: str  # the From display name on their mail
    username: str = ""
    orders: list[_Order] = field(default_factory=list)

    @property
    def first(self) -> str:
        return self.name.split()[0]


@dataclass
class _Order:
    provider: str
    number: str
    person: _Person
    placed: datetime
    currency: str
    items: list[dict]
    status: str = "paid"
    carrier: str | None = None
    tracking: str | None = None
    url: str | None = None
    shipped: datetime | None = None

    @property
    def total(self) -> float:
        return round(sum(i["price"] * i["quantity"] for i in self.items), 2)


@dataclass
class _Mail:
    direction: str  # in | out
    at: datetime
    message_id: str = ""
    text: str = ""
    raw: bytes = b""
    seen: bool = True


@dataclass
class _Thread:
    person: _Person
    topic: str
    status: str  # the state the demo leaves the ticket in
    order: _Order | None = None
    mails: list[_Mail] = field(default_factory=list)
    unread: bool = False


def build_demo(store: Store, *, now: datetime | None = None, seed: int = 7) -> DemoResult:
    """Fill `store` with the demo shop's inbox. Deterministic for a given (now, seed)."""
    started = time.perf_counter()
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    shop = _Shop(now, seed)
    shop.plan(TICKETS)
    shop.render()
    # The scratch Maildir goes next to the database file when there is one (same disk, often faster than /tmp).
    scratch = store.path.parent if store.path is not None else None
    with tempfile.TemporaryDirectory(prefix=".inbox-tui-demo-", dir=scratch) as tmp:
        maildir = Path(tmp) / "Maildir"
        _write_maildir(maildir, shop.threads)
        import_maildir(store, maildir, seller_emails=frozenset({SELLER_EMAIL}), progress=None)
    tickets = _ticket_ids(store, shop.threads)
    with store.transaction():
        _store_orders(store, shop, tickets)
        _apply_states(store, shop, tickets)
    return DemoResult(
        tickets=count_tickets(store),
        messages=store.db["messages"].count,
        orders=store.db["orders"].count,
        seconds=time.perf_counter() - started,
    )


def ensure_demo(db_path: Path, *, now: datetime | None = None, seed: int = 7) -> Store:
    """Open the demo store at `db_path`, building it first when it has no tickets yet.

    The build goes into a side file that replaces `db_path` only when complete, so an
    interrupted build never leaves half a demo behind.
    """
    db_path = Path(db_path).expanduser()
    if db_path.exists():
        store = Store.open(db_path)
        if count_tickets(store) > 0:
            return store
        store.close()
    building = db_path.with_suffix(".building")
    for leftover in _sqlite_files(building):
        leftover.unlink(missing_ok=True)
    store = Store.open(building)
    try:
        build_demo(store, now=now, seed=seed)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except BaseException:
        store.close()
        for leftover in _sqlite_files(building):
            leftover.unlink(missing_ok=True)
        raise
    store.close()
    for leftover in (*_sqlite_files(building)[1:], *_sqlite_files(db_path)[1:]):
        leftover.unlink(missing_ok=True)
    os.replace(building, db_path)
    return Store.open(db_path)


# --- planning and writing the mail ---------------------------------------------------------


class _Shop:
    """Plans the shop's customers, orders and conversations, then renders each mail as bytes."""

    def __init__(self, now: datetime, seed: int) -> None:
        self.now = now
        self.rng = random.Random(seed)
        self.people: dict[tuple[str, str], list[_Person]] = {}
        self.orders: list[_Order] = []
        self.threads: list[_Thread] = []
        self.numbers: set[str] = set()

    def plan(self, tickets: int) -> None:
        rng = self.rng
        for _ in range(tickets):
            person = self.person(_pick(rng, CHANNELS))
            topic = "return" if person.username == "ebay" else _pick(rng, TOPICS)
            status = _pick(rng, STATES)
            thread = _Thread(person, topic, status.split("-")[0])
            self.schedule(thread, status)
            needs_order = person.channel == "amazon" or topic not in ("question", "thanks")
            if needs_order or (topic == "thanks" and rng.random() < 0.5):
                reuse = [o for o in person.orders if o.status != "cancelled"]
                if (
                    reuse
                    and person.channel != "amazon"
                    and topic != "cancel"
                    and rng.random() < 0.7
                ):
                    thread.order = rng.choice(reuse)  # a second ticket about the same order
                else:
                    thread.order = self.order(person, topic, thread.mails[0].at)
            self.threads.append(thread)
        people = [p for pool in self.people.values() for p in pool if p.username != "ebay"]
        for person in rng.sample(people, k=min(len(people), 10)):  # repeat buyers: order history
            for _ in range(rng.choice((1, 2, 2))):
                self.order(person, "thanks", self.now - timedelta(days=rng.uniform(20, DAYS + 200)))

    def person(self, channel: str) -> _Person:
        rng = self.rng
        lang, market = _pick(rng, LANGUAGES[channel])
        pool = self.people.setdefault((channel, lang), [])
        if pool and rng.random() < 0.2:
            return rng.choice(pool)
        first, last = rng.choice(FIRST_NAMES[lang]), rng.choice(LAST_NAMES[lang])
        name = f"{first} {last}"
        token = "".join(rng.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=15))
        username = _ascii(f"{first}_{last[0]}{rng.randint(10, 99)}", lang).lower()
        if channel == "amazon":
            person = _Person(
                name,
                lang,
                channel,
                market,
                f"{token}@marketplace.{market}",
                f"{name} - Amazon Marketplace",
            )
        elif channel == "ebay" and rng.random() < 0.06:  # eBay's own notice about a buyer's return
            person = _Person(name, lang, channel, market, "ebay@ebay.com", "eBay", "ebay")
        elif channel == "ebay":
            person = _Person(
                name, lang, channel, market, f"{token[:12]}@members.ebay.com", username, username
            )
        elif channel == "etsy":
            person = _Person(
                name, lang, channel, market, f"{token[:12]}@mail.etsy.com", f"{name} via Etsy"
            )
        else:
            local = _ascii(f"{first}.{last}", lang).lower().replace(" ", "").replace("'", "")
            suffix = rng.choice(("", "", str(rng.randint(1, 99)), str(rng.randint(1960, 2004))))
            addr = f"{local}{suffix}@{rng.choice(MAIL_DOMAINS[lang])}"
            person = _Person(name, lang, channel, market, addr, name)
        pool.append(person)
        return person

    def schedule(self, thread: _Thread, status: str) -> None:
        """Directions and times of the thread's mails, ending the way its status needs."""
        rng = self.rng
        n = (
            1
            if thread.person.username == "ebay"
            else rng.choices(range(1, 9), (18, 25, 20, 14, 9, 6, 4, 4))[0]
        )
        if n == 1 and status in ("pending", "snoozed"):
            n = 2
        last = {"open-new": "in", "open-late": "in", "pending": "out", "snoozed": "out"}.get(status)
        if last is None:  # closed: after the seller's answer, or the customer's thanks
            last = "in" if n == 1 or rng.random() < 0.3 else "out"
        directions = ["in"]
        for _ in range(n - 1):
            same = rng.random() < (0.15 if directions[-1] == "in" else 0.2)
            directions.append(
                directions[-1] if same else ("out" if directions[-1] == "in" else "in")
            )
        directions[-1] = last
        gaps = [timedelta(0)]
        for pair in zip(directions, directions[1:], strict=False):
            gaps.append(timedelta(hours=rng.uniform(*GAP_HOURS[pair])))
        span = sum(gaps, timedelta(0))
        end = self.now - timedelta(hours=rng.uniform(*AGE_HOURS[status]))
        end = max(end, self.now - timedelta(days=DAYS) + span + timedelta(hours=rng.uniform(1, 20)))
        moment = end - span
        for direction, gap in zip(directions, gaps, strict=True):
            moment += gap
            thread.mails.append(_Mail(direction, moment.replace(microsecond=0)))
        thread.unread = thread.status == "open" and rng.random() < 0.75

    def order(self, person: _Person, topic: str, first_mail: datetime) -> _Order:
        rng = self.rng
        before = (
            timedelta(hours=rng.uniform(0.5, 10))
            if topic == "cancel"
            else timedelta(days=rng.uniform(1, 16))
        )
        currency = CURRENCIES[person.market]
        products = [p for p in CATALOG if p["sizes"]] if topic == "size" else CATALOG
        picks = [rng.choice(products)]
        if rng.random() < 0.3:
            picks.append(rng.choice([p for p in CATALOG if p is not picks[0]]))
        items = []
        for product in picks:
            size = f", size {rng.choice(product['sizes'])}" if product["sizes"] else ""
            quantity = rng.choice((1, 1, 1, 2))
            items.append({"title": product["en"] + size, "sku": product["sku"], "quantity": quantity,
                          "price": _price(product["price"], currency)})  # fmt: skip
        provider = "shopify" if person.channel == "email" else person.channel
        order = _Order(provider, self.order_number(provider, person.market), person,
                       (first_mail - before).replace(microsecond=0), currency, items)  # fmt: skip
        if topic == "cancel":
            order.status = "cancelled"
        else:
            self.ship(order)
            if topic == "refund":
                order.status = "refunded"
        person.orders.append(order)
        self.orders.append(order)
        return order

    def ship(self, order: _Order) -> None:
        rng = self.rng
        shipped = (order.placed + timedelta(hours=rng.uniform(5, 40))).replace(microsecond=0)
        if shipped > self.now:
            return
        order.carrier, pattern, url = rng.choice(CARRIERS[order.currency])
        order.tracking = "".join(
            rng.choice("0123456789")
            if c == "9"
            else rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ")
            if c == "A"
            else c
            for c in pattern
        )
        order.url = url.format(order.tracking)
        order.shipped = shipped
        order.status = "delivered" if shipped < self.now - timedelta(days=5) else "shipped"

    def order_number(self, provider: str, market: str) -> str:
        rng = self.rng
        while True:
            if provider == "amazon":
                number = f"{rng.choice(AMAZON_PREFIX[market])}-{rng.randrange(10**7):07d}-{rng.randrange(10**7):07d}"
            elif provider == "ebay":
                number = (
                    f"{rng.randint(10, 27)}-{rng.randint(10000, 99999)}-{rng.randint(10000, 99999)}"
                )
            elif provider == "etsy":
                number = str(rng.randint(2_900_000_000, 3_400_000_000))
            else:
                number = f"#{rng.randint(1001, 4999)}"
            if number not in self.numbers:
                self.numbers.add(number)
                return number

    # --- rendering ----------------------------------------------------------------------

    def render(self) -> None:
        for index, thread in enumerate(self.threads):
            facts = self.facts(thread)
            subject = ""
            for position, mail in enumerate(thread.mails):
                mail.message_id = self.message_id(thread, mail, index, position)
                if position == 0:
                    opener, mail.text = self.opener(thread, facts)
                    subject, mail.text = _first_mail(thread, opener, mail.text, facts, mail.at)
                else:
                    mail.text = self.reply_text(thread, position).format(**facts)
                mail.raw = self.mime(thread, position, subject)
            answered = max((m.at for m in thread.mails if m.direction == "out"), default=None)
            # what the seller answered, they read; the rest waits for mark_read
            for mail in thread.mails:
                mail.seen = mail.direction == "out" or (answered is not None and mail.at < answered)

    def message_id(self, thread: _Thread, mail: _Mail, index: int, position: int) -> str:
        token = f"{self.rng.getrandbits(64):016x}"
        if mail.direction == "out":
            return f"{token}.{index}.{position}@{SELLER_DOMAIN}"
        if thread.person.channel == "amazon":
            return f"0102{token}-{index:04d}{position}-000000@eu-west-1.amazonses.com"
        return f"{token}.{index}.{position}@{thread.person.addr.split('@')[1]}"

    def opener(self, thread: _Thread, facts: dict[str, str]) -> tuple[str, str]:
        if thread.person.username == "ebay":
            subject, body = EBAY_NOTICE[thread.person.lang]
        else:
            choices = OPENERS[thread.topic][thread.person.lang]
            if thread.person.channel == "amazon":  # Amazon writes the order into the subject itself
                choices = [c for c in choices if "{order}" not in c[0]] or choices
            subject, body = self.rng.choice(choices)
        return subject.format(**facts), body.format(**facts)

    def reply_text(self, thread: _Thread, position: int) -> str:
        rng, lang, mails = self.rng, thread.person.lang, thread.mails
        mail, previous = mails[position], mails[position - 1]
        if mail.direction == "out":
            first_answer = all(m.direction == "in" for m in mails[:position])
            body = rng.choice(
                REPLIES[thread.topic][lang] if first_answer else SELLER_FOLLOWUPS[lang]
            )
            return body + "\n\n" + SIGNATURE[lang]
        if previous.direction == "in":
            days = max(1, round((mail.at - previous.at).total_seconds() / 86400))
            return rng.choice(NUDGES[lang]).replace("{days}", str(days))
        if position == len(mails) - 1 and thread.status == "closed":
            return THANKS[lang][thread.topic in ("where", "damaged", "size")]
        return rng.choice(FOLLOWUPS[FOLLOWUP_KIND.get(thread.topic, "other")][lang])

    def facts(self, thread: _Thread) -> dict[str, str]:
        """Everything the templates may name, in the customer's language."""
        person, order, lang = thread.person, thread.order, thread.person.lang
        key = _stable(person.addr + person.name)
        sku = order.items[0]["sku"] if order else CATALOG[key % len(CATALOG)]["sku"]
        product = next(p for p in CATALOG if p["sku"] == sku)
        title = order.items[0]["title"] if order else product["en"]
        sizes = product["sizes"] or ("M", "L")
        ordered = title.rsplit("size ", 1)[-1] if "size " in title else sizes[0]
        wanted = sizes[(sizes.index(ordered) + 1) % len(sizes)] if ordered in sizes else sizes[-1]
        buyer = person.username
        if buyer == "ebay":  # eBay's notice names the buyer by their eBay user name
            buyer = _ascii(person.name, lang).replace(" ", "_").lower()
        return {
            "first": person.first,
            "name": person.name,
            "user": buyer,
            "order": order.number if order else "",
            "item": product[lang],
            "item_en": title,
            "size": wanted,
            "placed": _day(order.placed if order else self.now, lang),
            "shipped": _day(order.shipped or order.placed if order else self.now, lang),
            "carrier": (order.carrier if order else None) or "DHL",
            "tracking": (order.tracking if order else None) or f"00340434{key % 10**12:012d}",
            "url": (order.url if order else None) or f"https://{SELLER_DOMAIN}/track",
            "total": _money(order.total, order.currency, lang) if order else "",
            "label": f"https://{SELLER_DOMAIN}/returns/{key % 10**8:08d}",
            "company": COMPANY[lang],
            "itemno": str(110000000000 + key % 89999999999),
            "feedback": str(key % 900 + 3),
            "asin": f"B0{key % 36**8:08X}"[:10],
            "shop": SELLER_NAME,
        }

    def mime(self, thread: _Thread, position: int, subject: str) -> bytes:
        rng, person, lang = self.rng, thread.person, thread.person.lang
        mail, channel = thread.mails[position], person.channel
        inbound = mail.direction == "in"
        notifier = position == 0 and channel == "shopify"
        text = mail.text
        if position:
            subject = _reply_subject(
                subject, lang if inbound and channel in ("email", "shopify") else "en", rng
            )
            if channel in ("email", "shopify") and rng.random() < 0.5:
                text += _quote(thread.mails[position - 1], person, lang)
        charset = "utf-8"
        if inbound and channel in ("email", "shopify") and not notifier:
            charset = _pick(rng, CHARSETS[lang])
            try:
                (text + subject + person.name).encode(charset)
            except UnicodeEncodeError:
                charset = "utf-8"
        msg = EmailMessage(policy=_POLICY)
        seller = formataddr((SELLER_NAME, SELLER_EMAIL))
        customer = formataddr((person.display, person.addr), charset=charset)
        if notifier:  # a contact-form mail: Shopify sends it, the customer is in Reply-To
            msg.set_raw("From", formataddr((SELLER_NAME, "mailer@shopify.com")))
            msg.set_raw("Reply-To", customer)
        else:
            msg.set_raw("From", customer if inbound else seller)
        msg.set_raw("To", seller if inbound else customer)
        msg.set_raw(
            "Subject", Header(subject, "us-ascii" if subject.isascii() else charset).encode()
        )
        zone = ZONES["seller"] if not inbound else ZONES[person.market]
        msg.set_raw("Date", format_datetime(mail.at.astimezone(zone)))
        msg.set_raw("Message-ID", f"<{mail.message_id}>")
        earlier = [m.message_id for m in thread.mails[:position]]
        relay = channel == "amazon" and inbound and rng.random() < 0.5
        # Amazon relays often drop threading headers: the order key groups them
        if earlier and not relay:
            msg.set_raw("In-Reply-To", f"<{earlier[-1]}>")
            msg.set_raw("References", "\n ".join(f"<{i}>" for i in earlier[-10:]))
        style = _pick(rng, BODY_STYLES) if inbound else "plain"
        style = "alternative" if notifier else style
        cte = rng.choice(ENCODINGS[charset])
        if style == "html":
            msg.set_content(
                _html(text, charset, outlook=True), subtype="html", charset=charset, cte=cte
            )
        else:
            msg.set_content(text, charset=charset, cte=cte)
        if style == "alternative":
            msg.add_alternative(_html(text, "utf-8", outlook=False), subtype="html")
        if inbound and position == 0 and thread.topic == "damaged" and rng.random() < 0.4:
            msg.add_attachment(
                _photo(rng),
                maintype="image",
                subtype="jpeg",
                filename=f"IMG_{rng.randint(1000, 9999)}.jpg",
            )
        first_answer = not inbound and all(m.direction == "in" for m in thread.mails[:position])
        if first_answer and thread.topic == "invoice" and thread.order:
            number = thread.order.number.lstrip("#")
            pdf = _invoice_pdf(thread.order, number)
            msg.add_attachment(
                pdf, maintype="application", subtype="pdf", filename=f"invoice-{number}.pdf"
            )
        for n, part in enumerate(msg.walk()):
            if part.is_multipart():  # fixed boundaries: the same seed gives the same bytes
                part.set_boundary(f"=_part_{n}_{mail.message_id[:16]}")
        return msg.as_bytes()


def _first_mail(
    thread: _Thread, subject: str, text: str, facts: dict[str, str], at: datetime
) -> tuple[str, str]:
    """How the first mail looks on its channel: relay wrappers, marketplace subjects, contact forms."""
    person, lang = thread.person, thread.person.lang
    channel, kind = person.channel, AMAZON_KIND.get(thread.topic, "other")
    if channel == "amazon":
        head, end, order_label, item_label = AMAZON_WRAP[lang]
        subject = AMAZON_SUBJECTS[lang][kind].format(**facts)
        text = f"{head}\n\n{text}\n\n{end}\n\n{order_label}: {facts['order']}\n{item_label}: {facts['item']}\nASIN: {facts['asin']}\n"
    elif channel == "ebay" and person.username != "ebay":
        subject, wrap = EBAY_WRAP[lang]
        subject = subject.format(**facts)
        text = wrap.format(text=text, **facts)
    elif channel == "etsy":
        subject = f"Etsy Conversation with {person.name}: {subject}"
        text += "\n\n---\nReply to this message on Etsy or by replying to this email."
    elif channel == "shopify":
        local = at.astimezone(ZONES["seller"])
        stamp = f"{local:%B} {local.day}, {local.year} at {local.hour % 12 or 12}:{local:%M} {'am' if local.hour < 12 else 'pm'}"
        subject = f"New customer message on {stamp}"
        country = {"tr": "TR", "de": "DE"}.get(lang, "GB" if person.market == "uk" else "US")
        text = SHOPIFY_FORM.format(country=country, name=person.name, email=person.addr, text=text)
    return subject, text


def _write_maildir(path: Path, threads: list[_Thread]) -> None:
    """Inbound mail in the inbox, the seller's replies in .Sent; file names sort oldest first."""
    inbox = mailbox.Maildir(path, create=True)
    inbox.add_folder("Sent")
    mails = sorted((m for t in threads for m in t.mails), key=lambda m: (m.at, m.message_id))
    for n, mail in enumerate(mails):
        folder = path if mail.direction == "in" else path / ".Sent"
        name = f"{int(mail.at.timestamp()):010d}.M{n:05d}P1.demo:2,{'S' if mail.seen else ''}"
        (folder / "cur" / name).write_bytes(mail.raw)


def _ticket_ids(store: Store, threads: list[_Thread]) -> list[int]:
    """The ticket each planned thread became, found by its first mail's Message-ID."""
    first = [t.mails[0].message_id for t in threads]
    found: dict[str, int] = {}
    for start in range(0, len(first), 500):
        chunk = first[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = store.conn.execute(
            f"SELECT message_id, ticket_id FROM messages WHERE message_id IN ({marks})", chunk
        )
        found.update((row[0], row[1]) for row in rows)
    missing = [m for m in first if m not in found]
    if missing:
        raise RuntimeError(
            f"the importer did not store demo message <{missing[0]}> ({len(missing)} missing)"
        )
    return [found[m] for m in first]


def _store_orders(store: Store, shop: _Shop, tickets: list[int]) -> None:
    ids: dict[int, int] = {}
    for order in shop.orders:
        system = order.person.username == "ebay"
        ids[id(order)] = upsert_order(
            store,
            provider=order.provider,
            order_number=order.number,
            customer_email=None if system else order.person.addr,
            customer_name=order.person.name,
            placed_at=order.placed,
            status=order.status,
            total=order.total,
            currency=order.currency,
            items=order.items,
            carrier=order.carrier,
            tracking_number=order.tracking,
            tracking_url=order.url,
            shipped_at=order.shipped,
            data={"source": "demo", "market": order.person.market},
            fetched_at=shop.now,
        )
    link_orders_by_number(store)  # Amazon tickets carry the number in their subject
    for thread, ticket_id in zip(shop.threads, tickets, strict=True):
        if thread.order is not None:
            link_ticket_order(store, ticket_id, ids[id(thread.order)])


def _apply_states(store: Store, shop: _Shop, tickets: list[int]) -> None:
    """Statuses, tags, read state, flags and priorities, as the seller would have left them."""
    rng, now = shop.rng, shop.now
    pairs = list(zip(shop.threads, tickets, strict=True))
    for thread, ticket_id in pairs:
        if thread.status in ("closed", "pending"):
            at = min(now, thread.mails[-1].at + rng.uniform(0.1, 8) * _HOUR)
            actions.set_status(store, [ticket_id], thread.status, actor=ACTOR, at=at)
        tags = list(TOPIC_TAGS.get(thread.topic, ()))
        if len(thread.person.orders) >= 3:
            tags.append("vip")
        if rng.random() < 0.88:  # a few tickets the seller never got round to tagging
            for tag in tags:
                actions.add_tag(
                    store, [ticket_id], tag, actor=ACTOR, at=min(now, thread.mails[0].at + _HOUR)
                )
    snoozed = [i for t, i in pairs if t.status == "snoozed"]
    if snoozed:
        actions.snooze(store, snoozed, now + timedelta(days=2, hours=3), actor=ACTOR, at=now)
    actions.mark_read(store, [i for t, i in pairs if not t.unread], True, actor=ACTOR, at=now)
    urgent = [i for t, i in pairs if t.topic == "damaged" and t.status == "open"]
    actions.set_flag(store, urgent, True, actor=ACTOR, at=now)
    actions.set_priority(store, urgent, 2, actor=ACTOR, at=now)
    vip = [
        i for t, i in pairs if t.status == "open" and len(t.person.orders) >= 3 and i not in urgent
    ]
    actions.set_priority(store, vip, 1, actor=ACTOR, at=now)


def _sqlite_files(path: Path) -> tuple[Path, Path, Path]:
    return path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


# --- small pure helpers --------------------------------------------------------------------


def _pick(rng: random.Random, weighted: tuple[tuple[object, int], ...]):  # noqa: ANN202
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def _stable(text: str) -> int:
    """A number from text that, unlike hash(), is the same in every process."""
    return zlib.crc32(text.encode("utf-8")) * 2654435761 % 2**40


def _ascii(text: str, lang: str) -> str:
    table = {
        "de": {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
    }.get(lang, {})
    text = "".join(table.get(c, c) for c in text)
    return text.translate(str.maketrans("çğıİöşüÇĞÖŞÜ", "cgiIosuCGOSU"))


def _price(base_eur: float, currency: str) -> float:
    value = base_eur * RATES[currency]
    return round(value, -1) - 0.1 if currency == "TRY" else round(value) - 0.01


def _money(amount: float, currency: str, lang: str) -> str:
    text = f"{amount:,.2f}"
    if lang in ("de", "tr"):
        text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{text} {currency}"


def _day(moment: datetime, lang: str) -> str:
    return f"{moment:%d.%m.%Y}" if lang in ("de", "tr") else f"{moment.day} {moment:%B}"


def _reply_subject(subject: str, lang: str, rng: random.Random) -> str:
    prefix = {"de": ("AW", "AW", "Re"), "tr": ("YNT", "Re", "Re")}.get(lang, ("Re",))
    return f"{rng.choice(prefix)}: {subject}"


def _quote(previous: _Mail, person: _Person, lang: str) -> str:
    name, addr = (
        (person.name, person.addr) if previous.direction == "in" else (SELLER_NAME, SELLER_EMAIL)
    )
    when = f"{previous.at:%d.%m.%Y %H:%M}"
    intro = {
        "de": f"Am {when} schrieb {name} <{addr}>:",
        "tr": f"{when} tarihinde {name} <{addr}> şunu yazdı:",
    }
    lines = "\n".join(f"> {line}".rstrip() for line in previous.text.splitlines()[:12])
    return f"\n\n{intro.get(lang, f'On {when}, {name} <{addr}> wrote:')}\n{lines}\n"


def _html(text: str, charset: str, *, outlook: bool) -> str:
    paragraphs = "".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in text.split("\n\n"))
    font = ' style="font-family:Calibri,Arial,sans-serif;font-size:11pt"' if outlook else ""
    return f'<html><head><meta charset="{charset}"></head><body><div{font}>{paragraphs}</div></body></html>\n'


def _photo(rng: random.Random) -> bytes:
    """A few hundred bytes that start and end like a JPEG: enough to show as an attachment."""
    return (
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        + rng.randbytes(300)
        + b"\xff\xd9"
    )


def _invoice_pdf(order: _Order, number: str) -> bytes:
    """A one-page PDF with a valid cross-reference table."""
    lines = [f"{SELLER_NAME} - Invoice {number}", f"Date: {order.placed:%Y-%m-%d}"]
    lines += [
        f"{i['quantity']} x {i['title']} ({i['sku']}): {i['price']:.2f} {order.currency}"
        for i in order.items
    ]
    lines.append(f"Total: {order.total:.2f} {order.currency}")
    text = "".join(
        f"BT /F1 11 Tf 60 {760 - 18 * n} Td ({line.encode('ascii', 'replace').decode().replace('(', '[').replace(')', ']')}) Tj ET\n"
        for n, line in enumerate(lines)
    )
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(text)} >>\nstream\n{text}endstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = "%PDF-1.4\n", []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n{body}\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n" + "".join(
        f"{o:010d} 00000 n \n" for o in offsets
    )
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out.encode("latin-1")


# --- the shop's world: weights, names, catalogue ----------------------------------------------

CHANNELS = (("amazon", 27), ("email", 28), ("shopify", 18), ("ebay", 17), ("etsy", 10))
TOPICS = (("where", 24), ("refund", 8), ("return", 8), ("size", 8), ("damaged", 7),
          ("cancel", 6), ("invoice", 6), ("thanks", 5), ("question", 33))  # fmt: skip
STATES = (("closed", 39), ("pending", 15), ("snoozed", 3), ("open-new", 24), ("open-late", 19))
GAP_HOURS = {
    ("in", "out"): (0.3, 26),
    ("out", "in"): (1, 50),
    ("in", "in"): (40, 96),
    ("out", "out"): (4, 48),
}
AGE_HOURS = {"open-new": (0.2, 20), "open-late": (27, 130), "pending": (2, 140), "snoozed": (1, 60),
             "closed": (30, 24 * (DAYS - 2))}  # fmt: skip
BODY_STYLES = (("plain", 78), ("alternative", 15), ("html", 7))
LANGUAGES = {
    "amazon": ((("de", "amazon.de"), 40), (("en", "amazon.com"), 20), (("en", "amazon.co.uk"), 20), (("tr", "amazon.com.tr"), 20)),
    "email": ((("tr", "tr"), 36), (("de", "de"), 30), (("en", "uk"), 18), (("en", "us"), 16)),
    "shopify": ((("en", "us"), 30), (("en", "uk"), 20), (("de", "de"), 25), (("tr", "tr"), 25)),
    "ebay": ((("en", "ebay.com"), 35), (("en", "ebay.co.uk"), 25), (("de", "ebay.de"), 40)),
    "etsy": ((("en", "us"), 80), (("de", "de"), 20)),
}  # fmt: skip
_CET, _TRT, _EST = (
    timezone(timedelta(hours=1)),
    timezone(timedelta(hours=3)),
    timezone(timedelta(hours=-5)),
)
ZONES = {"seller": _TRT, "tr": _TRT, "amazon.com.tr": _TRT, "de": _CET, "amazon.de": _CET, "ebay.de": _CET,
         "uk": UTC, "amazon.co.uk": UTC, "ebay.co.uk": UTC, "us": _EST, "amazon.com": _EST, "ebay.com": _EST}  # fmt: skip
CURRENCIES = {"tr": "TRY", "amazon.com.tr": "TRY", "de": "EUR", "amazon.de": "EUR", "ebay.de": "EUR",
              "uk": "GBP", "amazon.co.uk": "GBP", "ebay.co.uk": "GBP", "us": "USD", "amazon.com": "USD", "ebay.com": "USD"}  # fmt: skip
RATES = {"EUR": 1.0, "GBP": 0.86, "USD": 1.08, "TRY": 36.0}
AMAZON_PREFIX = {"amazon.de": ("302", "303", "304", "305", "306"), "amazon.com": ("111", "112", "113", "114"),
                 "amazon.co.uk": ("202", "203", "204", "205", "206"), "amazon.com.tr": ("407", "408")}  # fmt: skip
CHARSETS = {
    "tr": (("utf-8", 45), ("iso-8859-9", 35), ("windows-1254", 20)),
    "de": (("utf-8", 75), ("iso-8859-15", 25)),
    "en": (("utf-8", 90), ("windows-1252", 10)),
}
ENCODINGS = {"utf-8": ("8bit", "quoted-printable", "base64"), "iso-8859-9": ("quoted-printable", "quoted-printable", "base64", "8bit"),
             "windows-1254": ("base64", "quoted-printable"), "iso-8859-15": ("quoted-printable",), "windows-1252": ("quoted-printable", "8bit")}  # fmt: skip
# (carrier, tracking pattern: 9 a digit, A a letter, url)
CARRIERS = {
    "EUR": (("DHL", "00340434999999999999", "https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode={}"),
            ("Hermes", "H1099999999999999999", "https://www.myhermes.de/empfangen/sendungsverfolgung/sendungsinformation#{}"),
            ("UPS", "1ZAAA99999999999999", "https://www.ups.com/track?tracknum={}")),
    "GBP": (("Royal Mail", "AA999999999GB", "https://www.royalmail.com/track-your-item#/tracking-results/{}"),
            ("DPD", "15599999999999", "https://track.dpd.co.uk/parcels/{}")),
    "USD": (("USPS", "9400199999999999999999", "https://tools.usps.com/go/TrackConfirmAction?tLabels={}"),
            ("UPS", "1ZAAA99999999999999", "https://www.ups.com/track?tracknum={}")),
    "TRY": (("Yurtiçi Kargo", "999999999999", "https://www.yurticikargo.com/tr/online-servisler/gonderi-sorgula?code={}"),
            ("Aras Kargo", "9999999999", "https://kargotakip.araskargo.com.tr/mainpage.aspx?code={}"),
            ("PTT Kargo", "RR999999999TR", "https://gonderitakip.ptt.gov.tr/Track/Verify?q={}")),
}  # fmt: skip
CATALOG = (
    {"sku": "TWL-SET-4", "price": 49.9, "sizes": (), "en": "Turkish cotton towel set (4 pcs)",
     "tr": "Türk pamuğu havlu seti (4'lü)", "de": "Türkisches Baumwoll-Handtuchset (4-teilig)"},
    {"sku": "KLM-CUSH-45", "price": 34.5, "sizes": (), "en": "Hand-woven kilim cushion cover 45x45",
     "tr": "El dokuması kilim yastık kılıfı 45x45", "de": "Handgewebter Kelim-Kissenbezug 45x45"},
    {"sku": "PST-BEACH", "price": 24.9, "sizes": (), "en": "Peshtemal beach towel",
     "tr": "Peştemal plaj havlusu", "de": "Peshtemal-Strandtuch"},
    {"sku": "ROBE-WAFFLE", "price": 59.0, "sizes": ("S", "M", "L", "XL"), "en": "Waffle cotton bathrobe",
     "tr": "Waffle pamuk bornoz", "de": "Waffel-Bademantel aus Baumwolle"},
    {"sku": "SUZANI-RUN", "price": 29.0, "sizes": (), "en": "Suzani table runner",
     "tr": "Suzani masa örtüsü", "de": "Suzani-Tischläufer"},
    {"sku": "HAMAM-GIFT", "price": 39.9, "sizes": (), "en": "Hammam spa gift set",
     "tr": "Hamam spa hediye seti", "de": "Hamam-Wellness-Geschenkset"},
    {"sku": "KLM-RUG-80", "price": 149.0, "sizes": (), "en": "Vintage kilim rug 80x120",
     "tr": "Vintage kilim halı 80x120", "de": "Vintage-Kelim-Teppich 80x120"},
    {"sku": "MUSLIN-THR", "price": 44.0, "sizes": (), "en": "Muslin throw blanket",
     "tr": "Müslin battaniye", "de": "Musselin-Kuscheldecke"},
    {"sku": "LINEN-TT-3", "price": 19.5, "sizes": (), "en": "Linen tea towels (set of 3)",
     "tr": "Keten kurulama bezi (3'lü)", "de": "Leinen-Geschirrtücher (3er-Set)"},
    {"sku": "HAMAM-SLIP", "price": 17.9, "sizes": ("37/38", "39/40", "41/42", "43/44"), "en": "Hammam slippers",
     "tr": "Hamam terliği", "de": "Hamam-Pantoffeln"},
)  # fmt: skip
FIRST_NAMES = {
    "tr": ("Ayşe", "Mehmet", "Zeynep", "Emre", "Elif", "Burak", "Gülşen", "İbrahim", "Özge", "Çağrı", "Şule",
           "Onur", "Derya", "Hakan", "Selin", "Ümit", "Büşra", "Oğuz", "Işıl", "Gökhan", "Tuğba", "Ömer"),
    "de": ("Jürgen", "Anna", "Lukas", "Sophie", "Maximilian", "Lena", "Jörg", "Katrin", "Stefan", "Marie",
           "Tobias", "Sabine", "Uwe", "Claudia", "Björn", "Jana", "Matthias", "Ute", "Sören", "Greta"),
    "en": ("Emily", "James", "Priya", "Olivia", "Daniel", "Sarah", "Michael", "Hannah", "Tom", "Grace", "Ryan",
           "Chloe", "Aisha", "Ben", "Megan", "Liam", "Noah", "Zoe", "Ethan", "Fiona"),
}  # fmt: skip
LAST_NAMES = {
    "tr": ("Yılmaz", "Öztürk", "Çelik", "Şahin", "Doğan", "Kılıç", "Aydın", "Koç", "Arslan", "Yıldız",
           "Erdoğan", "Güneş", "Kaya", "Demir", "Aksoy", "Polat", "Özdemir", "Çakır", "Güler", "Türkmen"),
    "de": ("Müller", "Schäfer", "Weiß", "Becker", "Groß", "Hoffmann", "Köhler", "Krüger", "Schröder", "Fischer",
           "Wagner", "Vogel", "Weber", "Schmitt", "Lange", "Böhm", "Hartmann", "Jäger", "Möller", "Bäcker"),
    "en": ("Carter", "O'Connor", "Patel", "Smith", "Brooks", "Johnson", "Chen", "Wright", "Wilson", "Liu",
           "Murphy", "Evans", "Khan", "Taylor", "Hughes", "Walker", "Robinson", "Nguyen", "Campbell", "Reed"),
}  # fmt: skip
MAIL_DOMAINS = {
    "tr": ("posta.example", "hotmail.example", "yandex.example", "ttmail.example"),
    "de": ("gmx.example", "web.example", "t-online.example", "posteo.example"),
    "en": ("gmail.example", "outlook.example", "icloud.example", "btinternet.example"),
}
COMPANY = {
    "en": "Bloom & Weave Ltd",
    "tr": "Yıldız Ev Tekstili Ltd. Şti.",
    "de": "Müller Raumausstattung GmbH",
}
TOPIC_TAGS = {"where": ("shipping",), "refund": ("refund",), "return": ("return",), "size": ("wrong-size", "return"),
              "damaged": ("damaged",), "cancel": ("cancellation",), "invoice": ("invoice",)}  # fmt: skip
FOLLOWUP_KIND = {"where": "where", "refund": "refund", "return": "label", "size": "label"}
AMAZON_KIND = {
    "where": "where",
    "refund": "return",
    "return": "return",
    "size": "return",
    "damaged": "return",
}

# --- the words ----------------------------------------------------------------------------------

AMAZON_SUBJECTS = {
    "en": {"where": "Shipping inquiry from Amazon customer {name} (Order: {order})",
           "return": "Return request from Amazon customer {name} (Order: {order})",
           "other": "Question about your item (Order: {order})"},
    "de": {"where": "Lieferanfrage von Amazon-Kunde {name} (Bestellung: {order})",
           "return": "Rücksendeanfrage von Amazon-Kunde {name} (Bestellung: {order})",
           "other": "Frage zu Ihrem Artikel (Bestellung: {order})"},
    "tr": {"where": "Amazon müşterisi {name} teslimatı soruyor (Sipariş: {order})",
           "return": "Amazon müşterisi {name} iade talep ediyor (Sipariş: {order})",
           "other": "Ürününüz hakkında soru (Sipariş: {order})"},
}  # fmt: skip
AMAZON_WRAP = {
    "en": ("------------- Message: -------------", "------------- End message -------------", "Order ID", "Item"),
    "de": ("------------- Nachricht: -------------", "------------- Ende der Nachricht -------------", "Bestellnummer", "Artikel"),
    "tr": ("------------- Mesaj: -------------", "------------- Mesaj sonu -------------", "Sipariş numarası", "Ürün"),
}  # fmt: skip
EBAY_WRAP = {
    "en": ("Other: {user} sent a message about {item_en} #{itemno}",
           "New message from: {user} ({feedback})\n\n{text}\n\nOrder number: {order}\nItem: {item_en} ({itemno})\n\n"
           "Other eBay user messages are sent through eBay. Reply to this email or respond in My eBay > Messages."),
    "de": ("Andere: {user} hat eine Nachricht zu {item} #{itemno} gesendet",
           "Neue Nachricht von: {user} ({feedback})\n\n{text}\n\nBestellnummer: {order}\nArtikel: {item} ({itemno})\n\n"
           "Nachrichten anderer eBay-Mitglieder werden über eBay gesendet. Antworten Sie auf diese E-Mail oder in Mein eBay > Nachrichten."),
}  # fmt: skip
EBAY_NOTICE = {
    "en": ("Return request opened: {item_en}",
           "{user} has opened a return request.\n\nOrder number: {order}\nItem: {item_en}\nReason: Doesn't fit\n\n"
           "Please respond within 3 business days. If you don't, the buyer can ask eBay to step in."),
    "de": ("Rückgabeanfrage eröffnet: {item}",
           "{user} hat eine Rückgabe angefragt.\n\nBestellnummer: {order}\nArtikel: {item}\nGrund: Passt nicht\n\n"
           "Bitte antworten Sie innerhalb von 3 Werktagen, sonst kann der Käufer eBay um Hilfe bitten."),
}  # fmt: skip
SHOPIFY_FORM = ("You received a new message from your online store's contact form.\n\nCountry Code: {country}\n"
                "Name: {name}\nEmail: {email}\nPhone Number:\n\nBody:\n{text}\n")  # fmt: skip
SIGNATURE = {"en": "Best regards,\nDeniz\nAnatolia Textiles", "tr": "Saygılarımla,\nDeniz\nAnatolia Textiles",
             "de": "Viele Grüße\nDeniz\nAnatolia Textiles"}  # fmt: skip

OPENERS = {
    "where": {
        "en": [("Where is my order?", "Hi,\n\nI ordered the {item} on {placed} (order {order}) and it still hasn't arrived. The tracking hasn't moved for days. Can you check what is going on?\n\nThanks,\n{first}"),
               ("Order {order} not arrived yet", "Hello,\n\nmy order {order} was supposed to arrive last week but nothing so far. Could you tell me where it is?\n\nBest,\n{first}"),
               ("Tracking not updating", "Hi there,\n\nthe tracking for my {item} has said 'in transit' for 6 days now. Is it lost?\n\n{first}")],
        "tr": [("Siparişim nerede?", "Merhaba,\n\n{placed} tarihinde {item} sipariş ettim (sipariş no: {order}) ama hâlâ elime ulaşmadı. Kargo takibi de günlerdir değişmiyor. Yardımcı olabilir misiniz?\n\nTeşekkürler,\n{first}"),
               ("Kargom hâlâ gelmedi", "İyi günler,\n\n{order} numaralı siparişim bir haftadır yolda görünüyor. Ne zaman teslim edilir?\n\n{first}"),
               ("Sipariş {order} ne zaman gelir?", "Merhaba, siparişimin durumunu öğrenebilir miyim? Çarşamba günü gelmesi gerekiyordu.\n\nİyi çalışmalar,\n{first}")],
        "de": [("Wo ist meine Bestellung?", "Hallo,\n\nich habe am {placed} {item} bestellt (Bestellung {order}), aber bisher ist nichts angekommen. Die Sendungsverfolgung zeigt seit Tagen keinen Fortschritt. Können Sie nachsehen?\n\nViele Grüße\n{first}"),
               ("Lieferung noch nicht angekommen", "Guten Tag,\n\nmeine Bestellung {order} sollte letzte Woche ankommen. Wissen Sie, wo das Paket ist?\n\nGrüße\n{first}"),
               ("Sendungsverfolgung zeigt nichts", "Hallo,\n\nseit fünf Tagen steht bei meinem Paket nur „in Zustellung“. Ist es verloren gegangen?\n\n{first}")],
    },
    "refund": {
        "en": [("Refund request", "Hi,\n\nI sent the {item} back on Monday. When can I expect my refund?\n\n{first}"),
               ("Still waiting for my refund", "Hello,\n\nit's been two weeks since you received my return for order {order}. I still haven't got the money back. Please check.\n\n{first}")],
        "tr": [("İade talebi", "Merhaba,\n\n{item} ürününü geri gönderdim. Param ne zaman iade edilecek?\n\nSaygılarımla,\n{first}"),
               ("Param ne zaman iade edilecek?", "Merhaba,\n\niadem iki hafta önce size ulaştı ama ödeme hâlâ hesabıma geçmedi. Kontrol edebilir misiniz?\n\n{first}")],
        "de": [("Rückerstattung", "Hallo,\n\nich habe {item} zurückgeschickt. Wann bekomme ich mein Geld zurück?\n\nMit freundlichen Grüßen\n{first}"),
               ("Erstattung für Bestellung {order} fehlt", "Guten Tag,\n\nmeine Rücksendung ist seit zwei Wochen bei Ihnen, die Erstattung fehlt aber noch. Bitte prüfen Sie das.\n\n{first}")],
    },
    "return": {
        "en": [("Return label please", "Hi there,\n\nI'd like to return the {item} from order {order}. Could you send me a return label?\n\nThank you,\n{first}"),
               ("How do I return this?", "Hello,\n\nthe colour of the {item} doesn't match our bathroom. How can I send it back?\n\n{first}")],
        "tr": [("İade etiketi gönderebilir misiniz?", "Merhaba,\n\n{order} numaralı siparişteki {item} ürününü iade etmek istiyorum. İade etiketi gönderebilir misiniz?\n\nTeşekkür ederim,\n{first}"),
               ("Ürünü nasıl iade ederim?", "Merhaba,\n\n{item} rengi beklediğim gibi çıkmadı. İade için ne yapmam gerekiyor?\n\n{first}")],
        "de": [("Rücksendung", "Hallo,\n\nich möchte {item} aus Bestellung {order} zurücksenden. Können Sie mir ein Rücksendeetikett schicken?\n\nDanke und Grüße\n{first}"),
               ("Rücksendeetikett benötigt", "Guten Tag,\n\ndie Farbe passt leider nicht zu unserem Bad. Wie kann ich {item} zurückschicken?\n\n{first}")],
    },
    "size": {
        "en": [("Wrong size received", "Hello,\n\nI ordered the {item} but received the wrong size. Can I exchange it for size {size}?\n\n{first}"),
               ("Exchange for a bigger size", "Hi,\n\nthe {item} is too small. Could I swap it for size {size}?\n\nThanks,\n{first}")],
        "tr": [("Yanlış beden geldi", "Merhaba,\n\n{item} sipariş ettim ama yanlış beden geldi. {size} beden ile değiştirebilir miyiz?\n\n{first}"),
               ("Beden değişimi", "Merhaba,\n\n{item} küçük geldi. {size} bedenle değişim yapabilir miyim?\n\nTeşekkürler,\n{first}")],
        "de": [("Falsche Größe", "Hallo,\n\nich habe {item} bestellt, aber die falsche Größe bekommen. Kann ich es gegen Größe {size} umtauschen?\n\n{first}"),
               ("Umtausch Größe {size}", "Guten Tag,\n\n{item} ist mir zu klein. Ist ein Umtausch in Größe {size} möglich?\n\nGrüße\n{first}")],
    },
    "damaged": {
        "en": [("Item arrived damaged", "Hi,\n\nthe {item} arrived today with a tear along the edge. What can we do?\n\n{first}"),
               ("Broken parcel", "Hello,\n\nthe parcel for order {order} was crushed and the {item} has a stain. Photo attached if it came through.\n\n{first}")],
        "tr": [("Ürün hasarlı geldi", "Merhaba,\n\n{item} bugün elime ulaştı ama kenarı yırtık. Ne yapabiliriz?\n\n{first}"),
               ("Paket ezik geldi", "Merhaba,\n\n{order} numaralı siparişin kolisi ezilmiş, ürün de lekeli. Fotoğrafını ekledim.\n\n{first}")],
        "de": [("Artikel beschädigt angekommen", "Guten Tag,\n\n{item} ist heute angekommen, leider ist der Stoff an einer Stelle gerissen. Wie gehen wir vor?\n\n{first}"),
               ("Paket beschädigt", "Hallo,\n\ndas Paket zu Bestellung {order} war eingedrückt und {item} hat einen Fleck. Foto anbei.\n\n{first}")],
    },
    "cancel": {
        "en": [("Please cancel my order", "Hi,\n\nI placed order {order} by mistake an hour ago. Please cancel it before it ships.\n\nSorry!\n{first}")],
        "tr": [("Siparişimi iptal etmek istiyorum", "Merhaba,\n\n{order} numaralı siparişi yanlışlıkla verdim. Kargoya verilmeden iptal edebilir misiniz?\n\nİyi çalışmalar,\n{first}")],
        "de": [("Bitte Bestellung stornieren", "Hallo,\n\nbitte stornieren Sie meine Bestellung {order}, ich habe versehentlich doppelt bestellt.\n\nDanke!\n{first}")],
    },
    "invoice": {
        "en": [("Invoice request for order {order}", "Hello,\n\ncould you send me a VAT invoice for order {order}? I need it for my company, {company}.\n\nKind regards,\n{first}")],
        "tr": [("Fatura talebi", "Merhaba,\n\n{order} numaralı siparişim için kurumsal fatura rica ediyorum. Şirket: {company}.\n\nSaygılarımla,\n{first}")],
        "de": [("Rechnung benötigt", "Guten Tag,\n\nkönnten Sie mir bitte eine Rechnung mit ausgewiesener MwSt. für Bestellung {order} schicken? Firma: {company}.\n\nMit freundlichen Grüßen\n{first}")],
    },
    "thanks": {
        "en": [("Thank you!", "Hi,\n\njust wanted to say the {item} is beautiful. Lovely quality, I will order again!\n\n{first}")],
        "tr": [("Teşekkürler!", "Merhaba,\n\n{item} çok güzel, kalitesi harika. Tekrar sipariş vereceğim!\n\nSevgiler,\n{first}")],
        "de": [("Vielen Dank!", "Hallo,\n\n{item} ist wunderschön, tolle Qualität. Ich bestelle bestimmt wieder!\n\nLiebe Grüße\n{first}")],
    },
    "question": {
        "en": [("Question about the {item}", "Hello,\n\nis the {item} 100% cotton? And does it shrink in the wash?\n\nThanks,\n{first}"),
               ("Do you ship to Canada?", "Hi,\n\ndo you ship to Canada, and how long does it take?\n\n{first}")],
        "tr": [("{item} hakkında soru", "Merhaba,\n\n{item} %100 pamuk mu? Yıkamada çeker mi?\n\nTeşekkürler,\n{first}"),
               ("Yurt dışına gönderim yapıyor musunuz?", "Merhaba,\n\nAlmanya'ya gönderim yapıyor musunuz? Kargo ücreti ne kadar?\n\n{first}")],
        "de": [("Frage zu {item}", "Hallo,\n\nist {item} aus 100 % Baumwolle? Läuft es beim Waschen ein?\n\nDanke\n{first}"),
               ("Versand in die Schweiz möglich?", "Hallo,\n\nliefern Sie auch in die Schweiz? Wie hoch sind die Versandkosten?\n\n{first}")],
    },
}  # fmt: skip

REPLIES = {
    "where": {
        "en": ["Hi {first},\n\nthank you for your message. Your order {order} left our workshop on {shipped} with {carrier}. The tracking number is {tracking}:\n{url}\n\nIt should be with you within 2-3 working days. If not, just reply and I will open a claim with {carrier}."],
        "tr": ["Merhaba {first},\n\nmesajınız için teşekkürler. {order} numaralı siparişiniz {shipped} tarihinde {carrier} ile kargoya verildi. Takip numarası: {tracking}\n{url}\n\n2-3 iş günü içinde elinizde olur. Gelmezse bu e-postaya cevap verin, kargo firmasıyla hemen ilgileneyim."],
        "de": ["Hallo {first},\n\nvielen Dank für Ihre Nachricht. Ihre Bestellung {order} wurde am {shipped} mit {carrier} verschickt. Die Sendungsnummer lautet {tracking}:\n{url}\n\nDas Paket sollte in 2-3 Werktagen bei Ihnen sein. Falls nicht, antworten Sie einfach, dann stelle ich einen Nachforschungsauftrag."],
    },
    "refund": {
        "en": ["Hi {first},\n\nyour return arrived and I have issued the refund of {total} today. Depending on your bank it takes 3-5 working days to show up."],
        "tr": ["Merhaba {first},\n\niadeniz bize ulaştı, {total} tutarındaki ödemenizi bugün iade ettik. Bankanıza bağlı olarak 3-5 iş günü içinde hesabınıza yansır."],
        "de": ["Hallo {first},\n\nIhre Rücksendung ist angekommen und ich habe heute {total} erstattet. Je nach Bank dauert es 3-5 Werktage, bis der Betrag auf Ihrem Konto erscheint."],
    },
    "return": {
        "en": ["Hi {first},\n\nof course. Here is your prepaid return label:\n{label}\n\nPlease use the original packaging if you still have it. The refund follows as soon as the parcel arrives."],
        "tr": ["Merhaba {first},\n\ntabii ki. Ücretsiz iade etiketiniz burada:\n{label}\n\nMümkünse orijinal ambalajı kullanın. Paket bize ulaşınca ödemeniz iade edilir."],
        "de": ["Hallo {first},\n\nselbstverständlich. Hier ist Ihr kostenloses Rücksendeetikett:\n{label}\n\nBitte verwenden Sie nach Möglichkeit die Originalverpackung. Die Erstattung folgt, sobald das Paket bei uns ist."],
    },
    "size": {
        "en": ["Hi {first},\n\nI'm so sorry for the mix-up! Please send the item back with this free return label and I will ship size {size} the day it arrives:\n{label}"],
        "tr": ["Merhaba {first},\n\nkarışıklık için çok özür dilerim! Ürünü bu ücretsiz etiketle geri gönderin, {size} bedeni aynı gün kargoya veriyorum:\n{label}"],
        "de": ["Hallo {first},\n\ndas tut mir sehr leid! Schicken Sie den Artikel bitte mit diesem kostenlosen Etikett zurück, ich versende Größe {size} noch am selben Tag:\n{label}"],
    },
    "damaged": {
        "en": ["Hi {first},\n\nI'm very sorry the {item} arrived damaged. I've sent a replacement today, no need to return the damaged one."],
        "tr": ["Merhaba {first},\n\n{item} hasarlı geldiği için çok üzgünüm. Bugün yenisini gönderdim, hasarlı ürünü geri göndermenize gerek yok."],
        "de": ["Hallo {first},\n\nes tut mir sehr leid, dass {item} beschädigt angekommen ist. Ich habe heute Ersatz verschickt, den beschädigten Artikel müssen Sie nicht zurückschicken."],
    },
    "cancel": {
        "en": ["Hi {first},\n\ndone: order {order} is cancelled and the full amount of {total} is on its way back to you."],
        "tr": ["Merhaba {first},\n\n{order} numaralı siparişiniz iptal edildi, {total} tutarın tamamı iade ediliyor."],
        "de": ["Hallo {first},\n\nerledigt: Bestellung {order} ist storniert, der volle Betrag von {total} wird Ihnen erstattet."],
    },
    "invoice": {
        "en": ["Hi {first},\n\nplease find the invoice for order {order} attached."],
        "tr": ["Merhaba {first},\n\n{order} numaralı siparişinizin faturası ektedir."],
        "de": ["Hallo {first},\n\nanbei die Rechnung zu Bestellung {order}."],
    },
    "thanks": {
        "en": ["Thank you so much, {first}! Messages like yours make our week. Enjoy the {item}!"],
        "tr": ["Çok teşekkür ederiz {first}! Böyle mesajlar günümüzü güzelleştiriyor. {item} ürününü güzel günlerde kullanın!"],
        "de": ["Herzlichen Dank, {first}! Über solche Nachrichten freuen wir uns sehr. Viel Freude mit {item}!"],
    },
    "question": {
        "en": ["Hi {first},\n\nyes, it is woven from 100% Turkish cotton in Denizli. It shrinks about 3% in the first wash at 40 degrees, so we cut it slightly larger. We ship worldwide; most countries get it within 5-8 working days."],
        "tr": ["Merhaba {first},\n\nevet, %100 Denizli pamuğundan dokunuyor. 40 derecede ilk yıkamada yaklaşık %3 çeker, bu yüzden biraz büyük kesiyoruz. Dünyanın her yerine gönderim yapıyoruz; çoğu ülkeye 5-8 iş gününde ulaşıyor."],
        "de": ["Hallo {first},\n\nja, es ist aus 100 % türkischer Baumwolle aus Denizli gewebt. Bei der ersten Wäsche mit 40 Grad läuft es etwa 3 % ein, deshalb schneiden wir es etwas größer zu. Wir liefern weltweit; in die meisten Länder dauert es 5-8 Werktage."],
    },
}  # fmt: skip

SELLER_FOLLOWUPS = {
    "en": ["Hi {first},\n\nI checked with {carrier}: the parcel is at your local depot and should be delivered tomorrow.",
           "Hi {first},\n\njust a quick update: this has been sorted on our side. Let me know if there is anything else.",
           "Hi {first},\n\nthanks for your patience. I've asked the warehouse to check and will get back to you by tomorrow."],
    "tr": ["Merhaba {first},\n\n{carrier} ile görüştüm: paket dağıtım şubesinde, yarın teslim edilecek.",
           "Merhaba {first},\n\nkısa bir bilgi: bizim tarafımızda her şey halloldu. Başka bir konuda yardımcı olabilirsem yazın.",
           "Merhaba {first},\n\nsabrınız için teşekkürler. Depoya sordum, yarına kadar size dönüş yapacağım."],
    "de": ["Hallo {first},\n\nich habe bei {carrier} nachgefragt: Das Paket liegt in Ihrem Zustelldepot und wird morgen zugestellt.",
           "Hallo {first},\n\nkurzes Update: Das ist bei uns erledigt. Melden Sie sich gern, falls noch etwas ist.",
           "Hallo {first},\n\ndanke für Ihre Geduld. Ich habe im Lager nachgefragt und melde mich bis morgen."],
}  # fmt: skip
FOLLOWUPS = {
    "where": {"en": ["Hi, the tracking still shows no update. Can you check again please?\n\n{first}"],
              "tr": ["Merhaba, kargo takibi hâlâ güncellenmedi. Tekrar kontrol edebilir misiniz?\n\n{first}"],
              "de": ["Hallo, die Sendungsverfolgung zeigt immer noch nichts Neues. Können Sie bitte nochmal nachsehen?\n\n{first}"]},
    "refund": {"en": ["I still haven't received the refund. Could you check?\n\n{first}"],
               "tr": ["Ödeme hâlâ hesabıma geçmedi. Kontrol eder misiniz?\n\n{first}"],
               "de": ["Die Erstattung ist bei mir noch nicht eingegangen. Können Sie das prüfen?\n\n{first}"]},
    "label": {"en": ["Sorry, the link doesn't work for me. Can you send the label as a PDF?\n\n{first}"],
              "tr": ["Bağlantı açılmıyor, etiketi PDF olarak gönderebilir misiniz?\n\n{first}"],
              "de": ["Der Link funktioniert bei mir nicht. Können Sie mir das Etikett als PDF schicken?\n\n{first}"]},
    "other": {"en": ["Thanks! One more question: do you have the same item in another colour?\n\n{first}"],
              "tr": ["Teşekkürler! Bir sorum daha var: aynı ürünün başka rengi var mı?\n\n{first}"],
              "de": ["Danke! Noch eine Frage: Gibt es den Artikel auch in einer anderen Farbe?\n\n{first}"]},
}  # fmt: skip
THANKS = {
    "en": ["Got it, thank you so much for the quick help!\n\n{first}", "Parcel arrived today, all perfect. Thanks!\n\n{first}"],
    "tr": ["Tamamdır, hızlı yardımınız için çok teşekkür ederim!\n\n{first}", "Paket bugün geldi, her şey mükemmel. Teşekkürler!\n\n{first}"],
    "de": ["Alles klar, vielen Dank für die schnelle Hilfe!\n\n{first}", "Paket ist heute angekommen, alles bestens. Danke!\n\n{first}"],
}  # fmt: skip
NUDGES = {
    "en": ["Hello? I wrote {days} days ago and haven't heard back. Please reply.\n\n{first}"],
    "tr": ["Merhaba, {days} gün önce yazdım ama hâlâ cevap alamadım. Lütfen dönüş yapın.\n\n{first}"],
    "de": ["Hallo? Ich habe vor {days} Tagen geschrieben und noch keine Antwort bekommen. Bitte melden Sie sich.\n\n{first}"],
}  # fmt: skip

"""Planning the demo shop's customers, orders and conversations, and writing their mail."""

from __future__ import annotations

import email.policy
import random
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.header import Header
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from html import escape

from inbox_tui.demo.words import (
    AMAZON_KIND,
    AMAZON_PREFIX,
    AMAZON_SUBJECTS,
    AMAZON_WRAP,
    BODY_STYLES,
    CARRIERS,
    CATALOG,
    CHANNELS,
    CHARSETS,
    COMPANY,
    CURRENCIES,
    DAYS,
    EBAY_NOTICE,
    EBAY_WRAP,
    ENCODINGS,
    FIRST_NAMES,
    FOLLOWUP_KIND,
    FOLLOWUPS,
    GAP_HOURS,
    LANGUAGES,
    LAST_NAMES,
    MAIL_DOMAINS,
    MIN_AGE_HOURS,
    NUDGES,
    OPENERS,
    RATES,
    REPLIES,
    SELLER_DOMAIN,
    SELLER_EMAIL,
    SELLER_FOLLOWUPS,
    SELLER_NAME,
    SHOPIFY_FORM,
    SIGNATURE,
    SPIKE_DAYS,
    SPIKE_OPENERS,
    SPIKE_SKU,
    SPIKE_TICKETS,
    SPIKE_TOPIC,
    STATES_BY_AGE,
    THANKS,
    TOPICS,
    ZONES,
)

# Headers are written pre-folded with set_raw; not refolding them halves the time to write mail.
_POLICY = email.policy.default.clone(refold_source="none")


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
    story: bool = False  # one of the spike's tickets (the product that arrives damaged)


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
            self.thread(person, topic, self.now - timedelta(days=rng.uniform(0.02, DAYS - 0.5)))
        people = [p for pool in self.people.values() for p in pool if p.username != "ebay"]
        for person in rng.sample(people, k=min(len(people), 10)):  # repeat buyers: order history
            for _ in range(rng.choice((1, 2, 2))):
                self.order(person, "thanks", self.now - timedelta(days=rng.uniform(20, DAYS + 200)))
        for _ in range(SPIKE_TICKETS):  # the story: one product starts arriving damaged
            person = self.person(_pick(rng, CHANNELS[:3]))
            started = self.now - timedelta(days=rng.uniform(0.1, SPIKE_DAYS))
            self.thread(person, SPIKE_TOPIC, started, product=SPIKE_SKU).story = True

    def thread(
        self, person: _Person, topic: str, started: datetime, product: str | None = None
    ) -> _Thread:
        """Plan one conversation begun at `started`, left in a state that fits its age."""
        rng = self.rng
        hours = (self.now - started).total_seconds() / 3600
        states = next(w for limit, w in STATES_BY_AGE if limit is None or hours < limit)
        status = _pick(rng, states)
        thread = _Thread(person, topic, status.split("-")[0])
        self.schedule(thread, status, started)
        needs_order = person.channel == "amazon" or topic not in ("question", "thanks")
        if needs_order or (topic == "thanks" and rng.random() < 0.5):
            reuse = [o for o in person.orders if o.status != "cancelled"]
            if (
                reuse
                and product is None
                and person.channel != "amazon"
                and topic != "cancel"
                and rng.random() < 0.7
            ):
                thread.order = rng.choice(reuse)  # a second ticket about the same order
            else:
                thread.order = self.order(person, topic, thread.mails[0].at, product)
        self.threads.append(thread)
        return thread

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

    def schedule(self, thread: _Thread, status: str, started: datetime) -> None:
        """Directions and times of the thread's mails from `started` on, ending the way its
        status needs; a conversation that would run past now is told faster."""
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
        latest = self.now - timedelta(hours=MIN_AGE_HOURS[status])
        if latest <= started:
            latest = started + (self.now - started) / 2
        if started + span > latest:
            gaps = [gap * ((latest - started) / span) for gap in gaps]
        moment = started
        for direction, gap in zip(directions, gaps, strict=True):
            moment += gap
            thread.mails.append(_Mail(direction, moment.replace(microsecond=0)))
        thread.unread = thread.status == "open" and rng.random() < 0.75

    def order(
        self, person: _Person, topic: str, first_mail: datetime, product: str | None = None
    ) -> _Order:
        rng = self.rng
        before = (
            timedelta(hours=rng.uniform(0.5, 10))
            if topic == "cancel"
            else timedelta(days=rng.uniform(1, 16))
        )
        currency = CURRENCIES[person.market]
        products = [p for p in CATALOG if p["sizes"]] if topic == "size" else CATALOG
        picks = [
            next(p for p in CATALOG if p["sku"] == product) if product else rng.choice(products)
        ]
        if rng.random() < 0.3:
            picks.append(rng.choice([p for p in CATALOG if p is not picks[0]]))
        items = []
        for pick in picks:
            size = f", size {rng.choice(pick['sizes'])}" if pick["sizes"] else ""
            quantity = rng.choice((1, 1, 1, 2))
            items.append({"title": pick["en"] + size, "sku": pick["sku"], "quantity": quantity,
                          "price": _price(pick["price"], currency)})  # fmt: skip
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
            choices = (SPIKE_OPENERS if thread.story else OPENERS[thread.topic])[thread.person.lang]
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

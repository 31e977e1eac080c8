"""The labelled suggestion set (tests/data/suggestions.yaml) and how a suggester scores on it.

Shared by tests/test_suggestion_accuracy.py and benchmarks/suggestions.py. A case is a ticket
as the composer reads it: marketplace mail is wrapped here the way each marketplace relays it
(Amazon's buyer-seller messaging, eBay's member messages, Shopify's contact form, Etsy's
conversation mail), so the suggester sees the boilerplate it sees in a real inbox.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

SET = Path(__file__).parent / "data" / "suggestions.yaml"
NONE = "none"  # the label of a case no template fits: right when nothing is suggested
SPLITS = ("tune", "held-out", "fresh", "fresh-2")
LANGUAGES = ("en", "de", "tr")


@dataclass(frozen=True, slots=True)
class Message:
    direction: str  # "in" (the customer) or "out" (the seller)
    subject: str
    text: str


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    language: str
    split: str
    channel: str
    order_status: str | None  # as the shop reports it ("fulfilled", "delivered", …)
    thread: tuple[Message, ...]  # oldest first, as stored
    expect: frozenset[str]

    @property
    def last_inbound(self) -> str:
        """The customer's newest message as `last_inbound_text` gives it: subject, then text."""
        message = next(m for m in reversed(self.thread) if m.direction == "in")
        return f"{message.subject}\n{message.text}"


@dataclass(frozen=True, slots=True)
class Score:
    cases: int
    top1: int
    top3: int

    def line(self) -> dict[str, float | int]:
        return {
            "cases": self.cases,
            "top1": round(100 * self.top1 / self.cases, 1),
            "top3": round(100 * self.top3 / self.cases, 1),
        }


def load_cases(path: Path = SET) -> list[Case]:
    return [_case(record) for record in yaml.safe_load(path.read_text(encoding="utf-8"))]


def hits(expect: frozenset[str], ranked: Sequence[str]) -> tuple[bool, bool]:
    """(right first, right within three): `none` is right only when nothing is suggested."""
    if NONE in expect and not ranked:
        return True, True
    return bool(ranked) and ranked[0] in expect, bool(expect & set(ranked[:3]))


def score(
    cases: Sequence[Case], rank: Callable[[Case], Sequence[str]]
) -> dict[tuple[str, str], Score]:
    """Top-1 and top-3 per (language, split), with "all" for either or both."""
    results = [(case, hits(case.expect, rank(case))) for case in cases]
    table: dict[tuple[str, str], Score] = {}
    for language in (*LANGUAGES, "all"):
        for split in (*SPLITS, "all"):
            chosen = [
                (one, three)
                for case, (one, three) in results
                if language in ("all", case.language) and split in ("all", case.split)
            ]
            if chosen:
                table[language, split] = Score(
                    len(chosen), sum(one for one, _ in chosen), sum(three for _, three in chosen)
                )
    return table


# --- the cases as stored -----------------------------------------------------------------------


def _case(record: dict) -> Case:
    language = record["id"].split("-")[0]
    channel = record["channel"]
    thread: list[Message] = []
    first_subject = ""
    for number, entry in enumerate(record["thread"]):
        direction = "in" if "in" in entry else "out"
        subject = entry.get("subject", "")
        text = entry[direction]
        if direction == "in" and channel in _WRAPPERS:
            subject, text = _WRAPPERS[channel](record, language, number, subject, text)
        first_subject = first_subject or subject
        thread.append(Message(direction, subject or f"Re: {first_subject}", text))
    assert record["split"] in SPLITS and record["expect"], record["id"]
    return Case(
        id=record["id"],
        language=language,
        split=record["split"],
        channel=channel,
        order_status=record.get("order"),
        thread=tuple(thread),
        expect=frozenset(record["expect"]),
    )


_NAMES = {
    "en": ("Emily Carter", "James Wright", "Priya Patel", "hannah_j96", "Tom Hughes"),
    "de": ("Jürgen Becker", "Anna Vogel", "Lukas Krüger", "sabine.w78", "Katrin Lange"),
    "tr": ("Ayşe Yılmaz", "Mehmet Öztürk", "Zeynep Çelik", "Emre Doğan", "Selin Kaya"),
}
_ITEMS = {
    "en": ("Turkish cotton towel set (4 pcs)", "Waffle cotton bathrobe", "Muslin throw blanket"),
    "de": ("Türkisches Baumwoll-Handtuchset", "Waffel-Bademantel aus Baumwolle", "Musselin-Decke"),
    "tr": ("Türk pamuğu havlu seti (4'lü)", "Waffle pamuk bornoz", "Müslin battaniye"),
}
_AMAZON = {
    "en": {
        "shipping": "Shipping inquiry from Amazon customer {name} (Order: {order})",
        "return": "Return request from Amazon customer {name} (Order: {order})",
        "product": "Product details inquiry from Amazon customer {name}",
        "other": "Inquiry from Amazon customer {name} (Order: {order})",
        "frame": ("Order ID", "Item", "------------- Begin message -------------",
                  "------------- End message -------------"),
    },
    "de": {
        "shipping": "Lieferanfrage von Amazon-Kunde {name} (Bestellung: {order})",
        "return": "Rücksendeanfrage von Amazon-Kunde {name} (Bestellung: {order})",
        "product": "Anfrage zu Produktdetails von Amazon-Kunde {name}",
        "other": "Anfrage von Amazon-Kunde {name} (Bestellung: {order})",
        "frame": ("Bestellnummer", "Artikel", "------------- Nachricht: -------------",
                  "------------- Ende der Nachricht -------------"),
    },
    "tr": {
        "shipping": "Amazon müşterisi {name} teslimatı soruyor (Sipariş: {order})",
        "return": "Amazon müşterisi {name} iade talep ediyor (Sipariş: {order})",
        "product": "Amazon müşterisi {name} ürün hakkında soru soruyor",
        "other": "Amazon müşterisi {name} bir soru soruyor (Sipariş: {order})",
        "frame": ("Sipariş numarası", "Ürün", "------------- Mesaj: -------------",
                  "------------- Mesaj sonu -------------"),
    },
}  # fmt: skip
_EBAY = {
    "en": (
        "Other: {user} sent a message about {item} #{itemno}",
        "New message from: {user} (212)\n\n{text}\n\nOrder number: {order}\nItem: {item} ({itemno})"
        "\n\nOther eBay user messages are sent through eBay. Reply to this email or respond in"
        " My eBay > Messages.",
    ),
    "de": (
        "Andere: {user} hat eine Nachricht zu {item} #{itemno} gesendet",
        "Neue Nachricht von: {user} (212)\n\n{text}\n\nBestellnummer: {order}\nArtikel: {item}"
        " ({itemno})\n\nNachrichten anderer eBay-Mitglieder werden über eBay gesendet. Antworten"
        " Sie auf diese E-Mail oder in Mein eBay > Nachrichten.",
    ),
}


def _pick(record: dict, options: Sequence[str]) -> str:
    return options[zlib.crc32(record["id"].encode()) % len(options)]


def _amazon(record: dict, language: str, number: int, subject: str, text: str):
    words = _AMAZON[language]
    order_label, item_label, begin, end = words["frame"]
    name, item = _pick(record, _NAMES[language]).split()[0], _pick(record, _ITEMS[language])
    subject = words[record.get("reason", "other")].format(name=name, order="302-1234567-7654321")
    if number:
        subject = f"RE: {subject}"
    body = f"{begin}\n\n{text.strip()}\n\n{end}\n\n{order_label}: 302-1234567-7654321\n"
    return subject, f"{body}{item_label}: {item}\nASIN: B0A536440A\n"


def _ebay(record: dict, language: str, number: int, subject: str, text: str):
    head, body = _EBAY[language]
    fields = {
        "user": _pick(record, _NAMES[language]).lower().replace(" ", "_"),
        "item": _pick(record, _ITEMS[language]),
        "itemno": "138547202260",
        "order": "11-30572-38908",
        "text": text.strip(),
    }
    return head.format(**fields), body.format(**fields)


def _shopify(record: dict, language: str, number: int, subject: str, text: str):
    name = _pick(record, _NAMES[language])
    email = name.split()[0].lower() + "@mail.example"
    body = (
        "You received a new message from your online store's contact form.\n\n"
        f"Country Code: {language.upper()}\nName: {name}\nEmail: {email}\nPhone Number:\n\n"
        f"Body:\n{text.strip()}\n"
    )
    return f"New customer message on November {10 + number}, 2026 at 3:10 pm", body


def _etsy(record: dict, language: str, number: int, subject: str, text: str):
    name = _pick(record, _NAMES[language])
    footer = "\n\n---\nReply to this message on Etsy or by replying to this email.\n"
    return f"Etsy Conversation with {name}: {subject or 'Re: your order'}", text.strip() + footer


_WRAPPERS = {"amazon": _amazon, "ebay": _ebay, "shopify": _shopify, "etsy": _etsy}


def composer_ranking(suggester, case: Case) -> list[str]:
    """The keys the composer suggests for a case: the whole thread and the order's state."""
    from inbox_tui.suggest import Said, order_state

    thread = [Said(m.text, subject=m.subject, customer=m.direction == "in") for m in case.thread]
    state = order_state(case.order_status)
    return [t.key for t in suggester.rank_thread(thread, channel=case.channel, order=state)]

"""A ticket's subject a person recognises: marketplaces write their own subjects ("New customer
message on November 28, 2026 at 10:12 am", "Other: hannah_j96 sent a message about Muslin
throw #1385…"), so the customer's question is taken from the body. Pure: no I/O.

Amazon's relay ("… from Amazon customer NAME (Order: …)", the message between "---- Message:
----" rules), eBay's member messages ("TOPIC: USER sent a message about ITEM #NO", after "New
message from: USER (N)"), Etsy ("Etsy Conversation with NAME: SUBJECT"), Walmart and Shopify's
contact form ("Body:"), in English, German and Turkish.
"""

from __future__ import annotations

import re

__all__ = ["MAX_SUBJECT", "customer_subject"]

MAX_SUBJECT = 90
"""Characters of the customer's first sentence kept (a list row shows fewer; a template reads
a sentence, not a letter)."""

_REPLY = re.compile(r"^\s*(?:(?:re|aw|wg|fw|fwd|ynt|ilt|sv|tr)\s*(?:\[\d+\])?\s*:\s*)+", re.I)
_ETSY = re.compile(
    r"^etsy (?:conversation with|konversation mit|.{0,20}sohbet)[^:]*(?::\s*(.*))?$", re.I
)
_BOILERPLATE = re.compile(
    "|".join(
        (
            # Amazon's relay, e.g. "Shipping inquiry from Amazon customer Emily (Order: …)"
            r"\bamazon[- ](?:customer|kunde|kunden|müşterisi)\b",
            r"\((?:order|bestellung|sipariş|commande|ordine|pedido):\s*\d{3}-\d{7}-\d{7}\)\s*$",
            # eBay: "Other: USER sent a message about ITEM #NO", "Andere: USER hat eine Nachricht…"
            r"^[^:]{1,40}:\s*\S+ (?:sent a message about|has sent you a message|hat eine nachricht"
            r"|size bir mesaj|bir mesaj gönderdi)",
            r"^(?:ebay message|new message from an? ebay (?:member|user))\b",
            # Shopify's contact form: "New customer message on November 28, 2026 at 10:12 am"
            r"^new customer message\b",
            r"^(?:neue kundennachricht|yeni müşteri mesajı)\b",
            # Walmart and the rest: a subject that says only that a message came
            r"^(?:you have|you've got|you received) (?:a )?new (?:customer )?message\b",
            r"^new message from (?:a )?(?:customer|buyer)\b",
            r"^(?:customer|buyer) (?:message|inquiry|question)\b",
        )
    ),
    re.I,
)
_EBAY_ITEM = re.compile(r"(?:message about|nachricht zu) (.+?)(?: #\d+)?(?: gesendet)?\s*$", re.I)

# The body's wrapper: rules ("------------- Message: -------------"), "field: value" lines,
# "New message from: USER (212)", quoted mail and the marketplace's footer.
_RULE = re.compile(r"^\s*-{3,}.*$")
_FIELD = re.compile(r"^[^\W\d_][\w.'/-]*(?: [\w.'/-]+){0,3}:(?:[ \t]+\S+){0,8}[ \t]*$")
_BODY_FIELD = re.compile(r"^(?:body|message|nachricht|mesaj|comment|kommentar)\s*:\s*(.*)$", re.I)
_NOTICE = re.compile(
    r"^(?:you received a new message|sie haben eine neue nachricht|yeni bir mesaj"
    r"|new message from|neue nachricht von|yeni mesaj)",
    re.I,
)
_GREETING = re.compile(
    r"^(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|hallo|guten (?:tag|morgen|abend)"
    r"|sehr geehrte|liebe|lieber|moin|merhaba|iyi günler|selam|sayın)\b.{0,40}$",
    re.I,
)
_SENTENCE = re.compile(r"\s*(.+?[.?!…])(?:\s|$)")
_TURKISH = re.compile("[ğışİĞŞı]")
SHORT_SENTENCE = 3  # words: fewer is a greeting or an exclamation, not the question


def customer_subject(subject: str, text: str) -> str | None:
    """What to call a ticket when its first message's `subject` is a marketplace's boilerplate:
    the customer's first sentence from `text` (or Etsy's own subject, or eBay's item). None
    when the subject says it itself, as in most mail, and when there is nothing better."""
    core = _REPLY.sub("", subject or "").strip()
    etsy = _ETSY.match(core)
    if etsy is not None:
        own = _REPLY.sub("", etsy.group(1) or "").strip()
        if own and not _BOILERPLATE.search(own):
            return _shorten(own)
    elif not _BOILERPLATE.search(core):
        return None
    question = first_sentence(text)
    if question:
        return question
    item = _EBAY_ITEM.search(core)
    return _shorten(item.group(1)) if item else None


def first_sentence(text: str) -> str:
    """The customer's first sentence: the wrapper, field lines, quotes and greeting left out,
    cut to MAX_SUBJECT characters at a word; "" when the body has no words of theirs."""
    words: list[str] = []
    for line in _own_lines(text):
        if not line:
            if words:
                break  # the first paragraph is enough
            continue
        if not words and _GREETING.match(line) and len(line.split()) <= 5:
            continue
        words.append(line)
        if sum(len(w) for w in words) > MAX_SUBJECT * 2:
            break
    paragraph = " ".join(" ".join(words).split())
    end = 0  # a sentence of a word or two ("Hello?", "Hi!") takes the next one along
    while (found := _SENTENCE.match(paragraph, end)) is not None:
        end = found.end(1)
        if len(paragraph[:end].split()) >= SHORT_SENTENCE:
            break
    return _capital(_shorten(paragraph[:end] if end and found else paragraph))


def _capital(sentence: str) -> str:
    """A subject starts with a capital: "Guten Tag,\n\ndie Farbe…" → "Die Farbe…"; Turkish
    (a letter only Turkish has) capitalises i as İ: "iade…" → "İade…"."""
    first = sentence[:1]
    if not first.islower():
        return sentence
    if first in "iı" and _TURKISH.search(sentence):
        first = "İ" if first == "i" else "I"
    return first.upper() + sentence[1:]


def _own_lines(text: str) -> list[str]:
    """The body's lines without the marketplace's wrapper: after a "Body:" or "Message:" field
    when there is one, else with rules, field lines and notices left out; quotes end it."""
    lines = [line.strip() for line in (text or "")[:4000].splitlines()]
    for index, line in enumerate(lines):
        field = _BODY_FIELD.match(line)
        if field is not None:
            lines = [field.group(1).strip(), *lines[index + 1 :]]
            break
    own: list[str] = []
    for line in lines:
        if line.startswith(">") or line in ("--", "-- "):
            break
        if _RULE.match(line) or _NOTICE.match(line) or (_FIELD.match(line) and not own):
            continue
        own.append(line)
    return own


def _shorten(value: str) -> str:
    value = " ".join(value.split())
    if len(value) <= MAX_SUBJECT:
        return value
    cut = value[: MAX_SUBJECT - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > MAX_SUBJECT // 2 else cut).rstrip(",;:- ") + "…"

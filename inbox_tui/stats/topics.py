"""What each ticket is about: its template topic (the composer's suggester on the customer's
first message) and the product its words name, kept per message in the store so that the next
look (and the topic:/product: search) need not match the text again."""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
from collections.abc import Callable, Sequence

from inbox_tui.stats.products import MATCH_TEXT, Product, ProductMatcher
from inbox_tui.stats.products import fingerprint as products_fingerprint
from inbox_tui.stats.unusual import OTHER
from inbox_tui.store.db import Store
from inbox_tui.store.stats import PeriodTicket
from inbox_tui.store.trends import known_topics, message_texts, remember_topics
from inbox_tui.suggest import Suggester
from inbox_tui.templates import Template

TOPIC_TEXT = 1500  # characters of a first message read to find its topic
REMEMBER_EVERY = 500  # tickets matched between two writes of what they are about
PACE_EVERY = 20  # tickets matched between two calls of `pace` (~10-25 ms)


def no_pause() -> None:
    """A `pace` that never waits: the work runs straight through."""


def topic_names(templates: Sequence[Template]) -> dict[str, str]:
    """Each template key → its topic's name: `wismo-tr` counts as `wismo` (Where is my order)."""
    by_key = {t.key: t for t in templates}
    names: dict[str, str] = {}
    for template in templates:
        base = template.key
        suffix = f"-{template.language}"
        if base.endswith(suffix) and base[: -len(suffix)] in by_key:
            base = base[: -len(suffix)]
        names[template.key] = by_key[base].name
    return names


def topic_of(text: str, channel: str, suggester: Suggester, names: dict[str, str]) -> str:
    """The template topic a customer's first message is about, or OTHER."""
    if not text.strip():
        return OTHER
    best = suggester.rank(text[:TOPIC_TEXT], channel=channel, top=1)  # the question comes first
    return names[best[0].key] if best else OTHER


def library_fingerprint(templates: Sequence[Template]) -> str:
    """Changes when anything the suggester reads of the templates changes."""
    digest = hashlib.sha256()
    for t in templates:
        parts = (t.key, t.name, t.language, *t.channels, "|", *t.keywords, "|", *t.examples)
        digest.update(("\0".join(parts) + "\n").encode())
    return digest.hexdigest()[:16]


class TopicsPending(Exception):
    """More tickets than asked for have no topic yet: matching them takes a while."""

    def __init__(self, count: int) -> None:
        super().__init__(f"{count} tickets to match")
        self.count = count


def match_tickets(
    store: Store,
    tickets: Sequence[PeriodTicket],
    templates: Sequence[Template],
    products: Sequence[Product],
    *,
    at_most: int | None = None,
    pace: Callable[[], None] = no_pause,
) -> dict[int, tuple[str, str | None]]:
    """ticket id → (topic, product named in its text) for tickets the customer began; read
    from the store where matched before against the same templates and products, matched and
    kept otherwise. TopicsPending when more than `at_most` need matching (~1-2 ms each).

    Kept REMEMBER_EVERY tickets at a time, so that work cut short (the app ends while its
    trends worker matches a store's first 17,000 tickets: ~12 s of CPU) is not done again;
    `pace` is called between steps of PACE_EVERY tickets (the inbox's worker waits there
    while the seller types, or stops)."""
    matched_with = library_fingerprint(templates) + products_fingerprint(products)
    asked = [(t, first) for t in tickets if (first := t.first_message) is not None]
    known = known_topics(store, [first for _, first in asked], matched_with)
    missing = [(t, first) for t, first in asked if first not in known]
    if at_most is not None and len(missing) > at_most:
        raise TopicsPending(len(missing))
    if missing:
        suggester, names = Suggester(templates), topic_names(templates)
        matcher = ProductMatcher(products)
        for start in range(0, len(missing), REMEMBER_EVERY):
            some = missing[start : start + REMEMBER_EVERY]
            pace()
            texts = message_texts(store, [first for _, first in some], MATCH_TEXT)
            new: dict[int, tuple[str, str | None]] = {}
            for n, (ticket, first) in enumerate(some, 1):
                text = texts.get(first, "")
                new[first] = (
                    topic_of(text, ticket.channel, suggester, names),
                    matcher.match(text) if products else None,
                )
                if n % PACE_EVERY == 0:
                    pace()
            with contextlib.suppress(sqlite3.Error):  # read-only, or busy: matched next time
                remember_topics(store, new, matched_with)
            known.update(new)
    return {t.id: known[first] for t, first in asked}

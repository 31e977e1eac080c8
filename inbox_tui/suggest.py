"""Which templates fit a customer's message: local TF-IDF over keywords, examples and names."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

from inbox_tui.templates import Template

_FOLD = str.maketrans({"ı": "i", "İ": "i", "ß": "ss", "æ": "ae", "ø": "o", "œ": "oe"})
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_STEM = 5  # a crude stem: the first letters (fits Turkish suffixes and German compounds)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_HINTS: dict[str, tuple[str, frozenset[str]]] = {
    "tr": ("ğışİı", _words("ve bir bu mi mı ne nerede için merhaba siparişim lütfen teşekkürler")),
    "de": ("äß", _words("ich und die der das nicht habe mein meine bitte ist wo hallo danke")),
    "en": ("", _words("the and is my i it was not please where hello thanks you have")),
}
_STOP = _words(
    "the and you your for with was are have has this that not but from please hello thanks"
    " ich und die der das ein eine nicht habe mein meine bitte ist hallo danke"
    " bir icin ama lutfen merhaba tesekkurler"
)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(_FOLD).lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def _tokens(text: str) -> list[str]:
    words = _WORD.findall(_fold(text))
    return [w[:_STEM] for w in words if len(w) >= 3 and w not in _STOP]


def detect_language(text: str) -> str | None:
    """'tr', 'de' or 'en' from special letters and common words; None when unclear."""
    lowered = text.lower()
    words = set(_WORD.findall(lowered))
    scores = {
        lang: 2 * sum(lowered.count(c) for c in letters) + len(words & stops)
        for lang, (letters, stops) in _HINTS.items()
    }
    best = max(scores, key=lambda lang: scores[lang])
    return best if scores[best] > 0 else None


def suggest(
    templates: Sequence[Template],
    ticket_text: str,
    *,
    channel: str,
    language: str | None = None,
    top: int = 3,
) -> list[Template]:
    """The templates that best fit a customer's message, best first (at most `top`, only those
    sharing a word with it): TF-IDF cosine of the message against each template's keywords,
    examples and name, diacritics folded; the message's language (given or guessed) wins ties
    and outweighs a weak match in another language."""
    return Suggester(templates).rank(ticket_text, channel=channel, language=language, top=top)


class Suggester:
    """`suggest` for many messages: each channel's template vectors are computed once."""

    def __init__(self, templates: Sequence[Template]) -> None:
        self.templates = list(templates)
        self._channels: dict[str, _Index] = {}

    def rank(
        self, ticket_text: str, *, channel: str, language: str | None = None, top: int = 3
    ) -> list[Template]:
        index = self._channels.get(channel)
        if index is None:
            index = self._channels[channel] = _Index(
                [t for t in self.templates if t.applies_to(channel)]
            )
        query = Counter(_tokens(ticket_text))
        if not index.templates or not query:
            return []
        q = index.vector(query)
        q_norm = math.sqrt(sum(v * v for v in q.values())) or 1.0
        language = language or detect_language(ticket_text)
        scored = []
        for position, (template, d, d_norm) in enumerate(
            zip(index.templates, index.docs, index.norms, strict=True)
        ):
            score = sum(q[t] * d.get(t, 0.0) for t in q) / (q_norm * d_norm)
            if score <= 0:
                continue
            if language is not None:
                score *= 1.5 if template.language == language else 0.5
            scored.append((-score, position, template))
        return [template for _, _, template in sorted(scored)[: max(0, top)]]


class _Index:
    """TF-IDF vectors of the templates that apply to one channel."""

    def __init__(self, templates: list[Template]) -> None:
        self.templates = templates
        counts = [Counter(_tokens(" ".join((t.name, *t.keywords, *t.examples)))) for t in templates]
        frequency = Counter(term for doc in counts for term in doc)
        self.idf = {term: math.log(1 + len(counts) / n) for term, n in frequency.items()}
        self.docs = [self.vector(doc) for doc in counts]
        self.norms = [math.sqrt(sum(v * v for v in d.values())) or 1.0 for d in self.docs]

    def vector(self, counts: Counter[str]) -> dict[str, float]:
        return {term: (1 + math.log(n)) * self.idf.get(term, 0.0) for term, n in counts.items()}

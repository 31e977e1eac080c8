"""Which templates fit a ticket: its conversation (the customer's newest words weigh most), the
order's state and whether the customer is chasing an answer, matched to each template's words.

Pure: no Textual, no SQL. The composer and stats call it; the words it knows of its own (stop
words, negations, how customers chase) live in suggest_words.py.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from inbox_tui import suggest_words as words
from inbox_tui.suggest_words import FOLLOW_UP_TOPIC, ORDER_FIT, RELAY_LINE
from inbox_tui.templates import Template

__all__ = [
    "ORDER_STATES",
    "Said",
    "Suggester",
    "detect_language",
    "order_state",
    "read_templates",
    "stems",
    "suggest",
    "suggest_for_thread",
    "suggester_for",
    "topic_of",
]

ORDER_STATES = ("unshipped", "shipped", "delivered", "refunded", "cancelled")

# How much each part of the conversation counts (tuned on the labelled set's tune split,
# tests/data/suggestions.yaml; benchmarks/suggestions.py prints the figures).
KEYWORD, NAME, EXAMPLE = 1.0, 1.0, 0.5  # a template's own words
PHRASE_WORD = 0.5  # a word of a phrase on its own
SUBJECT = 0.7  # a subject's words beside its message's
EARLIER_IN_RUN = 0.9  # the customer's earlier messages since the seller last wrote
HISTORY = 0.35  # the customer's messages before the seller's last answer (newest first, decaying)
SELLER = 0.3  # the seller's own replies: what was already being talked about
HISTORY_DECAY = 0.7
OTHER_LANGUAGE = 0.75  # a topic with no template in the customer's language
NONE_BELOW = 0.7  # evidence under this: nothing fits, suggest nothing
KEEP_ABOVE = 0.25  # a runner-up shows when it has at least this share of the best
ASKED = 0.5  # a question before buying (suggest_words.ASKING): weaker evidence
MESSAGES = 12  # the newest messages read
CHARACTERS = 3000  # of each message, after quotes and relay boilerplate are cut

_FOLD = str.maketrans({"ı": "i", "İ": "i", "ß": "ss", "æ": "ae", "ø": "o", "œ": "oe"})
_FOLDED = "ıİßæøœ"  # _FOLD's letters
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_UMLAUT = re.compile(r"([aou])e")
_ACCENT = re.compile(r"[\u0300-\u036f]")  # the combining marks NFKD splits accents into
_SHORT_LINE = 3  # words: a greeting, a sign-off, a name
_STEM = 5  # a crude stem: the first letters (fits Turkish suffixes and German compounds)
_NOT = re.compile(
    r"\b(is|are|was|were|has|have|had|do|does|did|could|would|should|ca|wo)n[’']?t\b", re.I
)
_QUOTE_START = re.compile(  # "On 12 Nov 2026, Shop <…> wrote:" and its German and Turkish
    r"^(?:on\b.{4,200}\bwrote|am\b.{4,200}\bschrieb.*|.{4,200}\btarihinde\b.{0,200}\byazd[ıi]):\s*$"
    r"|^-{2,}\s*(?:original|urspr|forwarded|weitergeleitet).*$",
    re.I | re.M,
)
# a word every quote start has, in lower case (and re.I's "ı" for i and "ſ" for s read as i and
# s): the slow search (.{4,200} at every line) only runs in a text that has one of them
_QUOTE_WORDS = ("wrote", "schrieb", "yazd", "original", "urspr", "forwarded", "weitergeleitet")
_MARKETPLACE = re.compile(r"ebay|etsy|amazon|shopify|online store|online-shop")  # RELAY_LINE's
_FIELD = re.compile(r"^[^\W\d_][\w.'/-]*(?: [\w.'/-]+){0,2}:(?:[ \t]+\S+){0,6}[ \t]*$")
_RULE = re.compile(r"^\W*$|^\s*-{3,}.*-{3,}\s*$")
_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|aw|wg|fw|fwd|ynt|ilt|sv|tr)\s*:\s*)+", re.I)


@dataclass(frozen=True, slots=True)
class Said:
    """One message of a ticket's conversation, as the suggester reads it."""

    text: str
    subject: str = ""
    customer: bool = True  # False: the seller's own reply


def order_state(status: str | None, *, shipped: bool = False) -> str | None:
    """One of ORDER_STATES from the status a shop reports ("fulfilled", "Unshipped",
    "completed", …); `shipped` (a shipping date or tracking number is known) when the status
    says nothing. None when unknown."""
    words = " ".join(_WORD.findall(_fold(status or "")))
    state = ORDER_STATUSES.get(words)
    if state is None:
        state = next((s for key, s in ORDER_STATUSES.items() if key in words.split()), None)
    return state or ("shipped" if shipped else None)


def stems(text: str) -> list[str]:
    """The words of `text` as the suggester compares them (diacritics folded, lower case, stop
    words left out, each cut to its first letters), without negations and words under 3
    letters: what the stats match product titles with."""
    return [stem for stem in _stream(text) if len(stem) >= 3]


@lru_cache(maxsize=1024)
def detect_language(text: str) -> str | None:
    """'tr', 'de' or 'en' from special letters and common words (with or without their
    accents); None when unclear. Once per text: a ranking and a rule's topic read the same."""
    lowered = text.lower()
    words = set(_WORD.findall(_fold(text)))
    scores = {
        lang: 2 * sum(lowered.count(c) for c in letters) + len(words & common)
        for lang, (letters, common) in LANGUAGE_HINTS.items()
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
    """The templates that best fit one customer message, best first (see Suggester.rank)."""
    return _suggester(tuple(templates)).rank(
        ticket_text, channel=channel, language=language, top=top
    )


def suggest_for_thread(
    templates: Sequence[Template],
    thread: Sequence[Said],
    *,
    channel: str,
    order: str | None = None,
    top: int = 3,
) -> list[Template]:
    """The templates that best fit a conversation, best first (see Suggester.rank_thread)."""
    return _suggester(tuple(templates)).rank_thread(thread, channel=channel, order=order, top=top)


_MOST_FIT = max(1.0, *(f for fits in ORDER_FIT.values() for f in fits.values()))
"""The most an order's state multiplies a topic's evidence by."""


@lru_cache(maxsize=8)
def _suggester(templates: tuple[Template, ...]) -> Suggester:
    """One Suggester per library: its index is built once, not at every reply."""
    return Suggester(templates)


def suggester_for(templates: Sequence[Template]) -> Suggester:
    """The library's Suggester, its indexes built once per process (rules, the composer)."""
    return _suggester(tuple(templates))


class Suggester:
    """Ranks templates for many tickets: each channel's template words are indexed once.

    A topic is a template with its language versions (`wismo`, `wismo-de`, `wismo-tr`): their
    words are pooled, so a German message finds the topic through any version's words, and the
    version in the customer's language is the one suggested (one per topic).
    """

    def __init__(self, templates: Sequence[Template]) -> None:
        self.templates = list(templates)
        self._channels: dict[str, _Index] = {}

    def rank(
        self, ticket_text: str, *, channel: str, language: str | None = None, top: int = 3
    ) -> list[Template]:
        """The templates that best fit a customer's message (subject and text), best first:
        at most `top`, none when nothing fits well enough."""
        return self.rank_thread([Said(ticket_text)], channel=channel, language=language, top=top)

    def rank_thread(
        self,
        thread: Sequence[Said],
        *,
        channel: str,
        order: str | None = None,
        language: str | None = None,
        top: int = 3,
    ) -> list[Template]:
        """The templates that best fit a conversation (oldest message first), best first.

        The customer's newest message counts most, with any others sent since the seller last
        wrote (a follow-up: the question is still open); earlier messages and the seller's
        replies count less, and not at all when the newest message asks something new ("one
        more question: …"). A customer who chases without saying what about ("Hello? I wrote 3
        days ago") waits for the parcel, or for the money when the order was refunded.
        `order` (one of ORDER_STATES) makes topics that fit it likelier: a damaged item needs
        a delivered order, a cancellation one that has not shipped.
        """
        index = self._channels.get(channel)
        if index is None:
            index = self._channels[channel] = _Index(
                [t for t in self.templates if t.applies_to(channel)]
            )
        if not index.topics or top <= 0:
            return []
        reading = _read(thread[-MESSAGES:])
        if language is None:
            language = detect_language(reading.customer_text) or index.language_of(reading)
        scores = index.scores(reading, order)
        best = max(scores, default=0.0)
        if best < NONE_BELOW:
            return []
        ranked = sorted(
            (-score * index.language_fit(topic, language), topic)
            for topic, score in enumerate(scores)
            if score >= KEEP_ABOVE * best
        )
        return [index.version(topic, language) for _, topic in ranked[:top]]

    def words_in(self, thread: Sequence[Said]) -> tuple[frozenset[str], Sequence[Said]]:
        """What `could_be` reads of a conversation of the customer's alone (no reply of the
        seller in it): the stems of its words (once per ticket), and the conversation."""
        text = _fold(_NOT.sub(r"\1 not", "\n".join(f"{s.subject}\n{s.text}" for s in thread)))
        return frozenset(word[:_STEM] for word in _WORD.findall(text)), thread  # as _stream

    def could_be(
        self, words: tuple[frozenset[str], Sequence[Said]], keys: frozenset[str], *, channel: str
    ) -> bool:
        """False only when none of these templates' topics can be what the conversation
        (`words_in`) is about: even if every one of the topic's words in it counted fully and
        its order made it likelier, it would not reach NONE_BELOW, and no chasing makes it
        the topic (the parcel or the money can be, without a word on them). Much cheaper
        than `topic`, and never False where `topic` would name one of them: rules ask it
        first."""
        present, thread = words
        index = self._index(channel)
        wanted = [
            i for i, versions in enumerate(index.topics) if any(v.key in keys for v in versions)
        ]
        for i in wanted:
            bound = 0.0
            for stem in present:
                for others, weight in index.terms_from(i).get(stem, ()):
                    if all(other in present for other in others):
                        bound += weight
            if bound * _MOST_FIT * len(thread) >= NONE_BELOW:
                return True
        if any(index.tags[i] in FOLLOW_UP_TOPIC.values() for i in wanted):
            return len(thread) > 1 or any(_NUDGES.search(_fold(s.text)) for s in thread)
        return False

    def _index(self, channel: str) -> _Index:
        index = self._channels.get(channel)
        if index is None:
            index = self._channels[channel] = _Index(
                [t for t in self.templates if t.applies_to(channel)]
            )
        return index

    def topic(
        self, thread: Sequence[Said], *, channel: str, order: str | None = None
    ) -> tuple[Template, float] | None:
        """The topic that best fits a conversation (its template in the customer's language)
        and how sure that is, 0-1: the best topic's share of the evidence against the
        runner-up's (1.0: no other topic has any). None when nothing fits (as `rank_thread`).
        What rules' `topic:` conditions read."""
        index = self._channels.get(channel)
        if index is None:
            index = self._channels[channel] = _Index(
                [t for t in self.templates if t.applies_to(channel)]
            )
        if not index.topics:
            return None
        reading = _read(thread[-MESSAGES:])
        language = detect_language(reading.customer_text) or index.language_of(reading)
        scores = [
            score * index.language_fit(topic, language)
            for topic, score in enumerate(index.scores(reading, order))
        ]
        ranked = sorted(range(len(scores)), key=lambda topic: -scores[topic])
        best = scores[ranked[0]]
        if best < NONE_BELOW:
            return None
        second = scores[ranked[1]] if len(ranked) > 1 else 0.0
        return index.version(ranked[0], language), best / (best + max(second, 0.0))


# --- reading the conversation ----------------------------------------------------------------


@dataclass(slots=True)
class _Reading:
    run: list[dict[str, float]]  # the customer's messages since the seller last wrote, newest first
    history: list[tuple[float, dict[str, float]]]  # (weight, terms) of what came before
    follow_up: bool
    asking: bool  # a question before buying, or a new one: what came before does not count
    customer_text: str


def _read(thread: Sequence[Said]) -> _Reading:
    last_seller = max((i for i, said in enumerate(thread) if not said.customer), default=-1)
    run, history, nudged, asking = [], [], False, False
    previous_subject, texts = "", []
    for position, said in enumerate(thread):
        subject = _REPLY_PREFIX.sub("", said.subject).strip()
        subject, previous_subject = ("" if subject == previous_subject else subject), subject
        shown, terms, nudges, read = _message(said.text, said.customer)
        if said.customer:
            texts.append(f"{subject}\n{shown}")
            nudged |= nudges and position > last_seller
            if position == len(thread) - 1:
                asking = _ASKING.search(read) is not None
        if subject:
            terms = dict(terms)  # the cached terms are shared: never changed in place
            for term, weight in _subject_terms(subject).items():
                terms[term] = max(terms.get(term, 0.0), SUBJECT * weight)
        if said.customer and position > last_seller:
            run.append(terms)
        else:
            history.append((HISTORY if said.customer else SELLER, terms))
    run.reverse()
    history.reverse()
    weighted = [(w * HISTORY_DECAY**i, t) for i, (w, t) in enumerate(history)]
    return _Reading(run, weighted, nudged or len(run) > 1, asking, "\n".join(texts[-3:]))


@lru_cache(maxsize=4096)
def _message(text: str, customer: bool) -> tuple[str, dict[str, float], bool, str]:
    """What _read takes from one message's text, once per text (a long thread is read again
    at every reply, and rules and the composer read the same ticket): its words as shown to
    detect_language, its terms (shared: never change them), whether it chases (nudges) and
    the text the terms were read from (folded, the nudges cut: whether the newest message
    asks before buying is looked for in it)."""
    body = _clean(text)
    if not customer:
        return body, _terms(body), False, body
    shown = body
    body, nudges = _NUDGES.subn(" ", _fold(body))
    return shown, _terms(body), nudges > 0, body


@lru_cache(maxsize=1024)
def _subject_terms(subject: str) -> dict[str, float]:
    """A subject's terms, once per subject (shared: never change them)."""
    return _terms(subject)


def _clean(text: str) -> str:
    """The customer's own words: quoted mail, relay fields ("Order ID: …"), rules, and the
    greeting and sign-off lines ("Hi,", "Thanks,", "Emily") cut."""
    lowered = text.lower().replace("ı", "i").replace("ſ", "s")  # as re.I matches i and s
    quoted = any(word in lowered for word in _QUOTE_WORDS)
    cut = _QUOTE_START.search(text) if quoted else None
    text = text[: cut.start()] if cut else text
    text = text[: CHARACTERS * 2]
    relayed = _MARKETPLACE.search(text.lower()) is not None  # else no line is relay boilerplate
    lines = [
        line.strip()
        for line in text.splitlines()
        if not (line.startswith(">") or _FIELD.match(line) or _RULE.match(line))
        and not (relayed and RELAY_LINE.search(line.lower()))
    ]
    while len(lines) > 1 and len(lines[-1].split()) <= _SHORT_LINE:
        lines.pop()
    while len(lines) > 1 and len(lines[0].split()) <= _SHORT_LINE and lines[0].endswith(","):
        lines.pop(0)
    return "\n".join(lines)[:CHARACTERS]


def _fold(text: str) -> str:
    """Lower case without accents, and German umlauts typed as "ue" read as "ü": "zurueck",
    "zurück" and "zuruck" are one word (and so are "does" and "dos": no harm done)."""
    if any(letter in text for letter in _FOLDED):  # translate() looks up every letter: slow
        text = text.translate(_FOLD).lower()
    else:
        text = text.lower()
    if not text.isascii():
        text = _ACCENT.sub("", unicodedata.normalize("NFKD", text))
    return _UMLAUT.sub(r"\1", text)


# the word lists as the text is read: folded the same way ("does" is "dos" here too)
STOP_WORDS = frozenset(_fold(w) for w in words.STOP_WORDS)
NEGATIONS = frozenset(_fold(w) for w in words.NEGATIONS)
LANGUAGE_HINTS = {
    lang: (letters, frozenset(_fold(w) for w in common))
    for lang, (letters, common) in words.LANGUAGE_HINTS.items()
}
ORDER_STATUSES = {_fold(status): state for status, state in words.ORDER_STATUSES.items()}
_NUDGES = re.compile("|".join(f"(?:{p.pattern})" for p in words.NUDGES))  # one pass, not 25
_ASKING = re.compile("|".join(f"(?:{p.pattern})" for p in words.ASKING))


def _stream(text: str) -> list[str]:
    """The stems of a text's words, stop words left out, negations kept (as "!")."""
    words = _WORD.findall(_fold(_NOT.sub(r"\1 not", text)))
    out = []
    for word in words:
        if word in NEGATIONS:
            out.append("!")
        elif len(word) >= 2 and word not in STOP_WORDS:
            out.append(word[:_STEM])
    return out


def _terms(text: str, weight: float = 1.0) -> dict[str, float]:
    """A text's stems and pairs of neighbouring stems; a negation makes one with the word
    before or after it ("!arriv": "not arrived", "passt nicht")."""
    stems = _stream(text)
    terms = {s: weight for s in stems if s != "!"}
    for first, second in zip(stems, stems[1:], strict=False):
        if first == "!" or second == "!":
            if first != second:
                terms["!" + (second if first == "!" else first)] = weight
        else:
            terms[f"{first} {second}"] = weight
    return terms


# --- the templates -----------------------------------------------------------------------------


def _phrase_terms(text: str, weight: float) -> dict[str, float]:
    """A template's words: a phrase ("too long") counts as a pair; its single words count less
    ("long" alone may be "how long does shipping take"), and short ones not at all."""
    terms = _terms(text, weight)
    if len(terms) == 1:
        return terms
    return {
        t: w if " " in t or t.startswith("!") else w * PHRASE_WORD
        for t, w in terms.items()
        if " " in t or t.startswith("!") or len(t) >= 3
    }


@lru_cache(maxsize=1024)
def _template_words(template: Template) -> dict[str, float]:
    """One template's words (keywords, name, examples), once per template: an index is built
    per channel and per order of the library (the composer lists the customer's language
    first), from these (shared: never change them)."""
    doc: dict[str, float] = {}
    parts = [(w, KEYWORD) for w in template.keywords] + [(template.name, NAME)]
    parts += [(example, EXAMPLE) for example in template.examples]
    for text, weight in parts:
        for term, value in _phrase_terms(text, weight).items():
            doc[term] = max(doc.get(term, 0.0), value)
    return doc


def read_templates(templates: Iterable[Template]) -> None:
    """Read the templates' words ahead (the app does it beside the UI after its first frame),
    so that the first ranking only puts its index together: ~25 ms less on the first `r`."""
    for template in templates:
        _template_words(template)


def _postings(docs: list[dict[str, float]]) -> dict[str, list[tuple[int, float]]]:
    """Each term's (document number, weight), document numbers rising."""
    postings: dict[str, list[tuple[int, float]]] = {}
    for number, doc in enumerate(docs):
        for term, weight in doc.items():
            postings.setdefault(term, []).append((number, weight))
    return postings


def _evidence(
    postings: dict[str, list[tuple[int, float]]], documents: int, terms: dict[str, float]
) -> list[float]:
    sums = [0.0] * documents
    for term, weight in terms.items():
        for number, value in postings.get(term, ()):
            sums[number] += value * weight
    return sums


def topic_of(template: Template, keys: Iterable[str]) -> str:
    """The topic a template answers: `wismo-tr` is a version of `wismo` when both exist."""
    suffix = f"-{template.language}"
    base = template.key[: -len(suffix)] if template.key.endswith(suffix) else template.key
    return base if base != template.key and base in keys else template.key


class _Index:
    """The words of the topics whose templates apply to one channel, weighted by rarity."""

    def __init__(self, templates: list[Template]) -> None:
        keys = {t.key for t in templates}
        by_topic: dict[str, list[Template]] = {}
        for template in templates:
            by_topic.setdefault(topic_of(template, keys), []).append(template)
        self.topics = list(by_topic.values())
        docs = [self._words(versions) for versions in self.topics]
        frequency: dict[str, int] = {}
        for doc in docs:
            for term in doc:
                frequency[term] = frequency.get(term, 0) + 1
        # log(1 + topics / topics using it), over its greatest value: a word only one topic
        # uses weighs 1, whatever the size of the library, so NONE_BELOW means the same to all
        most = math.log(len(docs) + 1)
        rarity = {term: math.log(1 + len(docs) / n) / most for term, n in frequency.items()}
        self.weights = [{t: w * rarity[t] for t, w in doc.items()} for doc in docs]
        self.tags = [next((t for v in versions for t in v.tags), "") for versions in self.topics]
        own = [(t.language, self._words([t])) for t in templates]  # each version's own words
        self.own = [(lang, {t: w * rarity[t] for t, w in doc.items()}) for lang, doc in own]
        self._postings = _postings(self.weights)  # term -> (topic, weight): what evidence reads
        self._own_postings = _postings([doc for _, doc in self.own])
        self._by_stem: dict[int, dict[str, list[tuple[tuple[str, ...], float]]]] = {}

    def terms_from(self, topic: int) -> dict[str, list[tuple[tuple[str, ...], float]]]:
        """A topic's terms by their first stem, with the stems they also need: what
        `Suggester.could_be` adds up."""
        if topic not in self._by_stem:
            by_stem: dict[str, list[tuple[tuple[str, ...], float]]] = {}
            for term, weight in self.weights[topic].items():
                first, *others = (part.lstrip("!") for part in term.split(" "))
                by_stem.setdefault(first, []).append((tuple(others), weight))
            self._by_stem[topic] = by_stem
        return self._by_stem[topic]

    @staticmethod
    def _words(versions: list[Template]) -> dict[str, float]:
        doc: dict[str, float] = {}
        for template in versions:
            for term, value in _template_words(template).items():
                doc[term] = max(doc.get(term, 0.0), value)
        return doc

    def evidence(self, terms: dict[str, float]) -> list[float]:
        """Each topic's sum of its weight times the term's, over the terms (in their order, as
        a sum over each topic's words would add them: the same floats), through the postings:
        only the terms a topic has cost anything."""
        return _evidence(self._postings, len(self.weights), terms)

    def scores(self, reading: _Reading, order: str | None) -> list[float]:
        now = [0.0] * len(self.topics)
        for number, terms in enumerate(reading.run):
            weight = 1.0 if number == 0 else EARLIER_IN_RUN
            now = [a + weight * b for a, b in zip(now, self.evidence(terms), strict=True)]
        if reading.asking:
            now = [n * ASKED for n in now]
        before = [0.0] * len(self.topics)
        for weight, terms in [] if reading.asking else reading.history:
            before = [a + weight * b for a, b in zip(before, self.evidence(terms), strict=True)]
        fit = ORDER_FIT.get(order or "", {})
        scores = [
            (n + b) * fit.get(tag, 1.0) for n, b, tag in zip(now, before, self.tags, strict=True)
        ]
        if reading.follow_up and max(scores, default=0.0) < NONE_BELOW:
            # chasing, without a word on what about: most likely the parcel (or the money)
            chased = FOLLOW_UP_TOPIC.get(order or "")
            scores = [
                max(s, NONE_BELOW) if tag == chased else s
                for s, tag in zip(scores, self.tags, strict=True)
            ]
        return scores

    def language_of(self, reading: _Reading) -> str | None:
        """The language whose templates' own words the customer's newest messages match most."""
        found: dict[str, float] = {}
        each = [_evidence(self._own_postings, len(self.own), terms) for terms in reading.run]
        for number, (language, _) in enumerate(self.own):
            for evidence in each:
                found[language] = found.get(language, 0.0) + evidence[number]
        best = max(found, key=lambda lang: found[lang], default=None)
        return best if best is not None and found[best] > 0 else None

    def language_fit(self, topic: int, language: str | None) -> float:
        """Lower for a topic with no template in the customer's language."""
        if language is None or any(v.language == language for v in self.topics[topic]):
            return 1.0
        return OTHER_LANGUAGE

    def version(self, topic: int, language: str | None) -> Template:
        """The topic's template in the customer's language, else English, else the first."""
        versions = self.topics[topic]
        for wanted in (language, "en"):
            for template in versions:
                if template.language == wanted:
                    return template
        return versions[0]

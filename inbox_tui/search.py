"""The search language of the `/` prompt: text → `Query`, pure (no SQL, no I/O).

Gmail/aerc-like: bare words and "quoted phrases", `field:value` filters, `-` negation.
docs/search.md is the user's reference; `inbox_tui.store.search` turns a Query into SQL.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from inbox_tui.domain.tickets import TICKET_STATUSES

STATUSES: tuple[str, ...] = TICKET_STATUSES
IS_VALUES: tuple[str, ...] = ("unread", "flagged", "overdue")

TEXT_FIELDS: tuple[str, ...] = ("from", "to", "subject")
"""Fields whose value is searched as words (case- and accent-insensitive)."""

FIELDS: tuple[str, ...] = (
    "from",
    "to",
    "subject",
    "tag",
    "channel",
    "status",
    "order",
    "is",
    "before",
    "after",
    "topic",
    "product",
    "rule",
)

MAX_TERMS = 100
"""The most words and filters one search takes: SQLite refuses an expression of ~1,000 (a
search of 1,000 filters crashed the TUI), and no person types a hundred."""

MIN_PREFIX = 2
"""The word being typed matches as a prefix from this many characters on: a one-letter prefix
matches nearly every message and would cost a search-as-you-type keystroke ~50 ms at 100k."""

_FIELD_RE = re.compile(r"([A-Za-z]+):")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_RELATIVE_RE = re.compile(r"(\d{1,5})([hdw])", re.IGNORECASE)
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}


class SearchError(ValueError):
    """A query that cannot be understood; `position` is the 0-based index of the problem."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


@dataclass(frozen=True, slots=True)
class Term:
    """One part of a query.

    `field` is "text" for bare words and phrases, otherwise one of FIELDS. `value` is as typed
    (without quotes), lower-cased for channel/status/is. `prefix` marks the word being typed
    (the last unquoted word of the query), which matches any word it begins.
    """

    field: str
    value: str
    negated: bool = False
    quoted: bool = False
    prefix: bool = False
    position: int = 0


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: every term must hold (AND). No terms means every ticket."""

    terms: tuple[Term, ...] = ()
    text: str = ""

    def __bool__(self) -> bool:
        return bool(self.terms)


def parse_query(text: str) -> Query:
    """Parse what the user typed; raise SearchError (with a position) on anything malformed."""
    terms: list[Term] = []
    pos = 0
    size = len(text)
    while pos < size:
        if text[pos].isspace():
            pos += 1
            continue
        start = pos
        if len(terms) == MAX_TERMS:
            raise SearchError(
                f"too many terms at {pos} — a search takes at most {MAX_TERMS} words and filters",
                pos,
            )
        negated = False
        if text[pos] == "-" and pos + 1 < size and not text[pos + 1].isspace():
            negated = True
            pos += 1
        field_match = _FIELD_RE.match(text, pos)
        if field_match:
            name = field_match.group(1).lower()
            if name not in FIELDS:
                suggestion = _suggest_field(name)
                if suggestion:
                    raise SearchError(
                        f"unknown field '{field_match.group(1)}:' at {pos} — did you mean '{suggestion}:'?",
                        pos,
                    )
                field_match = None  # "Re:", "http://…": words, not a field
        if field_match:
            pos = field_match.end()
            value, quoted, pos = _read_value(text, pos)
            if not value.strip():
                raise SearchError(f"'{name}:' needs a value at {start}", start)
            terms.append(_field_term(name, value, negated, quoted, start, pos, size))
            continue
        value, quoted, pos = _read_value(text, pos)
        if not has_words(value):
            _check_punctuation(value, quoted, start)
            continue  # punctuation alone ("&", "-") finds nothing and filters nothing
        value, star = _starred(value, quoted, start)
        terms.append(
            Term("text", value, negated=negated, quoted=quoted, prefix=star, position=start)
        )
    if not terms and text.strip():
        at = len(text) - len(text.lstrip())
        raise SearchError(
            f"nothing to search for in '{text.strip()}' at {at} — type a word, a"
            ' "phrase" or a filter such as tag:vip',
            at,
        )
    return Query(tuple(_mark_prefix(terms, text)), text)


def term_text(field: str, value: str) -> str | None:
    """`field:value` as parse_query reads it back, quoted when it has spaces; None when the
    language cannot say it (not a field, nothing to search for, or a double quote inside)."""
    value = value.strip()
    if field not in FIELDS or '"' in value or not value:
        return None
    if field in TEXT_FIELDS and not has_words(value):
        return None
    if any(char.isspace() for char in value) or value.endswith("*"):
        return f'{field}:"{value}"'  # quoted: a final * is a character, not "begins with"
    return f"{field}:{value}"


def time_bound(value: str, now: datetime) -> datetime:
    """The instant a before:/after: value names: a UTC day's start, or `now` minus 7d/24h/2w."""
    if _DATE_RE.fullmatch(value):
        day = datetime.strptime(value, "%Y-%m-%d")
        return day.replace(tzinfo=UTC)
    relative = _RELATIVE_RE.fullmatch(value)
    if relative is None:
        raise ValueError(value)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return now - int(relative.group(1)) * _UNITS[relative.group(2).lower()]


def has_words(value: str) -> bool:
    """Whether full-text search sees a word in `value` (letters, digits; as unicode61 does)."""
    return any(
        unicodedata.category(char)[0] in "LN" or unicodedata.category(char) == "Co"
        for char in value
    )


def _read_value(text: str, pos: int) -> tuple[str, bool, int]:
    """A "quoted string" or a run of non-space characters starting at `pos`."""
    if pos < len(text) and text[pos] == '"':
        end = text.find('"', pos + 1)
        if end < 0:
            raise SearchError(f"unclosed quote at {pos}", pos)
        return text[pos + 1 : end], True, end + 1
    end = pos
    while end < len(text) and not text[end].isspace() and text[end] != '"':
        end += 1
    return text[pos:end], False, end


def _check_punctuation(value: str, quoted: bool, start: int) -> None:
    """Refuse the punctuation a seller types expecting it to mean something (a wildcard, a
    group, a phrase) rather than let the search quietly ignore it."""
    if quoted:
        raise SearchError(f"nothing to search for in '\"{value}\"' at {start}", start)
    if "*" in value:
        raise SearchError(
            f"'*' at {start} must end a word: refund* finds refund, refunds, refunded", start
        )
    if "(" in value or ")" in value:
        raise SearchError(
            f"'{value}' at {start}: parentheses do not group — every word must match;"
            " leave them out",
            start,
        )


def _starred(value: str, quoted: bool, start: int) -> tuple[str, bool]:
    """An unquoted `word*` is a prefix: the word without its stars, and True."""
    if quoted or not value.endswith("*"):
        return value, False
    stem = value.rstrip("*")
    if not has_words(stem):  # "&*": nothing it begins
        raise SearchError(
            f"'*' at {start} must end a word: refund* finds refund, refunds, refunded", start
        )
    if sum(1 for char in stem if has_words(char)) < MIN_PREFIX:
        raise SearchError(
            f"'{value}' at {start} is too short a prefix — it takes {MIN_PREFIX} letters or more",
            start,
        )
    return stem, True


def _field_term(
    name: str, value: str, negated: bool, quoted: bool, start: int, end: int, size: int
) -> Term:
    value_at = end - len(value) - (2 if quoted else 0)
    lowered = value.strip().lower()
    if name in ("channel", "status", "is"):
        allowed = {"channel": _channels(), "status": STATUSES, "is": IS_VALUES}[name]
        if lowered not in allowed:
            raise SearchError(
                f"unknown {name} '{value}' at {value_at} — expected {', '.join(allowed)}",
                value_at,
            )
        return Term(name, lowered, negated=negated, quoted=quoted, position=start)
    if name in ("before", "after"):
        try:
            time_bound(lowered, datetime(2000, 1, 1, tzinfo=UTC))
        except ValueError:
            raise SearchError(
                f"bad date '{value}' at {value_at} — use YYYY-MM-DD or a span like 7d, 24h, 2w",
                value_at,
            ) from None
        return Term(name, lowered, negated=negated, quoted=quoted, position=start)
    if name in TEXT_FIELDS and not has_words(value):
        raise SearchError(f"nothing to search for in '{name}:{value}' at {start}", start)
    if name in TEXT_FIELDS:
        stem, star = _starred(value.strip(), quoted, start)
        return Term(name, stem, negated=negated, quoted=quoted, prefix=star, position=start)
    return Term(name, value.strip(), negated=negated, quoted=quoted, position=start)


def _channels() -> tuple[str, ...]:
    # The registry is read when a query names a channel, not when the store imports this
    # module: the store sits below the channels (docs/architecture.md).
    from inbox_tui.channels.registry import channel_names

    return channel_names()


def _mark_prefix(terms: list[Term], text: str) -> list[Term]:
    """Search as you type: the last word, still being typed, matches any word it begins."""
    if not terms or text[-1:].isspace():
        return terms
    last = terms[-1]
    if last.prefix or last.quoted or last.negated or last.field not in ("text", *TEXT_FIELDS):
        return terms
    if len(last.value) < MIN_PREFIX or not _ends_a_word(last.value):
        return terms
    terms[-1] = Term(last.field, last.value, prefix=True, position=last.position)
    return terms


def _ends_a_word(value: str) -> bool:
    """Whether `value` ends in a letter or digit, or an accent on one (İ lower-cases to i and
    a combining dot)."""
    return has_words(value[-1]) or unicodedata.category(value[-1]).startswith("M")


def _suggest_field(name: str) -> str | None:
    """The field a near-miss such as 'form' or 'tags' was meant to be, if it is close."""
    close = difflib.get_close_matches(name, FIELDS, n=1, cutoff=0.7)
    return close[0] if close else None

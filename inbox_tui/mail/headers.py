"""Reading header values: address lists, Message-IDs, dates. Pure, tolerant of junk."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.policy import EmailPolicy
from email.utils import getaddresses, parsedate_to_datetime

from inbox_tui.domain.messages import Address
from inbox_tui.mail.charsets import decode_header, decode_raw
from inbox_tui.sanitize import clean_line, escape_undecodable

_MAX_ID_LENGTH = 998
_OLDEST_DATE = datetime(1990, 1, 1, tzinfo=UTC)
_FUTURE_SLACK = timedelta(days=2)


def parse_addresses(value: str, hint: str | None) -> tuple[Address, ...]:
    """Parse an address list: simple forms by regex, then the legacy parser (checked), then
    policy.default's parser for whatever the legacy one may misread."""
    pairs = _simple_pairs(value)
    if pairs is None:
        try:
            pairs = getaddresses([value])
        except Exception:
            pairs = []
        if not _plausible_pairs(value, pairs):
            pairs = _strict_pairs(value) or pairs
    result = []
    for name, addr in pairs:
        addr = clean_line(decode_raw(addr, hint)).strip("<>")  # "<>": the null sender
        name = clean_line(decode_header(name, hint))
        if "@" not in addr and (" " in addr or '"' in addr):  # "From: Amazon Marketplace"
            name, addr = name or addr.strip('"'), ""
        addr = addr.lower()
        if name or addr:
            result.append(Address(name=name, addr=addr))
    return tuple(result)


_FWS = "[ \t\r\n]*+"  # what the legacy parser skips between tokens
_ATOM = r'[^\s()<>@,:;."\[\]\\]++'
_ADDR_SPEC = rf"{_ATOM}(?:\.{_ATOM})*+@{_ATOM}(?:\.{_ATOM})*+"
_WORD = r'[^()<>@,:;"\[\]\\ \t\r\n]++'
# One `Name <local@domain>`, `"Any, name" <local@domain>` or `local@domain`, then a comma or
# the end: no comments, groups, escapes or route addresses. For these getaddresses() returns
# exactly what _simple_pairs does (a property test checks it), several times slower. Every
# character has one role and the quantifiers are possessive, so hostile input stays linear.
_SIMPLE_ADDRESS = re.compile(
    rf'{_FWS}(?:(?:"([^"\\\r]*+)"|((?:{_WORD}(?:[ \t\r\n]++{_WORD})*+)?+)){_FWS}<({_ADDR_SPEC})>'
    rf"|({_ADDR_SPEC})){_FWS}(?:,|$)"
)
_PHRASE_SPACE = re.compile(r"[ \t\r\n]+")


def _simple_pairs(value: str) -> list[tuple[str, str]] | None:
    pairs: list[tuple[str, str]] = []
    pos = 0
    while pos < len(value):
        match = _SIMPLE_ADDRESS.match(value, pos)
        if match is None:
            return None
        quoted, phrase, addr, bare = match.groups()
        if bare:
            pairs.append(("", bare))
        else:
            pairs.append((quoted if quoted is not None else _PHRASE_SPACE.sub(" ", phrase), addr))
        pos = match.end()
    return pairs or None


_QUOTED_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def _plausible_pairs(value: str, pairs: list[tuple[str, str]]) -> bool:
    """The legacy parser's answer is trusted when it found one address per comma-separated item.

    This is the check CPython added to `getaddresses(strict=True)` (CVE-2023-27043) after the
    legacy parser was shown to split crafted addresses into different ones.
    """
    expected = 1 + _QUOTED_STRING.sub("", value).count(",")
    if not pairs:
        return not value.strip()
    return len(pairs) == expected and all(
        addr.count("@") == 1 and "[" not in addr for _, addr in pairs
    )


def _strict_pairs(value: str) -> list[tuple[str, str]]:
    if len(value) > _MAX_STRICT_CHARS:  # its parser is quadratic on some hostile input
        return []
    try:
        header = _STRICT_POLICY.header_factory("to", value)
        return [(a.display_name, a.addr_spec) for a in header.addresses]
    except Exception:
        return []


_STRICT_POLICY = EmailPolicy()
_MAX_STRICT_CHARS = 2000
_COMMENT = re.compile(r"\([^()]*\)")
# Bracketed ids of printable ASCII without spaces, brackets or parentheses (comments), apart by
# blanks: what message_ids' general path keeps unchanged, so they are taken as they are.
_ID_CHARS = r"[!-'*-;=?-~]+"
_SIMPLE_IDS = re.compile(rf"[ \t]*<{_ID_CHARS}>(?:[ \t]+<{_ID_CHARS}>)*[ \t]*")
_BRACKETED = re.compile(r"<([^<>]*)>")


def message_ids(value: str) -> list[str]:
    """Message-IDs in a header, without <>, comments or junk tokens; order kept, no repeats.

    8-bit bytes (the header arrives surrogate-escaped) are read as UTF-8, else kept as `\\xNN`:
    never by the message's charset, so the same bytes in a reply give the same id."""
    if _SIMPLE_IDS.fullmatch(value):  # `<a@b>` or `<a@b> <c@d>`: the general path keeps them
        return list(dict.fromkeys(i for i in _BRACKETED.findall(value) if len(i) <= _MAX_ID_LENGTH))
    return _message_ids(value)


def _message_ids(value: str) -> list[str]:
    value = escape_undecodable(value)
    for _ in range(4):  # comments nest; "(Jane's message of <id@x>)" must not count
        value, found = _COMMENT.subn(" ", value)
        if not found:
            break
    ids = [token.strip() for token in _BRACKETED.findall(value)]
    if not ids:  # some mailers forget the brackets
        ids = [token.strip("<>,;\"'") for token in value.split() if "@" in token]
    cleaned = (clean_line(token) for token in ids)
    return list(
        dict.fromkeys(
            token
            for token in cleaned
            if token
            and len(token) <= _MAX_ID_LENGTH
            and " " not in token  # clean_line folded all whitespace to " "
        )
    )


def first_message_id(value: str | None) -> str | None:
    ids = message_ids(value) if value else []
    return next((i for i in ids if "@" in i), ids[0] if ids else None)


def plausible_date(value: str | None, now: datetime) -> datetime | None:
    """A Date-like value as aware UTC, or None when unparseable, before 1990 or in the future."""
    if not value or not value.strip():
        return None
    date = _rfc5322_date(value.strip()) or _any_date(value.strip())
    return date if date is not None and _OLDEST_DATE <= date <= now + _FUTURE_SLACK else None


def _any_date(value: str) -> datetime | None:
    try:
        date = parsedate_to_datetime(value)
        if date.tzinfo is None:
            date = date.replace(tzinfo=UTC)  # "-0000": the zone is unknown, the time is UTC
        return date.astimezone(UTC)
    except Exception:
        return None


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# `Mon, 1 Dec 2026 10:00:00 +0100`, maybe with a comment after it: what mail software writes.
_RFC5322_DATE = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?([0-9]{1,2}) ("
    + "|".join(_MONTHS)
    + r") ([1-9][0-9]{3}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) ([+-])([0-9]{2})([0-9]{2})(?:[ \t].*)?",
    re.S,
)


def _rfc5322_date(value: str) -> datetime | None:
    """What _any_date gives, for the RFC 5322 form only, without the stdlib's general date
    reader (None for anything else, which is read the general way). A property test checks it."""
    match = _RFC5322_DATE.fullmatch(value)
    if match is None:
        return None
    day, month, year, hour, minute, second, sign, zone_hours, zone_minutes = match.groups()
    offset = int(zone_hours) * 3600 + int(zone_minutes) * 60
    if offset >= 86400:  # no such zone: the general path says so
        return None
    try:
        local = datetime(
            int(year),
            _MONTHS.index(month) + 1,
            int(day),
            int(hour),
            int(minute),
            int(second),
            tzinfo=UTC,
        )
        return (
            local + timedelta(seconds=offset) if sign == "-" else local - timedelta(seconds=offset)
        )
    except (ValueError, OverflowError):
        return None

"""The parser's shortcuts give what the general path gives, on generated input.

Each shortcut in mail/ and sanitize.py answers a common form of input without the general
code (a plain ASCII name, `<id@host>`, an RFC 5322 date, a Content-Type line seen before);
here each is compared with that general code on generated values, near misses included.
"""

from __future__ import annotations

from email.message import Message

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inbox_tui.mail import headers, parse
from inbox_tui.sanitize import _clean_line, clean_line

MANY = settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ASCII = st.characters(min_codepoint=0, max_codepoint=127)
# Characters that sit near a shortcut's edge: controls, spaces of every kind, hidden ones.
EDGES = st.sampled_from(
    [" ", "  ", "\t", "\r", "\n", "\x0b", "\x1b[31m", "\x7f", "\x85", "\xa0", "\u200b", "\u202e"]
)
TEXT = st.lists(st.text(ASCII, max_size=8) | EDGES | st.text(max_size=3), max_size=8).map("".join)


@MANY
@given(TEXT)
def test_clean_line_shortcut_is_the_general_path(value: str) -> None:
    assert clean_line(value) == _clean_line(value)


# ---------------------------------------------------------------------------------------------
# Message-IDs

ID_TEXT = st.lists(
    st.sampled_from("abc@.-_$+=!#'\"/?~*;,:xyz019") | EDGES | st.sampled_from("()<>é\udce7"),
    max_size=12,
).map("".join)
ID = st.builds(lambda text, close: "<" + text + (">" if close else ""), ID_TEXT, st.booleans())
PLAIN_ID = st.text(st.sampled_from("ab@.-_$+=!#'\"/?~*;,:()019"), min_size=1).map(
    lambda t: f"<{t}>"
)
IDS = st.lists(
    st.tuples(st.sampled_from([" ", "\t", "  ", "", ",", "(c) "]), PLAIN_ID | ID | ID_TEXT),
    max_size=5,
).map(lambda pairs: "".join(gap + token for gap, token in pairs))


@MANY
@given(IDS)
def test_message_ids_shortcut_is_the_general_path(value: str) -> None:
    assert headers.message_ids(value) == headers._message_ids(value)


def test_long_ids_are_dropped_on_the_shortcut_too() -> None:
    value = "<" + "a" * 999 + "@x> <b@y> <b@y>"
    assert headers.message_ids(value) == headers._message_ids(value) == ["b@y"]


# ---------------------------------------------------------------------------------------------
# Dates


def _date(day, dd, month, year, hh, mm, ss, sign, zh, zm, tail) -> str:  # type: ignore[no-untyped-def]
    return f"{day}{dd} {month} {year} {hh:02}:{mm:02}:{ss:02} {sign}{zh:02}{zm:02}{tail}"


# Dates as mail software writes them (most take the shortcut), with offsets up to the limit...
WRITTEN = st.builds(
    _date,
    st.sampled_from(["Mon, ", "Sun, ", ""]),
    st.integers(1, 31),
    st.sampled_from(headers._MONTHS),
    st.integers(1000, 9999),
    st.integers(0, 23),
    st.integers(0, 59),
    st.integers(0, 60),
    st.sampled_from(["+", "-"]),
    st.integers(0, 24),
    st.integers(0, 99),
    st.sampled_from(["", " (UTC)", "\t(CET)", " \u2028x"]),
)
# ... and near misses of every part.
NEAR = st.builds(
    _date,
    st.sampled_from(["Mon, ", "", "mon, ", "Mon,", "Xyz, ", "Mon "]),
    st.integers(0, 40).map(str) | st.sampled_from(["01", "001", "3,"]),
    st.sampled_from([*headers._MONTHS, "dec", "DEC", "December", "Foo"]),
    st.integers(0, 9999).map(str) | st.sampled_from(["0099", "69", "2026,"]),
    st.integers(0, 30),
    st.integers(0, 70),
    st.integers(0, 70),
    st.sampled_from(["+", "-", ""]),
    st.integers(0, 99),
    st.integers(0, 99),
    st.sampled_from(["", "(UTC)", " GMT", "x"]),
)


@MANY
@given(WRITTEN | NEAR | st.text(ASCII, max_size=40))
def test_rfc5322_date_shortcut_is_the_general_reader(value: str) -> None:
    fast = headers._rfc5322_date(value)
    if fast is not None:
        general = headers._any_date(value)
        assert general is not None
        assert (fast, fast.tzinfo, fast.isoformat()) == (
            general,
            general.tzinfo,
            general.isoformat(),
        )


def test_the_common_date_forms_take_the_shortcut() -> None:
    for value in ("Mon, 1 Dec 2025 10:00:00 +0100", "1 Dec 2025 23:59:59 -0000 (UTC)"):
        assert headers._rfc5322_date(value) == headers._any_date(value) is not None


# ---------------------------------------------------------------------------------------------
# Content-Type and Content-Disposition, read once per distinct value

PARAM_VALUES = st.sampled_from(
    ['"utf-8"', "UTF-8", '"a;b"', "iso-8859-9", '"x\\"y"', "", '"', "=?utf-8?q?a?=", "é"]
)
PARAMS = st.lists(
    st.tuples(
        st.sampled_from(["charset", "CHARSET", "name", "name*", "name*0*", "name*1", "format", ""]),
        st.sampled_from(["=", " = ", ""]),
        PARAM_VALUES | st.sampled_from(["utf-8''%C3%A7", "us-ascii'en'x%", "''"]),
    ),
    max_size=4,
).map(lambda params: "".join(f"; {k}{eq}{v}" for k, eq, v in params))
TYPES = st.sampled_from(
    ["text/plain", "TEXT/HTML", "multipart/mixed", "text", "a/b/c", "", " image/jpeg ", "x/y;"]
)
DISPOSITIONS = st.sampled_from(["attachment", "INLINE", "", "form-data", " attachment "])


@MANY
@given(
    st.none() | st.builds(str.__add__, TYPES, PARAMS),
    st.none() | st.builds(str.__add__, DISPOSITIONS, PARAMS),
    st.sampled_from(["text/plain", "message/rfc822"]),
)
def test_parts_read_their_headers_as_the_stdlib_does(
    content_type: str | None, disposition: str | None, default_type: str
) -> None:
    msg = parse._Message(parse._POLICY)
    msg.set_default_type(default_type)
    for name, value in (("X-Other", "1"), ("content-TYPE", content_type)):
        if value is not None:
            msg.set_raw(name, value + "\r\n\t")
    if disposition is not None:
        msg.set_raw("Content-Disposition", disposition)
        msg.set_raw("Content-Disposition", "inline")  # the first one counts
    part = parse._Part(msg)
    expected_params: dict[str, str] = {}
    try:
        for key, value in Message.get_params(msg, failobj=[])[1:]:
            expected_params.setdefault(key.lower(), parse.collapse_rfc2231_value(value))
    except Exception:
        pass
    assert part.ctype == msg.get_content_type() == Message.get_content_type(msg)
    assert part.params == expected_params
    assert part.disposition == Message.get_content_disposition(msg)

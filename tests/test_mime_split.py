"""mail.mime_split: the feedparser's tree without its line loop, and nothing else changed.

Whenever the splitter answers, its tree must be the feedparser's in every attribute of every
part (raw headers, payload, preamble, epilogue, defects, default type, class, policy), and the
ParsedMessage must equal the stdlib path's. Checked on the benchmark corpora, the parser tests'
fixtures (CPython's test messages, the hostile message, mailgen threads), generated seller mail
with every boundary, header and line-end oddity the splitter must leave to the feedparser, and
byte mutations of all of those. Last, parse._clean_base64 (a base64 body decoded without the
stdlib's line copies) against the stdlib's get_payload on generated, damaged bodies.
"""

from __future__ import annotations

import base64
import random

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from benchmarks.corpus import generate
from inbox_tui.mail import mime_split
from inbox_tui.mail import parse as parse_module
from inbox_tui.mail.parse import _PARSER, _POLICY, _clean_base64, _Message, _payload_bytes
from tests.test_fast_parse import FIXTURES, assert_same, message, with_photo


def split(raw: bytes):
    return mime_split.parse_tree(raw, _Message, _POLICY)


def state(msg) -> list[dict]:
    """Every attribute of every part, in walk order (subparts as their count, defects as their
    class names: defect objects do not compare equal)."""
    out = []
    for part in msg.walk():
        attributes = dict(vars(part))
        if isinstance(attributes["_payload"], list):
            attributes["_payload"] = len(attributes["_payload"])
        attributes["defects"] = [type(defect).__name__ for defect in attributes["defects"]]
        attributes["class"] = type(part)
        out.append(attributes)
    return out


def check(raw: bytes) -> bool:
    """The splitter's tree, when it gives one, is the feedparser's; the parse is the stdlib
    path's. True when the splitter answered."""
    tree = split(raw)
    if tree is not None:
        assert state(tree) == state(_PARSER.parsebytes(raw))
    assert_same(raw)
    return tree is not None


# ---------------------------------------------------------------------------------------------
# The corpora


@pytest.mark.parametrize("photos", [False, True], ids=["plain", "photos"])
def test_the_benchmark_corpora_are_split_the_same(photos: bool) -> None:
    mails = list(generate(300, photos=photos))
    for raw in mails + [raw.replace(b"\n", b"\r\n") for raw in mails]:
        assert check(raw)  # every shape the corpus writes is one the splitter takes


@pytest.mark.parametrize("raw", FIXTURES)
def test_every_fixture_is_split_the_same_or_left_to_the_feedparser(raw: bytes) -> None:
    check(raw)
    check(raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    check(with_photo(raw))


def test_the_parser_fixtures_mostly_take_the_splitter() -> None:
    """The fixtures are CPython's odd messages and hostile ones; still, the plain shapes
    among them take the splitter (so the equality above is not vacuous)."""
    taken = sum(split(param.values[0]) is not None for param in FIXTURES)
    assert taken >= len(FIXTURES) // 3, (taken, len(FIXTURES))


# ---------------------------------------------------------------------------------------------
# Generated seller mail: the shapes the splitter takes, and their near misses

EOLS = [b"\n", b"\r\n"]
BOUNDARIES = [
    b"b1",
    b"=_Part_0_1.2",
    b"Apple-Mail=_A",
    b"----=_NextPart",
    b"x:y=",
]  # RFC 2046 allows ":"
BREAKAGES = [
    None,
    None,
    None,
    "no close boundary",
    "close boundary first",
    "boundary twice",
    "boundary with trailing space",
    "boundary with trailing junk",
    "boundary in a header section",
    "no blank line after a part's headers",
    "part without headers",
    "lone CR",
    "header line without a colon",
    "colon first",
    "continuation first",
    "envelope line",
    "space before a colon",
    "8-bit header name",
    "no line end at the end",
    "empty preamble line",
    "epilogue",
    "inner boundary = outer",
    "inner boundary a prefix of outer",
    "multipart transfer encoding",
    "digest",
    "no boundary parameter",
    "folded boundary parameter",
    "attached message",
    "empty part",
]


@st.composite
def leaf(draw: st.DrawFn, eol: bytes) -> list[bytes]:
    kind = draw(st.sampled_from(["text", "html", "photo", "pdf", "qp", "none"]))
    if kind == "photo" or kind == "pdf":
        data = random.Random(draw(st.integers(0, 99))).randbytes(draw(st.integers(0, 3000)))
        encoded = base64.encodebytes(data).replace(b"\n", eol)
        ctype = b"image/jpeg" if kind == "photo" else b"application/pdf"
        return [
            b"Content-Type: " + ctype + b'; name="IMG_0001.JPG"',
            b"Content-Transfer-Encoding: base64",
            b"Content-Disposition: attachment;" + eol + b'\tfilename="IMG_0001.JPG"',
            b"",
            encoded.removesuffix(eol),
        ]
    body = draw(st.sampled_from([b"Hello,", b"-- ", b"--", b"", b"Name: x", "Sipariş".encode()]))
    headers = {
        "text": [b"Content-Type: text/plain; charset=utf-8"],
        "html": [b'Content-Type: text/html; charset="iso-8859-9"'],
        "qp": [b"Content-Type: text/plain", b"Content-Transfer-Encoding: quoted-printable"],
        "none": [],
    }[kind]
    return [*headers, b"", b"Thank you =C3=A7ok" if kind == "qp" else body, b"Bye"]


@st.composite
def multipart_lines(draw: st.DrawFn, eol: bytes, depth: int, breakage: str | None) -> list[bytes]:
    boundary = draw(st.sampled_from(BOUNDARIES))
    boundary += bytes([48 + depth])
    kind = draw(st.sampled_from([b"mixed", b"alternative", b"related"]))
    header = b"Content-Type: multipart/" + kind + b'; boundary="' + boundary + b'"'
    lines = [header, b""]
    lines += draw(st.lists(st.sampled_from([b"This is a multi-part message.", b""]), max_size=2))
    separator = b"--" + boundary
    for _ in range(draw(st.integers(1, 3))):
        lines.append(separator)
        if depth < 2 and draw(st.integers(0, 3)) == 0:
            lines += draw(multipart_lines(eol, depth + 1, breakage))
        else:
            lines += draw(leaf(eol))
    lines.append(separator + b"--")
    if draw(st.booleans()):
        lines += [b"", b"epilogue text"]
    return lines


@st.composite
def seller_mail(draw: st.DrawFn) -> bytes:
    eol = draw(st.sampled_from(EOLS))
    breakage = draw(st.sampled_from(BREAKAGES))
    event(f"breakage: {breakage}")
    headers = [
        b"Return-Path: <buyer@example.com>",
        b"Received: from mx.example.com by mail.example.com;"
        + eol
        + b" Mon, 30 Nov 2026 10:00:00 +0000",
        b"From: =?utf-8?q?Ay=C5=9Fe?= <ayse@example.com>",
        b"To: shop@example.com",
        b"Subject: " + draw(st.sampled_from([b"Order 1234", "İade".encode(), b"=?utf-8?b?xZ4=?="])),
        b"Date: Mon, 30 Nov 2026 10:00:00 +0000",
        b"Message-ID: <m1@example.com>",
        b"MIME-Version: 1.0",
    ]
    if draw(st.booleans()):
        lines = headers + draw(multipart_lines(eol, 0, breakage))
    else:
        lines = headers + draw(leaf(eol))
    lines = _break(draw, lines, breakage)
    raw = eol.join(lines)
    if breakage == "lone CR":
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + b"\r" + raw[at:]
    if breakage != "no line end at the end":
        raw += eol
    return raw


def _break(draw: st.DrawFn, lines: list[bytes], breakage: str | None) -> list[bytes]:
    separators = [i for i, line in enumerate(lines) if line.startswith(b"--") and len(line) > 3]
    headers = [i for i, line in enumerate(lines) if b": " in line and not line.startswith(b"--")]
    at_sep = draw(st.sampled_from(separators)) if separators else None
    at_header = draw(st.sampled_from(headers)) if headers else 0
    lines = list(lines)
    if breakage == "no close boundary" and separators:
        closes = [i for i in separators if lines[i].endswith(b"--")]
        del lines[draw(st.sampled_from(closes))]
    elif breakage == "close boundary first" and at_sep is not None:
        lines.insert(at_sep, lines[at_sep].rstrip(b"-") + b"--")
    elif breakage == "boundary twice" and at_sep is not None:
        lines.insert(at_sep, lines[at_sep].rstrip(b"-"))
    elif breakage == "boundary with trailing space" and at_sep is not None:
        lines[at_sep] += draw(st.sampled_from([b" ", b"\t", b" \t "]))
    elif breakage == "boundary with trailing junk" and at_sep is not None:
        lines[at_sep] += draw(st.sampled_from([b"x", b"--", b"-", b" x"]))
    elif breakage == "boundary in a header section" and at_sep is not None:
        lines.insert(at_header + 1, lines[at_sep].rstrip(b"-"))
    elif breakage == "no blank line after a part's headers":
        blanks = [i for i, line in enumerate(lines) if not line]
        if blanks:
            del lines[draw(st.sampled_from(blanks))]
    elif breakage == "part without headers" and at_sep is not None:
        lines.insert(at_sep + 1, b"")
    elif breakage == "header line without a colon":
        lines.insert(at_header, b"Not a header")
    elif breakage == "colon first":
        lines.insert(at_header, b": no name")
    elif breakage == "continuation first" and at_sep is not None:
        lines.insert(at_sep + 1, b" continued")
    elif breakage == "envelope line":
        lines.insert(draw(st.sampled_from([0, at_header])), b"From buyer@example.com Mon Nov 30")
    elif breakage == "space before a colon":
        lines[at_header] = lines[at_header].replace(b":", b" :", 1)
    elif breakage == "8-bit header name":
        lines[at_header] = b"X-\xc3\xa7" + lines[at_header]
    elif breakage == "empty preamble line" and at_sep is not None:
        lines.insert(at_sep, b"")
    elif breakage == "epilogue":
        lines += [b"", draw(st.sampled_from([b"--b10", b"trailing", b"--b10--", b""]))]
    elif breakage == "inner boundary = outer":
        lines = [_renamed(line, b"0") for line in lines]
    elif breakage == "inner boundary a prefix of outer":
        lines = [_renamed(line, b"") for line in lines]
    elif breakage == "multipart transfer encoding" and at_sep is not None:
        lines.insert(
            at_header,
            b"Content-Transfer-Encoding: " + draw(st.sampled_from([b"base64", b"7BIT", b"8bit "])),
        )
    elif breakage == "digest":
        lines = [line.replace(b"multipart/mixed", b"multipart/digest") for line in lines]
    elif breakage == "no boundary parameter":
        lines = [
            line.split(b";")[0] if line.startswith(b"Content-Type: multipart") else line
            for line in lines
        ]
    elif breakage == "folded boundary parameter":
        lines = [
            line.replace(b"; boundary", b";\r\n boundary" if b"\r" in line else b";\n boundary")
            for line in lines
        ]
    elif breakage == "attached message" and at_sep is not None:
        lines[at_sep + 1 : at_sep + 1] = [
            b"Content-Type: message/rfc822",
            b"",
            b"Subject: inner",
            b"",
            b"hi",
        ]
    elif breakage == "empty part" and at_sep is not None:
        lines.insert(at_sep, lines[at_sep].rstrip(b"-"))
        lines.insert(at_sep + 1, b"")
    return lines


def _renamed(line: bytes, suffix: bytes) -> bytes:
    """The first nested multipart's boundary (its base and "1") renamed to base + suffix."""
    for base in BOUNDARIES:
        line = line.replace(base + b"1", base + suffix)
    return line


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seller_mail())
def test_generated_seller_mail_is_split_the_same_or_left_to_the_feedparser(raw: bytes) -> None:
    event("split" if check(raw) else "feedparser")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(message())
def test_test_fast_parses_generated_mime_is_split_the_same(raw: bytes) -> None:
    """The base64 runs generator of test_fast_parse: runs broken by blank lines, dashes, lone
    CRs, in preambles, epilogues and attached messages."""
    event("split" if check(raw) else "feedparser")


MUTATION_BASES = [raw for raw in generate(30, photos=True)][::3] + [
    param.values[0] for param in FIXTURES[:8]
]
INSERTS = [b"\n", b"\r", b"\r\n", b"-", b"--", b":", b" ", b"\t", b"\x00", b"\xff", b"=?", b"From "]


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(MUTATION_BASES),
    st.lists(st.tuples(st.floats(0, 1), st.sampled_from(INSERTS), st.integers(0, 3)), max_size=3),
)
def test_mutated_mail_is_split_the_same_or_left_to_the_feedparser(
    base: bytes, mutations: list[tuple[float, bytes, int]]
) -> None:
    raw = base
    for where, insert, deleted in mutations:
        at = int(where * len(raw))
        # Near a line start most of the time: that is where the feedparser decides things.
        line_start = raw.rfind(b"\n", 0, at) + 1
        at = line_start if insert != b"\n" and where < 0.7 else at
        raw = raw[:at] + insert + raw[at + deleted :]
    event("split" if check(raw) else "feedparser")


# ---------------------------------------------------------------------------------------------
# Base64 bodies decoded without the stdlib's copies line by line (parse._clean_base64)

BASE64_DAMAGE = [
    None,
    None,
    "bad padding",
    "junk",
    "8-bit",
    "= inside",
    "space",
    "lone CR",
    "empty",
]


@settings(max_examples=400, deadline=None)
@given(
    st.binary(max_size=2000),
    st.sampled_from([40, 57, 76, 100]),
    st.sampled_from(EOLS),
    st.sampled_from(BASE64_DAMAGE),
    st.sampled_from(["base64", "BASE64", " base64 ", "base64x", "quoted-printable"]),
    st.floats(0, 1),
)
def test_a_base64_body_decodes_as_the_stdlib_decodes_it(
    data: bytes, width: int, eol: bytes, damage: str | None, cte: str, where: float
) -> None:
    encoded = base64.b64encode(data)
    lines = [encoded[i : i + width] for i in range(0, len(encoded), width)]
    body = eol.join(lines) + eol
    at = int(where * len(body))
    replaced = at % 2  # a character put in its place (the length stays whole quads), or added
    body = {
        "bad padding": body.rstrip(b"=\r\n") + eol,
        "junk": body[:at] + b"!" + body[at + replaced :],
        "8-bit": body[:at] + b"\xe7" + body[at + replaced :],
        "= inside": body[:at] + b"=" + body[at + replaced :],
        "space": body[:at] + b" " + body[at + replaced :],
        "lone CR": body[:at] + b"\r" + body[at + replaced :],
        "empty": b"",
    }.get(damage or "", body)
    event(f"damage: {damage}")
    raw = b"Content-Type: image/jpeg\nContent-Transfer-Encoding: " + cte.encode() + b"\n\n" + body
    ours, stdlib = _PARSER.parsebytes(raw), _PARSER.parsebytes(raw)
    mine = _clean_base64(ours)
    event("shortcut" if mine is not None else "stdlib")
    problems: list[str] = []
    assert _payload_bytes(ours, problems) == stdlib_payload_bytes(stdlib)
    assert [type(d) for d in ours.defects] == [type(d) for d in stdlib.defects]
    if mine is not None:
        assert mine == stdlib.get_payload(decode=True)


def stdlib_payload_bytes(part) -> bytes:
    """parse._payload_bytes as it was: the stdlib's get_payload first."""
    original = parse_module._clean_base64
    parse_module._clean_base64 = lambda part: None
    try:
        return parse_module._payload_bytes(part, [])
    finally:
        parse_module._clean_base64 = original

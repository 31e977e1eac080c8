"""mail.fast_parse: big base64 bodies kept away from the feedparser, and the result unchanged.

Every message here is parsed twice, by the fast path and whole by the stdlib (`stdlib_only`), and
the two ParsedMessages must be equal in every field: the benchmark corpora, CPython's corpus and
this suite's fixtures (each also wrapped next to a photo, so the fast path runs on it), and
generated MIME with base64 runs everywhere a run can be, broken in every way that matters.
"""

from __future__ import annotations

import base64
import random
import time
from datetime import UTC, datetime
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from benchmarks.corpus import generate
from benchmarks.photo import photo
from inbox_tui.domain.messages import ParsedMessage
from inbox_tui.mail import fast_parse
from inbox_tui.mail.parse import _PARSER, parse_message
from tests import mailgen, test_hostile, test_parse
from tests.mime_tree import tree

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def both_paths(raw: bytes) -> tuple[ParsedMessage, ParsedMessage]:
    fast = parse_message(raw, now=NOW)
    with fast_parse.stdlib_only():
        whole = parse_message(raw, now=NOW)
    return fast, whole


def takes_fast_path(raw: bytes) -> bool:
    return fast_parse.parse_tree(raw, _PARSER) is not None


def assert_same(raw: bytes) -> ParsedMessage:
    fast, whole = both_paths(raw)
    assert fast == whole  # dataclass equality: every field, attachments' bytes included
    return fast


def with_photo(inner: bytes, *, crlf: bool = False, seed: int = 0) -> bytes:
    """A phone's mail: text, a real JPEG, and `inner` attached as a message of its own."""
    outer = MIMEMultipart("mixed")
    outer["From"] = "Ayşe Yılmaz <ayse@example.com>"
    outer["Message-ID"] = f"<wrapped-{seed}@example.com>"
    outer.attach(MIMEText("The parcel arrived like this, see the photo.\n", "plain", "utf-8"))
    outer.attach(MIMEImage(photo(random.Random(seed), "2026:11:30 10:00:00"), "jpeg"))
    raw = outer.as_bytes().replace(b"\n", b"\r\n") if crlf else outer.as_bytes()
    cut = raw.rindex(b"--" + outer.get_boundary().encode() + b"--")
    eol = b"\r\n" if crlf else b"\n"
    attached = b"Content-Type: message/rfc822" + eol + eol + inner + eol
    return raw[:cut] + b"--" + outer.get_boundary().encode() + eol + attached + raw[cut:]


# ---------------------------------------------------------------------------------------------
# The corpora the benchmarks parse


def test_phone_photos_take_the_fast_path_and_parse_the_same() -> None:
    mails = list(generate(60, photos=True))
    photos = [raw for index, raw in enumerate(mails) if index % 6 == 5]
    assert len(photos) == 10
    for raw in mails + [raw.replace(b"\n", b"\r\n") for raw in mails]:
        pm = assert_same(raw)
        if raw in photos or raw.replace(b"\r\n", b"\n") in photos:
            assert takes_fast_path(raw)
            [jpeg] = pm.attachments
            assert jpeg.content.startswith(b"\xff\xd8") and jpeg.content.endswith(b"\xff\xd9")
            assert 20_000 <= jpeg.size <= 80_000 and jpeg.filename.startswith("IMG_")


def test_the_plain_benchmark_corpus_parses_the_same() -> None:
    for raw in generate(300):
        assert_same(raw)


# ---------------------------------------------------------------------------------------------
# The parser tests' own fixtures, as they are and wrapped next to a photo


def _fixtures() -> list:
    params = [pytest.param(test_hostile.HOSTILE, id="hostile")]
    params += [pytest.param(test_parse.with_attachments(), id="with_attachments")]
    params += [pytest.param(test_parse.alternative("plain", "<p>html</p>"), id="alternative")]
    params += [
        pytest.param(raw, id=f"mailgen-thread-{i}") for i, raw in enumerate(mailgen.thread(3))
    ]
    params += [
        pytest.param(
            mailgen.make_mail(html="<p>Sipariş</p>", charset="iso-8859-9", body="Sipariş"),
            id="mailgen-legacy-charset",
        )
    ]
    for param in test_parse.CPYTHON_CORPUS:
        path = param.values[0]
        if path is not None:
            params.append(pytest.param(Path(path).read_bytes(), id=param.id))
    return params


FIXTURES = _fixtures()


@pytest.mark.parametrize("raw", FIXTURES)
def test_every_fixture_parses_the_same_alone_and_next_to_a_photo(raw: bytes) -> None:
    assert_same(raw)
    for crlf in (False, True):
        wrapped = with_photo(raw, crlf=crlf)
        assert takes_fast_path(wrapped)
        assert_same(wrapped)


def test_megabytes_of_almost_base64_are_looked_at_once() -> None:
    """8 MB of base64 lines ending in a line that is not, and no boundary: not a run, and no
    probe may scan again what one before it looked at (each did: 8 MB took 40 s)."""
    body = base64.encodebytes(random.Random(8).randbytes(6_000_000)) + b"!\n"
    raw = b"Subject: scan\nContent-Transfer-Encoding: base64\n\n" + body
    started = time.process_time()  # CPU time: the machine's load cannot trip this guard
    assert fast_parse.base64_runs(raw) == []
    assert time.process_time() - started < 5


def test_a_message_that_holds_the_token_is_parsed_whole() -> None:
    raw = with_photo(b"Subject: InboxTuiElidedRun0x\n\nhello\n")
    assert not takes_fast_path(raw)
    assert_same(raw)


def test_a_photo_whose_base64_spells_a_token_is_put_back_as_it_was() -> None:
    raw = with_photo(with_photo(b"Subject: hello\n\nhello\n", seed=1))  # two photos, two runs
    lines = raw.split(b"\n")
    at = next(i for i, line in enumerate(lines) if len(line) == 76)  # in the first photo
    lines[at + 3] = (b"InboxTuiElidedRun1x" * 4)[:76]  # the second one's token
    raw = b"\n".join(lines)
    assert len(fast_parse.base64_runs(raw)) == 2 and takes_fast_path(raw)
    assert_same(raw)


# ---------------------------------------------------------------------------------------------
# Generated MIME: runs in bodies, preambles, epilogues, header blocks, attached messages and
# delivery reports; runs broken by blank lines, lone CRs, dashes, other characters, other widths


MUTATIONS = [
    None,
    None,
    "blank line",
    "blank line at the end",
    "lone CR",
    "CR CR",
    "dash",
    "space",
    "colon",
    "8-bit byte",
    "shorter line",
    "longer line",
    "LF in a CRLF run",
    "no line end at the end",
    "token",
    "boundary inside",
]
ID_BYTES = st.sampled_from([b"", b"\xff", b"\xe7\xfc", b"\xc3\x28", b"\x80abc", "ş".encode()])


@st.composite
def base64_run(draw: st.DrawFn, eol: bytes, boundary: bytes = b"XX") -> bytes:
    data = random.Random(draw(st.integers(0, 2**32))).randbytes(
        draw(st.integers(1, 300) | st.integers(1600, 6000))
    )
    width = draw(st.sampled_from([40, 57, 64, 76, 100]))
    text = base64.b64encode(data)
    lines = [text[i : i + width] for i in range(0, len(text), width)]
    mutation = draw(st.sampled_from(MUTATIONS))
    event(f"mutation: {mutation}")
    at = draw(st.integers(0, len(lines) - 1))
    insert = {
        "blank line": [b""],
        "lone CR": [lines[at] + b"\r" + lines[at]],
        "CR CR": [lines[at] + b"\r\r" + lines[at]],
        "dash": [lines[at][:10] + b"-" + lines[at][10:]],
        "space": [lines[at][:10] + b" " + lines[at][10:]],
        "colon": [b"X-Header: " + lines[at]],
        "8-bit byte": [lines[at][:5] + b"\xe9" + lines[at][5:]],
        "shorter line": [lines[at][: width // 2]],
        "longer line": [lines[at] * 2],
        "token": [b"InboxTuiElidedRun0x"],
        "boundary inside": [b"--" + boundary],
    }.get(mutation)
    if insert:
        lines[at:at] = insert
    joined = eol.join(lines)
    if mutation == "LF in a CRLF run":
        joined = joined.replace(b"\r\n", b"\n", 1)
    if mutation == "no line end at the end":
        return joined
    return joined + eol + (eol if mutation == "blank line at the end" else b"")


@st.composite
def block(draw: st.DrawFn, eol: bytes, boundary: bytes) -> bytes:
    """Body text: base64 runs, plain lines, blank lines, header-looking lines."""
    pieces = draw(
        st.lists(
            st.one_of(
                base64_run(eol, boundary),
                st.sampled_from([b"Hello there", b"", b"Name: value", b"From me", b"=?x?="]).map(
                    lambda line: line + eol
                ),
            ),
            max_size=3,
        )
    )
    return b"".join(pieces)


CONTENT_TYPES = [
    b"image/jpeg",
    b"application/pdf",
    b"text/plain; charset=utf-8",
    b"text/html",
    b"message/rfc822",
    b"message/delivery-status",
    b"application/octet-stream; name=IMG_1.jpg",
]
ENCODINGS = [b"base64", b"BASE64", b"base64 ", b"quoted-printable", b"7bit", b"x-junk", None]


@st.composite
def part(draw: st.DrawFn, eol: bytes, boundary: bytes, depth: int = 0) -> bytes:
    if depth < 2 and draw(st.booleans()):
        return draw(multipart(eol, depth + 1))
    if depth < 2 and not draw(st.integers(0, 4)):  # an attached message, multipart itself
        inner = b"Subject: fwd" + eol + draw(multipart(eol, depth + 1))
        return b"Content-Type: message/rfc822" + eol + eol + inner
    headers = [b"Content-Type: " + draw(st.sampled_from(CONTENT_TYPES))]
    encoding = draw(st.sampled_from(ENCODINGS))
    if encoding is not None:
        headers.append(b"Content-Transfer-Encoding: " + encoding)
    if draw(st.booleans()):
        headers.append(b'Content-Disposition: attachment; filename="IMG_0001.JPG"')
    separator = eol if draw(st.integers(0, 5)) else b""  # sometimes no blank line: a run ends them
    return eol.join(headers) + eol + separator + draw(block(eol, boundary))


@st.composite
def multipart(draw: st.DrawFn, eol: bytes, depth: int = 0) -> bytes:
    boundary = draw(st.sampled_from([b"XX", b"b1", b"=_Part_0_1", b"Apple-Mail-4"])) + bytes(
        [48 + depth]
    )
    kind = draw(st.sampled_from([b"mixed", b"alternative", b"related", b"report"]))
    out = b"Content-Type: multipart/" + kind + b'; boundary="' + boundary + b'"' + eol + eol
    out += draw(block(eol, boundary))  # preamble
    for child in draw(st.lists(part(eol, boundary, depth), min_size=1, max_size=3)):
        out += b"--" + boundary + eol + child + eol
    if draw(st.integers(0, 4)):
        out += b"--" + boundary + b"--" + eol + draw(block(eol, boundary))  # epilogue
    return out


@st.composite
def message(draw: st.DrawFn) -> bytes:
    eol = draw(st.sampled_from([b"\r\n", b"\n"]))
    if not draw(st.integers(0, 9)):  # no headers at all: a run may start the message
        return draw(block(eol, b"XX"))
    headers = [
        b"From: =?utf-8?b?QXnFn2U=?= <ayse@example.com>",
        b"Subject: " + draw(st.sampled_from([b"Order", b"Sipari\xfe", "İade".encode()])),
        b"Message-ID: <" + draw(ID_BYTES) + b"id@example.com>",
        b"In-Reply-To: <parent" + draw(ID_BYTES) + b"@example.com>",
        b"References: <root@example.com> <p" + draw(ID_BYTES) + b"@example.com>",
        b"MIME-Version: 1.0",
    ]
    body = draw(multipart(eol)) if draw(st.booleans()) else draw(part(eol, b"XX"))
    return eol.join(headers) + eol + body


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(message())
def test_generated_mime_parses_the_same(raw: bytes) -> None:
    fast = fast_parse.parse_tree(raw, _PARSER)
    event("stdlib path" if fast is None else "fast path")
    if fast is not None:
        assert tree(fast) == tree(_PARSER.parsebytes(raw))
    assert_same(raw)
    # What was cut out is whole, non-empty lines of base64 characters and nothing else, which
    # the feedparser can only read as body lines.
    for start, end in fast_parse.base64_runs(raw):
        assert start == 0 or raw[start - 1] == ord("\n")
        assert raw[end - 1] == ord("\n") and end - start >= fast_parse.MIN_RUN
        for line in raw[start:end].split(b"\n")[:-1]:
            content = line.removesuffix(b"\r")
            assert content and not content.translate(None, fast_parse._BASE64), line

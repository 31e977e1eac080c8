"""Where an attachment's bytes lie inside its raw message, so that the store keeps them once.

A photo arrives base64 inside the raw message, which the store keeps byte for byte; keeping
its decoded bytes as well made the file 1.6x the mail. `find_in_raw` looks for a stretch of
the raw bytes that gives the attachment back exactly: its canonical base64 (lines of one
width, nothing else on them) or the bytes themselves; `decode_span` gives them back from it.
Nothing here reads MIME: whatever the parser decoded, a span is offered only when its bytes
spell exactly that content, so a span never gives back other bytes than the parser's.
"""

from __future__ import annotations

import binascii
from dataclasses import dataclass

BASE64 = "base64"
VERBATIM = "identity"

# The first 48 bytes are 64 base64 characters: a line of every mailer seen (76, 72, 64) holds
# them whole, and 64 characters of a photo's base64 do not occur by chance elsewhere.
_PREFIX_BYTES = 48
_MAX_TRIES = 8  # places the prefix occurs (the same photo attached twice, a forward)


@dataclass(frozen=True, slots=True)
class RawSpan:
    """raw[start:end], decoded by `encoding` (BASE64 or VERBATIM), is the attachment."""

    start: int
    end: int
    encoding: str


def find_in_raw(raw: bytes, content: bytes) -> RawSpan | None:
    """A span of `raw` that gives back exactly `content`, or None when there is none to trust
    (empty content, base64 in lines of uneven width, quoted-printable, a re-encoded part)."""
    if not content:
        return None
    encoded = binascii.b2a_base64(content, newline=False)
    span = _find_base64(raw, encoded)
    if span is None and len(content) <= len(raw):
        start = raw.find(content)
        if start >= 0:
            span = RawSpan(start, start + len(content), VERBATIM)
    return span


def decode_span(chunk: bytes, encoding: str) -> bytes:
    """The attachment's bytes from raw[span.start:span.end]. ValueError for what no span of
    `find_in_raw` holds (the stored span or raw bytes were changed since)."""
    if encoding == VERBATIM:
        return chunk
    if encoding == BASE64:
        try:
            return binascii.a2b_base64(_unwrapped(chunk), strict_mode=True)
        except binascii.Error as exc:
            raise ValueError(f"the stored span is not base64 ({exc})") from None
    raise ValueError(f"unknown span encoding {encoding!r}")


def _find_base64(raw: bytes, encoded: bytes) -> RawSpan | None:
    prefix = encoded[: _PREFIX_BYTES // 3 * 4]
    start = raw.find(prefix)
    for _ in range(_MAX_TRIES):
        if start < 0:
            return None
        end = _base64_end(raw, start, len(encoded))
        if end is not None and end <= len(raw) and _unwrapped(raw[start:end]) == encoded:
            return RawSpan(start, end, BASE64)
        start = raw.find(prefix, start + 1)
    return None


def _base64_end(raw: bytes, start: int, length: int) -> int | None:
    """Where `length` base64 characters from `start` end, if every line is as wide as the
    first (the last one shorter); the caller checks that they are there."""
    newline = raw.find(b"\n", start, start + length + 2)
    if newline < 0:
        return start + length  # on one line
    eol = 2 if newline > start and raw[newline - 1] == 0x0D else 1
    width = newline - start - (eol - 1)
    if width <= 0:
        return None
    lines, rest = divmod(length, width)
    return start + lines * (width + eol) + (rest if rest else -eol)


def _unwrapped(chunk: bytes) -> bytes:
    return chunk.replace(b"\r\n", b"").replace(b"\n", b"")

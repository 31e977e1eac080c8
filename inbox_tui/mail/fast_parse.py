"""The MIME tree of a message with big base64 bodies, without the stdlib feeding them line by line.

The feedparser handles every line of a message in Python: a 60 KB photo is 1,100 base64 lines,
~1 ms, and at the end of the part it runs a regular expression over the whole body. Here each
long run of base64 lines is cut out before parsing, a one-line token stands in for it, and the
run is put back into the parsed tree afterwards. A run is whole lines of nothing but base64
characters, none empty, so the feedparser can read it only as body text, never as a header,
a boundary or a blank line; the token is such a line too, so the tree, its defects and its
payloads come out exactly as a parse of the whole message gives them (test_fast_parse.py
checks it on every corpus and on generated mail). Anything else is left to the stdlib path.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import Message
from email.parser import BytesParser
from typing import Any

__all__ = ["MIN_RUN", "base64_runs", "enabled", "parse_tree", "stdlib_only"]

MIN_RUN = 2048  # bytes: shorter runs cost the feedparser less than cutting them out
_TOKEN = "InboxTuiElidedRun"  # base64 characters only, like the lines it stands for
_TOKEN_BYTES = _TOKEN.encode()
_TOKEN_RE = re.compile(_TOKEN + r"(\d+)x")
_BASE64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
_PROBE = 1024  # bytes between probes for runs; MIN_RUN needs at least one in a run


_switch = {"on": True}


def enabled() -> bool:
    """False inside `stdlib_only()`: every fast path (this module's, mime_split's) stands aside."""
    return _switch["on"]


def parse_tree(raw: bytes, parser: BytesParser) -> Message | None:
    """`parser.parsebytes(raw)` for a message with long base64 runs; None for any other message
    (nothing to gain), which the caller then parses whole."""
    if not _switch["on"] or len(raw) < MIN_RUN:
        return None
    try:
        runs = base64_runs(raw)
        return _parse_without(raw, runs, parser) if runs else None
    except Exception:  # whatever went wrong here, the whole-message parse decides
        return None


@contextmanager
def stdlib_only() -> Iterator[None]:
    """Every message parsed whole while inside: the stdlib path, for the equality test and the
    parse benchmark to compare against (not thread-safe; nothing else needs it)."""
    _switch["on"] = False
    try:
        yield
    finally:
        _switch["on"] = True


def _parse_without(raw: bytes, runs: list[tuple[int, int]], parser: BytesParser) -> Message | None:
    pieces: list[bytes] = []
    texts: list[str] = []
    pos = 0
    for start, end in runs:
        eol = b"\r\n" if raw[end - 2 : end] == b"\r\n" else b"\n"
        pieces += [raw[pos:start], _token(len(texts)).encode(), eol]
        texts.append(raw[start : end - len(eol)].decode("ascii"))
        pos = end
    pieces.append(raw[pos:])
    if any(_TOKEN_BYTES in own for own in pieces[::3]):  # the mail's own bytes between the runs
        return None  # it spells a token itself: only the whole parse is sure
    msg = parser.parsebytes(b"".join(pieces))
    for part in msg.walk():
        _restore(part, texts)
    return msg


def _restore(part: Message, texts: list[str]) -> None:
    """Put the runs back where the feedparser placed their tokens: a leaf's body, a preamble or
    an epilogue (get_payload() would re-decode the text; the stdlib's own attribute is read)."""
    part._payload = _put_back(part._payload, texts)  # type: ignore[attr-defined]
    part.preamble = _put_back(part.preamble, texts)
    part.epilogue = _put_back(part.epilogue, texts)


def _put_back(value: Any, texts: list[str]) -> Any:  # a str, or a multipart's list
    """`value` with each token replaced by its run, in one pass (a run may spell a token)."""
    if not isinstance(value, str) or _TOKEN not in value:
        return value
    return _TOKEN_RE.sub(lambda token: texts[int(token.group(1))], value)


def _token(index: int) -> str:
    return f"{_TOKEN}{index}x"


def base64_runs(raw: bytes) -> list[tuple[int, int]]:
    """(start, end) of the base64 runs worth cutting out, in order.

    A run is lines of one width, each 40+ base64 characters and one line end (LF or CRLF, the
    same for all), then maybe one shorter such line. Probes every `_PROBE` bytes find them
    (one probe per kilobyte costs less than any scan for blank lines); a probe that lands in a
    run walks back to its first line and cuts it off before the next '-' (a boundary, mostly).
    """
    runs: list[tuple[int, int]] = []
    probe = 0
    while probe < len(raw):
        found = _run_at(raw, probe)
        if found is None:
            probe += _PROBE
            continue
        start, end, whole = found
        if whole and end - start >= MIN_RUN:
            runs.append((start, end))
        probe = end + _PROBE // 2  # never look at the same lines twice: hostile mail stays linear
    return runs


def _run_at(raw: bytes, probe: int) -> tuple[int, int, bool] | None:
    """None when the line under `probe` is not a base64 line; else (start, end, whole): the run
    it is in, or with whole=False the lines looked at that are not one."""
    first = raw.rfind(b"\n", 0, probe) + 1
    width = _line_width(raw, first)
    if width is None:
        return None
    eol = b"\r\n" if raw[first + width - 2] == 13 else b"\n"
    start = first
    for _ in range(_PROBE // width + 2):  # back to the run's first line (the last probe missed it)
        above = start - width
        if above < 0 or (above and raw[above - 1] != 10) or _line_width(raw, above) != width:
            break
        start -= width
    dash = raw.find(b"-", first)
    end = raw.rfind(b"\n", first, len(raw) if dash < 0 else dash) + 1
    while raw[end - 1] in b"\r\n":  # back over the blank lines after it, to its last line end
        end -= 1
    end += len(eol)
    run = raw[start:end]
    full, tail = divmod(len(run), width)
    lines = full + (tail > 0)
    if (
        run[width - 1 :: width][:full] != b"\n" * full  # each full line ends where the first does
        or (eol == b"\r\n" and run[width - 2 :: width][:full] != b"\r" * full)
        or not run.endswith(eol)
        or 0 < tail <= len(eol)  # an empty last line
        or run.translate(None, _BASE64) != eol * lines  # other characters, or other line ends
    ):
        return start, end, False
    return start, end, True


def _line_width(raw: bytes, start: int) -> int | None:
    """The length with its line end of the line at `start` when it is 40+ base64 characters,
    else None."""
    end = raw.find(b"\n", start) + 1
    content = raw[start:end].removesuffix(b"\n").removesuffix(b"\r")
    if end == 0 or len(content) < 40 or content.translate(None, _BASE64):
        return None
    return end - start

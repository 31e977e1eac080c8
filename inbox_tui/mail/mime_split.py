"""The feedparser's MIME tree for the common shapes of mail, built without its line loop.

`email.feedparser` reads a message one line at a time in Python (a header section of 25 lines
and a few parts cost more than all of our own work on them). Here the same tree is built from
the message's text with `str.find`: header lines are cut at their colon, a leaf's body is
everything up to the next boundary line, a multipart's preamble and epilogue likewise. The
`Message` objects, their raw headers, payloads, preambles, epilogues and defects are exactly
what `BytesParser(policy=...).parsebytes(raw)` gives (tests/test_mime_split.py compares the two
trees on every corpus and on generated mail).

It takes only what it is sure of: LF or CRLF line ends (no lone CR), header sections of
name-colon lines and continuations ended by a blank line, and leaves and multiparts (not
multipart/digest) whose boundaries are all found where they belong. Everything the feedparser
would note a defect for, every `message/*` part, an envelope (`From `) line, two boundary lines
in a row, nesting deeper than `_MAX_DEPTH`, a boundary that one around it could also match:
`parse_tree` returns None and the caller parses the message as before.
"""

from __future__ import annotations

import re
from email.message import Message
from typing import Any

from inbox_tui.mail import fast_parse

__all__ = ["parse_tree"]

_MAX_DEPTH = 8  # seller mail nests two or three deep; deeper goes to the feedparser
_MULTIPART_CTES = ("7bit", "8bit", "binary")


class _NotSure(Exception):
    """This message is left to the feedparser."""


def parse_tree(raw: bytes, factory: Any, policy: Any) -> Message | None:
    """What `BytesParser(policy=policy).parsebytes(raw)` returns (messages made by
    `factory(policy=policy)`), or None when the message has a shape this module leaves to it."""
    if not fast_parse.enabled():
        return None
    text = raw.decode("ascii", "surrogateescape")  # as BytesParser decodes it
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        return None  # a lone CR ends a line for the feedparser
    try:
        msg = factory(policy=policy)
        _Splitter(text, factory, policy).part(msg, 0, (), 0)
    except _NotSure:
        return None
    return msg


class _Splitter:
    __slots__ = ("text", "factory", "policy")

    def __init__(self, text: str, factory: Any, policy: Any) -> None:
        self.text = text
        self.factory = factory
        self.policy = policy

    def part(self, msg: Message, pos: int, seps: tuple[str, ...], depth: int) -> int:
        """Fill `msg` from the part starting at `pos`, inside the multiparts whose separators
        are `seps` (outermost first); returns where the part ends: the start of the boundary
        line that ends it, or the end of the text for the message itself."""
        if depth > _MAX_DEPTH:
            raise _NotSure
        body = self.headers(msg, pos, seps)
        ctype = msg.get_content_type()
        maintype = ctype.partition("/")[0]
        if maintype == "message":
            raise _NotSure  # attached messages and delivery reports: the feedparser's own ways
        if maintype == "multipart":
            return self.multipart(msg, ctype, body, seps, depth)
        if not seps:
            msg._payload = self.text[body:]  # type: ignore[attr-defined]  # set_payload(str)
            return len(self.text)
        found = self.next_boundary(body, seps)
        if found is None or found[1] != len(seps) - 1:
            raise _NotSure  # no boundary after it, or an outer one: a close boundary is missing
        end = found[0]
        msg._payload = self.text[body : _cut_eol(self.text, body, end)]  # type: ignore[attr-defined]
        return end

    def headers(self, msg: Message, pos: int, seps: tuple[str, ...]) -> int:
        """Read the header section at `pos` into `msg` as the feedparser and
        `policy.header_source_parse` do; returns where the body starts."""
        text = self.text
        raw_headers: list[tuple[str, str]] = msg._headers  # type: ignore[attr-defined]
        field = _FIELD.match
        while True:
            found = field(text, pos)
            if found is None:
                if text.startswith("\n", pos):
                    return pos + 1
                if text.startswith("\r\n", pos):
                    return pos + 2
                # No blank line: a body line (a defect), a line without a name, a first-line
                # continuation, an envelope line, or the end of the text.
                raise _NotSure
            if text[pos] == "-" and seps and _boundary_line(_line(text, pos), seps) is not None:
                raise _NotSure  # a boundary ends the part inside its header section
            name, value = found.groups()
            raw_headers.append((name, value.lstrip(" \t").rstrip("\r\n")))
            pos = found.end()

    def multipart(
        self, msg: Message, ctype: str, body: int, seps: tuple[str, ...], depth: int
    ) -> int:
        if ctype == "multipart/digest":
            raise _NotSure  # its parts' default type differs
        boundary = msg.get_boundary()
        if not boundary or not boundary.isprintable():
            raise _NotSure
        if str(msg.get("content-transfer-encoding", "8bit")).lower() not in _MULTIPART_CTES:
            raise _NotSure  # InvalidMultipartContentTransferEncodingDefect
        sep = "--" + boundary
        if any(sep.startswith(outer) or outer.startswith(sep) for outer in seps):
            raise _NotSure  # a line could be read as both boundaries
        inner = (*seps, sep)
        own = len(seps)
        text = self.text
        found = self.next_boundary(body, inner)
        if found is None or found[1] != own or found[2]:
            raise _NotSure  # StartBoundaryNotFoundDefect, or an outer boundary first
        start, _, _, after = found
        if start > body:
            msg.preamble = _without_eol(text[body:start])
        children: list[Message] = []
        msg._payload = children  # type: ignore[attr-defined]  # what attach() builds
        while True:
            if _boundary_line(text[after : _line_end(text, after)], inner) is not None:
                raise _NotSure  # boundary after boundary: the feedparser skips them its way
            if after >= len(text):
                raise _NotSure  # the text ends after a boundary
            child = self.factory(policy=self.policy)
            children.append(child)
            end = self.part(child, after, inner, depth + 1)
            if isinstance(child._payload, list):
                epilogue = child.epilogue  # the line end before a boundary is the boundary's
                child.epilogue = None if epilogue == "" else _without_eol(epilogue)
            line_end = _line_end(text, end)
            matched = _boundary_line(text[end:line_end], inner)
            if matched is None or matched[0] != own:
                raise _NotSure  # CloseBoundaryNotFoundDefect
            after = line_end
            if matched[1]:  # the close boundary
                has_linesep = line_end > end and text[line_end - 1] == "\n"
                break
        if not seps:
            msg.epilogue = text[after:] if has_linesep else ""
            return len(text)
        found = self.next_boundary(after, seps)
        if found is None or not has_linesep:
            raise _NotSure  # the enclosing multipart has no close boundary
        msg.epilogue = text[after : found[0]]
        return found[0]

    def next_boundary(self, pos: int, seps: tuple[str, ...]) -> tuple[int, int, bool, int] | None:
        """The first boundary line of `seps` at or after the line start `pos`: (its start, which
        separator, whether it closes, where the next line starts); None if there is none."""
        text = self.text
        start = text.find("-", pos)  # one character: a memchr, which base64 never stops
        while start >= 0:
            if text.startswith("--", start) and (start == pos or text[start - 1] == "\n"):
                line_end = _line_end(text, start)
                matched = _boundary_line(text[start:line_end], seps)
                if matched is not None:
                    return start, matched[0], matched[1], line_end
                start = text.find("-", line_end)
            else:
                start = text.find("-", start + 1)
        return None


# A header field as the feedparser reads one: a name of printable ASCII but colon and space,
# a colon, the rest of its line, and its continuation lines (starting with a space or tab).
_FIELD = re.compile(r"([!-9;-~]+):([^\n]*\n(?:[ \t][^\n]*\n)*)")


def _line(text: str, pos: int) -> str:
    return text[pos : _line_end(text, pos)]


def _line_end(text: str, pos: int) -> int:
    eol = text.find("\n", pos)
    return len(text) if eol < 0 else eol + 1


def _boundary_line(line: str, seps: tuple[str, ...]) -> tuple[int, bool] | None:
    """(which separator, whether it closes) when `line` is a boundary line of one of `seps`,
    as the feedparser's boundary expression matches it: the separator, maybe `--`, spaces and
    tabs, the line end."""
    for index, sep in enumerate(seps):
        if line.startswith(sep):
            rest = line[len(sep) :]
            closes = rest.startswith("--")
            if closes:
                rest = rest[2:]
            if rest.lstrip(" \t") in ("", "\n", "\r\n"):
                return index, closes
    return None


def _cut_eol(text: str, start: int, end: int) -> int:
    """`end`, less the line end just before it within text[start:end] (`_without_eol` of that
    slice, without copying it twice)."""
    if end - start >= 2 and text[end - 2] == "\r" and text[end - 1] == "\n":
        return end - 2
    if end > start and text[end - 1] in "\r\n":
        return end - 1
    return end


def _without_eol(value: str) -> str:
    """The feedparser's NLCRE_eol cut: one line end at the end belongs to the boundary."""
    if value.endswith("\r\n"):
        return value[:-2]
    if value.endswith("\n") or value.endswith("\r"):
        return value[:-1]
    return value

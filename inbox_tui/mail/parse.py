"""Raw RFC 5322 bytes to a `ParsedMessage`: headers, readable body, attachments. Never raises.

The MIME structure is the stdlib feedparser's under `email.policy.default` settings: built by
mime_split.py for the common shapes of mail, by the feedparser itself (fast_parse.py keeping long
base64 runs out of its line loop) for everything else; the tree is the same either way. Header
values are read as raw strings and decoded by charsets.py and headers.py (RFC 2047, 8-bit
fallbacks, addresses, dates): policy.default's structured header objects cost 5-10x the rest of
the parse (the feedparser alone re-parses Content-Type a dozen times per message), and the
plain-string path is also more forgiving of the broken charsets real mail carries.
"""

from __future__ import annotations

import binascii
import contextlib
import re
from datetime import UTC, datetime, timedelta
from email import errors
from email.generator import BytesGenerator
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.policy import EmailPolicy
from email.utils import collapse_rfc2231_value
from functools import lru_cache
from io import BytesIO
from typing import Any

from inbox_tui.domain.messages import Address, Attachment, ParsedMessage
from inbox_tui.mail import boundary, fast_parse, mime_split
from inbox_tui.mail.charsets import b64decode, codecs_for, decode_bytes, decode_header, decode_raw
from inbox_tui.mail.headers import first_message_id, message_ids, parse_addresses, plausible_date
from inbox_tui.mail.html import html_to_text
from inbox_tui.sanitize import clean_body, clean_line, snippet

__all__ = ["SELECTED_HEADERS", "parse_message"]

SELECTED_HEADERS = (
    "list-id",
    "list-unsubscribe",
    "list-post",
    "auto-submitted",
    "precedence",
    "return-path",
    "x-mailer",
    "delivered-to",
    "x-original-to",
)
_ADDRESS_HEADERS = ("from", "to", "cc", "reply-to")
_SINGLE_HEADERS = {"subject", "date", "message-id", "in-reply-to", "references", *SELECTED_HEADERS}

_MAX_DEPTH = 40  # MIME nesting deeper than any real client writes
_MAX_REFERENCES = 100
_MAX_ID_LENGTH = 998
_OLDEST_DATE = datetime(1990, 1, 1, tzinfo=UTC)
_FUTURE_SLACK = timedelta(days=2)


class _RawHeaderPolicy(EmailPolicy):
    """policy.default, except that header values are fetched as unfolded strings."""

    def header_fetch_parse(self, name: str, value: str) -> str:
        return value.replace("\r", "").replace("\n", "").strip()


class _Message(EmailMessage):
    """EmailMessage whose content type is looked up in a cache by the header's value: the
    feedparser asks for it about five times a part, and each answer re-parses the header."""

    def get_content_type(self) -> str:
        for name, value in self._headers:  # type: ignore[attr-defined]  # as Message.get finds it
            if name.lower() == "content-type":
                return _content_type(value)[0]
        return self.get_default_type()


_POLICY = _RawHeaderPolicy(message_factory=_Message)
_GENERATOR_POLICY = _POLICY.clone(max_line_length=0)  # attached messages: keep header folding
_PARSER = BytesParser(policy=_POLICY)
boundary.install()  # multipart boundaries without a regex compile each


def parse_message(raw: bytes, *, now: datetime | None = None) -> ParsedMessage:
    """Parse one message. Pure and total: problems are reported in `parse_error`, not raised.

    `now` (default: the current time) bounds plausible dates; see `plausible_date`.
    """
    try:
        if not isinstance(raw, bytes):
            raw = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else bytes(raw)
        return _parse(raw, now or datetime.now(UTC))
    except Exception as exc:  # the contract: a message never stops an import
        return _salvage(raw, f"unreadable message ({type(exc).__name__})")


# ---------------------------------------------------------------------------------------------
# The message


def _parse(raw: bytes, now: datetime) -> ParsedMessage:
    if not raw.strip():
        return _empty("empty message")
    problems: list[str] = []
    msg = mime_split.parse_tree(raw, _Message, _POLICY)
    if msg is None:
        msg = fast_parse.parse_tree(raw, _PARSER)
    if msg is None:
        msg = _PARSER.parsebytes(raw)
    walk = _Walk(msg, problems)
    text = "\n\n".join(t for t in map(walk.text, walk.body) if t.strip())
    if len(msg) == 0 and _looks_binary(raw):
        problems.append("not an email message (binary data)")
        text = ""
    text = clean_body(text)
    attachments = tuple(map(walk.attachment, walk.attachment_parts))
    defects = tuple(dict.fromkeys(type(d).__name__ for p in walk.parts for d in p.msg.defects))
    return ParsedMessage(
        **_header_fields(_raw_headers(msg), walk.hint, now),
        text=text,
        snippet=snippet(text),
        attachments=attachments,
        defects=defects,
        parse_error="; ".join(dict.fromkeys(problems)) or None,
    )


def _salvage(raw: object, reason: str) -> ParsedMessage:
    """After an unexpected failure: whatever the headers alone still give."""
    try:
        msg = _PARSER.parsebytes(raw, headersonly=True)  # type: ignore[arg-type]
        fields = _header_fields(_raw_headers(msg), None, datetime.now(UTC))
        return ParsedMessage(**fields, parse_error=reason)
    except Exception:
        return _empty(reason)


def _empty(reason: str) -> ParsedMessage:
    return ParsedMessage(None, None, (), "", None, parse_error=reason)


def _raw_headers(msg: Message) -> dict[str, list[str]]:
    """Lower-cased name -> unfolded raw values, for the headers this module reads."""
    found: dict[str, list[str]] = {}
    for name, value in msg._headers:  # type: ignore[attr-defined]  # raw_items() without a copy
        key = _header_key(name)
        if key:
            found.setdefault(key, []).append(value.replace("\r", "").replace("\n", ""))
    return found


@lru_cache(maxsize=1024)
def _header_key(name: str) -> str:
    """The lower-cased name of a header this module reads, "" for any other."""
    key = name.strip().lower()
    return key if key in _SINGLE_HEADERS or key in _ADDRESS_HEADERS or key == "received" else ""


def _header_fields(headers: dict[str, list[str]], hint: str | None, now: datetime) -> dict:
    def first(name: str) -> str | None:
        values = headers.get(name)
        return values[0] if values else None

    def addresses(name: str) -> tuple[Address, ...]:
        values = headers.get(name)
        return parse_addresses(", ".join(values), hint) if values else ()

    date = plausible_date(first("date"), now)
    if date is None:
        stamps = (v.rpartition(";") for v in headers.get("received", ()))
        received = (plausible_date(stamp, now) for _, semicolon, stamp in stamps if semicolon)
        date = max((d for d in received if d is not None), default=None)
    senders = addresses("from")
    references = message_ids(first("references") or "")
    if len(references) > _MAX_REFERENCES:  # keep the thread root and the nearest ancestors
        references = references[:1] + references[1 - _MAX_REFERENCES :]
    return {
        "message_id": first_message_id(first("message-id")),
        "in_reply_to": first_message_id(first("in-reply-to")),
        "references": tuple(references),
        "subject": clean_line(decode_header(first("subject") or "", hint)),
        "from_": senders[0] if senders else None,
        "to": addresses("to"),
        "cc": addresses("cc"),
        "reply_to": addresses("reply-to"),
        "date": date,
        "headers": {
            name: clean_line(decode_header(headers[name][0], hint))
            for name in SELECTED_HEADERS
            if name in headers
        },
    }


_CONTROL_BYTES = bytes(c for c in range(32) if c not in (9, 10, 12, 13)) + b"\x7f"


def _looks_binary(raw: bytes) -> bool:
    """Headerless input that is not text: NULs or more than 10% control bytes."""
    sample = raw[:4096]
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return b"\x00" in sample or controls > len(sample) // 10


# ---------------------------------------------------------------------------------------------
# The MIME tree: which parts make the body, which are attachments


class _Part:
    """What the walk needs from one MIME part, read once (each stdlib lookup rescans headers)."""

    __slots__ = ("msg", "ctype", "params", "disposition", "_filename")

    def __init__(self, msg: Message) -> None:
        self.msg = msg
        content_type, disposition = _first_values(msg)
        if content_type is None:
            self.ctype = msg.get_default_type()
            self.params: dict[str, str] = {}
        else:
            self.ctype, self.params = _content_type(content_type)
        self.disposition = None if disposition is None else _disposition(disposition)
        self._filename: str | None | bool = False  # False: not looked up yet

    @property
    def charset(self) -> str | None:
        """As Message.get_content_charset: lower-cased, None unless plain ASCII."""
        charset = self.params.get("charset")
        return charset.strip().lower() if charset and charset.isascii() else None

    @property
    def filename(self) -> str | None:
        """The raw filename (RFC 2231 decoded by the stdlib), None when there is none."""
        if self._filename is False:
            self._filename = None
            if self.disposition is not None or "name" in self.params:
                with contextlib.suppress(Exception):
                    self._filename = self.msg.get_filename()
        return self._filename  # type: ignore[return-value]

    def is_body_text(self) -> bool:
        return self.ctype in ("text/plain", "text/html") and self.disposition != "attachment"


def _first_values(msg: Message) -> tuple[str | None, str | None]:
    """The raw first Content-Type and Content-Disposition values, found as Message.get finds
    them, in one pass over the headers instead of one per lookup."""
    content_type = disposition = None
    for name, value in msg._headers:  # type: ignore[attr-defined]
        key = name.lower()
        if key == "content-type":
            if content_type is None:
                content_type = value
        elif key == "content-disposition" and disposition is None:
            disposition = value
    return content_type, disposition


_STDLIB_MESSAGE: Any = Message  # its methods, called on _OneHeader below


class _OneHeader:
    """The stdlib's own Message methods over one header value (what Message.get returns for the
    header they look up), so that their answers can be cached by value: the same Content-Type
    line recurs in message after message."""

    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        self.value = _POLICY.header_fetch_parse("", value)

    def get(self, name: str, failobj: object = None) -> str:
        return self.value

    _get_params_preserve = _STDLIB_MESSAGE._get_params_preserve
    get_params = _STDLIB_MESSAGE.get_params
    get_content_type = _STDLIB_MESSAGE.get_content_type
    get_content_disposition = _STDLIB_MESSAGE.get_content_disposition


@lru_cache(maxsize=1024)
def _content_type(raw_value: str) -> tuple[str, dict[str, str]]:
    """Content type and lower-cased parameters (RFC 2231 collapsed) of a raw Content-Type value.

    Cached: the dict is shared by every part with this value, and is never changed."""
    header = _OneHeader(raw_value)
    params: dict[str, str] = {}
    with contextlib.suppress(Exception):  # the stdlib trips on some broken RFC 2231 values
        for key, value in header.get_params(failobj=[])[1:]:
            params.setdefault(key.lower(), collapse_rfc2231_value(value))
    return header.get_content_type(), params


@lru_cache(maxsize=256)
def _disposition(raw_value: str) -> str:
    disposition: str = _OneHeader(raw_value).get_content_disposition()
    return disposition


class _Walk:
    """One pass to index the parts, one to choose the body; the rest are attachments."""

    def __init__(self, msg: Message, problems: list[str]) -> None:
        self.problems = problems
        self.parts: list[_Part] = []  # every part, for defects and the charset hint
        self.leaves: list[_Part] = []  # leaves and attached messages outside attached messages
        self.alternatives: set[int] = set()  # text renderings not chosen in an alternative
        self._texts: dict[int, str] = {}
        self._info: dict[int, _Part] = {}
        root = self._index(msg, 0, inside_message=False)
        self.hint = self._hint_charset()
        self.body = self._select(root, 0)
        chosen = set(map(id, self.body)) | self.alternatives
        self.attachment_parts = [leaf for leaf in self.leaves if id(leaf) not in chosen]

    def _index(self, msg: Message, depth: int, inside_message: bool) -> _Part:
        part = self._info[id(msg)] = _Part(msg)
        self.parts.append(part)
        if depth > _MAX_DEPTH:
            self.problems.append("MIME nesting too deep")
            return part
        is_message = part.ctype.startswith("message/")
        if msg.is_multipart():
            for child in msg.get_payload():
                if isinstance(child, Message):
                    self._index(child, depth + 1, inside_message or is_message)
            if not is_message:
                return part
        if not inside_message:
            self.leaves.append(part)
        return part

    def _hint_charset(self) -> str | None:
        """The first legacy charset the message declares anywhere, for unlabelled 8-bit text."""
        for part in self.parts:
            codec = codecs_for(part.charset)
            if codec and not codec[0].startswith(("utf", "ascii")):
                return codec[0]
        return None

    def _select(self, part: _Part, depth: int) -> list[_Part]:
        """The leaves that make the readable body of this subtree, in reading order."""
        if depth > _MAX_DEPTH:
            return []
        ctype = part.ctype
        if not part.msg.is_multipart():
            if ctype.startswith("multipart/"):
                self.problems.append("multipart without a usable boundary; shown raw")
                return [part]
            return [part] if part.is_body_text() else []
        if ctype.startswith("message/"):
            return []  # an attached message is an attachment, not our body
        children = [self._info[id(c)] for c in part.msg.get_payload() if id(c) in self._info]
        if ctype == "multipart/alternative":
            return self._choose_alternative(children, depth)
        if ctype == "multipart/related" and children:
            return self._select(_related_root(part, children), depth + 1)
        body: list[_Part] = []
        for child in children:  # mixed, signed, report, ...: the body, then inline text parts
            found = self._select(child, depth + 1)
            if not body or not any(p.filename for p in found):  # later named ones are files
                body += found
        return body

    def _choose_alternative(self, children: list[_Part], depth: int) -> list[_Part]:
        """Prefer a non-blank text/plain rendering, else the richest (last) one."""
        options = [self._select(child, depth + 1) for child in children]
        chosen = next(
            (o for o in options if any(p.ctype != "text/html" and self.text(p).strip() for p in o)),
            next((o for o in reversed(options) if o), []),
        )
        for option in options:
            if option is not chosen:
                self.alternatives.update(map(id, option))
        return chosen

    def text(self, part: _Part) -> str:
        """Decoded text of a body leaf (HTML converted), not yet sanitised; cached."""
        key = id(part)
        if key not in self._texts:
            try:
                self._texts[key] = self._decode_text(part)
            except Exception as exc:
                self.problems.append(f"unreadable text part ({type(exc).__name__})")
                self._texts[key] = ""
        return self._texts[key]

    def _decode_text(self, part: _Part) -> str:
        data = _payload_bytes(part.msg, self.problems)
        charset = part.charset
        if part.ctype == "text/html":
            if charset is None:
                meta = _META_CHARSET.search(data[:4096])
                charset = meta.group(1).decode("ascii") if meta else None
            return html_to_text(decode_bytes(data, charset, self.hint))
        text = decode_bytes(data, charset, self.hint)
        if part.params.get("format", "").lower() == "flowed":
            return _unflow(text, part.params.get("delsp", "").lower() == "yes")
        return text

    def attachment(self, part: _Part) -> Attachment:
        if part.msg.is_multipart():
            content = _message_bytes(part.msg)
        else:
            content = _payload_bytes(part.msg, self.problems)
        content_id = _content_id(part.msg.get("content-id"))
        disposition = part.disposition
        return Attachment(
            filename=_filename(part, self.hint),
            content_type=clean_line(part.ctype),
            size=len(content),
            content=content,
            content_id=content_id,
            inline=disposition == "inline" or (disposition is None and content_id is not None),
        )


def _related_root(part: _Part, children: list[_Part]) -> _Part:
    start = _content_id(part.params.get("start"))
    if start:
        for child in children:
            if _content_id(child.msg.get("content-id")) == start:
                return child
    return children[0]


def _content_id(value: str | None) -> str | None:
    if not value:
        return None
    value = clean_line(decode_raw(value, None)).strip("<> ")
    return value or None


def _filename(part: _Part, hint: str | None) -> str:
    name = part.filename
    if not name:
        return ""
    # RFC 2047 words inside the quotes are wrong but common (Outlook, Gmail). Path separators are
    # kept: this is display text, and whoever saves the file must choose a safe name anyway.
    return clean_line(decode_header(name, hint))


# ---------------------------------------------------------------------------------------------
# Transfer encodings and charsets

_KNOWN_CTE = {"", "7bit", "8bit", "binary", "7-bit", "8-bit", "8bits", "none", "base64"}
_KNOWN_CTE |= {"quoted-printable", "x-uuencode", "uuencode", "x-uue", "uue"}
_META_CHARSET = re.compile(
    rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]{1,40})", re.I
)


def _payload_bytes(part: Message, problems: list[str]) -> bytes:
    """The decoded content of a leaf part; undecodable encodings give the raw bytes."""
    clean = _clean_base64(part)
    data = part.get_payload(decode=True) if clean is None else clean
    if not isinstance(data, bytes):
        return b""
    seen = str(part.get("content-transfer-encoding", "")).lower()  # as the stdlib matched it
    cte = seen.split(";")[0].strip(" \t\"'")
    if cte == "base64" and (seen != cte or _has(part, errors.InvalidBase64LengthDefect)):
        return b64decode(data)  # a spelling the stdlib missed, or base64 it gave up on
    if cte == "quoted-printable" and seen != cte:
        return binascii.a2b_qp(data)
    if cte not in _KNOWN_CTE:
        problems.append(f"unknown Content-Transfer-Encoding {clean_line(cte)[:40]!r}; shown raw")
    return data


def _clean_base64(part: Message) -> bytes | None:
    """`part.get_payload(decode=True)` for a base64 body of whole quads of base64 characters and
    line ends (what mail clients write), without the stdlib's copies of it line by line (a photo
    is ~1,000 lines); None for any other body, which get_payload decodes. The stdlib's steps for
    such a body: line ends removed, then strict decoding, no defects."""
    payload = part._payload  # type: ignore[attr-defined]
    if not isinstance(payload, str) or not payload.isascii():
        return None  # a multipart's list, or surrogates (8-bit bytes): the stdlib's own ways
    if str(part.get("content-transfer-encoding", "")).lower() != "base64":
        return None
    encoded = payload.encode("ascii").translate(None, b"\r\n")
    if len(encoded) % 4:
        return None  # the stdlib pads it and notes a defect
    try:
        return binascii.a2b_base64(encoded, strict_mode=True)
    except binascii.Error:
        return None  # the stdlib's lenient decoding, with its defects


def _has(part: Message, defect: type) -> bool:
    return any(isinstance(d, defect) for d in part.defects)


def _unflow(text: str, delsp: bool) -> str:
    """Join the soft line breaks of RFC 3676 format=flowed text, per quote depth."""
    out: list[str] = []
    paragraph: str | None = None
    paragraph_depth = 0
    for line in text.replace("\r\n", "\n").split("\n"):
        content = line.lstrip(">")
        depth = len(line) - len(content)
        content = content.removeprefix(" ")  # space-stuffing
        flowed = content.endswith(" ") and content != "-- "
        if flowed and delsp:
            content = content[:-1]
        if paragraph is not None and depth != paragraph_depth:
            out.append(_quoted(paragraph, paragraph_depth))
            paragraph = None
        paragraph = content if paragraph is None else paragraph + content
        paragraph_depth = depth
        if not flowed:
            out.append(_quoted(paragraph, depth))
            paragraph = None
    if paragraph is not None:
        out.append(_quoted(paragraph, paragraph_depth))
    return "\n".join(out)


def _quoted(line: str, depth: int) -> str:
    return ">" * depth + " " + line if depth else line


def _message_bytes(part: Message) -> bytes:
    """An attached message (message/rfc822 and friends) back as bytes."""
    out = BytesIO()
    try:
        generator = BytesGenerator(out, mangle_from_=False, policy=_GENERATOR_POLICY)
        for index, sub in enumerate(part.get_payload()):
            if index:
                out.write(b"\n")
            generator.flatten(sub)
    except Exception:
        return b""
    return out.getvalue()

"""Raw RFC 5322 bytes to a `ParsedMessage`: headers, readable body, attachments. Never raises.

The MIME structure comes from the stdlib feedparser under `email.policy.default` settings. Header
values are read as raw strings and decoded here (RFC 2047, 8-bit fallbacks, addresses, dates):
policy.default's structured header objects cost 5-10x the rest of the parse (the feedparser
alone re-parses Content-Type a dozen times per message), and the plain-string path below is
also more forgiving of the broken charsets real mail carries.
"""

from __future__ import annotations

import binascii
import codecs
import contextlib
import re
from datetime import UTC, datetime, timedelta
from email import errors
from email.generator import BytesGenerator
from email.message import Message
from email.parser import BytesParser
from email.policy import EmailPolicy
from email.utils import collapse_rfc2231_value, getaddresses, parsedate_to_datetime
from functools import lru_cache
from io import BytesIO

from inbox_tui.mail import boundary
from inbox_tui.mail.html import html_to_text
from inbox_tui.mail.message import Address, Attachment, ParsedMessage
from inbox_tui.sanitize import clean_body, clean_line, snippet

__all__ = ["SELECTED_HEADERS", "decode_bytes", "decode_header", "parse_message"]

SELECTED_HEADERS = (
    "list-id",
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

    def header_fetch_parse(self, name: str, value: str) -> str:  # type: ignore[override]
        return value.replace("\r", "").replace("\n", "").strip()


_POLICY = _RawHeaderPolicy()
_GENERATOR_POLICY = _POLICY.clone(max_line_length=0)  # attached messages: keep header folding
_PARSER = BytesParser(policy=_POLICY)
boundary.install()  # multipart boundaries without a regex compile each


def parse_message(raw: bytes, *, now: datetime | None = None) -> ParsedMessage:
    """Parse one message. Pure and total: problems are reported in `parse_error`, not raised.

    `now` (default: the current time) bounds plausible dates; see `_plausible_date`.
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
    for name, value in msg.raw_items():
        key = name.strip().lower()
        if key in _SINGLE_HEADERS or key in _ADDRESS_HEADERS or key == "received":
            found.setdefault(key, []).append(value.replace("\r", "").replace("\n", ""))
    return found


def _header_fields(headers: dict[str, list[str]], hint: str | None, now: datetime) -> dict:
    def first(name: str) -> str | None:
        values = headers.get(name)
        return values[0] if values else None

    def addresses(name: str) -> tuple[Address, ...]:
        values = headers.get(name)
        return _addresses(", ".join(values), hint) if values else ()

    date = _plausible_date(first("date"), now)
    if date is None:
        stamps = (v.rpartition(";") for v in headers.get("received", ()))
        received = (_plausible_date(stamp, now) for _, semicolon, stamp in stamps if semicolon)
        date = max((d for d in received if d is not None), default=None)
    senders = addresses("from")
    references = _message_ids(first("references") or "")
    if len(references) > _MAX_REFERENCES:  # keep the thread root and the nearest ancestors
        references = references[:1] + references[1 - _MAX_REFERENCES :]
    return {
        "message_id": _first_id(first("message-id")),
        "in_reply_to": _first_id(first("in-reply-to")),
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
        self.ctype = msg.get_content_type()
        self.params: dict[str, str] = {}
        with contextlib.suppress(Exception):  # the stdlib trips on some broken RFC 2231 values
            for key, value in msg.get_params(failobj=[])[1:]:
                self.params.setdefault(key.lower(), collapse_rfc2231_value(value))
        self.disposition = msg.get_content_disposition()
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
            codec = _codecs_for(part.charset)
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
    value = clean_line(_decode_raw(value, None)).strip("<> ")
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
_B64_JUNK = re.compile(rb"[^A-Za-z0-9+/]")
_META_CHARSET = re.compile(
    rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]{1,40})", re.I
)


def _payload_bytes(part: Message, problems: list[str]) -> bytes:
    """The decoded content of a leaf part; undecodable encodings give the raw bytes."""
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):
        return b""
    seen = str(part.get("content-transfer-encoding", "")).lower()  # as the stdlib matched it
    cte = seen.split(";")[0].strip(" \t\"'")
    if cte == "base64" and (seen != cte or _has(part, errors.InvalidBase64LengthDefect)):
        return _b64decode(data)  # a spelling the stdlib missed, or base64 it gave up on
    if cte == "quoted-printable" and seen != cte:
        return binascii.a2b_qp(data)
    if cte not in _KNOWN_CTE:
        problems.append(f"unknown Content-Transfer-Encoding {clean_line(cte)[:40]!r}; shown raw")
    return data


def _has(part: Message, defect: type) -> bool:
    return any(isinstance(d, defect) for d in part.defects)


def _b64decode(data: bytes) -> bytes:
    """Base64 as mail clients read it: junk characters ignored, bad padding repaired."""
    try:
        return binascii.a2b_base64(data)
    except binascii.Error:
        pass
    alphabet = _B64_JUNK.sub(b"", data)
    if len(alphabet) % 4 == 1:
        alphabet = alphabet[:-1]
    try:
        return binascii.a2b_base64(alphabet + b"=" * (-len(alphabet) % 4))
    except binascii.Error:  # pragma: no cover - cannot happen after the repair above
        return b""


# Labels mail software writes for a superset, read as browsers do (WHATWG Encoding Standard),
# or labels Python does not know.
_CHARSET_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "iso-8859-9": "cp1254",
    "iso8859-9": "cp1254",
    "latin5": "cp1254",
    "iso-8859-11": "cp874",
    "tis-620": "cp874",
    "windows-874": "cp874",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "shift_jis": "cp932",
    "x-sjis": "cp932",
    "iso-8859-8-i": "iso-8859-8",
    "x-mac-turkish": "mac-turkish",
}
# Codecs for which ASCII bytes do not mean ASCII text (escape-based or wide encodings).
_NOT_ASCII_COMPATIBLE = ("utf-16", "utf-32", "utf-7", "iso2022", "hz")


@lru_cache(maxsize=512)
def _codecs_for(label: object) -> tuple[str, ...]:
    """Python codec names to try for a declared charset label, best first; () if unknown."""
    if not isinstance(label, str) or len(label) > 64:
        return ()
    label = label.strip(" \t\"'").lower()
    names = []
    for candidate in (_CHARSET_ALIASES.get(label, label), label):
        try:
            info = codecs.lookup(candidate)
        except (LookupError, ValueError, TypeError):
            continue
        if getattr(info, "_is_text_encoding", True) and info.name not in names:
            names.append(info.name)
    return tuple(names)


def decode_bytes(data: bytes, charset: str | None, hint: str | None = None) -> str:
    """Bytes to text, never failing: declared charset, UTF-8, the message's hint, cp1252, latin-1.

    Valid UTF-8 wins over a declared single-byte charset: mislabelled UTF-8 is common, while
    legacy text that happens to be valid multi-byte UTF-8 practically never occurs.
    """
    declared = _codecs_for(charset)
    ascii_safe = not declared or not declared[0].startswith(_NOT_ASCII_COMPATIBLE)
    if ascii_safe and data.isascii():
        return data.decode("ascii")
    candidates = list(declared)
    if ascii_safe and not (declared and declared[0].startswith("utf")):
        candidates.insert(0, "utf-8")
    candidates += ["utf-8", *_codecs_for(hint), "cp1252"]
    for codec in dict.fromkeys(candidates):
        try:
            return data.decode(codec)
        except (UnicodeError, LookupError):
            continue
    return data.decode("latin-1")


def _decode_raw(value: str, hint: str | None) -> str:
    """A header string whose 8-bit bytes arrived undeclared (surrogate-escaped by the parser)."""
    if value.isascii():
        return value
    return decode_bytes(value.encode("utf-8", "surrogateescape"), None, hint)


_ENCODED_WORD = re.compile(r"=\?([^?\s]{1,75})\?([QqBb])\?([^?]*)\?=")


def decode_header(value: str, hint: str | None = None) -> str:
    """Decode RFC 2047 encoded words anywhere in a header value; leave broken ones as text.

    Adjacent words in one charset are joined before decoding, so a character split across two
    words (common with base64 UTF-8) survives; whitespace between encoded words is dropped.
    """
    if "=?" not in value:
        return _decode_raw(value, hint)
    pieces: list[str] = []
    run_charset, run = "", b""
    pos, after_word = 0, False
    for match in _ENCODED_WORD.finditer(value):
        gap = value[pos : match.start()]
        data = _word_bytes(match.group(2), match.group(3))
        charset = match.group(1).split("*", 1)[0].lower()  # drop an RFC 2231 language tag
        adjacent = after_word and (not gap or gap.isspace())
        if data is None or not adjacent or charset != run_charset:
            if run:
                pieces.append(decode_bytes(run, run_charset, hint))
                run = b""
            if data is None:  # not decodable: keep the text as written
                pieces.append(_decode_raw(value[pos : match.end()], hint))
                pos, after_word = match.end(), False
                continue
            if not adjacent:
                pieces.append(_decode_raw(gap, hint))
        run_charset, run = charset, run + data
        pos, after_word = match.end(), True
    if run:
        pieces.append(decode_bytes(run, run_charset, hint))
    pieces.append(_decode_raw(value[pos:], hint))
    return "".join(pieces)


def _word_bytes(encoding: str, text: str) -> bytes | None:
    data = text.encode("utf-8", "surrogateescape")
    if encoding in "Qq":
        return binascii.a2b_qp(data, header=True)
    if not _B64_JUNK.sub(b"", data):
        return None
    return _b64decode(data)


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


# ---------------------------------------------------------------------------------------------
# Addresses, ids, dates


def _addresses(value: str, hint: str | None) -> tuple[Address, ...]:
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
        addr = clean_line(_decode_raw(addr, hint)).strip("<>")  # "<>": the null sender
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
_BRACKETED = re.compile(r"<([^<>]*)>")


def _message_ids(value: str) -> list[str]:
    """Message-IDs in a header, without <>, comments or junk tokens; order kept, no repeats."""
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


def _first_id(value: str | None) -> str | None:
    ids = _message_ids(value) if value else []
    return next((i for i in ids if "@" in i), ids[0] if ids else None)


def _plausible_date(value: str | None, now: datetime) -> datetime | None:
    """A Date-like value as aware UTC, or None when unparseable, before 1990 or in the future."""
    if not value or not value.strip():
        return None
    try:
        date = parsedate_to_datetime(value.strip())
        if date.tzinfo is None:
            date = date.replace(tzinfo=UTC)  # "-0000": the zone is unknown, the time is UTC
        date = date.astimezone(UTC)
    except Exception:
        return None
    return date if _OLDEST_DATE <= date <= now + _FUTURE_SLACK else None

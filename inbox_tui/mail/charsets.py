"""Bytes and header words to text: charsets as mail really labels them, RFC 2047 encoded words."""

from __future__ import annotations

import binascii
import codecs
import re
from functools import lru_cache

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
def codecs_for(label: object) -> tuple[str, ...]:
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
    declared = codecs_for(charset)
    ascii_safe = not declared or not declared[0].startswith(_NOT_ASCII_COMPATIBLE)
    if ascii_safe and data.isascii():
        return data.decode("ascii")
    candidates = list(declared)
    if ascii_safe and not (declared and declared[0].startswith("utf")):
        candidates.insert(0, "utf-8")
    candidates += ["utf-8", *codecs_for(hint), "cp1252"]
    for codec in dict.fromkeys(candidates):
        try:
            return data.decode(codec)
        except (UnicodeError, LookupError):
            continue
    return data.decode("latin-1")


def decode_raw(value: str, hint: str | None) -> str:
    """A header string whose 8-bit bytes arrived undeclared (surrogate-escaped by the parser)."""
    if value.isascii():
        return value
    try:
        data = value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that stands for no byte: sanitize.py replaces it
        return value
    return decode_bytes(data, None, hint)


_ENCODED_WORD = re.compile(r"=\?([^?\s]{1,75})\?([QqBb])\?([^?]*)\?=")


def decode_header(value: str, hint: str | None = None) -> str:
    """Decode RFC 2047 encoded words anywhere in a header value; leave broken ones as text.

    Adjacent words in one charset are joined before decoding, so a character split across two
    words (common with base64 UTF-8) survives; whitespace between encoded words is dropped.
    """
    if "=?" not in value:
        return decode_raw(value, hint)
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
                pieces.append(decode_raw(value[pos : match.end()], hint))
                pos, after_word = match.end(), False
                continue
            if not adjacent:
                pieces.append(decode_raw(gap, hint))
        run_charset, run = charset, run + data
        pos, after_word = match.end(), True
    if run:
        pieces.append(decode_bytes(run, run_charset, hint))
    pieces.append(decode_raw(value[pos:], hint))
    return "".join(pieces)


def _word_bytes(encoding: str, text: str) -> bytes | None:
    data = text.encode("utf-8", "surrogateescape")
    if encoding in "Qq":
        return binascii.a2b_qp(data, header=True)
    if not _B64_JUNK.sub(b"", data):
        return None
    return b64decode(data)


_B64_JUNK = re.compile(rb"[^A-Za-z0-9+/]")


def b64decode(data: bytes) -> bytes:
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

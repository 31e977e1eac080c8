"""Make hostile message text safe for the store and the terminal.

Mail content is attacker-controlled. Everything that comes from a message (subject, names,
addresses, bodies, filenames) passes through here once, where it enters the store, so the UI
only ever sees plain text: no ESC/CSI/OSC/DCS sequences, no C0/C1 controls, no bidi overrides.
Newlines and tabs survive in bodies; one-line fields fold all whitespace to single spaces.
Lone surrogates (a str that stands for no Unicode text) never get through: SQLite and the
terminal can take only real text.
"""

from __future__ import annotations

import re
import unicodedata

# Whole escape sequences first, so their parameters do not survive as visible junk:
# CSI (ESC [ ... final), OSC/DCS/SOS/PM/APC strings (terminated by BEL or ST), two-byte ESC x,
# and the 8-bit C1 forms of CSI (0x9b) and the string introducers (0x90, 0x98, 0x9d-0x9f).
_ESCAPE_SEQUENCES = re.compile(
    r"""
      (?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?      # CSI
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])                 # OSC, DCS, SOS, PM, APC ...
      [^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?                   # ... up to BEL or ST
    | \x1b[\x20-\x2f]*[\x30-\x7e]?                            # other ESC sequences
    """,
    re.VERBOSE,
)

# C0 controls except TAB and LF, DEL, C1 controls; CR is handled separately (CRLF -> LF).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# Unicode bidirectional overrides/isolates and other invisible formatting that can disguise
# text (Trojan Source), plus the BOM and the interlinear annotation characters.
_INVISIBLE = re.compile(r"[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\ufeff\ufff9-\ufffb]")

# Lone surrogates: undecodable bytes some decoders hand on (utf-7, unicode_escape, a JSON
# "\\ud800"); UTF-8 cannot encode them, so SQLite refuses the whole row.
_SURROGATES = re.compile(r"[\ud800-\udfff]")

# Anything the patterns above could touch, or a CR (TAB and LF are fine): most text has none
# of it, and one search is far cheaper than the substitutions.
_SUSPECT = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\ufeff\ufff9-\ufffb"
    r"\ud800-\udfff]"
)

_BLANK_LINES = re.compile(r"\n{3,}")

# Characters that take no room on screen and so disguise a name or a subject (`pay\u200bpal`
# reads "paypal" but is not it): zero-width space and joiners, word joiner and the invisible
# operators, soft hyphen, Mongolian vowel separator, combining grapheme joiner, Khmer inherent
# vowels, Hangul fillers, variation selectors, tag characters. A flag's tag sequence (England,
# Scotland, Wales) is matched whole and kept; the others are kept only where they do visible
# work (see _hidden_kept). Bodies keep them all: emoji sequences there must stay readable.
_HIDDEN = re.compile(
    "\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f"
    "|[\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\U000e0000-\U000e0fff]"
)


def clean_text(value: str | None) -> str:
    """Body text: strip escape sequences and controls, keep newlines and tabs."""
    if not value:
        return ""
    if not _SUSPECT.search(value):
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _ESCAPE_SEQUENCES.sub("", value)
    value = _CONTROLS.sub("", value)
    value = _INVISIBLE.sub("", value)
    return _SURROGATES.sub("\ufffd", value)


def escape_undecodable(value: str) -> str:
    """Text for a str that may carry undecodable bytes as surrogates (a header the email
    parser read, a file name from the OS): UTF-8 where the bytes are UTF-8, `\\xNN` for each
    byte that is not. Stable (the same bytes always give the same text), so an id made of
    such bytes still matches itself: a reply's In-Reply-To finds its parent."""
    if value.isascii():
        return value
    try:
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that stands for no byte (from JSON, utf-7)
        return value.encode("utf-8", "backslashreplace").decode("utf-8")


def clean_body(value: str | None) -> str:
    """A message body for display: clean_text, trailing spaces dropped, blank runs collapsed."""
    text = clean_text(value)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    if "\n\n\n" in text:  # the regex alone tries every position: ~15 µs on a 1 KB body
        text = _BLANK_LINES.sub("\n\n", text)
    return text.strip("\n")


def clean_line(value: str | None) -> str:
    """A one-line field (subject, name, filename): clean_text with all whitespace folded and
    the invisible characters that disguise text dropped (readable_line).

    str.split() splits on exactly the characters the regex \\s matches, at half the cost.
    Printable ASCII with single inner spaces is already clean: returned as it is, without the
    searches (most names, subjects and addresses are that; a property test checks the shortcut).
    """
    if not value:
        return ""
    if value.isascii() and value.isprintable() and _is_folded(value):
        return value
    return _clean_line(value)


def _clean_line(value: str) -> str:
    return " ".join(readable_line(clean_text(value)).split())


def _is_folded(value: str) -> bool:
    """No leading, trailing or double spaces (printable ASCII has no other whitespace)."""
    return value[0] != " " and value[-1] != " " and "  " not in value


def readable_line(value: str | None) -> str:
    """A sender's name or a subject as a person reads it: without the invisible characters
    that make one string look like another (`pay\u200bpal` → `paypal`). Emoji sequences
    (👩‍💻, ❤️, flags), Persian and Indic ZWNJ and ideographic variants keep theirs."""
    if not value or not _HIDDEN.search(value):
        return value or ""
    return _HIDDEN.sub(_hidden_kept, value)


def _hidden_kept(match: re.Match[str]) -> str:
    found = match.group()
    if len(found) > 1:  # a flag's tag sequence
        return found
    text, at = match.string, match.start()
    before = text[at - 1] if at else ""
    after = text[at + 1] if at + 1 < len(text) else ""
    code = ord(found)
    if code == 0x200D:  # zero-width joiner: inside an emoji sequence (👩‍💻, 🏳️‍🌈)
        keep = (_pictograph(before) or before == "\ufe0f") and _pictograph(after)
    elif code == 0x200C:  # zero-width non-joiner: a letter's shape in Persian or Indic words
        keep = _joining_script(before) and _joining_script(after)
    elif 0xFE00 <= code <= 0xFE0F:  # variation selector: emoji or text style of a symbol, 1️⃣
        keep = _pictograph(before) or (
            bool(before) and before in "0123456789#*" and after == "\u20e3"
        )
    elif 0xE0100 <= code <= 0xE01EF:  # ideographic variation selector: a CJK glyph variant
        keep = bool(before) and _ideograph(before)
    else:
        keep = False
    return found if keep else ""


def _pictograph(char: str) -> bool:
    """An emoji or symbol (So), or a skin-tone modifier."""
    return bool(char) and (unicodedata.category(char) == "So" or 0x1F3FB <= ord(char) <= 0x1F3FF)


def _joining_script(char: str) -> bool:
    """A letter of Arabic script (Persian, Urdu…) or of the Indic scripts, where ZWNJ shapes."""
    code = ord(char) if char else 0
    return 0x0600 <= code <= 0x0DFF or 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFC


def _ideograph(char: str) -> bool:
    code = ord(char)
    return 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x3FFFF


def snippet(text: str, length: int = 160) -> str:
    """The first `length` characters of a body on one line, for list previews.

    Cleaning and folding a prefix of the text gives a prefix of what the whole would give, so
    only as much of the body is folded as the snippet needs (folding all of it cost ~60 µs a
    message on a 1 KB body, a tenth of an import).
    """
    window = max(2 * length, 64)
    while True:
        line = clean_line(text[:window])
        if window >= len(text) or len(line) > length:
            break
        window *= 4
    return line if len(line) <= length else line[: length - 1].rstrip() + "…"

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
    """A one-line field (subject, name, filename): clean_text with all whitespace folded.

    str.split() splits on exactly the characters the regex \\s matches, at half the cost.
    """
    return " ".join(clean_text(value).split())


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

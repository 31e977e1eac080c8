"""The sanitiser every piece of message text passes through once, on its way into the store."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import example, given
from hypothesis import strategies as st

from inbox_tui.sanitize import clean_body, clean_line, clean_text, readable_line, snippet

FORBIDDEN = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\ufeff]"
)

# Text that looks like what mail carries: letters of our languages, markup, and every kind of control.
nasty = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(
            [
                "\x1b",
                "\x9b",
                "\x9d",
                "\x07",
                "\r",
                "\n",
                "\t",
                "[",
                "]",
                "\u202e",
                "ş",
                "ğ",
                "İ",
                "ß",
            ]
        ),
    ),
    max_size=200,
)


@given(nasty)
def test_no_control_survives_and_cleaning_is_idempotent(value):
    for clean in (clean_text, clean_body, clean_line):
        out = clean(value)
        assert not FORBIDDEN.search(out)
        assert clean(out) == out
    assert "\n" not in clean_line(value) and "\t" not in clean_line(value)


def test_whole_escape_sequences_go_not_just_the_escape_byte():
    assert clean_text("a\x1b[31;1mred\x1b[0m b") == "ared b"
    assert clean_text("\x1b]8;;https://evil.example\x07link\x1b]8;;\x07") == "link"
    assert clean_text("\x1b]0;title\x1b\\x") == "x"
    assert clean_text("\x9b2Jx") == "x"
    assert clean_text("\x1bP+q544e\x1b\\done") == "done"


def test_newlines_tabs_and_languages_survive():
    text = "Merhaba,\n\tsiparişim nerede?\nGrüße, İlkay"
    assert clean_text(text) == text
    assert clean_text("a\r\nb\rc") == "a\nb\nc"
    assert clean_line("  Re:\tSipariş\n nerede  ") == "Re: Sipariş nerede"
    assert clean_text("[@click=app.quit]x[/]") == "[@click=app.quit]x[/]"  # markup is the UI's job


def test_bidi_overrides_cannot_disguise_a_name():
    assert clean_line("\u202eexe.fdp") == "exe.fdp"


def test_body_collapses_blank_runs_and_snippet_is_one_short_line():
    assert clean_body("a  \n\n\n\n b\n") == "a\n\n b"
    assert snippet("one\ntwo " * 100, 20).endswith("…") and len(snippet("x " * 100, 20)) <= 20


# What clean_body, clean_line and snippet computed before they were made faster for import
# (issue 2: whole-text regexes were a tenth of the import's time). The fast versions must
# agree with these on any text.
def _reference_body(value):
    text = "\n".join(line.rstrip() for line in clean_text(value).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


def _reference_line(value):
    # a one-line field also drops the invisible characters that disguise text (issue 10)
    return re.sub(r"\s+", " ", readable_line(clean_text(value))).strip()


def _reference_snippet(text, length):
    line = _reference_line(text)
    return line if len(line) <= length else line[: length - 1].rstrip() + "…"


# Whitespace of every kind str.split() and \s know, so folding is tested where they could differ.
spacey = st.lists(
    st.sampled_from(
        [" ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\xa0", "\u2028"]
        + ["\x1b", "\x1b[", "\x1b]", "\x07", "\x9d", "\x9c", "\u202e", "a", "ş", "İ", "word"]
    ),
    max_size=300,
).map("".join)


@given(st.one_of(nasty, spacey), st.integers(min_value=0, max_value=40))
def test_fast_paths_give_what_the_plain_definitions_give(value, length):
    assert clean_body(value) == _reference_body(value)
    assert clean_line(value) == _reference_line(value)
    assert snippet(value, length) == _reference_snippet(value, length)


def test_snippet_of_a_long_body_folds_only_what_it_shows():
    body = ("word \n\n\t " * 5000) + "end"
    assert snippet(body) == _reference_snippet(body, 160)
    assert snippet("  " * 1000 + "late start " * 50) == _reference_snippet(
        "  " * 1000 + "late start " * 50, 160
    )


# --- invisible characters in names and subjects -----------------------------------------------

ALWAYS_HIDDEN = (
    "\u00ad\u034f\u115f\u1160\u180e\u200b\u2060\u2061\u2062\u2063\u2064\u3164\ufeff\uffa0"
)
PARTS = [
    *ALWAYS_HIDDEN, "\u200c", "\u200d", "\ufe0e", "\ufe0f", "\U000e0041", "\U000e0100",
    "\U000e007f", "\U0001f3f4", "\U000e0067", "\u20e3",  # tags, a flag, a keycap
    "👩", "💻", "❤", "🏳", "🏻", "1", "#", "p", "a", "y", "ş", "漢", "م", "ی", "क", " ",
]  # fmt: skip
disguised = st.lists(st.sampled_from(PARTS), max_size=30).map("".join)


@given(st.one_of(disguised, nasty))
@example("a\u2028b\u2029")  # line and paragraph separators: a one-line field's spaces
def test_a_name_keeps_no_invisible_disguise(value: str) -> None:
    """`pay\\u200bpal` was shown as `paypal` while being another name: in a one-line field
    (sender, subject) nothing invisible is left but the joiners and selectors emoji, Persian
    and Indic words and CJK variants need, and nothing visible is ever taken away."""
    line = clean_line(value)
    assert not set(line) & set(ALWAYS_HIDDEN)
    assert clean_line(line) == line
    for at, char in enumerate(line):
        before, after = line[at - 1 : at], line[at + 1 : at + 2]
        if char == "\u200d":  # only inside an emoji sequence
            assert before and (unicodedata.category(before) in ("So", "Sk") or before == "\ufe0f")
            assert after and unicodedata.category(after) == "So"
        if char in "\ufe0e\ufe0f":  # only after a symbol, or in a keycap
            assert before and (unicodedata.category(before)[0] == "S" or after == "\u20e3")
        if "\U000e0000" <= char <= "\U000e007f":  # only in a flag's tag sequence
            assert "\U0001f3f4" in line

    def visible(text: str) -> list[str]:  # what takes room on screen, in order
        invisible = ("Cf", "Mn", "Zs", "Zl", "Zp", "Cc", "Cn")  # line breaks take none either
        return [
            c for c in text if unicodedata.category(c) not in invisible and c not in ALWAYS_HIDDEN
        ]

    assert visible(line) == visible(clean_text(value))  # nothing visible is taken away


def test_zero_width_characters_are_dropped_where_emoji_need_none() -> None:
    assert clean_line("Pay\u200bPal Sec\u2060ur\u00adity\ufeff") == "PayPal Security"
    assert clean_line("a\u200db \u3164 x\U000e0041y") == "ab xy"
    for kept in ("👩\u200d💻", "🏳\ufe0f\u200d🌈", "❤\ufe0f", "1\ufe0f\u20e3", "می\u200cخواهم",
                 "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"):  # fmt: skip
        assert clean_line(f"Re: {kept}") == f"Re: {kept}"
    body = "Thanks 👩\u200d💻 and\u200b more"  # a body is left as it is: emoji stay whole
    assert clean_body(body) == body
    assert readable_line(None) == "" and readable_line("pay\u200bpal") == "paypal"

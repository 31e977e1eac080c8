"""The sanitiser every piece of message text passes through once, on its way into the store."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from inbox_tui.sanitize import clean_body, clean_line, clean_text, snippet

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
    return re.sub(r"\s+", " ", clean_text(value)).strip()


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

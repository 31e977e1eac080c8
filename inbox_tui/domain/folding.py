"""Words as search compares them: German and Turkish spelled with or without their letters.

The full-text index holds `fold_for_search` of every message (store/schema.py, version 10) and
a search folds what the seller typed the same way, so `groesse`, `grosse` and `Größe` are one
word, as are `Ruecksendung` and `Rücksendung`, `strasse` and `Straße`, `yilmaz` and `Yılmaz`.
The tokenizer (FTS5 `unicode61 remove_diacritics 2`) removes accents after this: ö → o, ş → s.
"""

from __future__ import annotations

import re

DIGRAPH_MIN_LETTERS = 4
"""German written without umlauts (ae, oe, ue for ä, ö, ü) folds in words of this many letters
or more: in shorter ones it would merge English words with others (toe → to, due → du)."""

# ı (Turkish dotless i) is a letter of its own to the tokenizer, not an accented i: customers
# write Yılmaz, YILMAZ and Yilmaz. casefold() already turns ß and ẞ into ss, and İ into i + a
# combining dot the tokenizer removes. (str.replace, not translate: a translation table is
# looked up character by character in Python, 110 µs on a 1.7 KB Turkish body against 0.6.)

# A German digraph: ae or oe, or ue after a consonant (not in queue, Bauer, neue, Feuer: as
# Lucene's German normalisation has it); e repeated is one.
_DIGRAPH = re.compile(r"(?:[ao]|(?<![aeiouyqäöü])u)e+")
_PAIRS = ("ae", "oe", "ue")


def fold_for_search(text: str | None, *, short_words: bool = False) -> str | None:
    """`text` lower-cased (casefold: ß → ss), ı → i, and ae/oe/ue → a/o/u in words of
    DIGRAPH_MIN_LETTERS or more (`short_words`: in every word, for a word still being typed,
    which may grow past the limit). Idempotent; None stays None (for SQL's NULL)."""
    if text is None:
        return None
    folded = text.casefold()
    if "ı" in folded:
        folded = folded.replace("ı", "i")
    if short_words:
        return _DIGRAPH.sub(_keep_vowel, folded)
    spots = _digraph_spots(folded)
    return _fold_long_words(folded, spots) if spots else folded


def _digraph_spots(text: str) -> list[int]:
    """Where ae, oe, ue stand, found by str.find (a C search 30× as fast as a regex scan: most
    messages have none, and a body is folded on every import)."""
    spots = []
    for pair in _PAIRS:
        at = text.find(pair)
        while at >= 0:
            spots.append(at)
            at = text.find(pair, at + 2)
    return sorted(spots)


def _fold_long_words(text: str, spots: list[int]) -> str:
    """The digraphs of the words long enough, each word found around its digraph."""
    parts: list[str] = []
    done = 0
    for spot in spots:
        if spot < done:
            continue  # in the word just folded
        begin, end = spot, spot + 2
        while begin > 0 and _in_word(text[begin - 1]):
            begin -= 1
        while end < len(text) and _in_word(text[end]):
            end += 1
        word = text[begin:end]
        parts.append(text[done:begin])
        parts.append(word if len(word) < DIGRAPH_MIN_LETTERS else _DIGRAPH.sub(_keep_vowel, word))
        done = end
    parts.append(text[done:])
    return "".join(parts)


def _in_word(char: str) -> bool:
    """A letter or digit, or an accent on one, as the tokenizer reads words (not _)."""
    return char.isalnum() or "\u0300" <= char <= "\u036f"


def _keep_vowel(match: re.Match[str]) -> str:
    return match.group()[0]

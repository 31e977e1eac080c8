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
# combining dot the tokenizer removes.
_LETTERS = str.maketrans({"ı": "i"})

# A word (letters and digits, as the tokenizer sees one) with a German digraph in it: ae or oe,
# or ue after a consonant (not in queue, Bauer, neue, Feuer: Lucene's German normalisation).
_DIGRAPH = re.compile(r"(?:[ao]|(?<![aeiouyqäöü])u)e+")
# Combining accents belong to the word, as to the tokenizer (i + U+0307 is how İ lower-cases).
_WORD_WITH_DIGRAPH = re.compile(
    r"(?:[^\W_]|[\u0300-\u036f])*(?:[ao]e|ue)(?:[^\W_]|[\u0300-\u036f])*"
)


def fold_for_search(text: str | None, *, short_words: bool = False) -> str | None:
    """`text` lower-cased (casefold: ß → ss), ı → i, and ae/oe/ue → a/o/u in words of
    DIGRAPH_MIN_LETTERS or more (`short_words`: in every word, for a word still being typed,
    which may grow past the limit). Idempotent; None stays None (for SQL's NULL)."""
    if text is None:
        return None
    folded = text.casefold().translate(_LETTERS)
    if "e" not in folded:
        return folded
    if short_words:
        return _DIGRAPH.sub(_keep_vowel, folded)
    return _WORD_WITH_DIGRAPH.sub(_fold_word, folded)


def _fold_word(match: re.Match[str]) -> str:
    word = match.group()
    if len(word) < DIGRAPH_MIN_LETTERS:
        return word
    return _DIGRAPH.sub(_keep_vowel, word)


def _keep_vowel(match: re.Match[str]) -> str:
    return match.group()[0]

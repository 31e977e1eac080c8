"""Making the suggester cheaper changes no suggestion: every case of the labelled set
(tests/data/suggestions.yaml), on its own channel and in every channel, gets the same ranked
templates (keys and order, scores within 1e-9), the same topic and confidence (what rules'
`topic:` conditions read), and the same `could_be` answer for every topic as the suggester did
before it was optimised (tests/data/suggestions_ranked.json, written by that code).

Regenerate only on purpose (a change meant to change suggestions), with the accuracy floors:

    .venv/bin/python tests/test_suggest_unchanged.py > tests/data/suggestions_ranked.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from inbox_tui import suggest
from inbox_tui.suggest import Said, Suggester, order_state
from inbox_tui.templates import shipped_templates
from tests.suggestion_set import Case, load_cases

EXPECTED = Path(__file__).parent / "data" / "suggestions_ranked.json"
CHANNELS = ("email", "amazon", "ebay", "etsy", "shopify")


def _scored(suggester: Suggester, thread: list[Said], channel: str, order: str | None):
    """rank_thread's ranking with its scores (all topics kept, not only the top three)."""
    index = suggester._index(channel)
    if not index.topics:
        return []
    reading = suggest._read(thread[-suggest.MESSAGES :])
    language = suggest.detect_language(reading.customer_text) or index.language_of(reading)
    scores = index.scores(reading, order)
    best = max(scores, default=0.0)
    if best < suggest.NONE_BELOW:
        return []
    ranked = sorted(
        (-score * index.language_fit(topic, language), topic)
        for topic, score in enumerate(scores)
        if score >= suggest.KEEP_ABOVE * best
    )
    return [[index.version(topic, language).key, -score] for score, topic in ranked]


def _observe(suggester: Suggester, case: Case) -> dict:
    thread = [Said(m.text, subject=m.subject, customer=m.direction == "in") for m in case.thread]
    order = order_state(case.order_status)
    return _observe_thread(suggester, case.channel, thread, order)


def _observe_thread(
    suggester: Suggester, own_channel: str, thread: list[Said], order: str | None
) -> dict:
    out: dict = {}
    for channel in (own_channel, *CHANNELS):
        ranked = suggester.rank_thread(thread, channel=channel, order=order)
        topic = suggester.topic(thread, channel=channel, order=order)
        customer_only = [said for said in thread if said.customer]
        words = suggester.words_in(customer_only)
        index = suggester._index(channel)
        out[channel] = {
            "rank": [t.key for t in ranked],
            "scored": _scored(suggester, thread, channel, order),
            "topic": None if topic is None else [topic[0].key, topic[1]],
            "could_be": [
                suggester.could_be(words, frozenset(v.key for v in versions), channel=channel)
                for versions in index.topics
            ],
        }
    return out


def observe_all() -> dict[str, dict]:
    suggester = Suggester(shipped_templates())
    cases = load_cases()
    out = {case.id: _observe(suggester, case) for case in cases}
    # long conversations (more than the MESSAGES read): ten cases' threads one after another
    for first in range(0, len(cases), 10):
        chosen = cases[first : first + 10]
        thread = [
            Said(m.text, subject=m.subject, customer=m.direction == "in")
            for case in chosen
            for m in case.thread
        ]
        order = order_state(chosen[-1].order_status)
        out[f"long-{first}"] = _observe_thread(suggester, chosen[-1].channel, thread, order)
    return out


@pytest.fixture(scope="module")
def observed() -> dict[str, dict]:
    return observe_all()


def test_every_case_gets_the_suggestions_it_got_before(observed) -> None:
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    assert set(observed) == set(expected)
    for case_id, channels in expected.items():
        for channel, before in channels.items():
            now = observed[case_id][channel]
            where = f"{case_id} on {channel}"
            assert now["rank"] == before["rank"], where
            assert [k for k, _ in now["scored"]] == [k for k, _ in before["scored"]], where
            for (_, score), (_, was) in zip(now["scored"], before["scored"], strict=True):
                assert score == pytest.approx(was, abs=1e-9), where
            assert (now["topic"] is None) == (before["topic"] is None), where
            if before["topic"] is not None:
                assert now["topic"][0] == before["topic"][0], where
                assert now["topic"][1] == pytest.approx(before["topic"][1], abs=1e-9), where
            assert now["could_be"] == before["could_be"], where


def _clean_as_before(text: str) -> str:
    """suggest._clean before its searches were skipped for texts without the words they need."""
    cut = suggest._QUOTE_START.search(text)
    text = text[: cut.start()] if cut else text
    lines = [
        line.strip()
        for line in text[: suggest.CHARACTERS * 2].splitlines()
        if not (line.startswith(">") or suggest._FIELD.match(line) or suggest._RULE.match(line))
        and not suggest.RELAY_LINE.search(line.lower())
    ]
    while len(lines) > 1 and len(lines[-1].split()) <= suggest._SHORT_LINE:
        lines.pop()
    while (
        len(lines) > 1 and len(lines[0].split()) <= suggest._SHORT_LINE and lines[0].endswith(",")
    ):
        lines.pop(0)
    return "\n".join(lines)[: suggest.CHARACTERS]


_PIECES = [
    "On 12 Nov 2026, Shop <a@b.c> wrote:", "ON 1 DEC, X WROTE:", "Am 3.11. schrieb Anna:",
    "AM 3.11. ſCHRIEB Anna:", "12.11.2026 tarihinde Shop yazdı:", "12 KASIM TARİHİNDE x YAZDI:",
    "-- Original Message --", "---- Forwarded message", "--- Ursprüngliche Nachricht ---",
    "Reply to this message on Etsy", "eBay Nachricht", "Amazon mesaj", "online-shop Message",
    "ONLİNE STORE MESSAGE", "where is my order", "Hi,", "Thanks,", "> quoted", "Order ID: 12",
    "Σ Σ", "ı İ K", "-- ORıGıNAL message", "--- WEıTERGELEıTET", "ſ", "ı", "İ", "\n", "\n", "\r\n", "\u2028", " ", "wrote", "schrieb",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=12), max_size=14))
def test_cutting_quotes_and_relay_lines_is_as_before(pieces) -> None:
    text = " ".join(pieces)
    assert suggest._clean(text) == _clean_as_before(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*"ıİßæøœÄÖÜäöüéŞşĞğ", "ue", "oe", "Ae"]) | st.text(max_size=6)))
def test_folding_is_as_before(pieces) -> None:
    import re
    import unicodedata

    text = "".join(pieces)
    was = text.translate(suggest._FOLD).lower()
    if not was.isascii():
        was = suggest._ACCENT.sub("", unicodedata.normalize("NFKD", was))
    assert suggest._fold(text) == re.sub(r"([aou])e", r"\1", was)
    assert {chr(code) for code in suggest._FOLD} == set(suggest._FOLDED)


if __name__ == "__main__":
    json.dump(observe_all(), sys.stdout, indent=None, separators=(",", ":"), sort_keys=True)
    print()

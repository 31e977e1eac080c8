"""How often the composer's first suggestion is the right template, and how often it is among the
three shown, on the labelled set (tests/data/suggestions.yaml), and what ranking costs.

The floors sit a little under the figures measured when they were set (benchmarks/README.md):
a change that makes suggestions worse for a handful of customers fails here. Raise them when
the suggester gets better; never lower them to let a change through.
"""

from __future__ import annotations

import time

import pytest

from inbox_tui.suggest import Said, Suggester, suggest_for_thread
from inbox_tui.templates import shipped_templates
from tests.suggestion_set import Score, composer_ranking, load_cases, score

# (language, split): top-1 %, top-3 % at least. Measured 2026-12-02: tune 94.6 / 97.5,
# held-out 85.9 / 93.9, fresh 93.7 / 96.8 (looked at for the second round of fixes), fresh-2
# 77.8 / 84.1; English 90.4 / 93.8, German 92.3 / 95.8, Turkish 87.1 / 94.3 (all splits).
FLOORS = {
    ("all", "tune"): (92.0, 95.0),
    ("all", "held-out"): (83.0, 91.0),
    ("all", "fresh"): (90.0, 94.0),
    ("all", "fresh-2"): (74.0, 80.0),
    ("en", "all"): (87.0, 91.0),
    ("de", "all"): (89.0, 93.0),
    ("tr", "all"): (84.0, 91.0),
}
BUDGET = 0.1  # seconds: the composer shows its suggestions within a tenth of a second


@pytest.fixture(scope="module")
def table() -> dict[tuple[str, str], Score]:
    suggester = Suggester(shipped_templates())
    return score(load_cases(), lambda case: composer_ranking(suggester, case))


@pytest.mark.parametrize("where", FLOORS, ids=lambda w: f"{w[0]}-{w[1]}")
def test_suggestions_are_right_at_least_as_often_as_measured(table, where) -> None:
    measured = table[where].line()
    top1, top3 = FLOORS[where]
    assert measured["top1"] >= top1, measured
    assert measured["top3"] >= top3, measured


def test_the_set_is_big_enough_in_every_language(table) -> None:
    for language in ("en", "de", "tr"):
        assert table[language, "all"].cases >= 100
        unseen = ("held-out", "fresh", "fresh-2")
        assert sum(table[language, split].cases for split in unseen) >= 60


def test_a_50_message_thread_is_ranked_within_the_composers_budget() -> None:
    texts = [m.text for case in load_cases()[:60] for m in case.thread]
    thread = [Said(texts[n % len(texts)] * 3, customer=n % 2 == 0) for n in range(50)]
    library = shipped_templates()
    suggest_for_thread(library, thread, channel="email")  # the index, built once
    best = float("inf")
    for _ in range(5):  # the best of five: a busy machine slows one run, not the code
        started = time.perf_counter()
        suggest_for_thread(library, thread, channel="email", order="shipped")
        best = min(best, time.perf_counter() - started)
    assert best < BUDGET / 4, f"{best * 1000:.1f} ms"

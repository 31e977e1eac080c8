"""The pure core of trends, property-tested: the backlog replay against a direct count, the
product catalogue and matcher, search terms that read back, and the Poisson tail."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inbox_tui.search import FIELDS, parse_query, term_text
from inbox_tui.sla import DEFAULT_POLICY, due_at
from inbox_tui.stats.backlog import DueTimes, backlog_series
from inbox_tui.stats.products import ProductMatcher, catalogue
from inbox_tui.stats.unusual import poisson_tail
from inbox_tui.store.history import QuietOpen, TicketHistory

START = datetime(2026, 10, 1, tzinfo=UTC)
STATUSES = ("open", "pending", "snoozed", "closed")


@st.composite
def histories(draw: st.DrawFn) -> TicketHistory:
    """A ticket with status changes and messages at distinct whole hours after it began."""
    created = START + timedelta(hours=draw(st.integers(0, 400)))
    hours = draw(st.lists(st.integers(1, 500), max_size=12, unique=True).map(sorted))
    status, changes, messages = "open", [], []
    for hour in hours:
        at = created + timedelta(hours=hour)
        if draw(st.booleans()):
            new = draw(st.sampled_from(STATUSES))
            changes.append((at, status, new))
            status = new
        else:
            messages.append((at, draw(st.booleans())))
    messages = [(created, True), *messages]
    channel = draw(st.sampled_from(("email", "amazon")))
    return TicketHistory(0, channel, created, status, messages[-1][0], tuple(changes),
                         tuple(messages))  # fmt: skip


def status_at(history: TicketHistory, moment: datetime) -> str | None:
    if moment < history.created:
        return None
    status = "open"
    for at, _before, after in history.changes:
        if at <= moment:
            status = after
    return status


def overdue_at(history: TicketHistory, moment: datetime) -> bool:
    if status_at(history, moment) != "open":
        return False
    since = None
    for date, inbound in history.messages:
        if date > moment:
            break
        if inbound and since is None:
            since = date
        elif not inbound:
            since = None
    return since is not None and moment >= due_at(history.channel, since, DEFAULT_POLICY)


@settings(max_examples=150, deadline=None)
@given(st.lists(histories(), max_size=8), st.lists(st.integers(0, 1000), min_size=1, max_size=20))
def test_the_backlog_replay_counts_what_a_direct_look_at_each_moment_sees(
    tickets: list[TicketHistory], hours: list[int]
) -> None:
    moments = sorted({START + timedelta(hours=h, minutes=30) for h in hours})
    opened, overdue = backlog_series(tickets, QuietOpen(0, ()), moments, DueTimes(DEFAULT_POLICY))
    assert opened == [sum(status_at(t, m) == "open" for t in tickets) for m in moments]
    assert overdue == [sum(overdue_at(t, m) for t in tickets) for m in moments]


def test_quiet_open_tickets_count_as_open_and_overdue_from_their_due_time() -> None:
    moments = [START + timedelta(days=d) for d in range(4)]
    quiet = QuietOpen(3, (START + timedelta(days=1, hours=12),))
    assert backlog_series([], quiet, moments, DueTimes(DEFAULT_POLICY)) == (
        [3, 3, 3, 3],
        [0, 0, 1, 1],
    )


# --- products ----------------------------------------------------------------------------------

LINES = [
    ("LTS-1", "Linen tea towels (set of 3)", 9),
    ("ROBE-1", "Waffle cotton bathrobe, size M", 4),
    ("ROBE-1", "Waffle cotton bathrobe, size L", 3),
    ("TWL-4", "Turkish cotton towel set", 5),
    ("SLIP", "Hammam slippers", 2),
    ("Plain blanket", "Plain blanket", 1),  # a shop without SKUs: the title is the key
]


def test_a_catalogue_names_each_product_by_what_its_titles_share() -> None:
    names = {p.key: p.name for p in catalogue(LINES)}
    assert names == {
        "LTS-1": "Linen tea towels (set of 3)",
        "ROBE-1": "Waffle cotton bathrobe",
        "TWL-4": "Turkish cotton towel set",
        "SLIP": "Hammam slippers",
        "Plain blanket": "Plain blanket",
    }


@pytest.mark.parametrize(
    ("text", "product"),
    [
        ("Hi, the linen tea towels arrived with a hole", "LTS-1"),
        ("The waffle bathrobe is too small, can I swap it?", "ROBE-1"),
        ("My slippers have not arrived", "SLIP"),  # one rare word is enough
        ("Where is my order? It has not arrived", None),
        ("The cotton towel", None),  # words many products share: not enough
        ("", None),
    ],
)
def test_the_matcher_finds_the_product_a_message_names(text: str, product: str | None) -> None:
    assert ProductMatcher(catalogue(LINES)).match(text) == product


@given(st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=5, max_size=9),
                min_size=2, max_size=12, unique_by=lambda w: w[:5]))  # fmt: skip
def test_a_title_names_its_own_product(words: list[str]) -> None:
    """Products whose titles share no word: each title, as a message, names its product."""
    lines = [(f"SKU{n}", f"{word} {word[::-1]}x", 1) for n, word in enumerate(words)]
    products = catalogue(lines)
    if len({w for p in products for w in p.words}) < 2 * len(products):
        return  # a reversed word collided with another: the titles share a word
    matcher = ProductMatcher(products)
    for key, title, _ in lines:
        assert matcher.match(f"About the {title}, please") == key


# --- search terms and the test ---------------------------------------------------------------


@given(
    st.sampled_from([f for f in FIELDS if f not in ("channel", "status", "is", "before", "after")]),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30),
)
def test_a_term_reads_back_as_written(field: str, value: str) -> None:
    text = term_text(field, value)
    if text is None:
        assert '"' in value or not value.strip() or field in ("from", "to", "subject")
        return
    [term] = parse_query(text + " ").terms
    assert (term.field, term.value) == (field, value.strip())


@pytest.mark.parametrize("value", ["00*", "0*", "Ayşe**"])
def test_a_value_ending_in_a_star_reads_back_as_written_not_as_a_prefix(value: str) -> None:
    # found by the test above: from:00* read back as a prefix of "00", from:0* as an error
    [term] = parse_query(term_text("from", value) + " ").terms
    assert (term.field, term.value) == ("from", value)


@given(st.integers(0, 60), st.floats(0.01, 40))
def test_poisson_tail_is_the_sum_of_the_tail(k: int, mean: float) -> None:
    direct = 1 - sum(math.exp(-mean) * mean**i / math.factorial(i) for i in range(k))
    assert poisson_tail(k, mean) == pytest.approx(max(0.0, direct), abs=1e-9)


@given(st.integers(0, 200), st.floats(0.01, 500))
def test_poisson_tail_falls_as_the_count_grows(k: int, mean: float) -> None:
    assert 0.0 <= poisson_tail(k + 1, mean) <= poisson_tail(k, mean) <= 1.0


def test_poisson_tail_far_out_is_tiny_not_zero() -> None:
    assert 0 < poisson_tail(60, 1.0) < 1e-80
    assert poisson_tail(3, 0) == 0 and poisson_tail(0, 0) == 1


# --- the bars of a chart ------------------------------------------------------------------------


def test_bars_start_at_zero_and_a_day_without_tickets_is_the_axis() -> None:
    from inbox_tui.stats.bars import bar_rows

    [runs] = bar_rows([0, 1, 2, 4, 8], 5)
    assert "".join(chars for chars, _ in runs) == "▁▁▂▄█"
    assert [shade for _, shade in runs][0] == 0 and runs[-1][1] == 4  # axis, then the highest
    tall = bar_rows([8, 4, 0], 3, height=2)
    assert ["".join(c for c, _ in row) for row in tall] == ["█  ", "██▁"]


@given(st.lists(st.integers(0, 500), min_size=1, max_size=120), st.integers(1, 160),
       st.integers(1, 4))  # fmt: skip
def test_bars_fill_their_width_and_grow_with_the_count(
    values: list[int], width: int, height: int
) -> None:
    from inbox_tui.stats.bars import BLOCKS, bar_rows, columns

    rows = bar_rows(values, width, height)
    spread = columns(values, width)
    cells = [[(char, shade) for chars, shade in row for char in chars] for row in rows]
    assert len(rows) == height and all(len(row) == len(spread) <= width for row in cells)
    # how much ink each column has: eighths of a row, the axis (shade 0) none
    ink = [sum(BLOCKS.index(row[i][0]) for row in cells if row[i][1]) for i in range(len(spread))]
    for i in range(len(spread) - 1):
        if spread[i] < spread[i + 1]:
            assert ink[i] <= ink[i + 1]
        if spread[i] == spread[i + 1]:
            assert ink[i] == ink[i + 1]
    assert all((ink[i] == 0) == (spread[i] == 0) for i in range(len(spread)))

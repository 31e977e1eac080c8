"""Trends on a history with known ones (tests/trend_history.py): what is unusual now (a spike
that must be flagged, a quiet topic that must not), products by order and by words, daily
series, weekly answers, the backlog replayed from events, kept topics, and the drill-down
searches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inbox_tui.search import parse_query
from inbox_tui.sla import DEFAULT_POLICY
from inbox_tui.stats import build_report
from inbox_tui.stats.report import unusual_query
from inbox_tui.stats.unusual import TicketFacts, find_unusual
from inbox_tui.store import Store
from inbox_tui.store.actions import set_status
from inbox_tui.store.db import format_time
from inbox_tui.store.search import search_tickets
from inbox_tui.templates import shipped_templates
from tests.trend_history import NOW, SPIKE_DAYS, build_history, ticket_of


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = build_history(tmp_path_factory.mktemp("history"))
    yield store
    store.close()


@pytest.fixture(scope="module")
def report(history: Store):
    return build_report(history, now=NOW, days=30, templates=shipped_templates())


def test_the_spike_is_flagged_and_the_quiet_topic_is_not(report) -> None:
    assert [flag.explanation for flag in report.unusual] == [
        "Damaged item for Linen towel set: 6 this week, usually none"
    ]
    [flag] = report.unusual
    assert flag.chance < 1e-6 and flag.trend == "product+topic:LTS-1|Damaged item"
    quiet = next(t for t in report.topics if t.name == "Where is my order")
    assert (quiet.now, quiet.before) == (75, 75)  # two a day, every day: nothing to flag


def test_a_flag_a_narrower_one_explains_is_left_out(history: Store, report) -> None:
    # The same tickets, without their products: the topic and the tag flag on their own …
    facts = [
        TicketFacts(t, NOW - timedelta(days=1), "email", "Damaged item", ("damaged",))
        for t in next(iter(report.unusual)).tickets
    ]
    quiet = [
        TicketFacts(1000 + n, NOW - timedelta(days=n / 2), "email", "Where is my order")
        for n in range(1, 120)
    ]
    alone = find_unusual(facts + quiet, now=NOW, history_start=NOW - timedelta(days=70))
    assert {f.trend for f in alone} == {"topic:Damaged item"}  # the tag: the same tickets
    # … but with them, the product's topic explains both, and the product itself
    assert [f.kind for f in report.unusual] == ["product+topic"]


def test_too_little_history_flags_nothing() -> None:
    spike = [TicketFacts(n, NOW - timedelta(hours=n), "email", "Damaged item") for n in range(9)]
    assert find_unusual(spike, now=NOW, history_start=NOW - timedelta(days=20)) == []
    assert find_unusual(spike, now=NOW, history_start=NOW - timedelta(days=21)) != []
    assert find_unusual([], now=NOW, history_start=None) == []


def test_products_by_their_orders_and_by_the_words_of_the_mail(report) -> None:
    products = {row.name: row for row in report.products}
    towels = products["Linen towel set"]  # 4 with a linked order, 2 naming it in words
    assert (towels.key, towels.tickets, towels.before) == ("LTS-1", 6, 0)
    assert towels.topics == (("Damaged item", 6),)
    assert (towels.orders, towels.per_100_orders) == (4, 150)
    robe = products["Waffle bathrobe"]  # titles "…, size M" and "…, size L": one product
    assert (robe.key, robe.tickets, robe.topics) == ("ROBE-1", 10, (("Return label", 10),))


def test_daily_series_add_up_to_the_period(report) -> None:
    assert len(report.dates) == 31 and report.dates[-1] == NOW.date()
    everything, *channels = report.daily
    assert sum(everything.daily) == everything.now == report.tickets == 91
    assert {c.name: sum(c.daily) for c in channels} == {"email": 76, "amazon": 15}
    # the last week, day by day: two questions, a robe every 3rd day, Amazon every 2nd, and
    # the spike's one a day from six days ago; nothing yet today (it is noon, mail comes at 13:00)
    assert everything.daily[-SPIKE_DAYS - 1 :] == (5, 3, 4, 4, 4, 3, 0)
    damaged = next(t for t in report.tags if t.name == "damaged")
    assert damaged.daily[-7:] == (1, 1, 1, 1, 1, 1, 0) and damaged.query == "tag:damaged after:30d"


def test_first_response_by_week(report) -> None:
    weeks = {w.start.isoformat(): w.responses for w in report.weeks}
    assert list(weeks)[0] == "2026-10-19" and list(weeks)[-1] == "2026-11-16"  # Mondays
    current = weeks["2026-11-16"]  # Mon–Fri noon: the spike's 5 are not answered yet
    assert (current.tickets, current.answered, current.median) == (15, 11, timedelta(hours=2))


def test_the_backlog_is_replayed_from_the_events(tmp_path: Path) -> None:
    store = build_history(tmp_path)
    quiet = [ticket_of(store, f"q{n}@x") for n in (1, 2)]  # the first day's two questions
    set_status(store, quiet, "closed", at=NOW - timedelta(days=20))
    set_status(store, quiet[:1], "open", at=NOW - timedelta(days=10))
    report = build_report(store, now=NOW, days=30)
    closed, reopened = NOW - timedelta(days=20), NOW - timedelta(days=10)
    expected = []
    for day in report.dates[:-1]:  # at the end of each day (midnight UTC)
        end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
        created = store.conn.execute(
            "SELECT count(*) FROM tickets WHERE created_at < ?", (format_time(end),)
        ).fetchone()[0]
        expected.append(created - (2 if closed <= end < reopened else 1 if end >= reopened else 0))
    assert list(report.open_daily[:-1]) == expected
    assert report.open_daily[-1] == report.backlog.open


def test_topics_are_kept_and_matched_again_when_the_templates_change(tmp_path: Path) -> None:
    store = build_history(tmp_path)
    templates = shipped_templates()
    build_report(store, now=NOW, days=30, templates=templates)
    kept = dict(store.conn.execute("SELECT message_id, matched_with FROM message_topics"))
    nine_weeks = format_time(NOW - timedelta(days=63))  # the longest look back: 8 weeks + this one
    started = store.conn.execute(
        "SELECT count(*) FROM tickets WHERE created_at >= ?", (nine_weeks,)
    ).fetchone()[0]
    assert len(kept) == started == 184  # each first message once
    build_report(store, now=NOW, days=30, templates=templates)
    assert dict(store.conn.execute("SELECT message_id, matched_with FROM message_topics")) == kept
    fewer = [t for t in templates if not t.key.startswith("damaged")]
    again = build_report(store, now=NOW, days=30, templates=fewer)
    assert "Damaged item" not in {t.name for t in again.topics}
    assert (
        len(
            set(
                dict(
                    store.conn.execute("SELECT message_id, matched_with FROM message_topics")
                ).values()
            )
        )
        == 1
    )


def test_a_flag_opens_the_search_of_its_tickets(history: Store, report) -> None:
    [flag] = report.unusual
    query = unusual_query(flag)
    assert query == 'product:LTS-1 topic:"Damaged item" after:7d'
    found = {row.id for row in search_tickets(history, query, now=NOW)}
    assert found == flag.tickets
    robe = {row.id for row in search_tickets(history, "product:robe-1", now=NOW)}
    assert len(robe) == 23  # every third day of 70, a linked order each
    towels = {row.id for row in search_tickets(history, "product:lts-1", now=NOW)}
    unlinked = towels - {r[0] for r in history.conn.execute("SELECT ticket_id FROM ticket_orders")}
    assert towels == found and len(unlinked) == 2  # two name the product in their words only
    overdue = {row.id for row in search_tickets(history, "is:overdue", now=NOW)}
    assert overdue == {
        r[0]
        for r in history.conn.execute(
            "SELECT id FROM tickets WHERE status = 'open' AND due_at < ?", (format_time(NOW),)
        )
    }
    later = NOW + timedelta(days=10)  # past the spike's due times (48 business hours)
    assert {row.id for row in search_tickets(history, "is:overdue", now=later)} == found


# --- the test on series of their own ----------------------------------------------------------------------------


@settings(max_examples=50)
@given(st.integers(0, 40), st.integers(0, 6))
def test_a_steady_series_is_never_flagged(per_week: int, jitter: int) -> None:
    """A series that came at the same rate every week, this one included, is not unusual."""
    start = NOW - timedelta(days=63)
    facts = []
    for n in range(9 * per_week):
        at = start + timedelta(days=63 * (n + 0.5) / (9 * per_week))
        facts.append(TicketFacts(n, at, "email", "Where is my order", ("shipping",)))
    assert find_unusual(facts, now=NOW, history_start=start) == []


def test_the_query_of_a_name_with_spaces_reads_back() -> None:
    query = parse_query('topic:"Wrong size, exchange" product:LTS-1 after:7d')
    assert [(t.field, t.value) for t in query.terms] == [
        ("topic", "Wrong size, exchange"),
        ("product", "LTS-1"),
        ("after", "7d"),
    ]


def test_a_history_without_events_is_closed_at_its_last_message() -> None:
    from inbox_tui.stats.backlog import status_spans
    from inbox_tui.store.history import TicketHistory

    day = datetime(2026, 11, 1, tzinfo=UTC)
    closed = TicketHistory(1, "email", day, "closed", day + timedelta(days=2), (), ())
    spans = status_spans(closed)
    assert [(s[0], s[2]) for s in spans] == [(day, "open"), (day + timedelta(days=2), "closed")]
    assert DEFAULT_POLICY.target("email") > timedelta(0)


@pytest.mark.parametrize("days_back", [0, 3])
def test_the_inbox_line_finds_what_the_report_finds_even_cut_into_steps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, days_back: int
) -> None:
    """unusual_now (the inbox's line, read in small steps with a pause between them, its
    matches kept a few at a time) flags exactly what the report flags, on the history with a
    spike, matched from scratch: now, and three days earlier (the spike half as long)."""
    from inbox_tui.stats import topics
    from inbox_tui.stats.report import unusual_now

    now = NOW - timedelta(days=days_back)
    reference = build_history(tmp_path / "reference")
    expected = build_report(reference, now=now, days=30, templates=shipped_templates()).unusual
    assert expected and all(flag.tickets for flag in expected)
    monkeypatch.setattr(topics, "REMEMBER_EVERY", 7)
    monkeypatch.setattr(topics, "PACE_EVERY", 3)
    store = build_history(tmp_path / "stepped")
    steps: list[int] = []
    found = unusual_now(store, now=now, templates=shipped_templates(), pace=lambda: steps.append(1))
    assert found == expected
    assert len(steps) > 184 // 3  # between every three of the 184 tickets matched, at least


def test_matching_cut_short_keeps_what_it_matched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app ending while its trends worker matches a store's tickets (~12 s the first time
    at 100,000 tickets) loses at most the last few: the next start goes on from there."""
    from inbox_tui.stats import topics
    from inbox_tui.stats.report import unusual_now

    monkeypatch.setattr(topics, "REMEMBER_EVERY", 20)
    monkeypatch.setattr(topics, "PACE_EVERY", 5)
    store = build_history(tmp_path)

    class Ended(Exception):
        pass

    def kept() -> int:
        return store.conn.execute("SELECT count(*) FROM message_topics").fetchone()[0]

    def ending() -> None:  # the app ends once three lots of 20 are kept
        if kept() >= 60:
            raise Ended

    with pytest.raises(Ended):
        unusual_now(store, now=NOW, templates=shipped_templates(), pace=ending)
    assert kept() == 60  # cut short: the three lots matched are kept
    found = unusual_now(store, now=NOW, templates=shipped_templates())
    assert [flag.trend for flag in found] == ["product+topic:LTS-1|Damaged item"]
    assert kept() == 184

"""Analytics a seller reads: how fast they answer, what customers ask about, what is trending."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from inbox_tui.domain.tickets import TICKET_STATUSES
from inbox_tui.importer import import_maildir
from inbox_tui.stats import build_report, percentile, render_report
from inbox_tui.store import Store
from inbox_tui.store.actions import add_tag
from inbox_tui.store.stats import backlog
from inbox_tui.store.trends import first_ticket_at
from inbox_tui.templates import shipped_templates
from tests.mailgen import make_mail, write_maildir

SHOP = ("Shop", "hello@shop.example")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # a Friday


def conversation(n: int, asked: datetime, body: str, *, answer_after: timedelta | None,
                 sender: tuple[str, str] | None = None) -> list[bytes]:  # fmt: skip
    customer = sender or (f"Customer {n}", f"c{n}@example.com")
    mails = [make_mail(message_id=f"<q{n}@x>", subject=f"Question {n}", sender=customer,
                       to=SHOP, body=body, date=asked)]  # fmt: skip
    if answer_after is not None:
        mails.append(make_mail(message_id=f"<a{n}@x>", subject=f"Re: Question {n}", sender=SHOP,
                               to=customer, in_reply_to=f"<q{n}@x>", body="Thanks, on its way.",
                               date=asked + answer_after))  # fmt: skip
    return mails


def build(tmp_path: Path) -> Store:
    mails: list[bytes] = []
    # This period (the last 30 days): four e-mail tickets answered after 1, 2, 3 and 30 hours
    # around the clock, one unanswered; three ask where their order is, one for a refund.
    wismo = "Hello, where is my order? It has not arrived and there is no tracking yet."
    refund = "I returned the item last week, when will I get my refund?"
    monday = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
    for n, (body, hours) in enumerate([(wismo, 1), (wismo, 2), (wismo, 3), (refund, 30)]):
        mails += conversation(n, monday, body, answer_after=timedelta(hours=hours))
    mails += conversation(9, monday, wismo, answer_after=None)
    # The period before: one refund question answered in 1 hour.
    mails += conversation(20, NOW - timedelta(days=40), refund, answer_after=timedelta(hours=1))
    store = Store.open(tmp_path / "inbox.db")
    import_maildir(store, write_maildir(tmp_path / "Mail", mails),
                   seller_emails=frozenset({SHOP[1]}))  # fmt: skip
    return store


def ticket_of(store: Store, message_id: str) -> int:
    return store.conn.execute(
        "SELECT ticket_id FROM messages WHERE message_id = ?", (message_id,)
    ).fetchone()[0]


def test_first_response_times_and_targets(tmp_path: Path) -> None:
    store = build(tmp_path)
    report = build_report(store, now=NOW, days=30, templates=shipped_templates())
    assert (report.tickets, report.tickets_before) == (5, 1)
    assert (report.replies, report.replies_before) == (4, 1)
    overall = report.overall
    assert (overall.tickets, overall.answered) == (5, 4)
    assert overall.median == timedelta(hours=2)  # 1, 2, 3, 30 hours: nearest rank
    assert overall.p90 == timedelta(hours=30)
    # E-mail's default target is two working days: all four answers were in time.
    assert overall.within_target == 4
    assert [c.label for c in report.channels] == ["email"]


def test_what_customers_ask_about_groups_by_template_topic(tmp_path: Path) -> None:
    store = build(tmp_path)
    report = build_report(store, now=NOW, days=30, templates=shipped_templates())
    topics = {t.name: (t.now, t.before) for t in report.topics}
    assert topics["Where is my order"] == (4, 0)
    assert topics["Refund issued"] == (1, 1)


def test_tags_trend_and_backlog(tmp_path: Path) -> None:
    store = build(tmp_path)
    add_tag(store, [ticket_of(store, "q0@x"), ticket_of(store, "q1@x")], "late-delivery")
    add_tag(store, [ticket_of(store, "q20@x")], "late-delivery")
    report = build_report(store, now=NOW, days=30)
    [late] = report.tags
    assert (late.name, late.now, late.before) == ("late-delivery", 2, 1)
    assert report.topics == []  # no templates given, no topics
    assert report.backlog is not None and report.backlog.open == 6


def test_the_report_renders_as_plain_text_without_markup(tmp_path: Path) -> None:
    store = build(tmp_path)
    add_tag(store, [ticket_of(store, "q0@x")], "[bold red]x[/]")  # a tag is data, not markup
    console = Console(width=100, record=True, color_system=None)
    console.print(render_report(build_report(store, now=NOW, templates=shipped_templates())))
    text = console.export_text()
    assert "Last 30 days  5 new tickets (+400%), 4 replies sent (+300%)" in text
    assert "Where is my order" in text and "[bold red]x[/]" in text
    assert "2.0h" in text and "30.0h" in text  # median and 90th percentile
    # the unanswered customer wrote on Monday at 9:00: two working days ran out on Tuesday
    assert "Now 6 open, 1 overdue" in text


def test_percentile_is_nearest_rank() -> None:
    hours = [timedelta(hours=h) for h in (5, 1, 3, 2, 4)]
    assert percentile(hours, 0.5) == timedelta(hours=3)
    assert percentile(hours, 0.9) == timedelta(hours=5)
    assert percentile([], 0.5) is None


def test_the_stats_command_prints_the_report(tmp_path: Path) -> None:
    from tests.test_cli import run

    build(tmp_path).close()
    result = run("--db", str(tmp_path / "inbox.db"), "stats", "--days", "3650")
    assert result.returncode == 0, result.stderr
    assert "First response" in result.stdout and "Where is my order" in result.stdout
    bad = run("--db", str(tmp_path / "inbox.db"), "stats", "--days", "0")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    ages=st.lists(st.integers(0, 4000), min_size=0, max_size=6),  # hours before NOW, per ticket
    back=st.integers(0, 4000),
)
def test_the_history_start_looked_back_to_a_moment_is_the_later_of_both(
    tmp_path_factory, ages: list[int], back: int
) -> None:
    """The report asks how far history goes back only as far as it looks (its unusual-week
    baseline): one older ticket settles it, where min() read every ticket at a decade of mail."""
    tmp_path = tmp_path_factory.mktemp("history")
    mails = [
        message
        for n, age in enumerate(ages)
        for message in conversation(n, NOW - timedelta(hours=age), "Hello?", answer_after=None)
    ]
    store = Store.open(tmp_path / "inbox.db")
    if mails:
        import_maildir(store, write_maildir(tmp_path / "Mail", mails))
    cutoff = NOW - timedelta(hours=back)
    oldest = first_ticket_at(store)
    assert first_ticket_at(store, not_before=cutoff) == (
        None if oldest is None else max(oldest, cutoff)
    )
    store.close()


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(statuses=st.lists(st.sampled_from(TICKET_STATUSES), min_size=6, max_size=6))
def test_the_backlog_counts_each_status_as_every_ticket_does(
    tmp_path_factory, statuses: list[str]
) -> None:
    """The backlog reads only the open, pending and snoozed tickets' part of the index (at a
    decade of mail nearly every ticket is closed): the same numbers as counting every ticket."""
    store = build(tmp_path_factory.mktemp("backlog"))
    ids = [row[0] for row in store.conn.execute("SELECT id FROM tickets ORDER BY id")]
    assert len(ids) == len(statuses)
    for ticket, status in zip(ids, statuses, strict=True):
        store.conn.execute("UPDATE tickets SET status = ? WHERE id = ?", (status, ticket))
    found = backlog(store, NOW)
    counted = Counter(statuses)
    assert (found.open, found.pending, found.snoozed) == (
        counted["open"],
        counted["pending"],
        counted["snoozed"],
    )
    store.close()

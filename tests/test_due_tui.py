"""What the seller sees of due times: the list's labels and the thread's sentence in the seller's
time zone, business hours and weekends counted, and the stats counting the same tickets late.

The store is made by the import path real mail takes; the clock is fixed at Monday 30 November
2026, 15:00 in Berlin, the seller's zone; e-mail counts business hours (Mon-Fri 9-17)."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from inbox_tui.config import Config, SellerConfig
from inbox_tui.importer import import_maildir
from inbox_tui.sla import BusinessHours, SlaPolicy
from inbox_tui.stats import build_report
from inbox_tui.store import Store
from inbox_tui.store.due import settle_due
from inbox_tui.tui.app import InboxApp
from inbox_tui.tui.screens.thread import ThreadScreen
from inbox_tui.tui.widgets.thread_view import ThreadView
from inbox_tui.tui.widgets.ticket_list import TicketList
from tests.mailgen import make_mail, write_maildir
from tests.waiting import until, workers_settled

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 30, 15, 0, tzinfo=BERLIN)  # Monday
SELLER = ("Anatolia Textiles", "hello@shop.example")
POLICY = SlaPolicy(business_hours=BusinessHours(tz=BERLIN, start=time(9), end=time(17)))
AMAZON = "@marketplace.amazon.de"

# (message id, sender, written at (Berlin), subject, what the list says at NOW)
CUSTOMERS = [
    # Thursday 11:00, e-mail: two working days are Thu 11-17, Fri, Mon 9-11: late since 11:00
    ("<thu@x>", ("Ayşe", "ayse@example.com"), datetime(2026, 11, 26, 11, 0), "Hello? I wrote 4 days ago", "late 4h"),
    # Saturday, e-mail: the clock starts on Monday at 9:00 and runs Monday and Tuesday
    ("<sat@x>", ("Jürgen", "juergen@example.com"), datetime(2026, 11, 28, 10, 0), "Größe?", "Tue 17:00"),
    # Monday 10:00, e-mail: Monday 10-17, Tuesday, Wednesday 9-10
    ("<mon@x>", ("Emily", "emily@example.com"), datetime(2026, 11, 30, 10, 0), "Colour", "Wed 10:00"),
    # Sunday 17:30, Amazon: 24 h around the clock, weekend or not
    ("<sun@x>", ("Jane - Amazon Marketplace", "jane" + AMAZON), datetime(2026, 11, 29, 17, 30), "Where is it?", "due 17:30"),
    # Sunday 15:00, Amazon: due this very minute; not late yet
    ("<now@x>", ("Tom - Amazon Marketplace", "tom" + AMAZON), datetime(2026, 11, 29, 15, 0), "Refund", "due now"),
]  # fmt: skip


def build(tmp_path: Path) -> Store:
    mails = [
        make_mail(message_id=mid, sender=sender, to=SELLER, subject=subject,
                  body=f"{subject}\n\nThanks", date=at.replace(tzinfo=BERLIN))
        for mid, sender, at, subject, _ in CUSTOMERS
    ]  # fmt: skip
    store = Store.open(tmp_path / "inbox.db")
    import_maildir(store, write_maildir(tmp_path / "Mail", mails),
                   seller_emails=frozenset({SELLER[1]}), sla=POLICY)  # fmt: skip
    return store


def make_app(store: Store) -> InboxApp:
    config = Config(seller=SellerConfig(name=SELLER[0], timezone="Europe/Berlin"))
    return InboxApp(store, now=lambda: NOW, tz=BERLIN, sla=POLICY, config=config)


def rows(app: InboxApp) -> dict[str, str]:
    """Each ticket's subject → its row as the list draws it."""
    tickets = app.screen.query_one(TicketList)
    width = tickets.scrollable_content_region.width
    drawn = {}
    for index in range(tickets.count):
        ticket = tickets.row(index)
        assert ticket is not None
        drawn[ticket.subject] = "".join(text for text, _ in tickets._row_pieces(ticket, width))
    return drawn


@pytest.mark.parametrize("columns", [80, 120])
async def test_the_list_says_when_each_customer_is_due(tmp_path: Path, columns: int) -> None:
    store = build(tmp_path)
    app = make_app(store)
    async with app.run_test(size=(columns, 24)) as pilot:
        await pilot.pause()
        assert app.screen.view == "due"  # where the work is
        drawn = rows(app)
        for _, _, _, subject, label in CUSTOMERS:
            assert drawn[subject].rstrip().endswith(label), (subject, drawn[subject])
        tickets = app.screen.query_one(TicketList)
        order = [tickets.row(i).subject for i in range(tickets.count)]
        assert order[0] == "Hello? I wrote 4 days ago"  # the late one first
        assert order.index("Refund") < order.index("Where is it?")  # 15:00 before 17:30


async def test_the_thread_says_it_too_in_the_sellers_zone(tmp_path: Path) -> None:
    store = build(tmp_path)
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # the late one, first in Due
        await pilot.pause()
        assert isinstance(app.screen, ThreadScreen)
        text = app.screen.query_one(ThreadView).plain
        assert "late 4h: was due today 11:00 CET" in text
        assert "Thu 26 Nov 2026 11:00 CET (4d ago)" in text  # not "10:00 UTC"
        await pilot.press("escape", "j")
        await pilot.pause()
        preview = app.screen.query_one(ThreadView).plain
        assert "due today 15:00 CET (in 0m)" in preview  # the list's preview says it as well


async def test_the_stats_count_late_what_the_list_shows_late(tmp_path: Path) -> None:
    store = build(tmp_path)
    app = make_app(store)
    async with app.run_test(size=(120, 24)) as pilot:
        await pilot.pause()
        late = [row for row in rows(app).values() if "late " in row]
    report = build_report(store, now=NOW, sla=POLICY)
    assert report.backlog is not None
    assert report.backlog.overdue == len(late) == 1  # "due now" is not late in either


async def test_changing_the_sla_settings_moves_the_due_times(tmp_path: Path) -> None:
    """The store's due times were made under one policy; the seller then makes e-mail 4h and
    moves to Istanbul: the next start recomputes them, and list and stats follow."""
    store = build(tmp_path)
    istanbul = ZoneInfo("Europe/Istanbul")
    policy = SlaPolicy(
        targets={**POLICY.targets, "email": POLICY.targets["email"] / 12},
        business_hours=BusinessHours(tz=istanbul),
    )
    assert settle_due(store, POLICY) == 0  # the import made them under this one
    app = InboxApp(store, now=lambda: NOW, tz=istanbul, sla=policy)
    async with app.run_test(size=(120, 24)) as pilot:
        # they are made anew beside the UI, and the list shown again after them: all three
        # e-mails late now (Monday's, 12:00 in Istanbul, was due at 16:00 there, 14:00 here)
        def late() -> list[str]:
            return sorted(subject for subject, row in rows(app).items() if "late " in row)

        want = ["Colour", "Größe?", "Hello? I wrote 4 days ago"]
        await until(pilot, lambda: late() == want, "three late rows", report=lambda: str(late()))
        await workers_settled(app)
    report = build_report(store, now=NOW, sla=policy)
    assert report.backlog is not None and report.backlog.overdue == 3
    assert settle_due(store, policy) == 0  # once

"""The stats screen and what is unusual, through the real app on the known-trends history: the
inbox's line until the stats show it, Enter on a line opening its tickets, `v` keeping them as a
view, the screen's own keys, and SVG snapshots of the screen on the demo (80x24 and 160x48,
dark and light)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.events import Key
from textual.widgets import Footer

from inbox_tui.demo import build_demo
from inbox_tui.store import Store
from inbox_tui.tui.app import InboxApp
from inbox_tui.tui.screens.main import MainScreen
from inbox_tui.tui.screens.stats import StatsScreen
from tests.trend_history import NOW, build_history
from tests.waiting import until, workers_settled

SPIKE = "Damaged item for Linen towel set: 6 this week, usually none"
QUERY = 'product:LTS-1 topic:"Damaged item" after:7d'
DEMO_NOW = datetime(2026, 11, 29, 23, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def history_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("history")
    build_history(folder).close()
    return folder / "inbox.db"


@pytest.fixture
def inbox(history_db: Path, tmp_path: Path) -> Path:
    """A copy of the history each test may change (trends seen, views kept)."""
    copy = tmp_path / "inbox.db"
    shutil.copy(history_db, copy)
    return copy


def make_app(db: Path, **kw) -> InboxApp:
    app = InboxApp(Store.open(db), now=lambda: NOW, **kw)
    app.trends_after = 0.01
    return app


def text_of(app: InboxApp) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def settle(app: InboxApp, pilot) -> None:
    await workers_settled(app)
    await pilot.pause()
    await pilot.pause()


async def test_the_inbox_says_what_is_unusual_until_the_stats_show_it(inbox: Path) -> None:
    app = make_app(inbox)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.05)
        await settle(app, pilot)
        assert f"▲ {SPIKE} · S for stats" in text_of(app)
        await pilot.press("S")
        await settle(app, pilot)
        assert isinstance(app.screen, StatsScreen) and SPIKE in text_of(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and "▲" not in text_of(app)
    again = make_app(inbox)  # seen is kept in the store: a new start does not show it again
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.05)
        await settle(again, pilot)
        assert "▲" not in text_of(again)


async def test_enter_on_a_line_opens_its_tickets_and_v_keeps_them_as_a_view(inbox: Path) -> None:
    app = make_app(inbox)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("S")
        await settle(app, pilot)
        await pilot.press("enter")  # the first line: what is unusual
        await settle(app, pilot)
        main = app.screen
        assert isinstance(main, MainScreen)
        assert main.search_input.value == QUERY and main.ticket_list.count == 6
        await pilot.press("v")
        await pilot.pause()
        name = "Damaged item for Linen towel set"
        assert main.view == f"saved:{name}" and main.ticket_list.count == 6
        assert f"{name}" in text_of(app)  # in the sidebar, with its number key
    kept = Store.open(inbox)
    assert [tuple(r) for r in kept.conn.execute("SELECT name, query FROM saved_searches")] == [
        (name, QUERY)
    ]
    app = make_app(inbox)  # a new start lists it; v on it removes it
    async with app.run_test(size=(160, 40)) as pilot:
        main = app.screen
        assert main.entries[-1].label == name  # the last view: [ from Due, where it opens
        await pilot.press("left_square_bracket")
        assert main.view == f"saved:{name}" and main.ticket_list.count == 6
        await pilot.press("v")
        await pilot.pause()
        assert main.view == "all" and name not in [e.label for e in main.entries]
    assert kept.conn.execute("SELECT count(*) FROM saved_searches").fetchone()[0] == 0


async def test_a_channel_line_opens_that_channels_tickets(inbox: Path) -> None:
    app = make_app(inbox)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("S")
        await settle(app, pilot)
        stats = app.screen
        amazon = next(n for n, line in enumerate(stats.lines) if line.label == "amazon")
        stats.rows.highlighted = amazon
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.search_input.value == "channel:amazon after:30d"
        assert app.screen.ticket_list.count == 15


async def test_the_stats_screen_shows_its_own_keys_and_switches_period(inbox: Path) -> None:
    app = make_app(inbox)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("S")
        await settle(app, pilot)
        assert app.screen.query_one(Footer)  # its own, not the inbox's
        keys = text_of(app).splitlines()[-1]
        assert "Open its tickets" in keys and "Period" in keys and "Close" in keys
        assert "Reply" not in keys and "Snooze" not in keys  # not the inbox's keys
        await pilot.press("p")
        await settle(app, pilot)
        assert "last 90 days" in text_of(app) and "Last 90 days" in text_of(app)
        await pilot.press("j", "k", "G", "g", "q")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


# --- how it looks ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    store = Store.open(path)
    build_demo(store, now=DEMO_NOW)
    store.close()
    return path


def stats_app(demo_db: Path, theme: str) -> InboxApp:
    app = InboxApp(Store.open(demo_db), now=lambda: DEMO_NOW, theme=theme)
    app.trends_after = 3600  # the inbox's line is not what these show
    return app


async def _open_stats(pilot) -> None:
    await pilot.press("S")
    await settle(pilot.app, pilot)


def test_snapshot_stats_80x24(snap_compare, demo_db: Path) -> None:
    # the story at a glance: the Linen tea towels flagged, tickets per day by channel
    app = stats_app(demo_db, "textual-dark")
    assert snap_compare(app, run_before=_open_stats, terminal_size=(80, 24))


def test_snapshot_stats_160x48(snap_compare, demo_db: Path) -> None:
    app = stats_app(demo_db, "textual-dark")
    assert snap_compare(app, run_before=_open_stats, terminal_size=(160, 48))


def test_snapshot_stats_light_80x24(snap_compare, demo_db: Path) -> None:
    app = stats_app(demo_db, "textual-light")
    assert snap_compare(app, run_before=_open_stats, terminal_size=(80, 24))


def test_snapshot_stats_light_160x48(snap_compare, demo_db: Path) -> None:
    app = stats_app(demo_db, "textual-light")
    assert snap_compare(app, run_before=_open_stats, terminal_size=(160, 48))


async def test_a_long_topic_match_shows_the_rest_of_the_report_first(
    inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ten weeks of tickets never matched to topics (~1-2 ms each): the report without topics
    shows at once, the full one when they are matched (and kept: the next look is quick)."""
    from inbox_tui.tui.screens import stats as stats_screen

    monkeypatch.setattr(stats_screen, "QUICK_MATCH", 50)
    shown: list[tuple[int, bool]] = []
    original = StatsScreen.show_report

    def recorded(self: StatsScreen, report, matching: int = 0) -> None:  # noqa: ANN001
        shown.append((matching, bool(report.topics)))
        original(self, report, matching)

    monkeypatch.setattr(StatsScreen, "show_report", recorded)
    app = make_app(inbox)
    app.trends_after = 3600  # not the inbox's own look, which would match them first
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("S")
        await settle(app, pilot)
        assert shown == [(184, False), (0, True)]  # 63 days' tickets, all to match
        assert "Where is my order" in text_of(app) and "matching" not in text_of(app)
        await pilot.press("escape", "S")
        await settle(app, pilot)
        assert shown[-1] == (0, True) and len(shown) == 3  # kept: straight to the full report


class Clock:
    """A clock the test moves: the trends worker's quiet moments, without timing anything."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_the_trends_line_waits_while_keys_come_and_shows_once_they_stop(
    inbox: Path,
) -> None:
    """The trends worker shares the one GIL with the UI: it works only once no key came for a
    while (trend_watch.QUIET), so that an `r` or a `q` never waits for it."""
    from inbox_tui.tui.trend_watch import QUIET, TrendPace

    clock = Clock()
    app = make_app(inbox)
    app.trend_pace = TrendPace(clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.trend_pace.waits >= 1, "the trends worker to wait")
        for _ in range(10):  # keys, each under QUIET after the last, for longer than QUIET
            clock.now += QUIET / 2
            await pilot.press("j" if _ % 2 == 0 else "k")
        waited = app.trend_pace.waits
        await until(pilot, lambda: app.trend_pace.waits > waited, "the worker to wait again")
        assert "▲" not in text_of(app)  # not worked out while the keys come
        clock.now += QUIET  # the seller stops typing
        await settle(app, pilot)
        assert f"▲ {SPIKE} · S for stats" in text_of(app)


def test_the_trends_worker_goes_on_when_quiet_and_stops_when_told_even_while_keys_come() -> None:
    """Its pace between steps: on at once after a quiet moment; while keys come, a stop (the
    app ends: q) or a newer look (cancelled) ends it without waiting for quiet."""
    from inbox_tui.tui.trend_watch import QUIET, TrendPace, TrendsStopped

    clock = Clock()
    pace = TrendPace(clock)
    clock.now += QUIET
    pace.wait()
    assert pace.waits == 0
    pace.acted(Key("j", "j"))
    with pytest.raises(TrendsStopped):
        pace.wait(cancelled=lambda: True)
    pace.stop()
    with pytest.raises(TrendsStopped):
        pace.wait()
    assert pace.waits == 0  # neither waited for the quiet moment

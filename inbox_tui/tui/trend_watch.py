"""The app's part in trends: what is unusual this week, worked out in a worker a few seconds
after start and after a sync with new mail and shown as one line in the inbox; and the stats
screen's requests (its messages), answered by the app that owns the screens.

The worker gives way to the seller (TrendPace): it works only once no key or mouse event came
for QUIET seconds, and looks again between steps (20 tickets matched, ~15 ms; the longest, a
week's tickets read, ~35-50 ms at 100k), waiting there while keys come. At 100,000 tickets
its work is ~0.3 s of CPU (~12 s the first time, when the topics of nine weeks' tickets are
matched), in a thread that shares the one GIL with the UI: run straight through, it made an
`r` or a `q` that came meanwhile take about twice as long (benchmarks/README.md, Run L). The
app's end stops it at its next step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from threading import Event
from time import monotonic
from typing import TYPE_CHECKING, Any

from textual import events, work
from textual.worker import get_current_worker

from inbox_tui.store.db import Store
from inbox_tui.tui.messages import SearchAsked, TrendsFound, TrendsSeen

if TYPE_CHECKING:
    from inbox_tui.stats.unusual import Unusual
    from inbox_tui.templates import Template

TRENDS_AFTER = 3.0  # seconds after start before looking for unusual trends (first frame first)
QUIET = 0.5  # seconds without a key or a mouse event before the trends worker works (on)


class TrendsStopped(Exception):
    """The trends worker was told to stop (the app ends, or a newer look replaces it)."""


class TrendPace:
    """When the trends worker may work: not while the seller types or moves the mouse."""

    def __init__(self, clock: Callable[[], float] = monotonic) -> None:
        self.clock = clock
        self.acted_at = clock()  # the start counts as an act: the worker waits QUIET from it
        self.waits = 0  # times a step waited for a quiet moment (tests read it)
        self._stopped = Event()

    def acted(self, event: events.Event) -> None:
        """A key or a mouse event (InboxApp.on_event)."""
        self.acted_at = self.clock()

    def stop(self) -> None:
        """The app ends: a worker stops at its next step, a waiting one at once."""
        self._stopped.set()

    def wait(self, cancelled: Callable[[], bool] = lambda: False) -> None:
        """Between two steps of the work (in the worker's thread): back at once after a
        quiet moment; else asleep until one (the GIL free for the UI). TrendsStopped when
        the app ends or `cancelled()` (a newer look replaced this one)."""
        while True:
            if self._stopped.is_set() or cancelled():
                raise TrendsStopped
            quiet_for = self.clock() - self.acted_at
            if quiet_for >= QUIET:
                return
            self.waits += 1
            self._stopped.wait(QUIET - quiet_for)


class TrendWatch:
    """Mixed into InboxApp (which has the store, clock, config, templates and main screen)."""

    trends_after = TRENDS_AFTER  # seconds from start to the first look (tests make it short)
    trend_pace: TrendPace  # InboxApp's: fed its keys and mouse events, stopped at its end
    store: Store
    _templates: list[Template] | None
    load_template_library: Callable[[], list[Template]]  # StartAndQuit's: loaded once
    now: Any
    config: Any

    @property
    def templates(self) -> list[Template]:
        raise NotImplementedError  # InboxApp's own

    tell: Any  # InboxApp's: a fact to every screen that is up
    screen: Any
    call_from_thread: Any
    pop_screen: Any

    def on_stats_screen_open_view(self, message: Any) -> None:
        """Enter on a line of the stats: its tickets in the inbox, as a search one key keeps."""
        from inbox_tui.tui.screens.stats import StatsScreen

        if isinstance(self.screen, StatsScreen):
            self.pop_screen()
        self.tell(SearchAsked, message.query, message.label)

    def on_stats_screen_trends_seen(self, message: Any) -> None:
        self.tell(TrendsSeen, message.trends)

    def look_for_trends(self) -> None:
        """Work out what is unusual this week (a worker: it may match topics of new tickets)."""
        self._trends_worker(self._templates)

    @work(thread=True, exclusive=True, group="trends", exit_on_error=False)
    def _trends_worker(self, templates: list[Template] | None) -> None:
        worker = get_current_worker()

        def pace() -> None:
            self.trend_pace.wait(lambda: worker.is_cancelled)

        try:
            pace()  # a quiet moment first
            if templates is None:  # read here, not in a frame of the UI (~40 ms of YAML)
                # (and imported here: Jinja2 is not for the first frame, tests/test_startup.py)
                from inbox_tui.templates import TemplateError, shipped_templates

                try:  # kept for the replies, or the one the preparation loads
                    templates = self.load_template_library()
                except TemplateError:  # said in one line when a reply or the stats load them
                    templates = shipped_templates()
            with self.store.for_thread() as store:
                trends = unseen_trends(store, self.now(), templates, pace)
        except TrendsStopped:
            return
        self.call_from_thread(self._show_trends, trends)

    def _show_trends(self, trends: list[Unusual]) -> None:
        self.tell(TrendsFound, trends)


def unseen_trends(
    store: Store,
    now: datetime,
    templates: Sequence[Template],
    pace: Callable[[], None] = lambda: None,
) -> list[Unusual]:
    """This week's unusual trends that the stats screen has not shown in the last week (`pace`:
    see unusual_now)."""
    from inbox_tui.stats.report import unusual_now  # the stats only once they are looked at
    from inbox_tui.store.trends import seen_trends

    seen = seen_trends(store, now - timedelta(days=7))
    found = unusual_now(store, now=now, templates=templates, pace=pace)
    return [trend for trend in found if trend.trend not in seen]

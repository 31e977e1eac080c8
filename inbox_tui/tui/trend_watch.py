"""The app's part in trends: what is unusual this week, worked out in a worker a few seconds
after start and after a sync with new mail and shown as one line in the inbox; and the stats
screen's requests (its messages), answered by the app that owns the screens."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from textual import work

from inbox_tui.store.db import Store
from inbox_tui.tui.messages import SearchAsked, TrendsFound, TrendsSeen

if TYPE_CHECKING:
    from inbox_tui.stats.unusual import Unusual
    from inbox_tui.templates import Template

TRENDS_AFTER = 3.0  # seconds after start before looking for unusual trends (first frame first)


class TrendWatch:
    """Mixed into InboxApp (which has the store, clock, config, templates and main screen)."""

    trends_after = TRENDS_AFTER  # seconds from start to the first look (tests make it short)
    store: Store
    _templates: list[Template] | None
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
        if templates is None:  # read here, not in a frame of the UI (~40 ms of YAML)
            # (and imported here: Jinja2 is not for the first frame, tests/test_startup.py)
            from inbox_tui.templates import TemplateError, load_library, shipped_templates

            try:
                templates = load_library(self.config.templates)
            except TemplateError:  # said in one line when a reply or the stats load them
                templates = shipped_templates()
            else:
                self.call_from_thread(self._keep_templates, templates)
        with self.store.for_thread() as store:
            trends = unseen_trends(store, self.now(), templates)
        self.call_from_thread(self._show_trends, trends)

    def _keep_templates(self, templates: list[Template]) -> None:
        if self._templates is None:
            self._templates = templates

    def _show_trends(self, trends: list[Unusual]) -> None:
        self.tell(TrendsFound, trends)


def unseen_trends(store: Store, now: datetime, templates: Sequence[Template]) -> list[Unusual]:
    """This week's unusual trends that the stats screen has not shown in the last week."""
    from inbox_tui.stats.report import unusual_now  # the stats only once they are looked at
    from inbox_tui.store.trends import seen_trends

    seen = seen_trends(store, now - timedelta(days=7))
    return [trend for trend in unusual_now(store, now=now, templates=templates)
            if trend.trend not in seen]  # fmt: skip

"""The stats screen: charts of the period, what is unusual now, and Enter on any line to see
its tickets. The report is counted in a worker (its own store connection), so a big history
never blocks keys; the screen asks the app for what it cannot do itself by messages."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime, tzinfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.color import Color, ColorParseError
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from inbox_tui.sla import SlaPolicy
from inbox_tui.stats.report import Report, build_report
from inbox_tui.stats.text import backlog_line, period_line
from inbox_tui.stats.topics import TopicsPending
from inbox_tui.store.db import Store
from inbox_tui.store.trends import mark_trends_seen
from inbox_tui.templates import Template
from inbox_tui.tui.keymap import bindings
from inbox_tui.tui.widgets.header import InboxHeader
from inbox_tui.tui.widgets.stats_lines import Line, Palette, Widths, report_lines

PERIODS = (7, 30, 90)  # days; the screen opens on 30
SCROLLBAR = 1  # columns the list's scrollbar takes
QUICK_MATCH = 300  # tickets whose topics may be matched before the report shows (~1-2 ms each)


class StatsScreen(Screen):
    """Counts in a worker, shows the report as lines of a list; Enter opens a line's tickets."""

    BINDINGS = bindings("stats")

    class OpenView(Message):
        """Show these tickets in the inbox: `query` in the search language, `label` its name."""

        def __init__(self, query: str, label: str) -> None:
            super().__init__()
            self.query, self.label = query, label

    class TrendsSeen(Message):
        """The seller has seen these unusual trends (the inbox's line may leave them out)."""

        def __init__(self, trends: frozenset[str]) -> None:
            super().__init__()
            self.trends = trends

    def __init__(
        self,
        store: Store,
        *,
        now: datetime,
        sla: SlaPolicy,
        templates: Sequence[Template],
        tz: tzinfo,
        days: int = 30,
        waited_for: Callable[[], AbstractContextManager[None]] = contextlib.nullcontext,
    ) -> None:
        """`waited_for`: around the counting, which the seller waits to see (the app's
        GcPacer.waiting: no full garbage collection meanwhile, gc_pacing.py)."""
        super().__init__()
        self.store, self.now, self.sla, self.templates = store, now, sla, list(templates)
        self.tz, self.days = tz, days
        self.waited_for = waited_for
        self.report: Report | None = None
        self.lines: list[Line] = []

    def compose(self) -> ComposeResult:
        yield InboxHeader()
        yield Static(Text("counting…", style="dim"), id="stats-period")
        yield OptionList(id="stats-lines")
        yield Footer()

    @property
    def rows(self) -> OptionList:
        return self.query_one("#stats-lines", OptionList)

    def on_mount(self) -> None:
        self.rows.focus()
        self.refresh_report()

    def refresh_report(self) -> None:
        self.query_one(InboxHeader).show_sub_title(f"Stats · last {self.days} days · counting…")
        self._count()

    def _build(self, store: Store, match_at_most: int | None = None) -> Report:
        """The report; its unusual trends are marked seen (it is about to be shown), here in
        the worker: a write may wait for a sync's transaction, which no key should."""
        report = build_report(
            store,
            now=self.now,
            days=self.days,
            sla=self.sla,
            templates=self.templates,
            tz=self.tz,
            match_at_most=match_at_most,
        )
        with contextlib.suppress(sqlite3.Error):  # read-only or busy: the line shows it again
            mark_trends_seen(store, [flag.trend for flag in report.unusual], self.now)
        return report

    @work(thread=True, exclusive=True, group="stats", exit_on_error=False)
    def _count(self) -> None:
        with self.waited_for():
            self._count_report()

    def _count_report(self) -> None:
        with self.store.for_thread() as store:
            try:
                report = self._build(store, match_at_most=QUICK_MATCH)
            except TopicsPending as pending:  # the rest first, then the topics (seconds)
                quick = build_report(
                    store, now=self.now, days=self.days, sla=self.sla, templates=(), tz=self.tz
                )
                if self.is_attached:
                    self.app.call_from_thread(self.show_report, quick, pending.count)
                report = self._build(store)
        if self.is_attached:  # closed meanwhile: nothing to show it on
            self.app.call_from_thread(self.show_report, report)

    def show_report(self, report: Report, matching: int = 0) -> None:
        """Show `report`; `matching`: it leaves out topics, being matched for that many tickets."""
        # not an answer for a period left meanwhile, nor for a screen closed meanwhile
        if report.days != self.days or not self.is_attached:
            return
        self.report = report
        more = f" · matching the topics of {matching:,} tickets…" if matching else ""
        self.query_one(InboxHeader).show_sub_title(f"Stats · last {self.days} days{more}")
        summary = Text.assemble(period_line(report), "\n", backlog_line(report, alert=self._alert))
        self.query_one("#stats-period", Static).update(summary)
        self._show_lines()
        if report.unusual and not matching:
            self.post_message(self.TrendsSeen(frozenset(flag.trend for flag in report.unusual)))

    def on_resize(self) -> None:
        if self.report is not None:
            self._show_lines()

    def _show_lines(self) -> None:
        assert self.report is not None
        widths = Widths.fit(self.size.width - SCROLLBAR, len(self.report.dates))
        self.lines = report_lines(self.report, self._palette(), widths)
        rows = self.rows
        highlighted = rows.highlighted
        rows.clear_options()
        rows.add_options(
            Option(line.prompt, id=str(n), disabled=line.heading or not line.query)
            for n, line in enumerate(self.lines)
        )
        rows.highlighted = highlighted if highlighted is not None else _first(self.lines)

    @property
    def _alert(self) -> str:
        return f"bold {self._colour('text-error', 'red')}"

    def _colour(self, name: str, fallback: str) -> str:
        """A theme colour as '#rrggbb' ('auto 60%' and friends become the colour they show)."""
        colours = self.app.theme_variables
        background = Color.parse(colours.get("background", "#000000"))
        try:
            return background.blend(Color.parse(colours[name]), 1.0).hex
        except (KeyError, ValueError, ColorParseError):
            pass
        foreground = Color.parse(colours.get("foreground", "#ffffff"))
        return background.blend(foreground, 0.6).hex if name == "text-muted" else fallback

    def _palette(self) -> Palette:
        primary = Color.parse(self._colour("primary", "#0178D4"))
        background = Color.parse(self._colour("background", "#000000"))
        shades = [background.blend(primary, share).hex for share in (0.3, 0.5, 0.65, 0.8, 1.0)]
        return Palette(
            shades=(self._colour("text-muted", "grey50"), *shades[1:]),
            up=self._colour("text-error", "red"),
            down=self._colour("text-success", "green"),
            alert=self._alert,
            muted=self._colour("text-muted", "grey50"),
        )

    @on(OptionList.OptionSelected, "#stats-lines")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.action_open_view()

    def action_open_view(self) -> None:
        """Enter: this line's tickets, in the inbox, as a search one key can keep."""
        index = self.rows.highlighted
        if index is None or not self.lines:
            return
        line = self.lines[index]
        if line.query:
            self.post_message(self.OpenView(line.query, line.label))

    def action_cursor_down(self) -> None:
        self.rows.action_cursor_down()

    def action_cursor_up(self) -> None:
        self.rows.action_cursor_up()

    def action_first(self) -> None:
        self.rows.action_first()

    def action_last(self) -> None:
        self.rows.action_last()

    def action_period(self) -> None:
        """Next period: 7, 30, 90 days."""
        position = PERIODS.index(self.days) if self.days in PERIODS else 0
        self.days = PERIODS[(position + 1) % len(PERIODS)]
        self.refresh_report()

    def action_close(self) -> None:
        self.dismiss(None)


def _first(lines: Sequence[Line]) -> int | None:
    return next((n for n, line in enumerate(lines) if line.query and not line.heading), None)

"""The stats screen: how fast the shop answers, what customers ask about, what is trending."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from inbox_tui.sla import SlaPolicy
from inbox_tui.stats import Report, build_report, render_report
from inbox_tui.store.db import Store
from inbox_tui.templates import Template
from inbox_tui.tui.keymap import bindings

PERIODS = (7, 30, 90)  # days; the screen opens on 30


class StatsScreen(ModalScreen[None]):
    """Reads the store in a worker (its own connection), so a big history never blocks keys."""

    BINDINGS = bindings("stats")

    def __init__(
        self,
        store: Store,
        *,
        now: datetime,
        sla: SlaPolicy,
        templates: Sequence[Template],
        days: int = 30,
    ) -> None:
        super().__init__()
        self.store, self.now, self.sla, self.templates = store, now, sla, list(templates)
        self.days = days

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog stats"):
            yield Static(Text("Stats", style="bold"), classes="dialog-title")
            yield Static(Text("counting…", style="dim"), id="stats-report")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()
        self.refresh_report()

    def refresh_report(self) -> None:
        self.query_one("#stats-report", Static).update(Text("counting…", style="dim"))
        if self.store.path is None:  # an in-memory store cannot be opened twice: read here
            self.show_report(self._build(self.store))
        else:
            self._count()

    @work(thread=True, exclusive=True, group="stats", exit_on_error=False)
    def _count(self) -> None:
        assert self.store.path is not None
        store = Store.open(self.store.path)
        try:
            report = self._build(store)
        finally:
            store.close()
        if self.is_attached:  # closed meanwhile: nothing to show it on
            self.app.call_from_thread(self.show_report, report)

    def _build(self, store: Store) -> Report:
        return build_report(
            store, now=self.now, days=self.days, sla=self.sla, templates=self.templates
        )

    def show_report(self, report: Report) -> None:
        # not an answer for a period left meanwhile, nor for a screen closed meanwhile
        if report.days == self.days and self.is_attached:
            self.query_one("#stats-report", Static).update(render_report(report))

    def action_period(self) -> None:
        """Next period: 7, 30, 90 days."""
        position = PERIODS.index(self.days) if self.days in PERIODS else 0
        self.days = PERIODS[(position + 1) % len(PERIODS)]
        self.refresh_report()

    def action_close(self) -> None:
        self.dismiss(None)

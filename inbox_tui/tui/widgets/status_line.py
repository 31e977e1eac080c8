"""The status line under the list: sync state, last sync time, outbox size, offline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from inbox_tui.store.db import format_time
from inbox_tui.tui.display import age_label

if TYPE_CHECKING:
    from inbox_tui.syncing import SourceOutcome


@dataclass
class SyncReport:
    """How the app's syncing stands; the app owns it, so a sync that ends before the
    screen is up is still shown once it is."""

    busy: bool = False
    outcomes: list[SourceOutcome] = field(default_factory=list)
    last_sync: datetime | None = None

    def syncing(self) -> None:
        self.busy = True

    def synced(self, outcomes: list[SourceOutcome], at: datetime) -> None:
        self.busy, self.outcomes, self.last_sync = False, outcomes, at


class StatusLine(Static):
    """One line: the app's `SyncReport`, the outbox size and how many sources there are."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text(""), id=id)
        self.report = SyncReport()
        self.outbox = 0
        self.sources = 0  # how many sources the app syncs

    def show(self, now: datetime) -> None:
        """Redraw; the age of the last sync is counted from `now`."""
        self.update(self.text(now))

    def text(self, now: datetime) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        report = self.report
        offline = [o for o in report.outcomes if o.offline]
        failed = [o for o in report.outcomes if o.failed and not o.offline]
        if report.busy:
            text.append("syncing…", "bold")
        elif offline and len(offline) == len(report.outcomes):
            text.append("offline", "bold yellow")
            text.append(f" — {offline[0].failed}; replies wait in the outbox", "dim")
        elif not self.sources:
            text.append("no sources to sync", "dim")
        elif report.last_sync is not None:
            ago = age_label(format_time(report.last_sync), now)
            new = sum(o.new for o in report.outcomes)
            text.append("synced just now" if ago == "now" else f"synced {ago} ago")
            text.append(f" · {new} new" if new else "")
        else:
            text.append("not synced yet", "dim")
        for outcome in failed:  # plain text: a server's error message is not markup
            text.append(f" · {outcome.name}: {outcome.failed}", "red")
        if offline and len(offline) < len(report.outcomes):
            text.append(f" · {', '.join(o.name for o in offline)} offline", "yellow")
        text.append(f" · outbox {self.outbox}", "bold" if self.outbox else "dim")
        return text

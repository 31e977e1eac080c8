"""The status line under the list: sync state, last sync time, outbox size, offline."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from inbox_tui.store.db import format_time
from inbox_tui.tui.display import age_label

if TYPE_CHECKING:
    from inbox_tui.syncing import SourceOutcome


class StatusLine(Static):
    """One line; `syncing()` and `synced()` are all the app calls."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text(""), id=id)
        self.last_sync: datetime | None = None
        self.outcomes: list[SourceOutcome] = []
        self.outbox = 0
        self.busy = False
        self.sources = 0  # how many sources the app syncs

    def syncing(self) -> None:
        self.busy = True

    def synced(self, outcomes: list[SourceOutcome], at: datetime) -> None:
        self.busy, self.outcomes, self.last_sync = False, outcomes, at

    def show(self, now: datetime) -> None:
        """Redraw; the age of the last sync is counted from `now`."""
        self.update(self.text(now))

    def text(self, now: datetime) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        offline = [o for o in self.outcomes if o.offline]
        failed = [o for o in self.outcomes if o.failed and not o.offline]
        if self.busy:
            text.append("syncing…", "bold")
        elif offline and len(offline) == len(self.outcomes):
            text.append("offline", "bold yellow")
            text.append(f" — {offline[0].failed}; replies wait in the outbox", "dim")
        elif not self.sources:
            text.append("no sources to sync", "dim")
        elif self.last_sync is not None:
            ago = age_label(format_time(self.last_sync), now)
            new = sum(o.new for o in self.outcomes)
            text.append("synced just now" if ago == "now" else f"synced {ago} ago")
            text.append(f" · {new} new" if new else "")
        else:
            text.append("not synced yet", "dim")
        for outcome in failed:  # plain text: a server's error message is not markup
            text.append(f" · {outcome.name}: {outcome.failed}", "red")
        if offline and len(offline) < len(self.outcomes):
            text.append(f" · {', '.join(o.name for o in offline)} offline", "yellow")
        text.append(f" · outbox {self.outbox}", "bold" if self.outbox else "dim")
        return text

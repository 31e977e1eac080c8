"""The status line under the list: sync state, last sync time, the outbox's states, offline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual.content import Content
from textual.widgets import Static

from inbox_tui.times import age_label

if TYPE_CHECKING:
    from inbox_tui.syncing import SourceOutcome


# Theme variables, not fixed colours: the line must read in textual-dark and textual-light.
# Its base colour is $text-muted (app.tcss); what needs the seller's eye is brighter.
STRONG = "bold $text"
WARNING = "$text-warning"
ERROR = "bold $text-error"


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


@dataclass
class OutboxReport:
    """How the outbox stands: replies per state and how the last send went; the app owns it."""

    busy: bool = False
    counts: dict[str, int] = field(default_factory=dict)  # queued / sending / sent / failed
    offline: str | None = None  # why the last send could not reach a server
    failure: str | None = None  # the last send run broke off (one line)

    def sending(self) -> None:
        self.busy = True

    def sent(self, report: Any, failure: str | None, counts: dict[str, int]) -> None:
        """A send run ended; `report` is the sender's SendReport (None when it broke off)."""
        self.busy, self.failure, self.counts = False, failure, counts
        self.offline = getattr(report, "offline", None) or None

    def text(self) -> Content:
        """ "outbox 0"; or "outbox: 2 queued · 1 failed", "sending…", and "offline: replies
        wait in the outbox" when the last send found no network. Failed replies are in the
        error colour: they wait for the seller (`R` on the ticket, in the list or its thread)."""
        waiting = {k: self.counts.get(k, 0) for k in ("queued", "sending", "failed")}
        pieces = [
            (f"{n} {state}", ERROR if state == "failed" else STRONG)
            for state, n in waiting.items()
            if n
        ]
        if self.busy:
            pieces.append(("sending…", STRONG))
        elif self.offline and (waiting["queued"] or waiting["sending"]):
            pieces.append(("offline: replies wait in the outbox", WARNING))
        if self.failure:
            pieces.append((f"sending failed: {self.failure}", ERROR))
        if not pieces:
            return Content("outbox 0")
        parts: list[tuple[str, str] | str] = [("outbox: ", STRONG)]
        for index, piece in enumerate(pieces):
            parts.append(" · " if index else "")
            parts.append(piece)  # (text, style): a server's error message is never markup
        return Content.assemble(*parts)


class StatusLine(Static):
    """One line: the app's `SyncReport`, the outbox size and how many sources there are."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Content(""), id=id)
        self.report = SyncReport()
        self.outbox = 0  # replies waiting (queued, sending or failed)
        self.outbox_report: OutboxReport | None = None  # their states, when the app sends
        self.sources = 0  # how many sources the app syncs

    def show(self, now: datetime) -> None:
        """Redraw; the age of the last sync is counted from `now`."""
        self.update(self.text(now))

    def text(self, now: datetime) -> Content:
        report = self.report
        offline = [o for o in report.outcomes if o.offline]
        failed = [o for o in report.outcomes if o.failed and not o.offline]
        parts: list[tuple[str, str] | str | Content] = []
        if report.busy:
            parts.append(("syncing…", STRONG))
        elif offline and len(offline) == len(report.outcomes):
            parts.append(("offline", f"{WARNING} bold"))
            parts.append(f" — {offline[0].failed}; replies wait in the outbox")
        elif not self.sources:
            parts.append("no sources to sync")
        elif report.last_sync is not None:
            ago = age_label(report.last_sync, now)
            new = sum(o.new for o in report.outcomes)
            parts.append("synced just now" if ago == "now" else f"synced {ago} ago")
            parts.append(f" · {new} new" if new else "")
        else:
            parts.append("not synced yet")
        parts.append(" · ")
        if self.outbox_report is not None:
            parts.append(self.outbox_report.text())
        else:
            parts.append((f"outbox {self.outbox}", STRONG) if self.outbox else "outbox 0")
        # a source's error last: it can be long, and at 80 columns the line is cut at its end,
        # which must not be the outbox ("1 failed" needs the seller)
        if offline and len(offline) < len(report.outcomes):
            parts.append((f" · {', '.join(o.name for o in offline)} offline", WARNING))
        for outcome in failed:  # (text, style), never markup: a server's error message
            parts.append((f" · {outcome.name}: {outcome.failed}", ERROR))
        return Content.assemble(*parts)

"""The snooze dialog: pick a preset or type a time; answers with the wake-up time (or None)."""

from __future__ import annotations

from datetime import datetime, tzinfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from inbox_tui.times import moment_label
from inbox_tui.tui.keymap import bindings
from inbox_tui.tui.snooze_times import parse_snooze, snooze_presets


class SnoozeScreen(ModalScreen[datetime | None]):
    """Up/down pick a preset and Enter takes it; typing a time and Enter takes that instead."""

    BINDINGS = bindings("snooze")

    def __init__(self, *, now: datetime, tz: tzinfo, count: int) -> None:
        super().__init__()
        self.now = now
        self.tz = tz
        self.count = count
        self.presets = snooze_presets(now, tz)

    def compose(self) -> ComposeResult:
        what = "this ticket" if self.count == 1 else f"{self.count:,} tickets"
        with Vertical(classes="dialog"):
            yield Static(Text(f"Snooze {what} until…"), classes="dialog-title")
            yield OptionList(
                *(
                    Option(Text(f"{label:<18}{moment_label(when, self.tz)}"), id=str(i))
                    for i, (label, when) in enumerate(self.presets)
                ),
                id="presets",
            )
            yield Input(placeholder="or type: 4h, 3d, 2w, 2026-12-03 14:00", id="when")
            yield Static(Text(""), id="error", classes="dialog-error")

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = 0
        self.query_one(Input).focus()

    @property
    def error(self) -> str:
        return str(self.query_one("#error", Static).render())

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_preset_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_preset_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    @on(Input.Changed)
    def _clear_error(self) -> None:
        self.query_one("#error", Static).update(Text(""))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            index = self.query_one(OptionList).highlighted or 0
            self.dismiss(self.presets[index][1])
            return
        try:
            when = parse_snooze(event.value, self.now, self.tz)
        except ValueError as error:
            self.query_one("#error", Static).update(Text(str(error)))
            return
        self.dismiss(when)

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.presets[event.option_index][1])

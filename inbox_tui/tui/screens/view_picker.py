"""The view picker (`c`): every view — statuses, channels, tags, saved searches — filtered
fuzzily by name; answers with the view to show (or None)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from inbox_tui.tui.fuzzy_filter import fuzzy_filter
from inbox_tui.tui.keymap import bindings
from inbox_tui.tui.ticket_views import ViewEntry
from inbox_tui.tui.widgets.sidebar import entry_text

SECTION_NAMES = {"channels": "channel", "tags": "tag", "searches": "saved search"}


def view_option(entry: ViewEntry, number: int | None, current: bool) -> Option:
    """One row: the sidebar's (number key, name, count), then what kind of view it is."""
    prompt = entry_text(entry, number, current)
    if entry.section in SECTION_NAMES:
        prompt.append(f"  {SECTION_NAMES[entry.section]}", "dim")
    return Option(prompt, id=entry.view)


def filter_views(entries: Sequence[ViewEntry], query: str) -> list[ViewEntry]:
    """The views whose name (or kind: "tag", "channel") matches `query`, best first."""
    return fuzzy_filter(
        entries, query, lambda entry: f"{entry.label} {SECTION_NAMES.get(entry.section, '')}"
    )


class ViewPicker(ModalScreen[str | None]):
    """Type to filter, up/down to choose, Enter shows that view."""

    BINDINGS = bindings("views")

    def __init__(self, entries: Sequence[ViewEntry], current: str) -> None:
        super().__init__()
        self.entries = list(entries)
        self.numbers = {entry.view: n for n, entry in enumerate(self.entries[:9], start=1)}
        self.current = current
        self.shown: list[ViewEntry] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text("Show a view: type its name, Enter shows it"), classes="dialog-title")
            yield Input(
                placeholder="filter: a status, channel, tag or saved search", id="view-filter"
            )
            yield OptionList(id="view-options")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(Input).focus()

    def _fill(self, query: str) -> None:
        self.shown = filter_views(self.entries, query)
        options = self.query_one(OptionList)
        options.set_options(
            view_option(entry, self.numbers.get(entry.view), entry.view == self.current)
            for entry in self.shown
        )
        if not self.shown:
            options.highlighted = None
        elif query.strip():
            options.highlighted = 0  # the best match
        else:  # the view shown now, so Enter changes nothing by surprise
            views = [entry.view for entry in self.shown]
            options.highlighted = views.index(self.current) if self.current in views else 0

    @on(Input.Changed)
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_option_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_option_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        option = self.query_one(OptionList).highlighted_option
        if option is not None:
            self.dismiss(option.id)

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

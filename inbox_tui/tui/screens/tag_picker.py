"""The tag picker: a fuzzy filter over the store's tags; answers with the tag to toggle (or None)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from inbox_tui.tui.fuzzy_filter import fuzzy_filter
from inbox_tui.tui.keymap import bindings

CREATE = "\0create"  # the option id of "create a new tag"; no tag name holds a NUL


def filter_tags(tags: list[str], query: str) -> list[str]:
    """The tags matching `query` fuzzily, best first (all of them, in order, for no query)."""
    return fuzzy_filter(tags, query)


class TagPicker(ModalScreen[str | None]):
    """Type to filter, up/down to choose, Enter to toggle that tag; a new name creates it."""

    BINDINGS = bindings("tags")

    def __init__(self, tags: list[str], counts: dict[str, int], *, targets: int) -> None:
        super().__init__()
        self.tags = tags
        self.counts = counts  # tag -> how many of the target tickets carry it
        self.targets = targets
        self.shown: list[str] = []

    def compose(self) -> ComposeResult:
        what = "this ticket" if self.targets == 1 else f"{self.targets:,} tickets"
        with Vertical(classes="dialog"):
            yield Static(Text(f"Tag {what}: Enter adds or removes"), classes="dialog-title")
            yield Input(placeholder="filter, or a new tag name", id="tag-filter")
            yield OptionList(id="tag-options")
            yield Static(Text(""), id="error", classes="dialog-error")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(Input).focus()

    def _mark(self, tag: str) -> str:
        have = self.counts.get(tag, 0)
        return "✓" if have and have >= self.targets else "◐" if have else " "

    def _fill(self, query: str) -> None:
        self.shown = filter_tags(self.tags, query)
        options = [Option(Text(f"{self._mark(tag)} {tag}"), id=tag) for tag in self.shown]
        name = query.strip()
        if name and not any(tag.casefold() == name.casefold() for tag in self.tags):
            options.append(Option(Text(f"+ create tag “{name}”"), id=CREATE))
        option_list = self.query_one(OptionList)
        option_list.set_options(options)
        option_list.highlighted = 0 if options else None

    @on(Input.Changed)
    def _filter(self, event: Input.Changed) -> None:
        self.query_one("#error", Static).update(Text(""))
        self._fill(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_option_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_option_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        option = self.query_one(OptionList).highlighted_option
        if option is None:
            self.query_one("#error", Static).update(Text("type a tag name"))
            return
        self.dismiss(event.value.strip() if option.id == CREATE else option.id)

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        value = self.query_one(Input).value.strip()
        self.dismiss(value if event.option.id == CREATE else event.option.id)

"""The sidebar: every view (status, channel, tag, saved search) with its count, in key order."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from inbox_tui.tui.ticket_views import ViewEntry

SECTION_TITLES = {"channels": "Channels", "tags": "Tags", "searches": "Saved searches"}
LABEL_WIDTH = 24  # cells for the key, the name and the count of one row


def entry_text(entry: ViewEntry, number: int | None, current: bool) -> Text:
    """One row: the number key (1–9), the view's name (plain text: tags come from users and
    mail) and its count, right-aligned; the current view marked."""
    count = f"{entry.count:,}" + ("+" if entry.capped else "")
    key = f"{number} " if number is not None else "  "
    name_width = max(1, LABEL_WIDTH - len(key) - len(count) - 1)
    name = Text(entry.label, no_wrap=True, overflow="ellipsis", end="")
    name.truncate(name_width, overflow="ellipsis", pad=True)
    text = Text(no_wrap=True, overflow="ellipsis", end="")
    text.append("▌" if current else " ", "bold" if current else "")
    text.append(key, "dim")
    text.append_text(name)
    text.append(" ")
    text.append(count, "" if entry.count else "dim")
    if current:
        text.stylize("bold")
    return text


def _title(option_id: str) -> Option:
    """A section's title ("Channels"): a row that cannot be chosen."""
    section = option_id.removeprefix("section:")
    title = Text(" " + SECTION_TITLES.get(section, section), style="dim italic")
    return Option(title, id=option_id, disabled=True)


class Sidebar(OptionList):
    """Views with live counts; Enter (or a click) on one shows it."""

    class ViewChosen(Message):
        """The user picked `view` in the sidebar."""

        def __init__(self, view: str) -> None:
            super().__init__()
            self.view = view

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._shown: tuple[str, ...] = ()  # the option ids, to update prompts in place
        self._prompts: dict[str, tuple] = {}  # what each shown prompt says, by option id
        self._last: tuple[Sequence[ViewEntry], str] = ((), "")

    def show(self, entries: Sequence[ViewEntry], current: str) -> None:
        """Show `entries` with `current` as the view shown.

        Unfocused, the highlight is the current view; focused, it is the user's cursor, and
        the current view is marked with a bar. Only prompts whose text changed are replaced:
        replacing any prompt makes the OptionList render every option again (~3 ms at
        160x48), and a view switch changes none — only the highlight moves.
        """
        self._last = (entries, current)
        marked = current if self.has_focus else None
        layout: list[str] = []  # option ids in order: section titles and views
        prompts: dict[str, tuple] = {}  # entry_text's arguments, by view
        section = "views"
        for number, entry in enumerate(entries, start=1):
            if entry.section != section:
                section = entry.section
                layout.append(f"section:{section}")
            layout.append(entry.view)
            prompts[entry.view] = (entry, number if number <= 9 else None, entry.view == marked)
        ids = tuple(layout)
        # the cursor stays where the user put it while the sidebar has focus; otherwise it
        # follows the view shown (switched with 1–9 or [ ])
        keep = self.highlighted_option.id if self.has_focus and self.highlighted_option else None
        if ids == self._shown:
            for view, prompt in prompts.items():
                if prompt != self._prompts.get(view):
                    self.replace_option_prompt(view, entry_text(*prompt))
        else:
            self._shown = ids
            self.set_options(
                Option(entry_text(*prompts[id]), id=id) if id in prompts else _title(id)
                for id in ids
            )
        self._prompts = prompts
        target = keep if keep in ids else current
        if target in ids:
            self.highlighted = ids.index(target)

    def _on_focus(self, event: events.Focus) -> None:
        super()._on_focus(event)
        self.show(*self._last)  # the current view gets its bar

    def _on_blur(self, event: events.Blur) -> None:
        super()._on_blur(event)
        self.show(*self._last)

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.ViewChosen(event.option.id))

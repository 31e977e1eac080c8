"""The composer's template picker: a filter, the suggestions line and a fuzzy-ranked list.

It answers with messages: Highlighted (the preview follows the cursor) and Chosen (the
composer fills the template in). While the filter is empty, 1/2/3 (keymap's "picker" scope)
choose a suggestion; typed into a filter that has text, they filter.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.fuzzy import Matcher
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from inbox_tui.templates import Template
from inbox_tui.tui.keymap import bindings, key_hint


def filter_templates(templates: Sequence[Template], query: str) -> list[Template]:
    """The templates whose key or name matches `query` fuzzily, best first; an exact key comes
    first (the key is the template's shortcut). All of them, in order, for no query."""
    query = query.strip()
    if not query:
        return list(templates)
    matcher = Matcher(query)
    scored = []
    for index, template in enumerate(templates):
        exact = template.key == query.lower()
        score = max(matcher.match(template.key), matcher.match(template.name))
        if exact or score > 0:
            scored.append((not exact, -score, index, template))
    return [entry[-1] for entry in sorted(scored, key=lambda entry: entry[:3])]


def template_option(template: Template, number: int | None = None) -> Option:
    """One row of the list: the suggestion number (if any), the name, then key and language."""
    prompt = Text(no_wrap=True, overflow="ellipsis")
    prompt.append(f"{number} " if number else "  ", "bold")
    prompt.append(template.name)
    prompt.append(f"  {template.key} · {template.language}", "dim")
    if template.status:
        prompt.append(f" · then {template.status}", "dim")
    return Option(prompt, id=template.key)


def suggestions_line(suggested: Sequence[Template]) -> Text:
    line = Text(no_wrap=True, overflow="ellipsis")
    if not suggested:
        line.append("no suggestion for this message: pick a template, or Tab to write", "dim")
    for number, template in enumerate(suggested, start=1):
        line.append(" · " if number > 1 else "suggested  ", "dim")
        line.append(f"{key_hint(f'picker.screen.use_suggestion({number})')} ", "bold")
        line.append(template.name)
    return line


class TemplateFilter(Input):
    """The filter input. Its keys (keymap's "picker": 1/2/3 while it is empty, Tab) are the
    composer's actions, bound here with priority: a bound digit is not typed into the filter."""

    BINDINGS = bindings("picker")


class TemplatePicker(Vertical):
    """Filter, suggestions and list; the list shows while the filter has focus (CSS)."""

    class Highlighted(Message):
        """The cursor is on `template` (None: nothing matches the filter)."""

        def __init__(self, template: Template | None) -> None:
            super().__init__()
            self.template = template

    class Chosen(Message):
        def __init__(self, template: Template) -> None:
            super().__init__()
            self.template = template

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.templates: list[Template] = []
        self.suggested: list[Template] = []
        self.shown: list[Template] = []  # the list's rows
        self.filter = TemplateFilter(
            placeholder="template: type to filter, Enter uses it; 1/2/3 suggested",
            id="template-filter",
        )

    def compose(self) -> ComposeResult:
        yield self.filter
        yield Static(Text(""), id="suggestions")
        options = OptionList(id="template-options")
        options.can_focus = False  # up/down reach it from the filter; Tab goes on to the body
        yield options

    @property
    def options(self) -> OptionList:
        return self.query_one("#template-options", OptionList)

    def show(self, templates: Sequence[Template], suggested: Sequence[Template]) -> None:
        """The templates to choose from, and the (up to three) suggested ones among them."""
        self.templates, self.suggested = list(templates), list(suggested)
        self.query_one("#suggestions", Static).update(suggestions_line(self.suggested))
        self.refill()

    def refill(self) -> None:
        """The list for the filter's text: the suggestions first, numbered, when it is empty."""
        query = self.filter.value
        if query.strip():
            self.shown = filter_templates(self.templates, query)
        else:
            rest = [t for t in self.templates if t not in self.suggested]
            self.shown = [*self.suggested, *rest]
        numbers = {t.key: n for n, t in enumerate(self.suggested, start=1)}
        options = [template_option(t, numbers.get(t.key)) for t in self.shown]
        self.options.set_options(options)
        self.options.highlighted = 0 if options else None
        self.post_message(self.Highlighted(self.shown[0] if self.shown else None))

    def suggestion(self, number: int) -> Template | None:
        """The `number`-th suggestion (1-based), if there is one."""
        return self.suggested[number - 1] if 1 <= number <= len(self.suggested) else None

    def cursor_down(self) -> None:
        self.options.action_cursor_down()

    def cursor_up(self) -> None:
        self.options.action_cursor_up()

    @on(Input.Changed, "#template-filter")
    def _filtered(self, event: Input.Changed) -> None:
        event.stop()
        self.refill()

    @on(OptionList.OptionHighlighted, "#template-options")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.shown):
            self.post_message(self.Highlighted(self.shown[event.option_index]))

    @on(Input.Submitted, "#template-filter")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        index = self.options.highlighted
        if index is None or not 0 <= index < len(self.shown):
            self.notify("no template matches: change the filter, or Tab to write your own")
            return
        self.post_message(self.Chosen(self.shown[index]))

    @on(OptionList.OptionSelected, "#template-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Chosen(self.shown[event.option_index]))

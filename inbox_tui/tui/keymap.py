"""Every key of the TUI in one table; the footer, help and palette read it from here.

A scope says where a key is live: "main" (the list+thread screen), "list" (the focused ticket
list), "thread" (the focused thread pane) and "thread_screen" (the full-screen thread).
"""

from __future__ import annotations

from typing import NamedTuple

from textual.binding import Binding


class Key(NamedTuple):
    scope: str
    key: str  # Textual key names, comma-separated for alternatives
    action: str
    description: str
    show: bool = True
    group: str | None = None  # keys of one group share one footer label


KEYMAP: tuple[Key, ...] = (
    Key("list", "j,down", "cursor_down", "Next ticket", group="Move"),
    Key("list", "k,up", "cursor_up", "Previous ticket", group="Move"),
    Key("list", "g,home", "first", "First ticket", show=False),
    Key("list", "G,end", "last", "Last ticket", show=False),
    Key("list", "pageup", "page_up", "Page up", show=False),
    Key("list", "pagedown", "page_down", "Page down", show=False),
    Key("list", "enter", "open", "Open"),
    Key("thread", "j,down", "scroll_down", "Scroll down", group="Scroll"),
    Key("thread", "k,up", "scroll_up", "Scroll up", group="Scroll"),
    Key("thread", "space,pagedown", "page_down", "Page down", show=False),
    Key("thread", "pageup", "page_up", "Page up", show=False),
    Key("thread", "g,home", "scroll_home", "Top", show=False),
    Key("thread", "G,end", "scroll_end", "Bottom", show=False),
    Key("main", "tab", "toggle_focus", "Switch pane"),
    Key("main", "1", "show_view('all')", "All tickets", group="Views"),
    Key("main", "2", "show_view('open')", "Open tickets", group="Views"),
    Key("main", "3", "show_view('pending')", "Pending tickets", group="Views"),
    Key("main", "4", "show_view('snoozed')", "Snoozed tickets", group="Views"),
    Key("main", "5", "show_view('closed')", "Closed tickets", group="Views"),
    Key("main", "q", "app.quit", "Quit"),
    Key("thread_screen", "escape,q", "close", "Back"),
)

_GROUPS: dict[str, Binding.Group] = {}


def bindings(scope: str) -> list[Binding]:
    """The Textual bindings of one scope, in table order."""
    result = []
    for key in KEYMAP:
        if key.scope != scope:
            continue
        group = None
        if key.group is not None:
            group = _GROUPS.setdefault(key.group, Binding.Group(key.group, compact=True))
        result.append(
            Binding(
                key.key,
                key.action,
                key.description,
                show=key.show,
                group=group,
                id=f"{key.scope}.{key.action}",
            )
        )
    return result

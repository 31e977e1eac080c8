"""Every key of the TUI in one table; the footer, help and palette read it from here.

A scope says where a key is live: "app" (everywhere), "main" (the list+thread screen), "list"
(the focused ticket list), "thread" (the focused thread pane), "thread_screen" (the full-screen
thread), "composer" (writing a reply), "picker" (its template filter) and the dialogs "snooze",
"tags", "views", "help" and "stats". SCOPES names them for the help screen.

Every binding has an id, "<scope>.<action>" (`main.close_tickets`); the config's `ui.keys` maps
ids to other keys (`configure`), and docs/keys.md lists them all (`keys_reference`,
`python -m inbox_tui.tui.keymap > docs/keys.md`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from textual.binding import Binding, BindingType

from inbox_tui.tui.ticket_views import VIEW_NAMES


class Key(NamedTuple):
    scope: str
    key: str  # Textual key names, comma-separated for alternatives
    action: str
    description: str
    show: bool = True
    group: str | None = None  # keys of one group share one footer label
    priority: bool = False  # wins over the focused widget's own key (ctrl+e in the TextArea)
    footer: str = ""  # a shorter label for the footer, so the hints fit 80 columns


KEYMAP: tuple[Key, ...] = (
    Key("list", "j,down", "cursor_down", "Next ticket", show=False),
    Key("list", "k,up", "cursor_up", "Previous ticket", show=False),
    Key("list", "g,home", "first", "First ticket", show=False),
    Key("list", "G,end", "last", "Last ticket", show=False),
    Key("list", "pageup", "page_up", "Page up", show=False),
    Key("list", "pagedown", "page_down", "Page down", show=False),
    Key("list", "enter", "open", "Open"),
    Key("list", "x,space", "toggle_select", "Select, go to the next", show=False),
    Key("thread", "j,down", "scroll_down", "Scroll down", show=False),
    Key("thread", "k,up", "scroll_up", "Scroll up", show=False),
    Key("thread", "space,pagedown", "page_down", "Page down", show=False),
    Key("thread", "pageup", "page_up", "Page up", show=False),
    Key("thread", "g,home", "scroll_home", "Top", show=False),
    Key("thread", "G,end", "scroll_end", "Bottom", show=False),
    Key("main", "tab", "toggle_focus", "Switch pane", show=False),
    Key("main", "r", "reply", "Reply"),
    Key("main", "e", "close_tickets", "Close"),
    Key("main", "E", "reopen_tickets", "Reopen", show=False),
    Key("main", "p", "pending_tickets", "Pending", show=False),
    Key("main", "z", "snooze_tickets", "Snooze"),
    Key("main", "t", "tag_tickets", "Tag"),
    Key("main", "f", "toggle_flag", "Flag/unflag", show=False),
    Key("main", "U", "toggle_read", "Read/unread", show=False),
    Key("main", "exclamation_mark", "cycle_priority", "Priority", show=False),
    Key("main", "u", "undo", "Undo"),
    Key("main", "slash", "search", "Search"),
    Key("main", "n", "next_result", "Next result", show=False),
    Key("main", "N", "previous_result", "Previous result", show=False),
    Key("main", "escape", "clear_search", "Clear search", show=False),
    *(
        Key("main", str(number), f"show_view({view!r})", f"{view.capitalize()} tickets", show=False)
        for number, view in enumerate(VIEW_NAMES, start=1)
    ),
    *(
        Key("main", str(number), f"view_number({number})", f"View {number} (sidebar)", show=False)
        for number in range(len(VIEW_NAMES) + 1, 10)
    ),
    Key("main", "c", "pick_view", "Views"),
    Key(
        "main",
        "i",
        "toggle_customer",
        "Customer and orders beside the preview (kept for the next start)",
        footer="Customer",
    ),
    Key("main", "left_square_bracket", "step_view(-1)", "Previous view", show=False),
    Key("main", "right_square_bracket", "step_view(1)", "Next view", show=False),
    Key("main", "s", "save_attachments", "Save attachments", show=False),
    Key("main", "R", "resend", "Resend the failed reply", show=False),
    Key("main", "S", "app.stats", "Stats: answer times, topics, trends", show=False),
    Key("main", "v", "keep_view", "Keep the search as a view (again: remove it)", show=False),
    Key("main", "o", "app.outbox", "Outbox: waiting, failed and sent replies", show=False),
    Key("main", "q", "app.quit", "Quit"),
    Key("thread_screen", "escape,q", "close", "Back"),
    Key("thread_screen", "r", "reply", "Reply"),
    Key("thread_screen", "e", "triage('close_tickets')", "Close and go back", footer="Close"),
    Key("thread_screen", "E", "triage('reopen_tickets')", "Reopen", show=False),
    Key("thread_screen", "p", "triage('pending_tickets')", "Pending and go back", show=False),
    Key("thread_screen", "z", "triage('snooze_tickets')", "Snooze"),
    Key("thread_screen", "t", "triage('tag_tickets')", "Tag"),
    Key("thread_screen", "f", "triage('toggle_flag')", "Flag/unflag", show=False),
    Key("thread_screen", "U", "triage('toggle_read')", "Read/unread", show=False),
    Key("thread_screen", "exclamation_mark", "triage('cycle_priority')", "Priority", show=False),
    Key("thread_screen", "u", "triage('undo')", "Undo"),
    Key("thread_screen", "s", "save_attachments", "Save attachments", show=False),
    Key("thread_screen", "R", "resend", "Resend the failed reply", show=False),
    Key("thread_screen", "o", "app.outbox", "Outbox", show=False),
    # Send keys are ctrl+letters. alt is only an extra (macOS terminals keep Option for accents;
    # tmux sends Escape and the letter) with priority, so it never types its letter. No alt+digit:
    # Textual reads Escape and a digit as macOS's Option characters (alt+2 types "™")
    Key("composer", "ctrl+s", "send", "Send"),
    Key(
        "composer",
        "ctrl+o,alt+e",
        "send('closed')",
        "Send and close",
        priority=True,
        footer="Send+close",
    ),
    Key(
        "composer",
        "ctrl+r,alt+p",
        "send('pending')",
        "Send, mark pending",
        priority=True,
        footer="Send+pending",
    ),
    Key(
        "composer",
        "ctrl+n",
        "next_missing",
        "Next missing value",
        priority=True,  # the focus moves before the next key is read: it types into the gap
        footer="Next gap",
    ),
    Key("composer", "escape", "close", "Close, keep the draft", footer="Close"),
    Key("composer", "ctrl+t", "pick_template", "Templates", priority=True),
    Key("composer", "ctrl+e", "edit_externally", "$EDITOR", priority=True),
    Key("composer", "f8,alt+d", "discard", "Discard draft", show=False, priority=True),
    Key("composer", "f2", "attach", "Attach a file", show=False, priority=True),
    Key(
        "composer", "f3", "remove_file", "Remove the last attached file", show=False, priority=True
    ),
    Key("composer", "down", "option_down", "Next template", show=False),
    Key("composer", "up", "option_up", "Previous template", show=False),
    # The picker's keys act on the composer ("screen.") at once, before the next key is read:
    # typing right after 1 goes into the reply, not the filter. In the text: ctrl+t, then 1
    *(
        Key(
            "picker",
            str(n),
            f"screen.use_suggestion({n})",
            f"Use suggestion {n}",
            show=False,
            priority=True,
        )
        for n in (1, 2, 3)
    ),
    Key("picker", "tab", "screen.write_own", "Write your own reply", show=False, priority=True),
    Key("snooze", "down", "preset_down", "Next preset", group="Choose"),
    Key("snooze", "up", "preset_up", "Previous preset", group="Choose"),
    Key("snooze", "escape", "cancel", "Cancel"),
    Key("tags", "down", "option_down", "Next tag", group="Choose"),
    Key("tags", "up", "option_up", "Previous tag", group="Choose"),
    Key("tags", "escape", "cancel", "Cancel"),
    Key("views", "down", "option_down", "Next view", group="Choose"),
    Key("views", "up", "option_up", "Previous view", group="Choose"),
    Key("views", "escape", "cancel", "Cancel"),
    Key("help", "escape,q,question_mark", "close", "Close help"),
    Key("attach", "tab", "complete", "Complete the path", priority=True),
    Key("attach", "escape", "cancel", "Cancel"),
    Key("confirm", "y,enter", "yes", "Yes"),
    Key("confirm", "n,escape", "no", "No"),
    Key("outbox", "j,down", "cursor_down", "Next reply", show=False),
    Key("outbox", "k,up", "cursor_up", "Previous reply", show=False),
    Key("outbox", "c", "cancel_reply", "Cancel: back to draft", footer="Cancel"),
    Key("outbox", "e", "edit_reply", "Edit in the composer", footer="Edit"),
    Key("outbox", "R", "resend_reply", "Resend a failed reply", footer="Resend"),
    Key("outbox", "escape,q", "close", "Back"),
    Key("stats", "j,down", "cursor_down", "Next line", show=False),
    Key("stats", "k,up", "cursor_up", "Previous line", show=False),
    Key("stats", "g,home", "first", "First line", show=False),
    Key("stats", "G,end", "last", "Last line", show=False),
    Key("stats", "enter", "open_view", "Open its tickets", priority=True),
    Key("stats", "p", "period", "Period: 7, 30 or 90 days"),
    Key("stats", "escape,q", "close", "Close"),
    Key("app", "question_mark,f1", "help", "Help"),  # f1: where ? is typed (the composer)
)

SCOPES: dict[str, str] = {
    "app": "Everywhere",
    "main": "Inbox",
    "list": "Ticket list",
    "thread": "Thread pane",
    "thread_screen": "Full-screen thread",
    "composer": "Reply composer",
    "picker": "Template picker (while its filter is empty)",
    "snooze": "Snooze dialog",
    "tags": "Tag picker",
    "views": "View picker",
    "help": "This help",
    "attach": "Attach a file (composer)",
    "confirm": "Questions (close with a draft?)",
    "outbox": "Outbox",
    "stats": "Stats",
}
"""Every scope of KEYMAP with its title, in the order the help screen lists them."""

_KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "exclamation_mark": "!",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "space": "space",
    "pageup": "PgUp",
    "pagedown": "PgDn",
}


class UnknownKeyAction(Exception):
    """`ui.keys` names an action id the table does not have; str() is one line."""


_overrides: dict[str, str] = {}  # the config's ui.keys, once `configure` checked them


def binding_id(key: Key) -> str:
    return f"{key.scope}.{key.action}"


def configure(overrides: Mapping[str, str]) -> dict[str, str]:
    """Take the config's `ui.keys` (id → keys) for help, palette and footer; returns the
    keymap to give `App.set_keymap`. UnknownKeyAction for an id not in the table."""
    known = {binding_id(key) for key in KEYMAP}
    unknown = sorted(set(overrides) - known)
    if unknown:
        close = [i for i in sorted(known) if i.split(".", 1)[-1] == unknown[0].split(".", 1)[-1]]
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise UnknownKeyAction(
            f"ui.keys: no action {unknown[0]!r}{hint}; docs/keys.md lists the action ids"
        )
    _overrides.clear()
    _overrides.update(overrides)
    return dict(overrides)


def keys_of(key: Key) -> str:
    """The keys that run this binding: the config's, else the table's."""
    return _overrides.get(binding_id(key), key.key)


def key_hint(id: str) -> str:
    """The first key that runs binding `id` ("composer.send" → "ctrl+s"), for lines that tell
    the seller what to press: the config's key once it is changed."""
    key = next(key for key in KEYMAP if binding_id(key) == id)
    return key_label(keys_of(key).split(",")[0])


def key_label(keys: str) -> str:
    """The keys of a binding as people type them: "j/↓", "?", "x/space"."""
    names = []
    for name in keys.split(","):
        name = _KEY_NAMES.get(name, name)
        names.append({"down": "↓", "up": "↑", "enter": "Enter", "escape": "Esc"}.get(name, name))
    return "/".join(names)


_GROUPS: dict[str, Binding.Group] = {}


def bindings(scope: str) -> list[BindingType]:
    """The Textual bindings of one scope, in table order."""
    result: list[BindingType] = []
    for key in KEYMAP:
        if key.scope != scope:
            continue
        group = None
        if key.group is not None:
            group = _GROUPS.setdefault(key.group, Binding.Group(key.group, compact=True))
        result.append(
            Binding(
                key.key,  # the config's keys come in through App.set_keymap, by id
                key.action,
                key.footer or key.description,
                show=key.show,
                group=group,
                priority=key.priority,
                tooltip=key.description if key.footer else "",
                id=binding_id(key),
            )
        )
    return result


def keys_reference() -> str:
    """docs/keys.md: every action id with its default keys, by scope."""
    lines = [
        "<!-- Generated from inbox_tui/tui/keymap.py. Do not edit: regenerate with"
        " `python -m inbox_tui.tui.keymap > docs/keys.md` -->",
        "",
        "# Keys",
        "",
        "Every key of the TUI, by where it works. To change one, map its id to other keys in",
        "the config (Textual key names, comma-separated for several):",
        "",
        "```yaml",
        "ui:",
        "  keys:",
        "    main.close_tickets: a",
        "    main.undo: ctrl+z,u",
        "```",
        "",
        "The help screen (`?`), the footer and the command palette show the keys in use.",
    ]
    for scope, title in SCOPES.items():
        keys = [key for key in KEYMAP if key.scope == scope]
        if not keys:
            continue
        lines += ["", f"## {title}", "", "| id | keys | does |", "|---|---|---|"]
        for key in keys:
            shown = key_label(key.key).replace("|", "\\|")
            lines.append(f"| `{binding_id(key)}` | {shown} | {key.description} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(keys_reference())

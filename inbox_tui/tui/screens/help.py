"""The help screen: every key of KEYMAP, grouped by where it works (generated, never hand-written)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from inbox_tui.tui.keymap import KEYMAP, SCOPES, Key, bindings, key_label, keys_of


def help_text(keymap: tuple[Key, ...] = KEYMAP) -> Text:
    """Each scope's title, then one line per binding: keys, then what they do."""
    text = Text(end="")
    scopes = list(SCOPES) + sorted({key.scope for key in keymap} - set(SCOPES))
    for scope in scopes:
        keys = [key for key in keymap if key.scope == scope]
        if not keys:
            continue
        if text:
            text.append("\n")
        text.append(SCOPES.get(scope, scope), "bold underline")
        text.append("\n")
        for key in keys:
            text.append(f"  {key_label(keys_of(key)):<14}", "bold")
            text.append(key.description + "\n")
    return text


class HelpScreen(ModalScreen[None]):
    """Every binding by screen; Escape, q or ? closes it."""

    BINDINGS = bindings("help")

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Static(Text("Keys", style="bold"), classes="dialog-title")
            yield Static(help_text(), id="help-keys")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)

"""The attach dialog: type a file's path (Tab or → completes it, ~ is home); Enter attaches it."""

from __future__ import annotations

import os
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Static

from inbox_tui.tui.keymap import bindings
from inbox_tui.tui.typed_first import after_typed_keys


def complete_path(value: str) -> str | None:
    """`value` completed to the first file or folder it starts (folders end in "/"), or None."""
    if not value:
        return None
    typed = Path(os.path.expanduser(value))
    folder, start = (typed, "") if value.endswith("/") else (typed.parent, typed.name)
    try:
        names = sorted(
            entry.name + ("/" if entry.is_dir() else "")
            for entry in os.scandir(folder)
            if entry.name.startswith(start)
            and (start.startswith(".") or not entry.name.startswith("."))
        )
    except OSError:
        return None
    if not names:
        return None
    head = value if value.endswith("/") else value[: len(value) - len(start)]
    return head + names[0]


class PathSuggester(Suggester):
    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        found = complete_path(value)
        return found if found != value else None


class AttachScreen(ModalScreen[str | None]):
    """Answers with the typed path (None when cancelled)."""

    BINDINGS = bindings("attach")

    def __init__(self, attached: list[str]) -> None:
        super().__init__()
        self.attached = attached

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="attach"):
            yield Static(Text("Attach a file to the reply"), classes="dialog-title")
            if self.attached:
                yield Static(Text("attached: " + ", ".join(self.attached), "dim"))
            yield Input(
                placeholder="path, e.g. ~/labels/return-1042.pdf (Tab completes)",
                suggester=PathSuggester(),
                id="attach-path",
            )

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @after_typed_keys
    def action_complete(self) -> None:
        field = self.query_one(Input)
        found = complete_path(field.value)
        if found:
            field.value = found
            field.cursor_position = len(found)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

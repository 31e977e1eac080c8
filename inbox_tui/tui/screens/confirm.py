"""A yes/no question the keyboard answers (y or Enter: yes; n or Esc: no), and the one the
inbox asks before closing a ticket whose reply is still a draft."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from inbox_tui.store.db import Store
from inbox_tui.store.drafts import tickets_with_drafts
from inbox_tui.tui.keymap import bindings, key_hint


class ConfirmScreen(ModalScreen[bool]):
    """Answers True for yes, False for no."""

    BINDINGS = bindings("confirm")

    def __init__(self, question: str, *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question = question
        self.yes, self.no = yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="confirm"):
            yield Static(Text(self.question), classes="dialog-title")
            keys = Text()
            keys.append(key_hint("confirm.yes"), "bold")
            keys.append(f" {self.yes}   ")
            keys.append(key_hint("confirm.no"), "bold")
            keys.append(f" {self.no}")
            yield Static(keys, id="confirm-keys")

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(False)


def unsent_drafts_question(store: Store, ticket_ids: Sequence[int]) -> str | None:
    """The question to ask before closing `ticket_ids` when some have a reply still in draft
    (it would never be sent: closing does not send it); None when none has one."""
    drafted = sorted(tickets_with_drafts(store, ticket_ids))
    if not drafted:
        return None
    which = f"#{drafted[0]} has" if len(drafted) == 1 else f"{len(drafted)} tickets have"
    return f"{which} an unsent reply draft. Close anyway? (the draft is kept, not sent)"

"""The inbox app: the composition root that wires the store to the screens."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from textual.app import App
from textual.screen import Screen

from inbox_tui.store.db import Store
from inbox_tui.tui.screens.main import MainScreen


class UnknownTheme(ValueError):
    """The configured theme is not one Textual knows."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


class InboxApp(App[None]):
    """A keyboard-driven inbox over one store."""

    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        store: Store,
        *,
        title: str = "inbox-tui",
        theme: str = "textual-dark",
        page_size: int = 200,
        now: Callable[[], datetime] = _utc_now,
    ) -> None:
        super().__init__()
        self.store = store
        self.page_size = page_size
        self.now = now  # injectable clock: ages in the list are relative to it
        self.title = title
        if theme not in self.available_themes:
            choices = ", ".join(sorted(self.available_themes))
            raise UnknownTheme(f"unknown theme {theme!r}; choose one of: {choices}")
        self.theme = theme

    def get_default_screen(self) -> Screen:
        return MainScreen(self.store, now=self.now, page_size=self.page_size)


def run_tui(store: Store, **kw: Any) -> None:
    """Run the inbox on the terminal until the user quits."""
    InboxApp(store, **kw).run()

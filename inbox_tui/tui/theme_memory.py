"""The theme chosen in the command palette, kept across restarts in the state folder.

The config is the seller's own file (comments, order, maybe under version control): the app
never writes it. The choice is kept beside it with the `ui.theme` it was made over, so the
newer choice wins: the palette's, until the seller edits `ui.theme` to something else.
"""

from __future__ import annotations

from collections.abc import Container
from pathlib import Path

from inbox_tui.tui.ui_state import read_ui_state, write_ui_state


def remembered_theme(configured: str, available: Container[str], path: Path | None = None) -> str:
    """The theme to start with: the one chosen in the palette, unless `ui.theme` changed
    since (or the file is unreadable, or Textual no longer has that theme)."""
    state = read_ui_state(path)
    chosen, over = state.get("theme"), state.get("over")
    if over == configured and isinstance(chosen, str) and chosen in available:
        return chosen
    return configured


def remember_theme(theme: str, configured: str, path: Path | None = None) -> str | None:
    """Keep `theme` for the next start (the other things tui.json keeps stay); the reason in
    one line when it cannot be kept."""
    return write_ui_state({"theme": theme, "over": configured}, "the theme", path)


class ThemeMemory:
    """The app's theme across runs: `start` gives the one to open with, `chosen` keeps a new
    one (and says in one line when it cannot)."""

    def __init__(self, configured: str, path: Path | None = None) -> None:
        self.configured = configured
        self.path = path
        self.kept = configured

    def start(self, available: Container[str]) -> str:
        self.kept = remembered_theme(self.configured, available, self.path)
        return self.kept

    def chosen(self, theme: str) -> str | None:
        if theme == self.kept:  # Textual announces the theme it starts with, too
            return None
        self.kept = theme
        return remember_theme(theme, self.configured, self.path)

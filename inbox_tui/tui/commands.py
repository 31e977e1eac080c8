"""Command-palette provider: every action of KEYMAP that works on the current screen, with its key."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from rich.text import Text
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.widget import Widget

from inbox_tui.tui.keymap import KEYMAP, Key, key_label, keys_of

PALETTE_SCOPES = ("main", "list", "thread", "thread_screen", "composer", "app")
"""Scopes whose actions the palette offers (dialog keys are left to the dialogs)."""


def palette_entry(key: Key) -> str:
    """How an action reads in the palette: "Close  (e)"."""
    return f"{key.description}  ({key_label(keys_of(key))})"


def _in_scope(binding: object, scope: str) -> bool:
    """Whether a class's binding came from KEYMAP's `scope` (keymap.bindings sets its id)."""
    return isinstance(binding, Binding) and (binding.id or "").startswith(scope + ".")


class KeymapCommands(Provider):
    """Lists and runs the actions of KEYMAP; each entry shows the key that does the same."""

    def _targets(self) -> Iterator[tuple[Key, Widget]]:
        for key in KEYMAP:
            if key.scope not in PALETTE_SCOPES:
                continue
            target = self._target(key.scope)
            if target is not None:
                yield key, target

    def _target(self, scope: str) -> Widget | None:
        """The widget (or screen, or app) whose bindings hold this scope, if it is here."""
        screen = self.screen
        if scope == "app":
            return screen  # app actions are run as "app.<name>" from the screen
        for widget in (screen, *screen.query("*")):
            if any(_in_scope(binding, scope) for binding in type(widget).BINDINGS):
                return widget
        return None

    def _run(self, key: Key, target: Widget) -> None:
        action = f"app.{key.action}" if key.scope == "app" else key.action
        self.app.call_later(target.run_action, action)

    async def discover(self) -> Hits:
        for key, target in self._targets():
            yield DiscoveryHit(
                Text(palette_entry(key)),
                partial(self._run, key, target),
                text=palette_entry(key),
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for key, target in self._targets():
            entry = palette_entry(key)
            score = matcher.match(entry)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(entry), partial(self._run, key, target), text=entry
                )

"""The footer: the screen's keys in the key table's order, as many whole hints as fit, and
`? Help` always (it lists every key), so no hint is cut at 80 columns.

Textual's Footer composes its hints only after the screen's first frame, and again after
every change of the bindings it is told about (each focus change, each mount): at start the
main screen's footer was composed five times over, each a dozen widgets removed, mounted and
styled (~0.4 s of CPU after the list's frame, before the hints showed). Here the hints are
made again only when what they say changes, and the main screen has them composed before its
first frame (`compose_now`), so they show with the list.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from inbox_tui.tui.keymap import KEYMAP, binding_id

HELP_ID = "app.help"
_ORDER = {binding_id(key): index for index, key in enumerate(KEYMAP)}


def hint_width(key_display: str, description: str, *, compact: bool) -> int:
    """Cells one hint takes in Textual's footer: " key desc " wide, "key desc" and a margin
    compact (FooterKey's CSS)."""
    text = cell_len(key_display) + (cell_len(description) + 1 if description else 0)
    return text + (1 if compact else 2)


def fit_hints(widths: list[int], pinned: set[int], room: int) -> set[int]:
    """The indices of the hints to show: the pinned ones, then the others in order while the
    line has room for them (a hint never shows cut)."""
    left = room - sum(widths[i] for i in pinned)
    shown = set(pinned)
    for index, width in enumerate(widths):
        if index in pinned:
            continue
        if width > left:
            break
        shown.add(index)
        left -= width
    return shown


class Hint(NamedTuple):
    """What one FooterKey shows and does: the footer is made again only when these change."""

    key: str
    key_display: str
    description: str
    action: str
    disabled: bool
    tooltip: str
    classes: str


class KeyFooter(Footer):
    """Textual's Footer, ordered by KEYMAP and fitted to the width (compact first, then
    dropping the last hints; the help key stays); composed again only when its hints change."""

    def __init__(self) -> None:
        super().__init__()
        self._composed: tuple[Hint, ...] | None = None  # the hints the widgets show
        self._recompose_asked = False

    def hints(self) -> tuple[Hint, ...]:
        """The hints of the screen's active bindings, in KEYMAP order, the palette's last."""
        seen: dict[str, tuple[Binding, bool, str]] = {}
        active = self.screen.active_bindings
        for _, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in seen:
                seen[binding.action] = (binding, enabled, tooltip)
        palette = self.app.COMMAND_PALETTE_BINDING
        hints = []
        for binding, enabled, tooltip in sorted(
            seen.values(), key=lambda entry: _ORDER.get(entry[0].id or "", len(_ORDER))
        ):
            if binding.key == palette:
                continue  # docked on the right by Footer
            hints.append(
                self._hint(binding, enabled, tooltip, "-help" if binding.id == HELP_ID else "")
            )
        entry = active.get(palette)
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE and entry is not None:
            _, binding, enabled, _ = entry
            tooltip = binding.tooltip or binding.description
            hints.append(self._hint(binding, enabled, tooltip, "-command-palette"))
        return tuple(hints)

    def _hint(self, binding: Binding, enabled: bool, tooltip: str, classes: str) -> Hint:
        display = self.app.get_key_display(binding)
        return Hint(
            binding.key, display, binding.description, binding.action, not enabled, tooltip, classes
        )

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        self._composed = self.hints()
        keys = [
            FooterKey(
                hint.key,
                hint.key_display,
                hint.description,
                hint.action,
                disabled=hint.disabled,
                tooltip=hint.tooltip,
                classes=hint.classes,
            )
            for hint in self._composed
        ]
        # fitted now, before they are mounted and styled: fitted after, each change of
        # `compact` would restyle every key once more (and the footer's class, all of them)
        compact, shown = self._fitting(keys)
        self.set_reactive(Footer.compact, compact)
        self.set_class(compact, "-compact", update=False)
        for key in keys:
            palette = key.has_class("-command-palette")  # not bound: compact as Textual's
            key.set_reactive(FooterKey.compact, compact or palette)
            key.set_class(compact or palette, "-compact", update=False)
            if palette:
                yield key
                continue
            key.display = key in shown
            yield key.data_bind(compact=Footer.compact)

    def bindings_changed(self, screen: Screen) -> None:
        """Textual's Footer composes itself again after every such call (five at start): here
        once, after the next frame, and only when the hints it would show differ."""
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self._recompose_asked and self.hints() != self._composed:
            self._recompose_asked = True
            self.call_after_refresh(self.recompose)

    async def compose_now(self) -> None:
        """The hints for the screen's bindings as they are now (its focus set), before the
        screen's first frame: from the screen's on_mount."""
        self._bindings_ready = True
        with self._context():  # composed as the footer's own (its keys bind to its `compact`)
            await self.recompose()

    async def recompose(self) -> None:
        """The hints again (the bindings changed), fitted before they are drawn."""
        self._recompose_asked = False
        if not self.is_attached:  # its screen closed meanwhile (the composer, quickly)
            return
        if self._composed is not None and self.hints() == self._composed:
            return
        await super().recompose()
        self._fit()

    def on_resize(self, event: events.Resize) -> None:
        self._fit()

    def _fitting(self, keys: list[FooterKey]) -> tuple[bool, set[FooterKey]]:
        """Whether `keys` go compact (when they do not fit wide), and those that fit."""
        hints = [key for key in keys if not key.has_class("-command-palette")]
        # before the first layout: the screen's, or before that the app's (the footer spans it)
        room = self.size.width or self.screen.size.width or self.app.size.width
        for palette in keys:
            if palette.has_class("-command-palette"):
                room -= hint_width(palette.key_display, palette.description, compact=False)
        pinned = {i for i, key in enumerate(hints) if key.has_class("-help")}
        for compact in (False, True):
            widths = [hint_width(k.key_display, k.description, compact=compact) for k in hints]
            if compact or sum(widths) <= room:
                break
        # the last hint's margin may fall under the palette's line
        shown = fit_hints(widths, pinned, room + (1 if compact else 0))
        return compact, {key for index, key in enumerate(hints) if index in shown}

    def _fit(self) -> None:
        """Compact when the hints do not fit wide, and then only those that fit."""
        if not self.is_attached:  # its screen closed while the hints were made again
            return
        keys = list(self.query(FooterKey))
        compact, shown = self._fitting(keys)
        self.compact = compact
        for key in keys:
            if not key.has_class("-command-palette"):
                key.display = key in shown

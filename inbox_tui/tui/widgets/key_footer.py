"""The footer: the screen's keys in the key table's order, as many whole hints as fit, and
`? Help` always (it lists every key), so no hint is cut at 80 columns."""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
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


class KeyFooter(Footer):
    """Textual's Footer, ordered by KEYMAP and fitted to the width (compact first, then
    dropping the last hints; the help key stays)."""

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        seen: dict[str, tuple[Binding, bool, str]] = {}
        for _, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in seen:
                seen[binding.action] = (binding, enabled, tooltip)
        palette = self.app.COMMAND_PALETTE_BINDING
        for binding, enabled, tooltip in sorted(
            seen.values(), key=lambda entry: _ORDER.get(entry[0].id or "", len(_ORDER))
        ):
            classes = "-help" if binding.id == HELP_ID else ""
            if binding.key == palette:
                continue  # docked on the right by Footer below
            yield FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                disabled=not enabled,
                tooltip=tooltip,
                classes=classes,
            ).data_bind(compact=Footer.compact)
        yield from self._palette_key()

    async def recompose(self) -> None:
        """The hints again (the bindings changed), fitted before they are drawn."""
        await super().recompose()
        self._fit()

    def _palette_key(self) -> ComposeResult:
        if not (self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE):
            return
        active = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
        if active is None:
            return
        _, binding, enabled, _ = active
        yield FooterKey(
            binding.key,
            self.app.get_key_display(binding),
            binding.description,
            binding.action,
            classes="-command-palette",
            disabled=not enabled,
            tooltip=binding.tooltip or binding.description,
        )

    def on_resize(self, event: events.Resize) -> None:
        self._fit()

    def _fit(self) -> None:
        """Compact when the hints do not fit wide, and then only those that fit."""
        if not self.is_attached:  # its screen closed while the hints were made again
            return
        keys = [key for key in self.query(FooterKey) if not key.has_class("-command-palette")]
        room = self.size.width or self.screen.size.width  # before the first layout: the screen's
        for palette in self.query(FooterKey).filter(".-command-palette"):
            room -= hint_width(palette.key_display, palette.description, compact=False)
        pinned = {i for i, key in enumerate(keys) if key.has_class("-help")}
        for compact in (False, True):
            widths = [hint_width(k.key_display, k.description, compact=compact) for k in keys]
            if compact or sum(widths) <= room:
                break
        self.compact = compact
        # the last hint's margin may fall under the palette's line
        shown = fit_hints(widths, pinned, room + (1 if compact else 0))
        for index, key in enumerate(keys):
            key.display = index in shown

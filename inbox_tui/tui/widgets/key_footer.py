"""The footer: the screen's keys in the key table's order, as many whole hints as fit, and
`? Help` always (it lists every key), so no hint is cut at 80 columns.

Textual's Footer composes its hints only after the screen's first frame, and again after
every change of the bindings it is told about (each focus change, each mount): at start the
main screen's footer was composed five times over, each a dozen widgets removed, mounted and
styled (~0.4 s of CPU after the list's frame, before the hints showed). Here the hints are
made again only when what they say changes, and the main screen has them composed before its
first frame (`compose_now`), so they show with the list.

The hints are drawn by one widget (`HintLine`), not one FooterKey each: a dozen widgets were a
third of the first screen's, each registered, styled, laid out and drawn on the way to the first
frame (~8 % of a start's CPU). It draws them as FooterKeys do, from the same CSS (the same
colours, padding, margins, bold, dim and hover), and acts as they do: a click types the hint's
key (a bell when it is disabled), the pointer and the tooltip follow the mouse. The command
palette's hint, docked on the right with its border, stays a FooterKey.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget
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


class HintLine(Widget):
    """The footer's hints in one line, drawn as Textual's FooterKeys draw them (their CSS is
    repeated here: FooterKey's own, and Footer's margin between compact keys)."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "footer-key--key",
        "footer-key--description",
        "footer-key--hover",
    }
    DEFAULT_CSS = """
    HintLine {
        width: 1fr;
        height: 1;
        background: $footer-item-background;
        .footer-key--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .footer-key--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .footer-key--hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.hints: tuple[Hint, ...] = ()  # those shown, in order
        self.compact = False
        self._hovered: int | None = None  # the index of the hint under the mouse

    def show(self, hints: tuple[Hint, ...], *, compact: bool) -> None:
        if (hints, compact) != (self.hints, self.compact):
            self.hints, self.compact = hints, compact
            self._hover(None)
            self.refresh()

    def pieces(self, hint: Hint) -> tuple[str, str]:
        """The key's cells and the description's, padded as FooterKey pads them (key `0 1`
        and description `0 1 0 0`; compact: key `0`, description `0 0 0 1`)."""
        if not hint.description:
            return hint.key_display, ""
        if self.compact:
            return hint.key_display, " " + hint.description
        return f" {hint.key_display} ", hint.description + " "

    def spans(self) -> list[tuple[int, int]]:
        """Each shown hint's cells on this line: (first, after the last); compact hints are
        one cell apart (Footer's `margin-right: 1`)."""
        spans, x = [], 0
        for hint in self.hints:
            width = sum(map(cell_len, self.pieces(hint)))
            spans.append((x, x + width))
            x += width + (1 if self.compact else 0)
        return spans

    def hint_at(self, x: int) -> int | None:
        return next((i for i, (a, b) in enumerate(self.spans()) if a <= x < b), None)

    def _style(self, component: str, hovered: bool) -> Style:
        style = self.get_component_rich_style(component)
        if not hovered:
            return style
        # as FooterKey:hover draws it: its background over the footer's, the component's over it
        parts = self.get_component_styles(component)
        background = (
            self.background_colors[0]
            + self.get_component_styles("footer-key--hover").background
            + parts.background
        )
        return style + Style.from_color(
            (background + parts.color).rich_color, background.rich_color
        )

    def render_line(self, y: int) -> Strip:
        base = self.rich_style
        margin = Style.from_color(None, base.bgcolor)  # the footer's background, as a margin
        segments: list[Segment] = []
        for index, hint in enumerate(self.hints):
            hovered = index == self._hovered
            dim = Style(dim=True) if hint.disabled else Style()
            key, description = self.pieces(hint)
            segments.append(Segment(key, base + self._style("footer-key--key", hovered) + dim))
            if description:
                style = self._style("footer-key--description", hovered)
                segments.append(Segment(description, base + style + dim))
            if self.compact:
                segments.append(Segment(" ", margin))
        strip = Strip(segments)
        return strip.crop(0, self.size.width) if self.size.width else strip

    def _hover(self, index: int | None) -> None:
        if index == self._hovered:
            return
        self._hovered = index
        hint = self.hints[index] if index is not None else None
        self.tooltip = hint.tooltip if hint is not None and hint.tooltip else None
        self.styles.pointer = "pointer" if hint is not None else "default"
        self.refresh()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._hover(self.hint_at(event.x))

    def on_leave(self, event: events.Leave) -> None:
        self._hover(None)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        index = self.hint_at(event.x)
        if index is None:
            return
        if self.hints[index].disabled:
            self.app.bell()
        else:
            self.app.simulate_key(self.hints[index].key)


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
        line = HintLine()
        palette = None
        for hint in self._composed:
            if "-command-palette" in hint.classes:
                palette = FooterKey(
                    hint.key,
                    hint.key_display,
                    hint.description,
                    hint.action,
                    disabled=hint.disabled,
                    tooltip=hint.tooltip,
                    classes=hint.classes,
                )
        # fitted now, before they are mounted and styled: fitted after, each change of
        # `compact` would restyle the palette's key once more (and the footer's class)
        compact, shown = self._fitting(palette)
        self.set_reactive(Footer.compact, compact)
        self.set_class(compact, "-compact", update=False)
        line.show(shown, compact=compact)
        yield line
        if palette is not None:  # not bound: compact as Textual's
            palette.set_reactive(FooterKey.compact, True)
            palette.set_class(True, "-compact", update=False)
            yield palette

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

    def _fitting(self, palette: FooterKey | None) -> tuple[bool, tuple[Hint, ...]]:
        """Whether the hints go compact (when they do not fit wide), and those that fit."""
        hints = [h for h in self._composed or () if "-command-palette" not in h.classes]
        # before the first layout: the screen's, or before that the app's (the footer spans it)
        room = self.size.width or self.screen.size.width or self.app.size.width
        if palette is not None:
            room -= hint_width(palette.key_display, palette.description, compact=False)
        pinned = {i for i, hint in enumerate(hints) if "-help" in hint.classes}
        for compact in (False, True):
            widths = [hint_width(h.key_display, h.description, compact=compact) for h in hints]
            if compact or sum(widths) <= room:
                break
        # the last hint's margin may fall under the palette's line
        shown = fit_hints(widths, pinned, room + (1 if compact else 0))
        return compact, tuple(hint for index, hint in enumerate(hints) if index in shown)

    def _fit(self) -> None:
        """Compact when the hints do not fit wide, and then only those that fit."""
        if not self.is_attached:  # its screen closed while the hints were made again
            return
        palettes = list(self.query(FooterKey))
        compact, shown = self._fitting(palettes[0] if palettes else None)
        self.compact = compact
        for line in self.query(HintLine):
            line.show(shown, compact=compact)

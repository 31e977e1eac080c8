"""A screen's width classes, set before its widgets are mounted rather than after.

Textual sets a screen's breakpoint classes (`-narrow`, `-wide`) on its first Resize, after
the widgets are mounted and styled, and every class that changes then restyles every widget
of the screen again: at start that was two more passes over the main screen's ~60 widgets
(~20 ms of its first frame), and one more each time the composer or a thread opens.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.screen import Screen


def preset_width_classes(screen: Screen, extra: Mapping[str, bool] | None = None) -> None:
    """From `compose`: the classes the first Resize would give `screen` at the app's width,
    plus `extra`, without a restyle (nothing is mounted yet); that Resize then changes none."""
    width = screen.app.size.width
    breakpoints = screen.HORIZONTAL_BREAKPOINTS or screen.app.HORIZONTAL_BREAKPOINTS or []
    reached = [name for start, name in sorted(breakpoints) if width >= start][-1:]
    classes = {name: name in reached for _, name in breakpoints}
    screen.update_classes({**classes, **(extra or {})}, update=False)

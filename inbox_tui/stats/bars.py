"""Daily counts as a line of bars (▁▂▃▄▅▆▇█), for the stats screen and the printed report.

Pure: values in, runs of (characters, shade) out; the caller colours the shades. Bars start at
zero (a day with twice the tickets is twice as tall), a day with none is a dim ▁ on the axis,
and a chart may be several rows tall (eight steps a row). Textual's Sparkline draws the same
glyphs but scales from the lowest value to the highest and costs ~5 ms a chart of 100 columns
(a Fraction and a colour per bar): 34 of them took a third of a second to show the demo's stats.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

BLOCKS = " ▁▂▃▄▅▆▇█"
SHADES = 4  # shades from the lowest bar to the highest; 0 is the axis (a day with none)


def columns(values: Sequence[float], width: int) -> list[float]:
    """`values` spread over `width` columns: each value over as many whole columns as fit,
    or, when there are more values than columns, the highest of each group."""
    if not values or width <= 0:
        return []
    if len(values) <= width:
        per = width // len(values)
        return [value for value in values for _ in range(per)]
    size = len(values) / width
    return [max(values[int(i * size) : max(int(i * size) + 1, int((i + 1) * size))])
            for i in range(width)]  # fmt: skip


def bar_rows(values: Sequence[float], width: int, height: int = 1) -> list[list[tuple[str, int]]]:
    """The chart's rows, top first, each a list of runs (characters, shade 0..SHADES)."""
    spread = columns(values, width)
    top = max(spread, default=0)
    steps = 8 * height
    levels = [0 if v <= 0 or top <= 0 else max(1, math.ceil(steps * v / top)) for v in spread]
    shades = [0 if v <= 0 or top <= 0 else max(1, math.ceil(SHADES * v / top)) for v in spread]
    rows = []
    for row in reversed(range(height)):
        runs: list[tuple[str, int]] = []
        for level, shade in zip(levels, shades, strict=True):
            eighths = min(8, max(0, level - 8 * row))
            char = BLOCKS[eighths] if level else "▁" if row == 0 else " "
            if runs and runs[-1][1] == shade:
                runs[-1] = (runs[-1][0] + char, shade)
            else:
                runs.append((char, shade))
        rows.append(runs)
    return rows

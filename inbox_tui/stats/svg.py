"""The report's charts as SVG, built with ElementTree (well-formed, every text escaped) and
drawn in `currentColor` where they need ink, so the page's light or dark style decides.

Pure: numbers in, markup out; no fonts or files from anywhere (the HTML report works offline).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import date

from inbox_tui.times import short_day

PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#b07aa1", "#9c755f")
AXIS = 40  # room on the left for the scale
FOOT = 22  # room under the plot for the dates


def _svg(width: int, height: int, title: str) -> ET.Element:
    svg = ET.Element(
        "svg",
        {
            "viewBox": f"0 0 {width} {height}",
            "width": str(width),
            "height": str(height),
            "role": "img",
            "class": "chart",
        },
    )
    ET.SubElement(svg, "title").text = title
    return svg


def _text(parent: ET.Element, x: float, y: float, text: str, anchor: str = "start") -> None:
    ET.SubElement(
        parent,
        "text",
        {"x": f"{x:.1f}", "y": f"{y:.1f}", "text-anchor": anchor, "font-size": "11",
         "fill": "currentColor"},
    ).text = text  # fmt: skip


def _frame(svg: ET.Element, width: int, height: int, top: float, dates: Sequence[date]) -> None:
    """The scale's top value on the left, a baseline, and the first, middle and last dates."""
    base = height - FOOT
    _text(svg, AXIS - 6, 12, _number(top), "end")
    _text(svg, AXIS - 6, base, "0", "end")
    ET.SubElement(svg, "line", {"x1": str(AXIS), "y1": str(base), "x2": str(width),
                                "y2": str(base), "stroke": "currentColor", "stroke-opacity": "0.4"})  # fmt: skip
    if dates:
        step = (width - AXIS) / len(dates)
        for index in sorted({0, len(dates) // 2, len(dates) - 1}):
            x = AXIS + step * (index + 0.5)
            anchor = "start" if index == 0 else "end" if index == len(dates) - 1 else "middle"
            _text(svg, x, height - 6, short_day(dates[index]), anchor)


def _plot(
    title: str, dates: Sequence[date], top: float, width: int, height: int
) -> tuple[ET.Element, float, float]:
    """A chart with its frame: the element, the plot's height, and the width of a day."""
    svg = _svg(width, height, title)
    _frame(svg, width, height, top, dates)
    return svg, height - FOOT - 14, (width - AXIS) / max(1, len(dates))


def _number(value: float) -> str:
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def stacked_bars(
    title: str,
    dates: Sequence[date],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    width: int = 720,
    height: int = 200,
) -> str:
    """One bar a day, stacked by series (e.g. channels), with a legend."""
    totals = [sum(values[i] for _, values in series) for i in range(len(dates))]
    top = max(totals, default=0) or 1
    svg, plot, step = _plot(title, dates, top, width, height)
    for index in range(len(dates)):
        y: float = height - FOOT
        for number, (name, values) in enumerate(series):
            size = plot * values[index] / top
            if size <= 0:
                continue
            y -= size
            bar = ET.SubElement(svg, "rect", {
                "x": f"{AXIS + step * index + step * 0.1:.1f}", "y": f"{y:.1f}",
                "width": f"{max(step * 0.8, 0.5):.1f}", "height": f"{size:.1f}",
                "fill": PALETTE[number % len(PALETTE)]})  # fmt: skip
            ET.SubElement(bar, "title").text = f"{dates[index]}: {name} {_number(values[index])}"
    _legend(svg, [name for name, _ in series], width)
    return ET.tostring(svg, encoding="unicode")


def lines(
    title: str,
    dates: Sequence[date],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    width: int = 720,
    height: int = 200,
) -> str:
    """One line per series over the days, with a legend."""
    top = max((max(values, default=0) for _, values in series), default=0) or 1
    svg, plot, step = _plot(title, dates, top, width, height)
    for number, (name, values) in enumerate(series):
        points = " ".join(
            f"{AXIS + step * (i + 0.5):.1f},{height - FOOT - plot * v / top:.1f}"
            for i, v in enumerate(values)
        )
        line = ET.SubElement(svg, "polyline", {
            "points": points, "fill": "none", "stroke": PALETTE[number % len(PALETTE)],
            "stroke-width": "2"})  # fmt: skip
        ET.SubElement(line, "title").text = f"{name}: now {_number(values[-1]) if values else 0}"
    _legend(svg, [name for name, _ in series], width)
    return ET.tostring(svg, encoding="unicode")


def spark(title: str, values: Sequence[float], *, width: int = 160, height: int = 28) -> str:
    """A small line of a series' daily counts, from zero to its highest day."""
    svg = _svg(width, height, title)
    top = max(values, default=0) or 1
    step = width / max(1, len(values))
    points = [(step * (i + 0.5), height - 2 - (height - 4) * v / top) for i, v in enumerate(values)]
    text = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    if points:
        area = f"{points[0][0]:.1f},{height} {text} {points[-1][0]:.1f},{height}"
        ET.SubElement(svg, "polygon", {"points": area, "fill": PALETTE[0], "fill-opacity": "0.25"})
        ET.SubElement(svg, "polyline", {"points": text, "fill": "none", "stroke": PALETTE[0],
                                        "stroke-width": "1.5"})  # fmt: skip
    return ET.tostring(svg, encoding="unicode")


def _legend(svg: ET.Element, names: Sequence[str], width: int) -> None:
    x = AXIS + 8
    for number, name in enumerate(names):
        ET.SubElement(svg, "rect", {"x": f"{x}", "y": "2", "width": "10", "height": "10",
                                    "fill": PALETTE[number % len(PALETTE)]})  # fmt: skip
        _text(svg, x + 14, 11, name)
        x += 24 + 7 * len(name)
        if x > width - 60:
            break

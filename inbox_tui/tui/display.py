"""How sizes read in the UI ("812 B", "1.2 MB"); times read through inbox_tui/times.py."""

from __future__ import annotations


def size_label(size: int) -> str:
    """A byte count for people: "812 B", "4.2 KB", "1.3 MB"."""
    value = float(max(0, size))
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")

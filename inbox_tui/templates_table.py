"""`templates list`: the library as plain columns (key, name, language, where it comes from)
that fit the terminal, 80 columns and up; names that do not fit end in "…"."""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len, set_cell_size

from inbox_tui.sanitize import clean_line
from inbox_tui.templates import Template

GAP = "  "
NAME_MIN = 12


def library_lines(library: list[Template], shipped: list[Template], width: int = 80) -> list[str]:
    """One header line and one line per template, in library order; none wider than `width`
    unless even the shortest name column does not fit."""
    shipped_keys = {t.key for t in shipped}
    rows = [("key", "name", "lang", "from")]
    for template in library:
        if template in shipped:
            where = "shipped"
        else:
            where = f"{Path(template.file).name}:{template.line}"
            where += ", replaces shipped" if template.key in shipped_keys else ""
        rows.append((template.key, clean_line(template.name), template.language, where))
    key_w, lang_w, from_w = (max(cell_len(row[i]) for row in rows) for i in (0, 2, 3))
    name_w = max(cell_len(row[1]) for row in rows)
    name_w = max(NAME_MIN, min(name_w, width - key_w - lang_w - from_w - 3 * len(GAP)))
    lines = []
    for key, name, lang, where in rows:
        if cell_len(name) > name_w:
            name = set_cell_size(name, name_w - 1) + "…"
        cells = (
            set_cell_size(key, key_w),
            set_cell_size(name, name_w),
            set_cell_size(lang, lang_w),
        )
        lines.append(GAP.join((*cells, where)).rstrip())
    return lines

"""What the TUI remembers between runs in the state folder's tui.json: the theme chosen in the
palette, whether the customer panel is shown. Each fact is a key of one JSON object; writing one
keeps the others."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from inbox_tui.paths import ui_state_path

PANEL_KEY = "customer_panel"


def read_ui_state(path: Path | None = None) -> dict[str, Any]:
    """The remembered state; empty when there is none or it is unreadable (never an error:
    a lost preference is no reason not to start)."""
    try:
        state = json.loads((path or ui_state_path()).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def write_ui_state(changes: dict[str, Any], what: str, path: Path | None = None) -> str | None:
    """Keep `changes` beside what is already kept (written whole, then renamed: never half a
    file); the reason in one line when they cannot be kept (`what` names them)."""
    path = path or ui_state_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".tmp")
        state = {**read_ui_state(path), **changes}
        partial.write_text(json.dumps(state), encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:
        return f"{what} is not kept for the next start: {path}: {exc.strerror or exc}"
    return None


def remembered_panel(path: Path | None = None) -> bool:
    """Whether the customer panel was shown beside the list when the inbox was last closed."""
    return read_ui_state(path).get(PANEL_KEY) is True


def remember_panel(shown: bool, path: Path | None = None) -> str | None:
    return write_ui_state({PANEL_KEY: shown}, "the customer panel's state", path)

"""Where inbox-tui keeps its files. Nothing else in the package knows these locations."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "inbox-tui"


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_config_path() -> Path:
    return config_dir() / "config.yaml"


def default_db_path() -> Path:
    return data_dir() / "inbox.db"


def demo_db_path() -> Path:
    return data_dir() / "demo.db"


def state_dir() -> Path:
    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def config_cache_dir() -> Path:
    """What a start of the TUI keeps of the validated config (config_cache.py): nothing secret,
    and safe to delete at any time."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def crash_log_path() -> Path:
    return state_dir() / "crash.log"


def downloads_dir() -> Path:
    """Where saved attachments go unless the config says otherwise: ~/Downloads/inbox-tui."""
    return Path(platformdirs.user_downloads_dir()) / APP_NAME


def ui_state_path() -> Path:
    """What the TUI remembers between runs that is no setting of the seller's: the theme
    last chosen in the command palette, whether the customer panel is shown (tui/ui_state.py)."""
    return state_dir() / "tui.json"

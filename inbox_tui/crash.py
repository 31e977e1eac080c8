"""What an unexpected error leaves behind: its traceback in crash.log, one line on the terminal.

Neither carries a frame's local variables (a typed search, a customer's mail, a password), and
the line carries no exception message either: a message can quote a subject or a name.
"""

from __future__ import annotations

import os
import traceback
from datetime import UTC, datetime
from pathlib import Path

from inbox_tui import __version__, paths


def record(error: BaseException) -> str:
    """Append `error`'s traceback (without locals) to crash.log, readable by the user alone;
    the line to print: what failed and where the details are."""
    log = paths.crash_log_path()
    try:
        _append(log, error)
        details = f"; details in {log} (please report it)"
    except OSError:
        details = ""
    return f"inbox-tui: unexpected error: {type(error).__name__}{_where(error)}{details}"


def _append(log: Path, error: BaseException) -> None:
    log.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with open(handle, "a", encoding="utf-8", errors="backslashreplace") as out:
        out.write(f"--- {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC, inbox-tui {__version__}\n")
        out.write("".join(traceback.format_exception(error)) + "\n")


def _where(error: BaseException) -> str:
    """ " in inbox_tui/store/actions.py:120": the innermost frame of our own code, if any."""
    frames = traceback.extract_tb(error.__traceback__)
    package = Path(__file__).resolve().parent
    for frame in reversed(frames):
        path = Path(frame.filename)
        if path.is_relative_to(package):
            return f" in {path.relative_to(package.parent).as_posix()}:{frame.lineno}"
    return ""

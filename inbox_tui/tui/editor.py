"""Hand a draft to the seller's own editor ($VISUAL, $EDITOR, else vi) and read it back.

No Textual here: the composer suspends the app around `edit_text`, so the editor owns the
terminal while it runs. Failures are one line (EditorFailed), and the draft is never lost:
the caller keeps its text when the editor fails.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

FALLBACK_EDITOR = "vi"


class EditorFailed(Exception):
    """The editor could not be started or did not finish cleanly; str() is one line."""


def editor_command(environ: Mapping[str, str] | None = None) -> list[str]:
    """The editor to run, as argv: $VISUAL, then $EDITOR (both may carry arguments), else vi."""
    environ = os.environ if environ is None else environ
    for name in ("VISUAL", "EDITOR"):
        value = environ.get(name, "").strip()
        if value:
            try:
                argv = shlex.split(value)
            except ValueError as exc:
                raise EditorFailed(
                    f"${name} cannot be read as a command ({exc}): {value}"
                ) from None
            if argv:
                return argv
    return [FALLBACK_EDITOR]


def edit_text(text: str, *, environ: Mapping[str, str] | None = None) -> str:
    """Write `text` to a private temporary file, run the editor on it and return what it saved.

    A missing editor, a non-zero exit or a file that is no longer UTF-8 raises EditorFailed.
    """
    argv = editor_command(environ)
    if shutil.which(argv[0], path=(environ or os.environ).get("PATH")) is None:
        hint = "" if argv[0] != FALLBACK_EDITOR else " ($EDITOR is not set)"
        raise EditorFailed(f"editor {argv[0]!r} not found{hint}: set $EDITOR to your editor")
    with tempfile.TemporaryDirectory(prefix="inbox-tui-") as folder:
        path = Path(folder) / "reply.txt"  # .txt: editors pick plain-text mode
        path.write_text(text, encoding="utf-8")
        env = dict(os.environ if environ is None else environ)
        try:
            finished = subprocess.run([*argv, str(path)], env=env, check=False)
        except OSError as exc:
            raise EditorFailed(f"cannot run {argv[0]!r}: {exc.strerror or exc}") from None
        if finished.returncode != 0:
            raise EditorFailed(
                f"{argv[0]!r} exited with status {finished.returncode}; the draft is unchanged"
            )
        try:
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise EditorFailed("the edited text is not UTF-8; the draft is unchanged") from None
        except OSError as exc:
            raise EditorFailed(f"cannot read the edited text back: {exc.strerror or exc}") from None

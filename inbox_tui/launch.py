"""The `inbox-tui` command's entry point: Python's garbage collector waits while the TUI starts.

Opening the inbox imports and builds ~150k objects that live as long as the app, and Python's
collector walked them ~250 times on the way to the first frame (60-250 ms of a 0.5 s start,
measured with `gc.callbacks`). For the commands that open it (`inbox-tui`, `inbox-tui demo`)
the collector is off from here until the app's pacer takes it over after the first frame
(tui/gc_pacing.py); every other command runs as it always did. Telling them apart needs only
the words before the command's name: the global options, whose values are skipped.

Those plain forms (`inbox-tui`, `inbox-tui demo`, with --config and --db) open the TUI
without importing click or building the command tree (cli_base.quick_start: ~40-60 ms of the
start); everything else goes through click (cli.py).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

GLOBAL_OPTIONS_WITH_VALUE = ("--config", "--db")
NOT_THE_TUI = ("-h", "--help", "-V", "--version", "--no-tui")


def opens_the_tui(args: Sequence[str]) -> bool:
    """Whether `inbox-tui ARGS` opens the TUI (when unsure: no, which only costs speed)."""
    words = list(args)
    if any(word in NOT_THE_TUI for word in words):
        return False
    while words and words[0].split("=", 1)[0] in GLOBAL_OPTIONS_WITH_VALUE:
        words = words[2:] if "=" not in words[0] else words[1:]
    return not words or words[0] == "demo"


def main() -> None:
    if opens_the_tui(sys.argv[1:]):
        from inbox_tui.tui.gc_pacing import hold_collections

        hold_collections()
        from inbox_tui.cli_base import quick_start

        quick_start(sys.argv[1:])  # the plain forms open the TUI without click, and exit
    from inbox_tui.cli import main as run

    run()

"""Textual's terminal driver for Linux and macOS, without the 0.2 s wait at every quit.

Textual's input thread looks for its stop signal every 0.1 s and then reads once more for
0.1 s, and stopping the app waits for it: up to 0.2 s of every quit (measured: 200 ms, the
largest part of a quit). When the app ends the process ends with it (tui/start_and_quit.py), and
the thread goes too; input already typed is discarded as Textual does. Only a suspend (the
external editor, ctrl+z) still waits: it hands the terminal to another program, which must
not have a reader competing for its keys.
"""

from __future__ import annotations

import signal
import termios
from contextlib import suppress

from textual.drivers.linux_driver import LinuxDriver


class QuickExitDriver(LinuxDriver):
    """LinuxDriver whose final stop does not wait for the input thread."""

    _suspending = False

    def suspend_application_mode(self) -> None:
        self._suspending = True
        try:
            super().suspend_application_mode()
        finally:
            self._suspending = False

    def disable_input(self) -> None:
        if self._suspending or self.exit_event.is_set():
            super().disable_input()
            return
        # LinuxDriver.disable_input without joining the thread (nor clearing the event after,
        # which would keep the thread reading): it stops by itself within 0.2 s
        signal.signal(signal.SIGWINCH, signal.SIG_DFL)
        self._disable_mouse_support()
        self.exit_event.set()
        with suppress(termios.error):
            termios.tcflush(self.fileno, termios.TCIFLUSH)

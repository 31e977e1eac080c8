"""Textual's terminal driver for Linux and macOS, without the 0.2 s wait at every quit, and
ending the app when its terminal goes away.

Quit: Textual's input thread looks for its stop signal every 0.1 s and then reads once more for
0.1 s, and stopping the app waits for it: up to 0.2 s of every quit (measured: 200 ms, the
largest part of a quit). When the app ends the process ends with it (tui/start_and_quit.py), and
the thread goes too; input already typed is discarded as Textual does. Only a suspend (the
external editor, ctrl+z) still waits: it hands the terminal to another program, which must
not have a reader competing for its keys.

Hang-up: when the terminal goes away (an SSH connection drops, the window is closed, a pty's
owner closes it) reading the terminal gives end-of-file (or EIO) at once, every time. Textual's
input thread (8.2.8) then loops on it, a core at 66-100 % for as long as the process lives (a
process without the terminal as its controlling one gets no SIGHUP to end it), and writes to the
terminal fail in Textual's writer thread, which dies and leaves the next writes waiting on its
full queue. Here the input thread stops at the first end-of-file or read error and tells the
app (InboxApp.hang_up), and what is written to a terminal that is gone is dropped.
(Textualize/textual pull request 6690, open, stops the loop but leaves the app running.)
"""

from __future__ import annotations

import os
import selectors
import signal
import termios
from codecs import getincrementaldecoder
from contextlib import suppress
from typing import IO, Any

from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver


class TerminalOutput:
    """The terminal's output file for Textual's writer thread: a write or a flush that fails
    (the terminal is gone: EIO) marks it gone, and from then on output is dropped."""

    def __init__(self, file: IO[str]) -> None:
        self._file = file
        self.gone = False

    def write(self, text: str) -> None:
        if self.gone:
            return
        try:
            self._file.write(text)
        except (OSError, ValueError):  # EIO; ValueError: the file was closed
            self.gone = True

    def flush(self) -> None:
        if self.gone:
            return
        try:
            self._file.flush()
        except (OSError, ValueError):
            self.gone = True

    def fileno(self) -> int:
        return self._file.fileno()

    def isatty(self) -> bool:
        return self._file.isatty()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)


class QuickExitDriver(LinuxDriver):
    """LinuxDriver whose final stop does not wait for the input thread, and which ends the app
    when the terminal goes away."""

    _suspending = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self._file is not None:
            self._file = TerminalOutput(self._file)  # type: ignore[assignment]  # file-like

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

    def _terminal_gone(self) -> None:
        """From the input thread: the terminal gave end-of-file or a read error."""
        hang_up = getattr(self._app, "hang_up", None)
        if hang_up is not None:
            with suppress(RuntimeError):  # the loop has closed: the app has ended already
                self._loop.call_soon_threadsafe(hang_up)

    def run_input_thread(self) -> None:
        """LinuxDriver.run_input_thread (Textual 8.2.8), which stops at end-of-file or a read
        error (the terminal is gone) and says so, where Textual's loops on it for ever."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        fileno = self.fileno
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode

        def read() -> bytes | None:
            """What the terminal sent; b"" when it is gone (end-of-file, EIO); None if not
            readable after all."""
            try:
                return os.read(fileno, 1024 * 4)
            except BlockingIOError:
                return None
            except OSError:  # EIO: the terminal has hung up
                return b""

        def process(events: list[tuple[selectors.SelectorKey, int]], final: bool = False) -> bool:
            """Feed what can be read to the parser; False at end-of-file."""
            for index, (_key, mask) in enumerate(events):
                if mask & selectors.EVENT_READ:
                    data = read()
                    if data is None:
                        continue
                    if not data:
                        return False
                    last = index == len(events) - 1
                    for event in parser.feed(decode(data, final=final and last)):
                        self.process_message(event)
            for event in parser.tick():
                self.process_message(event)
            return True

        try:
            while not self.exit_event.is_set():
                if not process(selector.select(0.1)):
                    if not self.exit_event.is_set():
                        self._terminal_gone()
                    return
            selector.unregister(self.fileno)
            process(selector.select(0.1), final=True)
        finally:
            selector.close()
            with suppress(EOFError, ParseError):
                for _event in parser.feed(""):
                    pass

"""A program in a real pseudo-terminal: the text it writes (escape sequences removed), each
piece with the moment it arrived, and keys typed into it. For the start-up tests and the
real-terminal timings of benchmarks/tui.py."""

from __future__ import annotations

import codecs
import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Sequence
from contextlib import suppress

# Escape sequences (CSI, OSC, DCS/APC strings, two-byte ESC forms): what remains is the text.
ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b[\]P_^X][^\x07\x1b]*(?:\x07|\x1b\\)"
    r"|\x1b[()*+][0-9A-Za-z]"
    r"|\x1b[@-Z\\-_=>78]"
)


class Terminal:
    """`argv` running on the slave side of a new pty of `size` (columns, rows)."""

    def __init__(
        self,
        argv: Sequence[str],
        env: dict[str, str],
        size: tuple[int, int],
        *,
        stdin: int | None = None,  # a file descriptor for its input instead of the pty
    ) -> None:
        master, slave = pty.openpty()
        columns, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.master = master
        self.raw = bytearray()
        self.text = ""  # everything written so far, escape sequences removed
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""  # a sequence cut by the end of a read
        self.exited_at: float | None = None
        self.cpu_at_exit: float | None = None  # ms of CPU the program used, all told
        self.spawned = time.perf_counter()
        self.process = subprocess.Popen(
            list(argv),
            stdin=slave if stdin is None else stdin,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self._waiter = threading.Thread(target=self._wait, daemon=True)
        self._waiter.start()

    def _wait(self) -> None:
        _, status, usage = os.wait4(self.process.pid, 0)  # reaped here: its CPU time too
        self.exited_at = time.perf_counter()
        self.cpu_at_exit = (usage.ru_utime + usage.ru_stime) * 1000
        self.process.returncode = os.waitstatus_to_exitcode(status)

    def cpu_ms(self) -> float | None:
        """The CPU time the running program has used so far (Linux; 10 ms steps), or None."""
        try:
            with open(f"/proc/{self.process.pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")

    def _read(self, timeout: float) -> float | None:
        """Read what has arrived within `timeout` s; the moment it arrived, or None."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return None
        arrived = time.perf_counter()
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: every slave end is closed (the program has exited)
            chunk = b""
        if not chunk:
            raise EOFError
        self.raw += chunk
        text = self._pending + self._decoder.decode(chunk)
        cut = text.rfind("\x1b")
        if cut >= 0 and len(text) - cut < 64 and not ESCAPES.match(text, cut):
            text, self._pending = text[:cut], text[cut:]
        else:
            self._pending = ""
        self.text += ESCAPES.sub("", text)
        return arrived

    def wait_for(
        self, marker: str | re.Pattern[str], *, after: int = 0, timeout: float = 30.0
    ) -> float:
        """The moment the output first held `marker` past text offset `after`."""
        deadline = time.perf_counter() + timeout
        pattern = re.compile(re.escape(marker)) if isinstance(marker, str) else marker
        arrived = None
        while not pattern.search(self.text, after):
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"{pattern.pattern!r} not shown; last: {self.text[-400:]!r}")
            try:
                arrived = self._read(min(left, 0.5))
            except EOFError:
                raise TimeoutError(
                    f"exited before {pattern.pattern!r}: {self.text[-400:]!r}"
                ) from None
        return arrived if arrived is not None else time.perf_counter()

    def quiet(self, seconds: float, *, timeout: float = 30.0) -> None:
        """Read until nothing has arrived for `seconds` (the program is idle)."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self._read(seconds) is None:
                return

    def drain(self, seconds: float) -> None:
        """Read what arrives within `seconds`: a program whose output nobody reads blocks once
        the pty's buffer is full (a repaint after $EDITOR is bigger than the buffer)."""
        if self.master < 0:  # hung up: nothing to read
            time.sleep(seconds)
            return
        with suppress(EOFError):
            self._read(seconds)

    def send(self, keys: bytes) -> float:
        """Type `keys`; the moment they were written."""
        typed = time.perf_counter()
        os.write(self.master, keys)
        return typed

    def wait_exit(self, timeout: float = 30.0) -> float:
        """Drain the output until the program exits; the moment it did."""
        deadline = time.perf_counter() + timeout
        while self.exited_at is None and time.perf_counter() < deadline:
            try:
                self._read(0.05)
            except EOFError:
                self._waiter.join(max(0.0, deadline - time.perf_counter()))
        if self.exited_at is None:
            raise TimeoutError(f"still running after {timeout} s: {self.text[-400:]!r}")
        return self.exited_at

    def hang_up(self) -> None:
        """Close the master side, as a terminal window that closes or an SSH connection that
        drops does: the program reads end-of-file, its writes fail. (No SIGHUP: the pty is not
        the program's controlling terminal.)"""
        os.close(self.master)
        self.master = -1

    def close(self) -> None:
        if self.exited_at is None:
            with suppress(ProcessLookupError):
                self.process.kill()
            self._waiter.join(10)
        if self.master >= 0:
            os.close(self.master)


# The header's "All · 1 of 300": set when the list has its rows, so the frame that shows it is
# the first with the list drawn.
LIST_SHOWN = re.compile(r"· 1 of [\d,]+")


def terminal_env(**extra: str) -> dict[str, str]:
    """This process's environment (the tests' isolated home) for a common terminal."""
    return {**os.environ, "TERM": "xterm-256color", "LANG": "C.UTF-8", **extra}

"""Start-up from a real terminal: `inbox-tui demo` inside tmux, driven by keys, read by capture-pane."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from inbox_tui.store.db import Store

WIDTH, HEIGHT = 120, 35
EXITED = "inbox-tui exited with status "


@pytest.fixture
def tmux() -> str:
    path = shutil.which("tmux")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("tmux is not installed (`make test-deps` installs it)")
        pytest.skip("tmux is not installed")
    return path


class Terminal:
    """One tmux server of our own (its own socket, no user config) running one command."""

    def __init__(self, tmux: str, tmp_path: Path) -> None:
        self.tmux = tmux
        self.socket = f"inbox-tui-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.session = "inbox"
        config = tmp_path / "tmux.conf"
        # remain-on-exit keeps the pane after the app ends, so what it printed last (a traceback,
        # the exit status line) stays readable.
        config.write_text(
            "set -g remain-on-exit on\n"
            "set -g default-terminal tmux-256color\n"
            "set -g default-shell /bin/sh\n"
        )
        self.config = config
        home = tmp_path / "home"
        self.env = {
            **os.environ,
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local/share"),
            "XDG_STATE_HOME": str(home / ".local/state"),
            "XDG_CACHE_HOME": str(home / ".cache"),
        }
        self.env.pop("TMUX", None)

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.tmux, "-L", self.socket, "-f", str(self.config), *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=check,
            timeout=10,
        )

    def start(self, command: str, size: tuple[int, int] = (WIDTH, HEIGHT)) -> None:
        # The shell reports the exit status itself: tmux's own #{pane_dead_status} is sometimes
        # never filled in (the exited process stays a zombie the server does not reap).
        command = f'{command}; echo "{EXITED}$?"'
        width, height = size
        self.run(
            "new-session", "-d", "-x", str(width), "-y", str(height), "-s", self.session, command
        )

    def exit_status(self) -> str | None:
        """The exit status the shell printed after the app, or None if it is still running."""
        # with the scrollback: tmux's "Pane is dead" line can scroll the status line off screen
        history = self.run("capture-pane", "-p", "-S", "-", "-t", self.session, check=False)
        for line in history.stdout.splitlines():
            if line.startswith(EXITED):
                return line.removeprefix(EXITED).strip()
        return None

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.session, check=False).stdout

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.run("send-keys", "-t", self.session, key)
            time.sleep(0.15)

    def burst(self, *keys: str) -> None:
        """`keys` in one write to the terminal, as a fast typist's or a paste's arrive."""
        self.run("send-keys", "-t", self.session, *keys)

    def pane(self, field: str) -> str:
        return self.run("display-message", "-p", "-t", self.session, f"#{{{field}}}").stdout.strip()

    def wait_for(
        self,
        what: str,
        ready: Callable[[str], bool],
        timeout: float = 30,
        *,
        quitting: bool = False,
    ) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if ready(screen):
                return screen
            # an exit is a failure, unless exiting is what we wait for (then the status can be
            # printed a moment before tmux marks the pane dead)
            if not quitting and (status := self.exit_status()) is not None:
                pytest.fail(f"the app exited ({status}) before {what}:\n{self.report(screen)}")
            time.sleep(0.1)
        pytest.fail(f"timed out waiting for {what}:\n{self.report(screen)}")

    def report(self, screen: str) -> str:
        """The screen, and the crash log if the CLI wrote one."""
        crash_log = Path(self.env["XDG_STATE_HOME"]) / "inbox-tui" / "crash.log"
        crash = crash_log.read_text() if crash_log.exists() else "(no crash log)"
        return f"--- terminal ---\n{screen.rstrip()}\n--- {crash_log.name} ---\n{crash}"

    def quit(self) -> None:
        """q, and the app ends with status 0."""
        self.keys("q")
        self.wait_for("the app to quit", lambda s: self.exit_status() is not None, quitting=True)
        assert self.exit_status() == "0", self.report(self.screen())

    def kill(self) -> None:
        self.run("kill-server", check=False)


def drive(terminal: Terminal, command: str, what: str) -> None:
    """Open the list, move twice, open a thread, come back, quit: the path a user takes."""
    try:
        started = time.monotonic()
        terminal.start(command)
        screen = terminal.wait_for(
            "the ticket list", lambda s: "2 All" in s and "Quit" in s and "CUSTOMER" in s
        )
        print(f"{what}: list visible after {time.monotonic() - started:.2f}s")
        assert "3 Open" in screen

        terminal.keys("j", "j", "Enter")
        screen = terminal.wait_for("the thread screen", lambda s: "Back" in s and "2 All" not in s)
        assert "CUSTOMER" in screen or "YOU REPLIED" in screen

        terminal.keys("Escape")
        terminal.wait_for("the list again", lambda s: "2 All" in s and "Quit" in s)
        terminal.keys("q")
        screen = terminal.wait_for(
            "the app to quit",
            lambda s: terminal.exit_status() is not None and terminal.pane("pane_dead") == "1",
            quitting=True,
        )
        assert terminal.exit_status() == "0", terminal.report(screen)
    finally:
        terminal.kill()


def inbox_tui_command() -> Path:
    path = Path(sys.executable).parent / "inbox-tui"
    assert path.exists(), f"{path} missing: install the package (pip install -e .)"
    return path


def test_demo_starts_navigates_and_quits_in_a_real_terminal(tmux: str, tmp_path: Path) -> None:
    command = shlex.join([str(inbox_tui_command()), "demo", "--db", str(tmp_path / "demo.db")])
    drive(Terminal(tmux, tmp_path), command, "demo (includes building it)")


def test_a_store_opens_in_a_real_terminal(tmux: str, tmp_path: Path) -> None:
    db = tmp_path / "inbox.db"
    store = Store.open(db)
    with store.transaction() as conn:
        for i in range(1, 31):
            when = f"2026-11-{i:02d}T10:00:00Z"
            conn.execute(
                "INSERT INTO tickets (id, channel, status, subject, created_at, last_message_at)"
                " VALUES (?, 'email', ?, ?, ?, ?)",
                (i, ("open", "pending")[i % 2], f"Question {i}", when, when),
            )
            conn.execute(
                "INSERT INTO messages (ticket_id, message_id, raw_sha256, content_key, direction,"
                " channel, from_name, from_addr, date, text, imported_at)"
                " VALUES (?, ?, ?, ?, 'in', 'email', 'Buyer', 'b@example.com', ?, ?, ?)",
                (i, f"m{i}", f"sha{i}", f"ck{i}", when, f"Hello from ticket {i}", when),
            )
    store.close()
    command = shlex.join([str(inbox_tui_command()), "--db", str(db)])
    drive(Terminal(tmux, tmp_path), command, "a 30-ticket store")

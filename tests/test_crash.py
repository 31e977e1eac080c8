"""An unexpected error: its traceback in crash.log without locals, one line on the terminal."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest
from textual import work
from textual.worker import WorkerFailed

import inbox_tui.tui.app
from inbox_tui import paths
from inbox_tui.crash import record
from inbox_tui.store import Store
from inbox_tui.tui.app import InboxApp
from tests.test_tmux import EXITED, Terminal, inbox_tui_command, tmux  # noqa: F401  (fixture)
from tests.test_tui import seed

SECRET_SUBJECT = "Passwort hunter2 für Ayşe"
# The app under a limit on the size of any file it writes (RLIMIT_FSIZE), as a full disk or a
# quota would: SQLite's first write past it fails (Python ignores SIGXFSZ, so write() gets
# EFBIG). 40 KiB leaves room for the -shm file (32 KiB) and crash.log, not for many changes.
UNDER_A_FULL_DISK = (
    "import os, resource, sys; resource.setrlimit(resource.RLIMIT_FSIZE, (40960, 40960));"
    " os.execv(sys.argv[1], sys.argv[1:])"
)


def crash_log() -> str:
    return paths.crash_log_path().read_text()


def assert_one_clean_line(line: str) -> None:
    assert line.startswith("inbox-tui: unexpected error: ") and "\n" not in line
    assert f"; details in {paths.crash_log_path()} (please report it)" in line
    assert SECRET_SUBJECT not in line and "hunter2" not in line


def test_the_line_names_the_error_and_the_spot_never_its_message() -> None:
    try:
        raise ValueError(f"cannot file {SECRET_SUBJECT!r}")  # a message quoting a subject
    except ValueError as error:
        line = record(error)
    assert_one_clean_line(line)
    assert line.startswith("inbox-tui: unexpected error: ValueError; details")  # not our code
    log = crash_log()
    assert "Traceback (most recent call last)" in log and SECRET_SUBJECT in log  # the details
    assert paths.crash_log_path().stat().st_mode & 0o077 == 0  # the user's eyes only


class Crashing(InboxApp):
    """The inbox with one more widget that fails where the test says: in a key's handler, in a
    worker (exit_on_error, Textual's default) or while mounting. The failure is the test's;
    what is under test is what the app does with it."""

    CSS_PATH = Path(inbox_tui.tui.app.__file__).with_name("app.tcss")
    BINDINGS = [("ctrl+t", "fail", "Fail")]

    def __init__(self, store: Store, where: str) -> None:
        super().__init__(store)
        self.where = where

    def on_mount(self) -> None:
        super().on_mount()
        secret = SECRET_SUBJECT  # a local, as a typed search or a reply would be  # noqa: F841
        if self.where == "mount":
            raise RuntimeError("while mounting")
        if self.where == "worker":
            self.fail_in_worker()

    def action_fail(self) -> None:
        subject = SECRET_SUBJECT  # noqa: F841
        raise RuntimeError("in a key's handler")

    @work(thread=True)
    def fail_in_worker(self) -> None:
        subject = SECRET_SUBJECT  # noqa: F841
        raise RuntimeError("in a worker")


@pytest.mark.parametrize("where", ["mount", "worker", "key"])
async def test_a_crash_inside_the_app_goes_to_crash_log_without_locals(where: str) -> None:
    store = Store.open(":memory:")
    seed(store)
    app = Crashing(store, where)
    with pytest.raises((RuntimeError, WorkerFailed)):  # Pilot raises what stopped the app
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await pilot.press("ctrl+t")
            await pilot.pause()
    assert app.return_code == 1 and not app.is_running
    assert app.crashed is not None
    assert app.crashed.startswith("inbox-tui: unexpected error: RuntimeError")
    assert_one_clean_line(app.crashed)
    log = crash_log()
    assert log.count("Traceback (most recent call last)") == 1 and "RuntimeError" in log
    assert SECRET_SUBJECT not in log  # a local, not in the message: never written anywhere


def test_a_crash_in_a_real_terminal_prints_one_line_and_exits_1(
    tmux: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Textual printed a traceback with every frame's locals (tickets, their subjects), and the
    process exited 0 with nothing in crash.log."""
    db = tmp_path / "inbox.db"
    store = Store.open(db)
    seed(store, 30)
    store.conn.execute("UPDATE tickets SET subject = ?", (SECRET_SUBJECT,))
    store.close()
    terminal = Terminal(tmux, tmp_path)
    config = tmp_path / "config.yaml"
    config.write_text("ui:\n  start_view: all\n")  # every ticket: nothing is due in `seed`
    app = [sys.executable, "-c", UNDER_A_FULL_DISK, str(inbox_tui_command())]
    app += ["--config", str(config), "--db", str(db)]
    try:
        # keys typed while the app is going down reach a terminal out of raw mode: with echo
        # off they are not printed in front of the app's line (on a busy machine one was)
        terminal.start(f"stty -echo; {shlex.join(app)}")
        terminal.wait_for("the ticket list", lambda screen: SECRET_SUBJECT in screen)
        for key in ["e", "j"] * 30:  # close ticket after ticket until the store cannot be written
            terminal.keys(key)
            if "unexpected error" in terminal.screen():
                break
        screen = terminal.wait_for("the app to stop", lambda s: EXITED in s, quitting=True)
        printed = terminal.run("capture-pane", "-p", "-J", "-S", "-", "-t", "inbox").stdout
        lines = [line for line in printed.splitlines() if line.strip()]
        lines = [line for line in lines if not line.startswith("Pane is dead")]  # tmux's own
        assert f"{EXITED}1" in lines[-1], terminal.report(screen)
        [line] = [line for line in lines if "inbox-tui: unexpected error" in line]
        assert line.startswith("inbox-tui: unexpected error: OperationalError in inbox_tui/")
        assert line.endswith("crash.log (please report it)")
        assert len(lines) == 2, terminal.report(screen)  # that line and the shell's, nothing else
        assert "hunter2" not in printed and "Traceback" not in printed
        log = (Path(terminal.env["XDG_STATE_HOME"]) / "inbox-tui" / "crash.log").read_text()
        assert "sqlite3.OperationalError" in log and "hunter2" not in log
    finally:
        terminal.kill()

"""The terminal going away ends the app, cleanly (tui/start_and_quit.py, tui/driver.py): an SSH
connection that drops or a terminal window that closes left inbox-tui running with no
terminal, a core at 66-100 % (Textual's input thread looping on end-of-file), the store open
and the sync going. Now it ends within seconds, as `q` does: the draft being typed kept, the
store closed whole, no worker process left, nothing in the crash log, exit code 129.
Real processes in a real pty; the timing belongs to no test (the bound is generous)."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from inbox_tui import paths
from inbox_tui.store.db import Store
from inbox_tui.store.drafts import save_draft
from tests.demo_cache import demo_copy
from tests.mailgen import thread, write_maildir
from tests.pty_terminal import Terminal, terminal_env
from tests.test_cli import BIN
from tests.test_quit import type_in_the_composer
from tests.waiting import wait_until

SIZE = (120, 35)
GONE_WITHIN = 10.0  # seconds: generous; how fast it ends is for benchmarks, not a test


@pytest.fixture(scope="module")
def built_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_copy(tmp_path_factory, tmp_path_factory.mktemp("hangup") / "demo.db")


@pytest.fixture
def config(built_demo: Path, tmp_path: Path) -> Path:
    """The demo's tickets in a store of the seller's own (every ticket with a draft: the
    composer opens on its text), syncing a Maildir source: a sync runs when the terminal goes."""
    db = tmp_path / "inbox.db"
    shutil.copyfile(built_demo, db)
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM store_info WHERE key = 'kind'")
    store = Store.open(db)
    for (ticket,) in store.conn.execute("SELECT id FROM tickets").fetchall():
        save_draft(store, ticket, body="Started earlier.")
    store.close()
    box = write_maildir(tmp_path / "Mail", thread(400, prefix="hu"))
    path = tmp_path / "config.yaml"
    path.write_text(
        f"database: {db}\nsources:\n  - name: archive\n    kind: maildir\n    path: {box}\n"
    )
    return path


def in_session(session: int) -> list[str]:
    """The processes still in `session` (the app's own, from its start: it and its workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(fields[3]) == session and fields[0] != "Z":
            found.append(f"{entry.name}: {cmdline[:120]}")
    return found


def typing_in_the_composer(config: Path) -> Terminal:
    """inbox-tui on `config`, the composer open on the first ticket's draft, words just typed
    (before the composer's own save, 0.5 s after the last key)."""
    terminal = Terminal([str(BIN), "--config", str(config)], terminal_env(), SIZE)
    type_in_the_composer(terminal, "Kept on hang-up. ")
    return terminal


def assert_ended_cleanly(terminal: Terminal, config: Path) -> None:
    session = terminal.process.pid
    wait_until(
        lambda: terminal.drain(0.05) or terminal.exited_at is not None,
        "inbox-tui to end once its terminal is gone",
        timeout=GONE_WITHIN,
        report=lambda: f"CPU used so far: {terminal.cpu_ms()} ms",
    )
    assert terminal.process.returncode == 129  # 128 + SIGHUP, as a shell reports a hang-up
    wait_until(lambda: not in_session(session), "no process of the app's left", timeout=5)
    db = config.parent / "inbox.db"
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        bodies = [body for (body,) in conn.execute("SELECT body FROM drafts")]
    assert sum("Kept on hang-up." in body for body in bodies) == 1, bodies
    assert not paths.crash_log_path().exists(), paths.crash_log_path().read_text()


@pytest.mark.parametrize(
    "hang_up",
    [
        pytest.param(Terminal.hang_up, id="the terminal closed"),
        pytest.param(lambda terminal: os.killpg(terminal.process.pid, signal.SIGHUP), id="SIGHUP"),
    ],
)
def test_the_terminal_going_away_ends_the_app_and_keeps_the_draft(
    config: Path, hang_up: Callable[[Terminal], None]
) -> None:
    terminal = typing_in_the_composer(config)
    try:
        hang_up(terminal)
        assert_ended_cleanly(terminal, config)
    finally:
        terminal.close()


def test_input_that_ends_at_the_start_ends_the_app_without_a_crash(config: Path) -> None:
    """End-of-file before the first frame (`inbox-tui < /dev/null`): the app ends once its
    screens are up (an exit while they mount crashed), the terminal given back."""
    with open(os.devnull, "rb") as nothing:
        terminal = Terminal(
            [str(BIN), "--config", str(config)], terminal_env(), SIZE, stdin=nothing.fileno()
        )
    try:
        terminal.wait_exit(GONE_WITHIN)
        assert terminal.process.returncode == 129
        assert not paths.crash_log_path().exists(), paths.crash_log_path().read_text()
        assert b"\x1b[?1049l" in terminal.raw  # the main screen back
    finally:
        terminal.close()


def test_a_hang_up_while_the_editor_has_the_terminal_ends_the_app_and_keeps_the_draft(
    config: Path, tmp_path: Path
) -> None:
    """ctrl+e handed the terminal to $EDITOR (App.suspend) when the connection dropped: the
    kernel's SIGHUP reaches the editor and the app alike; the app ends as on any hang-up, the
    draft it saved before the hand-over kept."""
    opened = tmp_path / "editor-opened"
    editor = f"sh -c 'touch {opened}; sleep 60' sh"  # an editor the seller is still in
    terminal = Terminal([str(BIN), "--config", str(config)], terminal_env(EDITOR=editor), SIZE)
    try:
        type_in_the_composer(terminal, "Kept on hang-up. ")
        terminal.send(b"\x05")  # ctrl+e
        wait_until(lambda: terminal.drain(0.05) or opened.exists(), "the editor to start")
        os.killpg(terminal.process.pid, signal.SIGHUP)
        assert_ended_cleanly(terminal, config)
    finally:
        terminal.close()

"""Quitting is quick and loses nothing (tui/start_and_quit.py): a draft being written is kept, a
reply being sent goes out once and is marked sent, a sync that hangs is not waited for.
Real processes in a real pty; a real Dovecot and SMTP server for the send."""

from __future__ import annotations

import contextlib
import re
import shutil
import socket
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from inbox_tui import paths
from inbox_tui.store.db import Store
from inbox_tui.store.drafts import save_draft
from tests.demo_cache import demo_copy
from tests.pty_terminal import LIST_SHOWN, Terminal, terminal_env
from tests.test_cli import BIN
from tests.test_send_crash import setup_shop

if TYPE_CHECKING:
    from tests.dovecot import Account

pytest_plugins = ["tests.dovecot", "tests.smtp_sink"]  # real Dovecot, real SMTP server

SIZE = (120, 35)


@pytest.fixture(scope="module")
def built_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_copy(tmp_path_factory, tmp_path_factory.mktemp("quit") / "demo.db")


@pytest.fixture
def demo_db(built_demo: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "demo.db"
    shutil.copyfile(built_demo, copy)
    return copy


@pytest.fixture
def own_db(demo_db: Path) -> Path:
    """The demo's tickets in a store of the seller's own (inbox-tui syncs only into those)."""
    with sqlite3.connect(demo_db) as db:
        db.execute("DELETE FROM store_info WHERE key = 'kind'")
    return demo_db


def inbox_tui(*args: str, env: dict[str, str] | None = None) -> Terminal:
    return Terminal([str(BIN), *args], terminal_env(**(env or {})), SIZE)


def type_in_the_composer(terminal: Terminal, words: str) -> None:
    """Once the list is up: `r` on the first ticket (its draft "Started earlier." opens), then
    `words` typed and shown, before the composer's own save (0.5 s after the last key)."""
    terminal.wait_for(LIST_SHOWN)
    terminal.quiet(0.3)
    opened = len(terminal.text)
    terminal.send(b"r")
    terminal.wait_for("Started earlier.", after=opened)
    terminal.quiet(0.3)
    typed = len(terminal.text)
    terminal.send(words.encode())
    terminal.wait_for(words.strip(), after=typed)


def test_quitting_from_the_composer_keeps_the_draft(demo_db: Path) -> None:
    store = Store.open(demo_db)  # every ticket has a draft: the composer opens on its text
    tickets = [row[0] for row in store.conn.execute("SELECT id FROM tickets")]
    for ticket in tickets:
        save_draft(store, ticket, body="Started earlier.")
    store.close()
    terminal = inbox_tui("demo", "--db", str(demo_db))
    try:
        type_in_the_composer(terminal, "Kept on quit. ")
        # at once (the composer saves by itself 0.5 s after the last key): ctrl+q quits from
        # anywhere, the composer unmounts and saves
        terminal.send(b"\x11")
        terminal.wait_exit(10)
        assert terminal.process.returncode == 0
    finally:
        terminal.close()
    with sqlite3.connect(demo_db) as db:
        bodies = [body for (body,) in db.execute("SELECT body FROM drafts")]
    assert sum("Kept on quit." in body for body in bodies) == 1, bodies


# written by Textual once the terminal is in raw mode (a key typed now reaches the app, not
# the terminal's line discipline, which takes ctrl+q for flow control), before any screen mounts
RAW_MODE = b"\x1b[?1004h"


def test_ctrl_q_pressed_as_the_app_starts_quits_it_cleanly(demo_db: Path) -> None:
    """ctrl+q typed while the first screen is still mounting (a quick second thought, or keys
    typed ahead): the app quits once its screens are up (an exit while they mounted crashed:
    NoMatches in their on_mount), code 0, the terminal given back, nothing in the crash log.
    ctrl+q again every 20 ms until it has ended, so that one falls inside the mounting."""
    terminal = inbox_tui("demo", "--db", str(demo_db))
    try:
        deadline = time.monotonic() + 30
        while RAW_MODE not in terminal.raw:
            assert time.monotonic() < deadline, terminal.text[-400:]
            terminal.quiet(0.005, timeout=0.005)
        with contextlib.suppress(EOFError, OSError):  # it has ended: the pty is closed
            while terminal.exited_at is None and time.monotonic() < deadline:
                terminal.send(b"\x11")
                terminal.quiet(0.02, timeout=0.02)
        terminal.wait_exit(10)
        assert not paths.crash_log_path().exists(), paths.crash_log_path().read_text()
        assert "unexpected error" not in terminal.text, terminal.text[-400:]
        assert terminal.process.returncode == 0
        assert b"\x1b[?1049l" in terminal.raw  # the main screen given back
    finally:
        terminal.close()


@pytest.fixture
def silent_imap_server() -> Iterator[tuple[int, threading.Event]]:
    """A server that takes connections and never says a word (a stuck IMAP server): the sync
    and the IDLE watchers wait on it up to their 60 s timeout."""
    listener = socket.create_server(("127.0.0.1", 0))
    connected = threading.Event()
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            held.append(conn)
            connected.set()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield listener.getsockname()[1], connected
    finally:
        listener.close()
        for conn in held:
            conn.close()


def test_quitting_does_not_wait_for_a_sync_that_hangs(
    own_db: Path, tmp_path: Path, silent_imap_server: tuple[int, threading.Event]
) -> None:
    port, connected = silent_imap_server
    config = tmp_path / "config.yaml"
    config.write_text(
        f"database: {own_db}\n"
        "sources:\n"
        "  - name: shop\n"
        "    kind: imap\n"
        "    host: 127.0.0.1\n"
        f"    port: {port}\n"
        "    tls: none\n"
        "    username: seller\n"
        "    password_env: SHOP_IMAP_PASSWORD\n"
    )
    terminal = inbox_tui("--config", str(config), env={"SHOP_IMAP_PASSWORD": "x"})
    try:
        terminal.wait_for(LIST_SHOWN)
        assert connected.wait(20), "the sync never connected"
        quit_at = time.monotonic()
        terminal.send(b"q")
        terminal.wait_exit(15)  # was: until the sync's 60 s timeout
        assert terminal.process.returncode == 0
        assert time.monotonic() - quit_at < 15
    finally:
        terminal.close()
    with sqlite3.connect(own_db) as db:  # the store is whole
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_quitting_while_a_reply_is_sent_waits_for_it_and_sends_it_once(
    tmp_path: Path, imap_account: Account, smtp_sink
) -> None:
    config, env = setup_shop(tmp_path, imap_account, smtp_sink.port, sent=False)
    smtp_sink.mode = "hold"  # takes the message, then waits for `release` before its 250
    terminal = inbox_tui("--config", str(config), env=env)
    try:
        terminal.wait_for(LIST_SHOWN)
        assert smtp_sink.data_started.wait(30), "the TUI never sent the queued reply"
        quit_at = len(terminal.text)
        terminal.send(b"q")
        terminal.wait_for(re.compile("a reply is being sent"), after=quit_at, timeout=10)
        assert terminal.exited_at is None  # still there: the server has not answered
        smtp_sink.release.set()
        terminal.wait_exit(30)
        assert terminal.process.returncode == 0
    finally:
        terminal.close()
    assert len(smtp_sink.accepted) == 1
    with sqlite3.connect(tmp_path / "inbox.db") as db:
        assert [s for (s,) in db.execute("SELECT status FROM outbox")] == ["sent"]


if sys.platform == "win32":  # pragma: no cover
    pytestmark = pytest.mark.skip("pseudo-terminals are POSIX")

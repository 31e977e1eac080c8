"""kill -9 of `inbox-tui sync` at random moments, then a clean run: nothing lost, nothing twice."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import pytest

from tests.mailgen import make_mail
from tests.test_cli import BIN
from tests.test_imap_cli import write_config

if TYPE_CHECKING:
    from tests.dovecot import Account

pytest_plugins = ["tests.dovecot"]  # the real-Dovecot fixtures

COUNT = 2400


def count_messages(tmp_path) -> int:
    try:
        with sqlite3.connect(tmp_path / "inbox.db", timeout=5) as db:
            return db.execute("SELECT count(*) FROM messages").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


# The same sync with two fetch-and-parse worker processes (channels/imap/parallel.py), which
# `inbox-tui sync` only uses for bigger folders than this test fills.
IN_WORKERS = """
import sys
from pathlib import Path
from inbox_tui.config import load_config
from inbox_tui.channels.imap.sync import sync_source
from inbox_tui.store import Store
config = load_config(Path(sys.argv[1]))
sync_source(Store.open(config.database_path), config.sources[0], workers=2)
"""


def sync_command(config, workers: int | None) -> list[str]:
    if workers is None:
        return [str(BIN), "--config", str(config), "sync"]
    return [sys.executable, "-c", IN_WORKERS, str(config)]


@pytest.mark.parametrize("workers", [None, 2], ids=["one-connection", "two-workers"])
def test_kill_9_at_random_points_then_a_clean_rerun(tmp_path, imap_account: Account, workers):
    client = imap_account.client()
    for i in range(COUNT):
        parent = f"<k{i - 1}@x>" if i % 4 else None
        raw = make_mail(message_id=f"<k{i}@x>", subject=f"Order {i // 4}", in_reply_to=parent)
        client.append("INBOX", raw, flags=[b"\\Seen"] if i % 5 == 0 else ())
    client.logout()
    config = write_config(tmp_path, imap_account.port, imap_account.username)
    env = {"SHOP_IMAP_PASSWORD": imap_account.password}
    rng = random.Random(3)
    killed_at: list[int] = []
    stored = 0
    for _ in range(4):
        process = subprocess.Popen(
            sync_command(config, workers),
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # Wait for this run to commit something, then kill it a random moment later: inside a
        # batch, between batches, or while committing.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and process.poll() is None:
            if count_messages(tmp_path) > stored:
                break
            time.sleep(0.01)
        time.sleep(rng.uniform(0, 0.3))
        process.send_signal(signal.SIGKILL)
        process.wait()
        stored = count_messages(tmp_path)
        killed_at.append(stored)
    print("messages stored after each kill -9:", killed_at)
    assert any(0 < n < COUNT for n in killed_at), killed_at  # some kill hit mid-sync
    final = subprocess.run(
        sync_command(config, workers), env={**os.environ, **env}, capture_output=True, timeout=120
    )
    assert final.returncode == 0, final.stderr.decode()
    db = sqlite3.connect(tmp_path / "inbox.db")
    messages, distinct, tickets, locations, seen = db.execute(
        "SELECT count(*), count(DISTINCT message_id), (SELECT count(*) FROM tickets),"
        " (SELECT count(*) FROM message_locations), sum(seen) FROM messages"
    ).fetchone()
    assert (messages, distinct, tickets, locations) == (COUNT, COUNT, COUNT // 4, COUNT)
    assert seen == COUNT // 5
    unread = db.execute("SELECT sum(unread_count) FROM tickets").fetchone()[0]
    assert unread == COUNT - COUNT // 5
    [state] = db.execute("SELECT highest_uid FROM sync_state").fetchall()
    assert state[0] == COUNT

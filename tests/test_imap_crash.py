"""kill -9 of `inbox-tui sync` at random moments, then a clean run: nothing lost, nothing twice."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import time
from typing import TYPE_CHECKING

from tests.mailgen import make_mail
from tests.test_cli import BIN, run
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


def test_kill_9_at_random_points_then_a_clean_rerun(tmp_path, imap_account: Account):
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
            [str(BIN), "--config", str(config), "sync"],
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
    final = run("--config", str(config), "sync", env=env)
    assert final.returncode == 0, final
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

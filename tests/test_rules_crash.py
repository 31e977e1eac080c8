"""kill -9 of `inbox-tui import` while its rules act (tags, priorities, automatic replies into
the outbox), then a clean run: every action happened exactly once, none lost, none doubled."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import time
from datetime import UTC, datetime, timedelta

from tests.mailgen import make_mail, write_maildir
from tests.test_cli import BIN

COUNT = 1500  # tickets: one customer each, so every one gets its own automatic reply

CONFIG = """\
database: {db}
seller:
  name: Shop
  emails: [hello@shop.example]
sources:
  - name: shop
    kind: imap
    host: 127.0.0.1
    port: 9
    tls: none
    username: hello@shop.example
    password_env: SHOP_IMAP_PASSWORD
    smtp:
      port: 9
      tls: none
      username: hello@shop.example
      password_env: SHOP_IMAP_PASSWORD
rules:
  - name: triage
    then: {{tag: [new-mail], priority: 1}}
  - name: acknowledge
    then: {{reply: ack}}
"""


def firings(db_path) -> int:
    try:
        with sqlite3.connect(db_path, timeout=5) as db:
            return db.execute("SELECT count(*) FROM rule_firings").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet, or no rules table yet
        return 0


def test_kill_9_while_rules_act_then_a_clean_rerun(tmp_path):
    now = datetime.now(UTC) - timedelta(hours=1)
    maildir = write_maildir(
        tmp_path / "Maildir",
        [
            make_mail(
                sender=(f"Buyer {i}", f"buyer{i}@example.com"),
                subject=f"Question {i}",
                message_id=f"<q{i}@example.com>",
                date=now,
            )
            for i in range(COUNT)
        ],
    )
    db_path = tmp_path / "inbox.db"
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG.format(db=db_path), encoding="utf-8")
    command = [str(BIN), "--config", str(config), "import", "maildir", str(maildir)]
    env = {**os.environ, "SHOP_IMAP_PASSWORD": "unused"}
    rng = random.Random(14)
    killed_at: list[int] = []
    for _ in range(4):
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        # once the rules have committed something, kill a random moment later: inside a
        # chunk's transaction, between chunks, or while committing
        seen = killed_at[-1] if killed_at else 0
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            if firings(db_path) > seen:
                break
            time.sleep(0.01)
        time.sleep(rng.uniform(0, 0.5))
        process.send_signal(signal.SIGKILL)
        process.wait()
        killed_at.append(firings(db_path))
    print("rule firings after each kill -9:", killed_at)
    assert any(0 < n < 2 * COUNT for n in killed_at), killed_at  # some kill hit mid-rules
    final = subprocess.run(command, env=env, capture_output=True, timeout=300)
    assert final.returncode == 0, final.stderr.decode()

    db = sqlite3.connect(db_path)
    tickets = db.execute("SELECT count(*) FROM tickets").fetchone()[0]
    assert tickets == COUNT
    per_ticket = db.execute(
        """SELECT t.id,
                  (SELECT count(*) FROM events e WHERE e.ticket_id = t.id AND e.rule = 'triage'),
                  (SELECT count(*) FROM outbox o WHERE o.ticket_id = t.id),
                  (SELECT count(*) FROM rule_firings f WHERE f.ticket_id = t.id),
                  t.priority
           FROM tickets t"""
    ).fetchall()
    wrong = [row for row in per_ticket if row[1:] != (2, 1, 2, 1)]
    assert wrong == [], wrong[:5]  # a tag and a priority event, one reply, two firings each
    tagged = db.execute("SELECT count(*) FROM ticket_tags").fetchone()[0]
    assert tagged == COUNT
    newest = db.execute("SELECT max(id) FROM messages").fetchone()[0]
    after = db.execute("SELECT value FROM store_info WHERE key = 'rules_after'").fetchone()[0]
    assert int(after) == newest

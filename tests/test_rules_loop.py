"""Two inbox-tui instances that answer every message automatically, each writing to the other,
through a real Dovecot (each its own mailbox) and a real SMTP server that delivers into them:
each answers the other's one message once, and neither ever answers the other's automatic
reply (RFC 3834: `Auto-Submitted: auto-replied`), however many rounds of sync and send."""

from __future__ import annotations

import email
import sqlite3
from datetime import UTC, datetime
from email.policy import default
from email.utils import getaddresses
from pathlib import Path
from typing import TYPE_CHECKING

from tests.mailgen import make_mail
from tests.test_cli import run

if TYPE_CHECKING:
    from tests.dovecot import Account, Dovecot
    from tests.smtp_sink import SmtpSink

pytest_plugins = ["tests.dovecot", "tests.smtp_sink"]

CONFIG = """\
database: {db}
seller:
  name: {name}
  emails: [{address}]
sources:
  - name: shop
    kind: imap
    host: 127.0.0.1
    port: {imap_port}
    tls: none
    username: {imap_user}
    password_env: LOOP_IMAP_PASSWORD
    folders: [INBOX]
    from: {name} <{address}>
    smtp:
      port: {smtp_port}
      tls: none
      username: seller@example.com
      password_env: LOOP_SMTP_PASSWORD
auto_reply:
  customer_window: 0.01m # (almost) off: only Auto-Submitted can stop the loop here
rules:
  - name: acknowledge-everything
    then: {{reply: ack}}
"""


def instance(tmp_path: Path, name: str, address: str, account: Account, smtp_port: int) -> Path:
    config = tmp_path / f"{name}.yaml"
    config.write_text(
        CONFIG.format(
            db=tmp_path / f"{name}.db",
            name=name,
            address=address,
            imap_port=account.port,
            imap_user=account.username,
            smtp_port=smtp_port,
        ),
        encoding="utf-8",
    )
    return config


def test_two_auto_responders_answer_each_other_once(
    tmp_path: Path, dovecot_server: Dovecot, smtp_sink: SmtpSink, monkeypatch
):
    alpha_box, beta_box = dovecot_server.add_user(), dovecot_server.add_user()
    boxes = {"alpha@shop-a.example": alpha_box, "beta@shop-b.example": beta_box}

    def deliver(raw: bytes) -> None:  # the mail server files each message in its mailbox
        message = email.message_from_bytes(raw, policy=default)
        for _, address in getaddresses(message.get_all("To", [])):
            client = boxes[address].client()
            client.append("INBOX", raw)
            client.logout()

    smtp_sink.deliver = deliver
    env = {"LOOP_IMAP_PASSWORD": alpha_box.password, "LOOP_SMTP_PASSWORD": "smtp-s3cret"}
    alpha = instance(tmp_path, "Alpha", "alpha@shop-a.example", alpha_box, smtp_sink.port)
    beta = instance(tmp_path, "Beta", "beta@shop-b.example", beta_box, smtp_sink.port)
    now = datetime.now(UTC)
    # each shop's owner writes to the other by hand (no Auto-Submitted)
    deliver(
        make_mail(
            sender=("Alpha", "alpha@shop-a.example"),
            to=("Beta", "beta@shop-b.example"),
            subject="Wholesale question",
            message_id="<a-asks@shop-a.example>",
            date=now,
        )
    )
    deliver(
        make_mail(
            sender=("Beta", "beta@shop-b.example"),
            to=("Alpha", "alpha@shop-a.example"),
            subject="Do you sell linen?",
            message_id="<b-asks@shop-b.example>",
            date=now,
        )
    )
    for _ in range(3):  # rounds: every instance syncs (rules run), then sends
        for config in (alpha, beta):
            synced = run("--config", str(config), "sync", env=env)
            assert synced.returncode == 0, synced
            sent = run("--config", str(config), "send", env=env)
            assert sent.returncode == 0, sent

    replies = [email.message_from_bytes(d.raw, policy=default) for d in smtp_sink.accepted]
    assert sorted((m["From"], m["To"], m["Subject"]) for m in replies) == [
        ("Alpha <alpha@shop-a.example>", "Beta <beta@shop-b.example>", "Re: Do you sell linen?"),
        ("Beta <beta@shop-b.example>", "Alpha <alpha@shop-a.example>", "Re: Wholesale question"),
    ]
    assert all(m["Auto-Submitted"] == "auto-replied" for m in replies)
    for config in (alpha, beta):  # each saw the other's automatic reply and held its own
        db = config.with_suffix(".db")
        with sqlite3.connect(db) as conn:
            outcomes = [row[0] for row in conn.execute("SELECT outcome FROM rule_firings")]
        assert len(outcomes) == 2, outcomes
        assert any(o.startswith("reply ack queued") for o in outcomes), outcomes
        assert any("Auto-Submitted: auto-replied" in o for o in outcomes), outcomes

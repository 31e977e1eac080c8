"""kill -9 of `inbox-tui send` while the SMTP server holds the message, then a second run:
the customer gets the reply exactly once, or, with no way to tell, not again (the seller
decides). Real processes, a real SMTP server, a real Dovecot."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from inbox_tui.outbox.sender import MAYBE_SENT
from tests.mailgen import make_mail
from tests.test_cli import BIN, run

if TYPE_CHECKING:
    from tests.dovecot import Account

pytest_plugins = ["tests.dovecot", "tests.smtp_sink"]  # real Dovecot, real SMTP server

TEMPLATES = """\
- key: ack
  name: Acknowledge
  body: |
    Hello {{ customer.first_name | default("there") }}, we are on it.
"""

CONFIG = """\
database: {db}
templates: {templates}
seller:
  name: Anatolia Textiles
  emails: [hello@shop.example]
sources:
  - name: shop
    kind: imap
    host: 127.0.0.1
    port: {imap_port}
    tls: none
    username: {imap_user}
    password_env: SHOP_IMAP_PASSWORD
    folders: [INBOX]
{sent}
    smtp:
      port: {smtp_port}
      tls: none
      username: seller@example.com
      password_env: SHOP_SMTP_PASSWORD
      server_saves_sent: {saves}
"""


def setup_shop(
    tmp_path: Path, account: Account, smtp_port: int, *, sent: bool
) -> tuple[Path, dict]:
    """A config, a synced question and a queued reply to it; (config path, environment)."""
    client = account.client()
    client.create_folder("Sent")
    client.append("INBOX", make_mail(message_id="<ask@example.com>", subject="Where is it?"))
    client.logout()
    templates = tmp_path / "templates.yaml"
    templates.write_text(TEMPLATES)
    config = tmp_path / "config.yaml"
    config.write_text(
        CONFIG.format(
            db=tmp_path / "inbox.db",
            templates=templates,
            imap_port=account.port,
            imap_user=account.username,
            sent="    sent_folder: Sent" if sent else "",
            smtp_port=smtp_port,
            saves="true" if sent else "false",
        )
    )
    env = {"SHOP_IMAP_PASSWORD": account.password, "SHOP_SMTP_PASSWORD": "smtp-s3cret"}
    assert run("--config", str(config), "sync", env=env).returncode == 0
    queued = run("--config", str(config), "reply", "1", "--template", "ack", env=env)
    assert queued.returncode == 0, queued
    return config, env


def kill_while_held(config: Path, env: dict, sink) -> None:
    """Start `inbox-tui send` and kill -9 it after the server took the message but before it
    answered 250."""
    sink.mode = "hold"
    process = subprocess.Popen(
        [str(BIN), "--config", str(config), "send"],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert sink.data_started.wait(30), "the sender never reached DATA"
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait(10) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    sink.mode = "accept"
    sink.release.set()
    assert len(sink.accepted) == 1


def sent_folder_count(account: Account) -> int:
    client = account.client()
    try:
        client.select_folder("Sent", readonly=True)
        return len(client.search("ALL"))
    finally:
        client.logout()


def test_kill_9_mid_send_then_rerun_delivers_exactly_once(
    tmp_path: Path, imap_account: Account, smtp_sink
):
    def file_into_sent(raw: bytes) -> None:  # the server files what it accepts (Gmail does)
        client = imap_account.client()
        client.append("Sent", raw, flags=[b"\\Seen"])
        client.logout()

    smtp_sink.deliver = file_into_sent
    config, env = setup_shop(tmp_path, imap_account, smtp_sink.port, sent=True)
    kill_while_held(config, env, smtp_sink)

    again = run("--config", str(config), "send", env=env)
    assert again.returncode == 0, again
    assert "found on the server" in again.stdout
    assert "sent 1, waiting 0, failed 0" in again.stdout
    assert len(smtp_sink.accepted) == 1  # exactly once
    assert sent_folder_count(imap_account) == 1
    assert run("--config", str(config), "send", env=env).stdout.strip() == "nothing to send"


def test_kill_9_with_nothing_to_check_is_not_sent_again(
    tmp_path: Path, imap_account: Account, smtp_sink
):
    config, env = setup_shop(tmp_path, imap_account, smtp_sink.port, sent=False)
    kill_while_held(config, env, smtp_sink)

    again = run("--config", str(config), "send", env=env)
    assert again.returncode == 1, again
    assert MAYBE_SENT in again.stdout
    assert "sent 0, waiting 0, failed 1" in again.stdout
    assert len(smtp_sink.accepted) == 1  # the held one; nothing sent blindly
    export = run("--config", str(config), "export", env=env)
    assert '"status": "open"' in export.stdout

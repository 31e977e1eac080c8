"""`inbox-tui sync` for an IMAP source as a user runs it: a real process against a real Dovecot."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from tests.mailgen import make_mail, thread
from tests.test_cli import assert_one_line_error, run

if TYPE_CHECKING:
    from pathlib import Path

    from tests.dovecot import Account

pytest_plugins = ["tests.dovecot"]  # the real-Dovecot fixtures

# The minimal config, pointed at the test server.
MINIMAL = """\
database: {db}
seller:
  emails: [hello@shop.example]
sources:
  - name: shop
    kind: imap
    host: 127.0.0.1
    port: {port}
    tls: none
    username: {username}
    password_env: SHOP_IMAP_PASSWORD
    folders: [INBOX]
"""


def write_config(tmp_path: Path, port: int, username: str) -> Path:
    config = tmp_path / "config.yaml"
    config.write_text(MINIMAL.format(db=tmp_path / "inbox.db", port=port, username=username))
    return config


def test_sync_then_export_shows_flags_and_gone(tmp_path, imap_account: Account):
    client = imap_account.client()
    for raw in thread(3, prefix="c"):
        client.append("INBOX", raw)
    client.append("INBOX", make_mail(message_id="<kw@x>", subject="refund"), flags=[b"$refund"])
    config = write_config(tmp_path, imap_account.port, imap_account.username)
    env = {"SHOP_IMAP_PASSWORD": imap_account.password}

    first = run("--config", str(config), "sync", env=env)
    assert first.returncode == 0, first
    assert "shop/INBOX: 4 new, 0 changed, 0 gone, 0 errors" in first.stdout
    assert first.stderr == ""

    client.select_folder("INBOX")
    client.add_flags([1], [b"\\Seen"])
    client.delete_messages([2])
    client.expunge()
    client.logout()
    second = run("--config", str(config), "sync", env=env)
    assert "shop/INBOX: 0 new, 1 changed, 1 gone, 0 errors" in second.stdout, second

    exported = run("--config", str(config), "export", "--format", "jsonl")
    messages = {
        m["message_id"]: m
        for line in exported.stdout.splitlines()
        for m in json.loads(line)["messages"]
    }
    assert messages["kw@x"]["flags"] == ["$refund"] and not messages["kw@x"]["gone"]
    assert sum(m["gone"] for m in messages.values()) == 1
    assert sum("seen" in m["flags"] for m in messages.values()) >= 1


def test_wrong_password_is_one_line_and_exit_1(tmp_path, imap_account: Account):
    config = write_config(tmp_path, imap_account.port, imap_account.username)
    result = run("--config", str(config), "sync", env={"SHOP_IMAP_PASSWORD": "wrong"})
    assert_one_line_error(result, f"login refused by 127.0.0.1 for {imap_account.username}", code=1)


def test_connection_refused_is_one_line_and_exit_1(tmp_path, closed_port):
    config = write_config(tmp_path, closed_port, "seller@example.com")
    result = run("--config", str(config), "sync", env={"SHOP_IMAP_PASSWORD": "x"})
    assert_one_line_error(result, "shop: failed: connection refused by 127.0.0.1", code=1)


def test_missing_password_env_is_one_line(tmp_path, imap_account: Account):
    config = write_config(tmp_path, imap_account.port, imap_account.username)
    result = run("--config", str(config), "sync", env={"SHOP_IMAP_PASSWORD": ""})
    assert_one_line_error(result, "SHOP_IMAP_PASSWORD is not set", code=1)


def test_tls_none_to_a_remote_host_is_a_config_error(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text(
        MINIMAL.format(db=tmp_path / "x.db", port=143, username="a@b.example").replace(
            "127.0.0.1", "imap.example.com"
        )
    )
    result = run("--config", str(config), "sync")
    assert_one_line_error(result, "line 9", "sources[0].tls", "allow_insecure", code=2)


def test_a_missing_folder_fails_the_run_but_the_others_sync(tmp_path, imap_account: Account):
    client = imap_account.client()
    client.append("INBOX", make_mail(message_id="<one@x>"))
    client.logout()
    config = write_config(tmp_path, imap_account.port, imap_account.username)
    config.write_text(config.read_text().replace("folders: [INBOX]", "folders: [Archive, INBOX]"))
    result = run("--config", str(config), "sync", env={"SHOP_IMAP_PASSWORD": imap_account.password})
    assert result.returncode == 1
    assert "shop/INBOX: 1 new, 0 changed, 0 gone, 0 errors" in result.stdout
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("shop/Archive: failed:") and "Traceback" not in result.stderr

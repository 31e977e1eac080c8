"""`inbox-tui reply` and `inbox-tui send` as a script or cron job runs them: real processes on a
demo inbox, a real SMTP server, one-line errors and exit codes."""

from __future__ import annotations

import email
import re
import shutil
import sqlite3
from email.policy import default
from pathlib import Path

import pytest

from inbox_tui.domain.messages import normalize_subject
from tests.test_cli import assert_one_line_error, run

pytest_plugins = ["tests.smtp_sink"]  # the real SMTP server

CONFIG = """\
database: {db}
templates: {templates}
seller:
  name: Anatolia Textiles
  emails: [hello@anatolia-textiles.example]
sources:
  - name: shop
    kind: imap
    host: 127.0.0.1
    port: 9
    tls: none
    username: hello@anatolia-textiles.example
    password_env: SHOP_IMAP_PASSWORD
    smtp:
      port: {smtp_port}
      tls: none
      username: seller@example.com
      password_env: SHOP_SMTP_PASSWORD
"""

TEMPLATES = """\
- key: returns-page
  name: Returns page
  body: |
    Hello {{ customer.first_name | default("there") }},
    the return form is at https://anatolia-textiles.example/returns.
"""
ENV = {"SHOP_SMTP_PASSWORD": "smtp-s3cret", "SHOP_IMAP_PASSWORD": "unused"}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    built = run("demo", "--no-tui", "--db", str(path))
    assert built.returncode == 0, built
    return path


@pytest.fixture
def shop(tmp_path: Path, demo_db: Path, smtp_sink) -> Path:
    """A config over a fresh copy of the demo inbox, sending through the SMTP sink. The copy
    is made the seller's own (the demo itself is never sent from)."""
    db = tmp_path / "inbox.db"
    shutil.copy(demo_db, db)
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM store_info WHERE key = 'kind'")
    conn.close()
    templates = tmp_path / "templates.yaml"
    templates.write_text(TEMPLATES)
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG.format(db=db, templates=templates, smtp_port=smtp_sink.port))
    return config


def query(config: Path, sql: str, *args) -> list[tuple]:
    db = config.parent / "inbox.db"
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def ticket_with_tracking(config: Path) -> tuple[int, str, str]:
    """An e-mail ticket whose order has a tracking number: (id, order number, tracking)."""
    return query(
        config,
        """SELECT t.id, o.order_number, o.tracking_number FROM tickets t
           JOIN ticket_orders x ON x.ticket_id = t.id JOIN orders o ON o.id = x.order_id
           WHERE t.channel = 'email' AND o.tracking_number IS NOT NULL ORDER BY t.id LIMIT 1""",
    )[0]


def ticket_without_order(config: Path) -> int:
    return query(
        config,
        """SELECT t.id FROM tickets t WHERE t.channel = 'email'
             AND NOT EXISTS (SELECT 1 FROM ticket_orders x WHERE x.ticket_id = t.id)
             AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = t.customer_id)
           ORDER BY t.id LIMIT 1""",
    )[0][0]


def test_reply_prints_the_filled_template_and_queues_it(shop):
    ticket, order, tracking = ticket_with_tracking(shop)
    result = run("--config", str(shop), "reply", str(ticket), "--template", "wismo", env=ENV)
    assert result.returncode == 0, result
    # the demo's tracked orders are delivered: the template says so, not "on its way"
    assert f"shows your order {order} as delivered" in result.stdout
    assert "is on its way" not in result.stdout
    assert tracking in result.stdout
    assert "[missing" not in result.stdout
    assert result.stderr.strip() == "queued as outbox #1"
    [(status, ticket_id)] = query(shop, "SELECT status, ticket_id FROM outbox")
    assert (status, ticket_id) == ("queued", ticket)
    # wismo says: tag shipping, mark pending.
    assert query(shop, "SELECT status FROM tickets WHERE id = ?", ticket) == [("pending",)]


def test_the_demo_is_never_sent_from(demo_db, tmp_path, smtp_sink):
    shutil.copy(demo_db, tmp_path / "inbox.db")  # still marked as the demo
    (tmp_path / "templates.yaml").write_text(TEMPLATES)
    config = tmp_path / "config.yaml"
    config.write_text(
        CONFIG.format(db=tmp_path / "inbox.db", templates=tmp_path / "templates.yaml",
                      smtp_port=smtp_sink.port)
    )  # fmt: skip
    ticket, _, _ = ticket_with_tracking(config)
    queued = run("--config", str(config), "reply", str(ticket), "--template", "thanks", "--send")
    assert_one_line_error(queued, "inbox.db is the demo inbox", "not send from it")
    assert query(config, "SELECT count(*) FROM outbox") == [(0,)]  # refused before queuing
    query(config, "INSERT INTO outbox (ticket_id, message_id, transport, raw, created_at)"
          " VALUES (?, 'x@demo', 'smtp', x'00', '2026-01-01T00:00:00Z')", ticket)  # fmt: skip
    sent = run("--config", str(config), "send", env=ENV)
    assert_one_line_error(sent, "inbox.db is the demo inbox", "not send from it")
    assert smtp_sink.accepted == []


def test_reply_send_delivers_at_once(shop, smtp_sink):
    ticket, order, _ = ticket_with_tracking(shop)
    result = run(
        "--config", str(shop), "reply", str(ticket), "--template", "wismo", "--send",
        "--status", "closed", env=ENV,
    )  # fmt: skip
    assert result.returncode == 0, result
    assert "sent 1, waiting 0, failed 0" in result.stdout
    [delivery] = smtp_sink.accepted
    received = email.message_from_bytes(delivery.raw, policy=default)
    assert order in received.get_content()
    # a reply to the thread's subject: "Re: " added, or the prefix the customer's last message
    # already carries (the demo's first such ticket may be a Turkish "YNT: …" thread)
    [(subject,)] = query(shop, "SELECT subject FROM tickets WHERE id = ?", ticket)
    assert normalize_subject(received["Subject"]) == normalize_subject(subject)
    assert re.match(r"(Re|AW|YNT): ", received["Subject"]), received["Subject"]
    assert query(shop, "SELECT status FROM tickets WHERE id = ?", ticket) == [("closed",)]
    assert query(shop, "SELECT status FROM outbox") == [("sent",)]
    # The reply is in the ticket for export and search.
    export = run("--config", str(shop), "export", env=ENV)
    assert (
        order in export.stdout and str(received["Message-ID"]).strip().strip("<>") in export.stdout
    )


def test_a_missing_variable_blocks_the_reply(shop):
    ticket = ticket_without_order(shop)
    result = run("--config", str(shop), "reply", str(ticket), "--template", "wismo", env=ENV)
    assert_one_line_error(result, "order.number", f"ticket {ticket}", "default", code=1)
    assert result.stdout == ""
    assert query(shop, "SELECT count(*) FROM outbox") == [(0,)]


def test_an_amazon_reply_with_a_link_is_refused(shop):
    [(ticket,)] = query(shop, "SELECT id FROM tickets WHERE channel = 'amazon' ORDER BY id LIMIT 1")
    result = run("--config", str(shop), "reply", str(ticket), "--template", "returns-page", env=ENV)
    assert_one_line_error(result, "Amazon", "'https://anatolia-textiles.example/returns'", code=1)
    assert query(shop, "SELECT count(*) FROM outbox") == [(0,)]


def test_unknown_template_or_ticket_is_a_usage_error(shop):
    unknown = run("--config", str(shop), "reply", "1", "--template", "nope", env=ENV)
    assert_one_line_error(unknown, "no template with key 'nope'", "wismo")
    missing = run("--config", str(shop), "reply", "999999", "--template", "thanks", env=ENV)
    assert_one_line_error(missing, "no ticket with id 999999")


def test_send_reports_each_reply_and_fails_when_one_failed(shop, smtp_sink):
    ticket, _, _ = ticket_with_tracking(shop)
    assert (
        run("--config", str(shop), "reply", str(ticket), "--template", "thanks", env=ENV).returncode
        == 0
    )
    smtp_sink.mode = "reject-rcpt"
    result = run("--config", str(shop), "send", env=ENV)
    assert result.returncode == 1, result
    assert f"#1 ticket {ticket}" in result.stdout and "failed: recipient" in result.stdout
    assert "sent 0, waiting 0, failed 1" in result.stdout
    again = run("--config", str(shop), "send", env=ENV)
    assert (again.returncode, again.stdout.strip()) == (0, "nothing to send")

    # The seller fixed the address book on the server's side: send that reply again.
    smtp_sink.mode = "accept"
    retry = run("--config", str(shop), "send", "--resend", "1", env=ENV)
    assert retry.returncode == 0, retry
    assert f"#1 ticket {ticket}" in retry.stdout and "sent 1, waiting 0, failed 0" in retry.stdout
    assert len(smtp_sink.accepted) == 1
    twice = run("--config", str(shop), "send", "--resend", "1", env=ENV)
    assert twice.returncode == 2 and "reply 1 is sent, not failed" in twice.stderr
    unknown = run("--config", str(shop), "send", "--resend", "99", env=ENV)
    assert unknown.returncode == 2 and "no reply with outbox id 99" in unknown.stderr


def test_reply_attach_sends_the_file_as_a_mime_part(shop, smtp_sink, tmp_path):
    ticket, _, _ = ticket_with_tracking(shop)
    label = tmp_path / "return-label.pdf"
    label.write_bytes(b"%PDF-1.4 a label")
    result = run(
        "--config", str(shop), "reply", str(ticket), "--template", "thanks", "--send",
        "--attach", str(label), env=ENV,
    )  # fmt: skip
    assert result.returncode == 0, result
    assert "Attached return-label.pdf (16 B)" in result.stderr
    [delivery] = smtp_sink.accepted
    received = email.message_from_bytes(delivery.raw, policy=default)
    [part] = list(received.iter_attachments())
    assert (part.get_filename(), part.get_content()) == ("return-label.pdf", b"%PDF-1.4 a label")


def test_reply_attach_of_a_missing_file_is_one_line_and_queues_nothing(shop, tmp_path):
    ticket, _, _ = ticket_with_tracking(shop)
    result = run(
        "--config", str(shop), "reply", str(ticket), "--template", "thanks",
        "--attach", str(tmp_path / "nope.pdf"), env=ENV,
    )  # fmt: skip
    assert_one_line_error(result, "cannot read", "nope.pdf")
    assert query(shop, "SELECT count(*) FROM outbox") == [(0,)]


def test_send_waits_for_a_reply_held_for_undo(shop, smtp_sink):
    """The TUI queued a reply a moment ago: `send` from cron leaves it in its undo hold."""
    ticket, _, _ = ticket_with_tracking(shop)
    assert (
        run("--config", str(shop), "reply", str(ticket), "--template", "thanks", env=ENV).returncode
        == 0
    )
    query(shop, "UPDATE outbox SET next_attempt_at = '2999-01-01T00:00:00Z'")  # as the TUI holds
    result = run("--config", str(shop), "send", env=ENV)
    assert result.returncode == 0, result
    assert "nothing due now: 1 held for undo (outbox.undo_seconds) until" in result.stdout
    assert smtp_sink.accepted == []

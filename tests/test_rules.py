"""Rules on arriving mail: conditions in the search language and beyond it, actions as events
with the rule's name, undo, and automatic replies through a real SMTP server (aiosmtpd) that
follow RFC 3834: once, threaded, marked, never to automatic mail."""

from __future__ import annotations

import email
from datetime import UTC, datetime, timedelta
from email.policy import default

import pytest

from inbox_tui.config import parse_config
from inbox_tui.outbox.sender import send_due
from inbox_tui.replies import run_rules
from inbox_tui.rules.engine import replay
from inbox_tui.store import actions
from inbox_tui.store.drafts import get_draft
from inbox_tui.store.rules import rules_after
from inbox_tui.store.search import search_tickets
from tests.mailgen import make_mail
from tests.test_outbox import deliver

pytest_plugins = ["tests.smtp_sink"]

NOW = datetime(2026, 11, 30, 22, 0, tzinfo=UTC)  # a Monday, 22:00: outside 09-17
USERNAME, PASSWORD = "seller@example.com", "smtp-s3cret"

CONFIG = """\
seller:
  name: Anatolia Textiles
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
      port: {smtp_port}
      tls: none
      username: seller@example.com
      password_env: SHOP_SMTP_PASSWORD
templates: {templates}
rules:
{rules}
"""

ACK = """\
- key: ack
  name: Acknowledgement
  body: |
    Hello {{ customer.first_name }}, thank you for writing. We answer from 9:00.
- key: needs-order
  name: Needs the order
  body: |
    Your order {{ order.number }} is on its way.
"""

RULES = """\
  - name: returns
    when: {search: "subject:return"}
    then: {tag: returns, priority: 2}
  - name: out-of-hours
    when: {new: true, outside_business_hours: true}
    then: {reply: ack}
"""


@pytest.fixture(autouse=True)
def secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOP_SMTP_PASSWORD", PASSWORD)
    monkeypatch.setenv("SHOP_IMAP_PASSWORD", "unused")


def config_with(tmp_path, rules: str = RULES, smtp_port: int = 9):
    templates = tmp_path / "templates.yaml"
    templates.write_text(ACK, encoding="utf-8")
    text = CONFIG.format(smtp_port=smtp_port, templates=templates, rules=rules)
    return parse_config(text)


def mail(n: int, **kw) -> bytes:
    kw.setdefault("date", NOW - timedelta(minutes=10))
    kw.setdefault("message_id", f"<q{n}@example.com>")
    return make_mail(**kw)


def events(store, ticket: int) -> list[tuple]:
    return [
        tuple(row)
        for row in store.conn.execute(
            "SELECT kind, new_value, actor, rule FROM events WHERE ticket_id = ? AND actor = 'rule'"
            " ORDER BY id",
            (ticket,),
        )
    ]


def test_a_rule_tags_what_its_search_matches_and_says_so_in_events(store, tmp_path):
    config = config_with(tmp_path, rules=RULES.split("  - name: out-of")[0])
    asked = deliver(store, mail(1, subject="I want to return the towel"), uid="1")
    other = deliver(store, mail(2, subject="Where is it?", sender=("B", "b@example.com")), uid="2")
    report = run_rules(store, config, now=NOW)
    assert [(f.rule, f.ticket_id, f.outcome) for f in report.firings] == [
        ("returns", asked, "tag returns; priority 2")
    ]
    assert events(store, asked) == [
        ("tag_add", "returns", "rule", "returns"),
        ("priority", "2", "rule", "returns"),
    ]
    assert events(store, other) == []
    assert [t.id for t in search_tickets(store, "rule:returns")] == [asked]
    # the rules have seen these messages: the next run does nothing again
    assert run_rules(store, config, now=NOW).firings == []
    assert rules_after(store) == store.conn.execute("SELECT max(id) FROM messages").fetchone()[0]


def test_undo_takes_a_rules_changes_back_like_a_persons(store, tmp_path):
    config = config_with(tmp_path, rules=RULES.split("  - name: out-of")[0])
    ticket = deliver(store, mail(1, subject="Return please"))
    run_rules(store, config, now=NOW)
    batch = actions.last_batch_on(store, ticket)
    assert batch is not None and actions.last_batch(store) is None  # not the seller's own
    assert actions.undo(store, batch) == 2
    row = store.conn.execute("SELECT priority FROM tickets WHERE id = ?", (ticket,)).fetchone()
    assert row[0] == 0
    assert search_tickets(store, "tag:returns") == []


def test_an_auto_reply_reaches_the_server_once_threaded_and_marked(store, tmp_path, smtp_sink):
    config = config_with(tmp_path, smtp_port=smtp_sink.port)
    ticket = deliver(store, mail(1, subject="Hello?", body="Do you ship to Izmir?"))
    report = run_rules(store, config, now=NOW)
    [firing] = [f for f in report.firings if f.rule == "out-of-hours"]
    assert firing.outcome.startswith("reply ack queued #"), firing
    # the customer writes again before anyone answers: no second automatic reply
    deliver(store, mail(2, subject="Re: Hello?", in_reply_to="<q1@example.com>"), uid="2")
    again = run_rules(store, config, now=NOW + timedelta(minutes=5))
    assert [f.outcome for f in again.firings if f.rule == "out-of-hours"] == []  # not new
    # and a run after a send never queues it twice
    send_due(store, config, now=NOW)
    run_rules(store, config, now=NOW + timedelta(minutes=6))
    send_due(store, config, now=NOW + timedelta(minutes=6))
    [delivery] = smtp_sink.accepted
    sent = email.message_from_bytes(delivery.raw, policy=default)
    assert sent["Auto-Submitted"] == "auto-replied"
    assert sent["In-Reply-To"] == "<q1@example.com>"
    assert sent["Subject"] == "Re: Hello?"
    assert delivery.recipients == ["ayse@example.com"]
    assert "We answer from 9:00" in sent.get_content()
    assert ("tag_add", "returns", "rule", "returns") not in events(store, ticket)


@pytest.mark.parametrize(
    ("headers", "sender", "why"),
    [
        ({"Auto-Submitted": "auto-replied"}, "ayse@example.com", "automatic"),
        ({"Auto-Submitted": "auto-generated"}, "ayse@example.com", "automatic"),
        ({"Precedence": "bulk"}, "ayse@example.com", "bulk"),
        ({"List-Id": "<news.example.com>"}, "ayse@example.com", "mailing list"),
        ({"List-Unsubscribe": "<mailto:u@example.com>"}, "ayse@example.com", "mailing list"),
        ({}, "noreply@example.com", "does not read replies"),
        ({}, "MAILER-DAEMON@example.com", "does not read replies"),
    ],
)
def test_no_auto_reply_to_automatic_mail(store, tmp_path, smtp_sink, headers, sender, why):
    config = config_with(tmp_path, smtp_port=smtp_sink.port)
    deliver(store, mail(1, subject="Hi", sender=("X", sender), extra_headers=headers))
    report = run_rules(store, config, now=NOW)
    [firing] = [f for f in report.firings if f.rule == "out-of-hours"]
    assert "held" in firing.outcome and why in firing.outcome, firing
    send_due(store, config, now=NOW)
    assert smtp_sink.accepted == []


def test_auto_submitted_no_is_a_person_and_is_answered(store, tmp_path, smtp_sink):
    config = config_with(tmp_path, smtp_port=smtp_sink.port)
    deliver(store, mail(1, subject="Hi", extra_headers={"Auto-Submitted": "no"}))
    run_rules(store, config, now=NOW)
    send_due(store, config, now=NOW)
    assert len(smtp_sink.accepted) == 1


def test_one_auto_reply_per_customer_in_the_window(store, tmp_path, smtp_sink):
    config = config_with(tmp_path, smtp_port=smtp_sink.port)
    deliver(store, mail(1, subject="First question"), uid="1")
    run_rules(store, config, now=NOW)
    deliver(store, mail(2, subject="Another thing entirely"), uid="2")  # a new ticket
    report = run_rules(store, config, now=NOW + timedelta(hours=1))
    [firing] = [f for f in report.firings if f.rule == "out-of-hours"]
    assert "lately" in firing.outcome, firing
    send_due(store, config, now=NOW + timedelta(hours=1))
    assert len(smtp_sink.accepted) == 1


def test_a_reply_with_a_missing_value_is_a_draft_and_a_flag(store, tmp_path, smtp_sink):
    rules = """\
  - name: tell-order
    then: {reply: needs-order}
"""
    config = config_with(tmp_path, rules=rules, smtp_port=smtp_sink.port)
    ticket = deliver(store, mail(1, subject="Hi"))
    [firing] = run_rules(store, config, now=NOW).firings
    assert "draft" in firing.outcome and "order.number" in firing.outcome
    draft = get_draft(store, ticket)
    assert draft is not None and "[missing: order.number]" in draft.body
    assert ("flag", "1", "rule", "tell-order") in events(store, ticket)
    send_due(store, config, now=NOW)
    assert smtp_sink.accepted == []


def test_history_gets_no_rules(store, tmp_path):
    """A first sync or an import brings years of mail: rules act on what was written within
    rules_max_age (7 days unless set), and leave the rest as it was."""
    config = config_with(tmp_path, rules=RULES.split("  - name: out-of")[0])
    deliver(store, mail(1, subject="Return, last year", date=NOW - timedelta(days=300)), uid="1")
    recent = deliver(store, mail(2, subject="Return, today", sender=("B", "b@x.example")), uid="2")
    report = run_rules(store, config, now=NOW)
    assert [f.ticket_id for f in report.firings] == [recent]


def test_no_auto_reply_to_old_mail(store, tmp_path, smtp_sink):
    config = config_with(tmp_path, smtp_port=smtp_sink.port)
    config = config.model_copy(update={"rules_max_age": "60d"})
    deliver(store, mail(1, subject="Old", date=NOW - timedelta(days=30)), uid="1")
    report = run_rules(store, config, now=NOW)
    assert any("older than auto_reply.max_age" in f.outcome for f in report.firings)
    send_due(store, config, now=NOW)
    assert smtp_sink.accepted == []


def test_a_failing_rule_is_reported_and_the_others_still_act(store, tmp_path):
    rules = """\
  - name: broken
    then: {reply: no-such-template}
  - name: returns
    when: {search: "subject:return"}
    then: {tag: returns}
"""
    config = config_with(tmp_path, rules=rules)
    ticket = deliver(store, mail(1, subject="Return"))
    report = run_rules(store, config, now=NOW)
    [failed] = report.failures
    assert failed.rule == "broken" and "no-such-template" in failed.outcome
    assert [t.id for t in search_tickets(store, "tag:returns")] == [ticket]


def test_stop_keeps_later_rules_from_acting(store, tmp_path):
    rules = """\
  - name: vip
    when: {search: "from:ayse"}
    then: {tag: vip}
    stop: true
  - name: everything
    then: {tag: seen-by-rules}
"""
    config = config_with(tmp_path, rules=rules)
    vip = deliver(store, mail(1, subject="Hi"), uid="1")
    other = deliver(store, mail(2, subject="Yo", sender=("B", "b@example.com")), uid="2")
    run_rules(store, config, now=NOW)
    assert [t.id for t in search_tickets(store, "tag:vip")] == [vip]
    assert [t.id for t in search_tickets(store, "tag:seen-by-rules")] == [other]


def test_no_reply_for_acts_on_a_schedule_once_per_customer_message(store, tmp_path):
    rules = """\
  - name: escalate
    when: {search: "channel:email", no_reply_for: 20h}
    then: {priority: 3, flag: true}
"""
    config = config_with(tmp_path, rules=rules)
    ticket = deliver(store, mail(1, subject="Hi", date=NOW))
    assert run_rules(store, config, now=NOW + timedelta(hours=1)).firings == []
    [firing] = run_rules(store, config, now=NOW + timedelta(hours=21)).firings
    assert firing.ticket_id == ticket and firing.outcome == "priority 3; flag"
    assert run_rules(store, config, now=NOW + timedelta(hours=22)).firings == []


def test_rules_test_changes_nothing(store, tmp_path):
    config = config_with(tmp_path, rules=RULES.split("  - name: out-of")[0])
    store.conn.execute("UPDATE store_info SET value = '999' WHERE key = 'rules_after'")
    ticket = deliver(store, mail(1, subject="Return"))
    before = store.conn.execute("SELECT count(*) FROM events").fetchone()[0]
    report = replay(store, config, now=NOW, days=30, apply=False)
    assert [(f.rule, f.ticket_id) for f in report.firings] == [("returns", ticket)]
    assert store.conn.execute("SELECT count(*) FROM events").fetchone()[0] == before
    applied = replay(store, config, now=NOW, days=30, apply=True)
    assert len(applied.firings) == 1
    assert replay(store, config, now=NOW, days=30, apply=True).firings == []  # once

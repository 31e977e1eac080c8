"""`inbox-tui rules check / test / apply` and the rules after `import`, as real processes."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.mailgen import make_mail, write_maildir
from tests.test_cli import assert_one_line_error, run
from tests.test_tmux import tmux  # noqa: F401  (fixture)

RECENT = datetime.now(UTC) - timedelta(hours=2)

RULES = """\
database: {db}
seller:
  emails: [hello@shop.example]
rules:
  - name: returns
    when: {{search: "subject:return"}}
    then: {{tag: returns}}
  - name: chasers
    when: {{customer_messages_at_least: 2}}
    then: {{priority: 2}}
"""


def setup(tmp_path: Path, rules: str = RULES) -> tuple[Path, Path]:
    db = tmp_path / "inbox.db"
    config = tmp_path / "config.yaml"
    config.write_text(rules.format(db=db), encoding="utf-8")
    return config, db


def mailbox(tmp_path: Path) -> Path:
    return write_maildir(
        tmp_path / "Maildir",
        [
            make_mail(subject="I want to return it", message_id="<a@x>", date=RECENT),
            make_mail(
                subject="Where is it?",
                sender=("Bo", "bo@example.com"),
                message_id="<b1@x>",
                date=RECENT,
            ),
            make_mail(
                subject="Re: Where is it?",
                sender=("Bo", "bo@example.com"),
                message_id="<b2@x>",
                in_reply_to="<b1@x>",
                date=RECENT + timedelta(minutes=5),
            ),
        ],
    )


def tags(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT e.ticket_id, e.kind, e.new_value, e.rule FROM events e WHERE e.actor = 'rule'"
            " ORDER BY e.id"
        ).fetchall()


def test_import_runs_the_rules_on_what_came_in(tmp_path):
    config, db = setup(tmp_path)
    result = run("--config", str(config), "import", "maildir", str(mailbox(tmp_path)))
    assert result.returncode == 0, result
    assert result.stdout.splitlines()[-1] == "rules: 2 actions on 2 tickets"
    assert [(kind, value, rule) for _, kind, value, rule in tags(db)] == [
        ("tag_add", "returns", "returns"),
        ("priority", "2", "chasers"),
    ]


def test_rules_test_prints_per_rule_and_ticket_and_changes_nothing(tmp_path):
    config, db = setup(tmp_path, RULES.split("rules:")[0])  # imported before rules existed
    assert run("--config", str(config), "import", "maildir", str(mailbox(tmp_path))).returncode == 0
    config.write_text(RULES.format(db=db), encoding="utf-8")
    before = db.read_bytes()
    result = run("--config", str(config), "rules", "test", "--days", "3")
    assert result.returncode == 0, result
    lines = result.stdout.splitlines()
    assert lines[0] == "returns: would act on 1 ticket"
    assert lines[1].startswith("  #1 I want to return it: tag returns")
    assert lines[2] == "chasers: would act on 1 ticket"
    assert lines[3].startswith("  #2 Where is it?: priority 2")
    assert (
        lines[-1] == "2 tickets with mail in the last 3 days; nothing changed (rules apply does it)"
    )
    assert db.read_bytes() == before and tags(db) == []
    applied = run("--config", str(config), "rules", "apply", "--days", "3")
    assert applied.returncode == 0, applied
    assert len(tags(db)) == 2
    again = run("--config", str(config), "rules", "apply", "--days", "3")
    assert "returns: acted on 0 tickets" in again.stdout and len(tags(db)) == 2


def test_rules_check_names_file_line_and_key(tmp_path):
    config, _ = setup(
        tmp_path,
        RULES + "  - name: ack\n    then: {{reply: no-such-template}}\n",
    )
    result = run("--config", str(config), "rules", "check")
    assert_one_line_error(result, f"{config} line 12: rules[2].then.reply", "no-such-template")
    config.write_text(RULES.format(db=tmp_path / "x.db") + "    stop: maybe\n", encoding="utf-8")
    result = run("--config", str(config), "rules", "check")
    assert_one_line_error(result, f"{config} line 11: rules[1].stop", "true or false")
    config.write_text(RULES.format(db=tmp_path / "x.db"), encoding="utf-8")
    result = run("--config", str(config), "rules", "check")
    assert (result.returncode, result.stdout.strip()) == (0, "2 rules OK")


def test_docs_rules_md_is_generated():
    from inbox_tui.rules.reference import rules_reference

    docs = (Path(__file__).parent.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    assert docs == rules_reference() + "\n", (
        "docs/rules.md is stale: run `python -m inbox_tui.rules.reference > docs/rules.md`"
    )


def test_a_rules_change_is_shown_and_undone_in_a_real_terminal(tmux, tmp_path):  # noqa: F811
    """What a seller does after `import`: open the ticket, read what the rule did, `u`."""
    import shlex

    from tests.test_tmux import Terminal, inbox_tui_command

    config, db = setup(tmp_path)
    assert run("--config", str(config), "import", "maildir", str(mailbox(tmp_path))).returncode == 0
    terminal = Terminal(tmux, tmp_path)
    try:
        terminal.start(shlex.join([str(inbox_tui_command()), "--config", str(config)]))
        terminal.wait_for("the list", lambda s: "2 All" in s and "Quit" in s)
        terminal.keys("2")  # All: the newest first (Bo's follow-up, then the return)
        terminal.wait_for("the return", lambda s: "I want to return it" in s)
        terminal.keys("j", "Enter")
        screen = terminal.wait_for("the thread", lambda s: "Back" in s and "2 All" not in s)
        assert "tagged returns by rule returns" in screen
        terminal.keys("u")
        terminal.wait_for("the undo", lambda s: "(undone)" in s and "tag #returns" in s)
        # the note "Undid: tag #returns of #1" names it; once it has gone (5 s), so has the tag
        # from the head of the thread
        screen = terminal.wait_for("the note gone", lambda s: "ndid" not in s)
        assert "(undone)" in screen and "#returns" not in screen
        terminal.keys("Escape")
        terminal.wait_for("the list again", lambda s: "2 All" in s and "Quit" in s)
        terminal.quit()
    finally:
        terminal.kill()
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM ticket_tags").fetchone()[0] == 0

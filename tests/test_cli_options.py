"""The command line's shape: --config and --db before or after any command's name, every
problem of a config or templates file at once, and the template library listed."""

from __future__ import annotations

from pathlib import Path

import pytest

from inbox_tui.templates import shipped_templates
from tests.mailgen import thread, write_maildir
from tests.test_cli import run

COMMANDS = [
    ["demo"],
    ["export"],
    ["import", "maildir"],
    ["import", "mbox"],
    ["reply"],
    ["send"],
    ["stats"],
    ["sync"],
    ["templates", "check"],
    ["templates", "list"],
]


def test_global_options_after_the_command_name(tmp_path: Path) -> None:
    db = tmp_path / "shop.db"
    box = write_maildir(tmp_path / "Mail", thread(3, prefix="x") + thread(1, prefix="y"))
    imported = run("import", "maildir", "--db", str(db), str(box))
    assert imported.returncode == 0, imported.stderr
    assert "4 new messages in 2 new tickets" in imported.stdout

    stats = run("stats", "--db", str(db), "--days", "3650")
    assert stats.returncode == 0, stats.stderr
    assert "2 new tickets" in stats.stdout
    exported = run("export", "--format", "csv", "--db", str(db))
    assert len(exported.stdout.splitlines()) == 3

    config = tmp_path / "config.yaml"
    config.write_text(
        f"database: {db}\nsources:\n  - name: more\n    kind: maildir\n    path: {box}\n"
    )
    synced = run("sync", "--config", str(config))
    assert synced.returncode == 0, synced.stderr
    assert "more: 0 new messages" in synced.stdout  # the config after the name was read


def test_the_option_after_the_name_wins(tmp_path: Path) -> None:
    box = write_maildir(tmp_path / "Mail", thread(2))
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    result = run("--db", str(first), "import", "maildir", str(box), "--db", str(second))
    assert result.returncode == 0, result.stderr
    assert second.exists() and not first.exists()


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_takes_the_global_options(command: list[str]) -> None:
    help_text = run(*command, "--help").stdout
    assert "--config FILE" in help_text and "--db FILE" in help_text


def test_a_config_error_lists_every_problem(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("ui:\n  page_size: 1\n  theme: 3\nfoo: 1\n")
    result = run("stats", "--config", str(config))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"inbox-tui: error: {config} line 2: ui.page_size: expected at least 20, got 1",
        f"inbox-tui: error: {config} line 3: ui.theme: expected text, got 3",
        f"inbox-tui: error: {config} line 4: foo: unknown key (known: auto_reply, database,"
        " orders, outbox, rules, rules_max_age, seller, sla, snooze, sources, sync, templates, ui)",
    ]


def with_templates(tmp_path: Path, text: str) -> tuple[Path, Path]:
    """A config whose `templates:` is a file with this text: (config, the file)."""
    mine = tmp_path / "mine.yaml"
    mine.write_text(text)
    config = tmp_path / "config.yaml"
    config.write_text(f"templates: {mine}\n")
    return config, mine


def test_templates_check_lists_every_problem_of_a_file(tmp_path: Path) -> None:
    config, mine = with_templates(
        tmp_path,
        "- key: Hello\n  name: Hello\n  body: Hi\n"
        "- key: ok\n  name: Fine\n  body: Fine\n"
        "- name: Two problems\n  body: Hi\n  colour: red\n",
    )
    result = run("templates", "check", "--config", str(config))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"inbox-tui: {mine} line 1: [0].key: expected a short id (lower-case letters, digits,"
        " '-', '_'; up to 32), got 'Hello'",
        f"inbox-tui: {mine} line 7: [2]: key is required",
        f"inbox-tui: {mine} line 9: [2].colour: unknown key (known: body, channels, examples,"
        " key, keywords, language, name, status, subject, tags)",
    ]


def test_templates_list_shows_the_library(tmp_path: Path) -> None:
    config, mine = with_templates(
        tmp_path,
        "- key: wismo\n  name: Where is my order (our own words, which are rather long)\n"
        "  body: Hi\n"
        "- key: fabric-care\n  name: Washing wool\n  language: de\n  body: Hallo\n",
    )
    result = run("templates", "list", "--config", str(config), env={"COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["key", "name", "lang", "from"]
    assert max(len(line) for line in lines[:-1]) <= 80  # the table; then the file's path
    rows = {line.split()[0]: line for line in lines[1:-1]}
    assert rows["wismo-de"].split()[-2:] == ["de", "shipped"]
    assert "Wo ist meine Bestellung" in rows["wismo-de"]
    assert rows["wismo"].split()[-4:] == ["en", "mine.yaml:1,", "replaces", "shipped"]
    assert "Where is my order (" in rows["wismo"] and "long" not in rows["wismo"]  # cut: …
    assert rows["fabric-care"].split()[-2:] == ["de", "mine.yaml:4"]
    assert len(rows) == len(shipped_templates()) + 1  # wismo replaced, fabric-care added
    assert lines[-1] == f"yours: {mine} (`templates:` in the config)"

"""The command line as a user meets it: real processes, one-line errors, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from inbox_tui.store import Store
from tests.mailgen import thread, write_maildir, write_mbox

BIN = Path(sys.executable).parent / "inbox-tui"


def run(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )


def assert_one_line_error(
    result: subprocess.CompletedProcess[str], *fragments: str, code: int = 2
) -> None:
    assert result.returncode == code, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_version_and_help():
    version = run("--version")
    assert version.returncode == 0 and "inbox-tui" in version.stdout
    help_text = run("--help").stdout
    for command in ("demo", "import", "export", "sync", "send", "compact"):
        assert command in help_text


def test_import_then_export_from_the_command_line(tmp_path):
    box = write_maildir(tmp_path / "Mail", thread(3, prefix="cli") + thread(2, prefix="two"))
    db = tmp_path / "inbox.db"
    config = tmp_path / "config.yaml"
    config.write_text("seller:\n  emails: [hello@shop.example]\n")

    first = run("--config", str(config), "--db", str(db), "import", "maildir", str(box))
    assert first.returncode == 0, first.stderr
    assert "5 new messages in 2 new tickets" in first.stdout
    again = run("--config", str(config), "--db", str(db), "import", "maildir", str(box))
    assert "0 new messages" in again.stdout and "5 already there" in again.stdout

    exported = run("--db", str(db), "export", "--format", "jsonl")
    records = [json.loads(line) for line in exported.stdout.splitlines()]
    assert sorted(r["message_count"] for r in records) == [2, 3]
    directions = [m["direction"] for r in records for m in r["messages"]]
    assert directions.count("out") == 2

    out = tmp_path / "tickets.csv"
    to_file = run("--db", str(db), "export", "--format", "csv", "-o", str(out))
    assert to_file.returncode == 0 and len(out.read_text().splitlines()) == 3
    assert not list(tmp_path.glob("*.partial"))


def test_mbox_import_from_the_command_line(tmp_path):
    box = write_mbox(tmp_path / "old.mbox", thread(2, prefix="mb"))
    result = run("--db", str(tmp_path / "x.db"), "import", "mbox", str(box))
    assert result.returncode == 0 and "2 new messages" in result.stdout


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("import", "mbox", "{tmp}/missing.mbox"), ("missing.mbox", "no such file")),
        (("import", "mbox", "{tmp}/photo.jpg"), ("photo.jpg", "not an mbox file")),
        (("import", "maildir", "{tmp}/photo.jpg"), ("not a Maildir",)),
        (("--config", "{tmp}/bad.yaml", "export"), ("bad.yaml", "line 2")),
        (("--config", "{tmp}/nope.yaml", "export"), ("nope.yaml", "not found")),
        (("--db", "{tmp}/none.db", "export"), ("no inbox database",)),
        (
            ("--db", "{tmp}/photo.jpg", "import", "mbox", "{tmp}/photo.jpg"),
            ("photo.jpg", "not an inbox database (not a SQLite file)"),
        ),
        (("export", "--format", "xml"), ("xml",)),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(tmp_path, args, fragments):
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(range(256)) * 10)
    (tmp_path / "bad.yaml").write_text("seller:\n  emails: [a@b.example\n  name: x\n")
    result = run(*(a.format(tmp=tmp_path) for a in args), env={"INBOX_TUI_TEST": "1"}, cwd=tmp_path)
    assert_one_line_error(result, *fragments)


def test_importing_a_binary_file_changes_nothing_already_stored(tmp_path):
    db = tmp_path / "inbox.db"
    box = write_maildir(tmp_path / "Mail", thread(2, prefix="keep"))
    assert run("--db", str(db), "import", "maildir", str(box)).returncode == 0
    before = run("--db", str(db), "export").stdout
    (tmp_path / "blob.bin").write_bytes(os.urandom(50_000))
    failed = run("--db", str(db), "import", "mbox", str(tmp_path / "blob.bin"))
    assert failed.returncode == 2
    assert run("--db", str(db), "export").stdout == before


def test_sync_and_send_without_sources_say_so(tmp_path):
    Store.open(tmp_path / "x.db").close()  # send needs a store; sync would create one
    for command in ("sync", "send"):
        result = run("--db", str(tmp_path / "x.db"), command)
        assert result.returncode == 0 and "no sources configured" in result.stdout


def test_sync_imports_configured_local_sources(tmp_path):
    box = write_maildir(tmp_path / "Mail", thread(2, prefix="sy"))
    config = tmp_path / "config.yaml"
    config.write_text(
        f"database: {tmp_path}/inbox.db\nsources:\n  - name: archive\n    kind: maildir\n    path: {box}\n"
        f"  - name: gone\n    kind: mbox\n    path: {tmp_path}/missing.mbox\n"
    )
    result = run("--config", str(config), "sync")
    assert "archive: 2 new messages" in result.stdout
    assert "gone: failed" in result.stderr and "no such file" in result.stderr
    assert result.returncode == 1


def test_demo_builds_once_without_the_tui(tmp_path):
    db = tmp_path / "demo.db"
    first = run("demo", "--db", str(db), "--no-tui")
    assert first.returncode == 0, first.stderr
    assert "tickets" in first.stdout
    exported = run("--db", str(db), "export", "--format", "csv").stdout.splitlines()
    second = run("demo", "--db", str(db), "--no-tui")
    assert second.returncode == 0
    assert run("--db", str(db), "export", "--format", "csv").stdout.splitlines() == exported


def test_unknown_theme_is_a_config_error_before_the_screen_opens(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("ui:\n  theme: no-such-theme\n")
    result = run("--config", str(config), "--db", str(tmp_path / "x.db"))
    assert_one_line_error(result, "ui.theme", "unknown theme 'no-such-theme'")

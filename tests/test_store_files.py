"""What the command line does with the file `--db` points at: a real inbox, a text file, another
program's database, nothing, a read-only or damaged store. Real processes on real files; nothing
that is not an inbox-tui store (or not the demo, for `demo`) is ever written, replaced or deleted."""

from __future__ import annotations

import hashlib
import os
import resource
import shlex
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from inbox_tui.demo import build_demo
from inbox_tui.store import Store
from inbox_tui.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from inbox_tui.store.sync import FolderState, save_folder_state
from tests.mailgen import make_mail, thread, write_maildir
from tests.test_cli import BIN, assert_one_line_error, run
from tests.test_reply_cli import CONFIG, TEMPLATES
from tests.test_tmux import Terminal, tmux  # noqa: F401  (tmux: a fixture)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file in the folder and a digest of its bytes."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def journal_mode(path: Path) -> str:
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """A seller's real inbox, in a folder of its own: tickets imported through the command
    line, a reply queued in the outbox, and IMAP sync state."""
    folder = tmp_path / "shop"
    folder.mkdir()
    db = folder / "inbox.db"
    box = write_maildir(tmp_path / "Mail", thread(3, prefix="a") + thread(2, prefix="b"))
    (tmp_path / "templates.yaml").write_text(TEMPLATES)
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG.format(db=db, templates=tmp_path / "templates.yaml", smtp_port=9))
    imported = run("--config", str(config), "import", "maildir", str(box))
    assert imported.returncode == 0, imported.stderr
    queued = run("--config", str(config), "reply", "1", "--template", "returns-page")
    assert queued.returncode == 0, queued.stderr
    store = Store.open(db)
    with store.transaction():
        save_folder_state(store, "imap:shop", "INBOX", FolderState(1234, 31, 977))
    store.close()
    return db


def counts(db: Path) -> tuple[int, int, int]:
    conn = sqlite3.connect(db)
    try:
        return tuple(
            conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("tickets", "outbox", "sync_state")
        )
    finally:
        conn.close()


@pytest.mark.parametrize("rebuild", [True, False], ids=["rebuild", "open"])
def test_demo_never_replaces_a_real_inbox(inbox: Path, rebuild: bool) -> None:
    assert counts(inbox) == (2, 1, 1)
    before = snapshot(inbox.parent)
    result = run("demo", "--no-tui", "--db", str(inbox), *(["--rebuild"] if rebuild else []))
    assert_one_line_error(result, "inbox.db is an inbox of its own, not the demo")
    assert "demo inbox ready" not in result.stdout
    assert snapshot(inbox.parent) == before  # byte for byte, and no file added beside it
    assert counts(inbox) == (2, 1, 1)


def test_demo_leaves_a_text_file_alone(tmp_path: Path) -> None:
    notes = tmp_path / "docs" / "notes.txt"
    notes.parent.mkdir()
    notes.write_text("call the supplier on Monday\n")
    before = snapshot(notes.parent)
    for extra in ([], ["--rebuild"]):
        result = run("demo", "--no-tui", "--db", str(notes), *extra)
        assert_one_line_error(result, "notes.txt is not an inbox database (not a SQLite file)")
    assert snapshot(notes.parent) == before
    assert notes.read_text() == "call the supplier on Monday\n"


def test_demo_rebuild_replaces_the_demo(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    assert run("demo", "--no-tui", "--db", str(db)).returncode == 0
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE tickets SET subject = 'changed by the seller trying things'")
    conn.close()
    rebuilt = run("demo", "--no-tui", "--rebuild", "--db", str(db))
    assert rebuilt.returncode == 0, rebuilt.stderr
    conn = sqlite3.connect(db)
    assert conn.execute(
        "SELECT count(*) FROM tickets WHERE subject LIKE 'changed%'"
    ).fetchone() == (0,)
    assert conn.execute("SELECT value FROM store_info WHERE key = 'kind'").fetchone() == ("demo",)
    conn.close()


OTHER_PROGRAM = [
    ["export"],
    ["stats"],
    ["send"],
    ["reply", "1", "--template", "thanks"],
    ["import", "maildir", "{mail}"],
    ["demo", "--no-tui"],
    ["demo", "--no-tui", "--rebuild"],
    [],  # open the inbox
]


@pytest.mark.parametrize("args", OTHER_PROGRAM, ids=lambda a: " ".join(a) or "open")
def test_another_programs_database_is_refused_untouched(tmp_path: Path, args: list[str]) -> None:
    other = tmp_path / "data" / "notes.sqlite"
    other.parent.mkdir()
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    conn.execute("INSERT INTO notes (text) VALUES ('buy more wool')")
    conn.commit()
    conn.close()
    before = snapshot(other.parent)
    mail = write_maildir(tmp_path / "Mail", thread(1))
    command = [a.format(mail=mail) for a in args]
    result = run("--db", str(other), *command)
    assert_one_line_error(result, "notes.sqlite is not an inbox database", "another program's")
    assert snapshot(other.parent) == before
    assert journal_mode(other) == "delete"  # it was switched to WAL before being refused


@pytest.mark.parametrize(
    ("args", "empty"),
    [
        (["export"], True),
        (["stats"], True),
        (["send"], True),
        (["reply", "1", "--template", "thanks"], True),
        (["send"], False),  # export, stats and reply already refused a missing file
    ],
    ids=["0-byte-export", "0-byte-stats", "0-byte-send", "0-byte-reply", "missing-send"],
)
def test_commands_that_need_a_store_do_not_create_one(
    tmp_path: Path, args: list[str], empty: bool
) -> None:
    db = tmp_path / "inbox.db"
    if empty:
        db.touch()
    result = run("--db", str(db), *args)
    assert_one_line_error(result, f"no inbox database at {db}")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == (
        ["inbox.db"] if empty else []
    )
    assert not empty or db.stat().st_size == 0


def test_import_makes_a_store_of_an_empty_file(tmp_path: Path) -> None:
    db = tmp_path / "inbox.db"
    db.touch()
    box = write_maildir(tmp_path / "Mail", thread(2))
    assert run("--db", str(db), "import", "maildir", str(box)).returncode == 0
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
    assert conn.execute("SELECT count(*) FROM messages").fetchone() == (2,)
    conn.close()


def plain_user() -> list[str]:
    """Run a command without root's power to write any file (as the seller would)."""
    if os.geteuid() != 0:
        return []
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]


def test_a_read_only_store(inbox: Path, tmp_path: Path) -> None:
    inbox.chmod(0o444)
    before = inbox.read_bytes()
    box = write_maildir(tmp_path / "More", thread(1, prefix="new"))
    for args in (["import", "maildir", str(box)], ["send"], []):
        result = subprocess.run(
            [*plain_user(), str(BIN), "--db", str(inbox), *args],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert_one_line_error(result, "inbox.db is read-only", "writable")
    exported = subprocess.run(
        [*plain_user(), str(BIN), "--db", str(inbox), "export", "--format", "csv"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert exported.returncode == 0, exported.stderr  # reading needs no write
    assert len(exported.stdout.splitlines()) == 3
    assert inbox.read_bytes() == before


def test_a_negative_schema_version_is_a_damaged_store(inbox: Path) -> None:
    conn = sqlite3.connect(inbox)
    conn.execute("PRAGMA user_version = -1")
    conn.commit()
    conn.close()
    before = snapshot(inbox.parent)
    for args in (["export"], ["stats"], ["demo", "--no-tui", "--rebuild"]):
        result = run("--db", str(inbox), *args)
        assert_one_line_error(result, "inbox.db is damaged: its schema version is -1")
    assert snapshot(inbox.parent) == before


def test_a_damaged_store_is_one_line(inbox: Path) -> None:
    size = inbox.stat().st_size
    os.truncate(inbox, size // 3)
    for args in (["export"], ["stats"], ["demo", "--no-tui"]):
        result = run("--db", str(inbox), *args)
        assert_one_line_error(result, "inbox.db is damaged", "restore it from a backup")
    assert inbox.stat().st_size == size // 3


def test_a_folder_as_the_store(tmp_path: Path) -> None:
    folder = tmp_path / "inbox.db"
    folder.mkdir()
    config = tmp_path / "config.yaml"
    config.write_text(f"database: {folder}\n")
    for args in (["export"], ["import", "maildir", str(write_maildir(tmp_path / "M", thread(1)))]):
        result = run("--config", str(config), *args)
        assert_one_line_error(result, "inbox.db is a folder, not an inbox database file")
    assert list(folder.iterdir()) == []


def test_a_full_disk_loses_nothing(inbox: Path, tmp_path: Path) -> None:
    big = [m + b"\n" + os.urandom(3000).hex().encode() for m in thread(60, prefix="big")]
    box = write_maildir(tmp_path / "Big", big)
    limit = inbox.stat().st_size + 64 * 1024  # files may grow 64 KiB: the import needs more

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = subprocess.run(
        [str(BIN), "--db", str(inbox), "import", "maildir", str(box)],
        capture_output=True, text=True, timeout=60, preexec_fn=small_disk,
    )  # fmt: skip
    assert_one_line_error(result, "cannot write", "inbox.db", "nothing stored before is lost")
    assert counts(inbox) == (2, 1, 1)


def test_a_locked_store_says_so(inbox: Path) -> None:
    holder = sqlite3.connect(inbox, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        result = run("--db", str(inbox), "export")
        assert time.monotonic() - started < 25  # waits a moment, not the 30 s write timeout
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert_one_line_error(result, "inbox.db is busy", "try again", code=1)


def old_store(path: Path, *, demo: bool) -> None:
    """A store as inbox-tui wrote it before application_id and store_info (schema 4)."""
    store = Store.open(":memory:")
    if demo:
        build_demo(store)  # what the demo command put at the demo's path
    conn = sqlite3.connect(path)
    conn.executescript("".join(MIGRATIONS[:4]) + "PRAGMA user_version = 4;")
    conn.close()
    if demo:
        tables = ("customers", "tickets", "messages", "message_raw", "message_locations")
        store.conn.execute("ATTACH ? AS old", (str(path),))
        for table in tables:  # the columns the old schema had (later ones added some)
            old = [row[1] for row in store.conn.execute(f"PRAGMA old.table_info({table})")]
            columns = ", ".join(old)
            store.conn.execute(
                f"INSERT INTO old.{table} ({columns}) SELECT {columns} FROM main.{table}"
            )
        store.conn.execute("DETACH old")
    store.close()


def test_a_store_from_before_application_id_opens_and_gets_it(tmp_path: Path) -> None:
    db = tmp_path / "inbox.db"
    old_store(db, demo=False)
    box = write_maildir(tmp_path / "Mail", thread(2))
    assert run("--db", str(db), "import", "maildir", str(box)).returncode == 0
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
    assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    assert conn.execute("SELECT count(*) FROM store_info WHERE key = 'kind'").fetchone() == (0,)
    conn.close()
    refused = run("demo", "--no-tui", "--rebuild", "--db", str(db))
    assert_one_line_error(refused, "not the demo")


def test_a_demo_from_before_the_mark_is_still_the_demo(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    old_store(db, demo=True)
    tickets = sqlite3.connect(db).execute("SELECT count(*) FROM tickets").fetchone()
    opened = run("demo", "--no-tui", "--db", str(db))
    assert opened.returncode == 0, opened.stderr
    assert f"({tickets[0]} tickets)" in opened.stdout
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT value FROM store_info WHERE key = 'kind'").fetchone() == ("demo",)
    conn.close()
    assert run("demo", "--no-tui", "--rebuild", "--db", str(db)).returncode == 0


def test_the_demo_is_never_imported_into(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    assert run("demo", "--no-tui", "--db", str(db)).returncode == 0
    shutil.copy(db, tmp_path / "before.db")
    box = write_maildir(tmp_path / "Mail", thread(2, prefix="real"))
    result = run("--db", str(db), "import", "maildir", str(box))
    assert_one_line_error(result, "demo.db is the demo inbox", "import into")
    assert db.read_bytes() == (tmp_path / "before.db").read_bytes()


def test_the_demo_opened_by_its_path_is_still_the_demo(tmux: str, tmp_path: Path) -> None:  # noqa: F811
    # `inbox-tui --db demo.db` with the seller's config: the demo is never synced into (real
    # mail there would be lost to the next `demo --rebuild`).
    db = tmp_path / "demo.db"
    assert run("demo", "--no-tui", "--db", str(db)).returncode == 0
    mail = [make_mail(subject="Zebra-striped scarf, real customer", message_id="<real@x.example>")]
    box = write_maildir(tmp_path / "Mail", mail)
    config = tmp_path / "config.yaml"
    config.write_text(f"sources:\n  - name: mine\n    kind: maildir\n    path: {box}\n")
    terminal = Terminal(tmux, tmp_path)
    try:
        terminal.start(shlex.join([str(BIN), "--config", str(config), "--db", str(db)]))
        terminal.wait_for("the list", lambda s: "2 All" in s and "Quit" in s, timeout=60)
        time.sleep(3)  # a sync of one mail would be done and shown ("synced just now") by now
        screen = terminal.screen()
        assert "synced" not in screen and "Zebra" not in screen, screen
        terminal.keys("q")
        terminal.wait_for(
            "the app to quit", lambda s: terminal.exit_status() is not None, quitting=True
        )
    finally:
        terminal.kill()
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM messages WHERE subject LIKE 'Zebra%'").fetchone() == (
        0,
    )
    conn.close()

"""Start-up stays light: what `inbox-tui` imports before its first frame, as `python -X
importtime` sees it, in a real terminal (issue 12). The timings are in benchmarks/tui.py."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from inbox_tui.cli_base import tui_words
from inbox_tui.config_cache import load_start_config
from inbox_tui.launch import opens_the_tui
from inbox_tui.templates import shipped_templates
from tests.demo_cache import demo_copy
from tests.pty_terminal import LIST_SHOWN, Terminal, terminal_env
from tests.test_cli import BIN

# Each waits until something needs it; imported before the first frame, it costs the start
# its import time (and sqlite-utils its plugin machinery, pluggy).
HEAVY = {
    "jinja2": "reply templates: the composer",
    "inbox_tui.templates": "reply templates: the composer",
    "inbox_tui.tui.screens.composer": "the composer",
    "httpx": "marketplace APIs: the sync and send workers",
    "imapclient": "IMAP: the sync worker, after the first frame",
    "smtplib": "sending: the send worker",
    "inscriptis": "HTML mail: the parser",
    "lxml": "HTML mail: the parser",
    "inbox_tui.mail.parse": "the parser: sync and import",
    "inbox_tui.importer": "import, and building the demo",
    "sqlite_utils": "Store.db, for scripts and tests",
    "pluggy": "sqlite-utils' plugins",
    "multiprocessing": "the big first sync's workers",
    "pydantic": "validating the config: from its cache, after the first frame (config_cache.py)",
    "pydantic_core": "validating the config, after the first frame",
    "inbox_tui.config": "the config's models, after the first frame",
    "yaml": "reading the config file anew: only when its cache misses",
    "importlib.metadata": "pydantic's plugin loader, after the first frame",
    "click": "the other commands: `inbox-tui` and `demo` open the TUI without it (cli_base.py)",
    "inbox_tui.cli": "the other commands' click tree (cli_base.quick_start opens the TUI)",
    "inbox_tui.domain.orders": "the customer panel's orders, and the order providers",
    "inbox_tui.domain.replies": "sending, and a channel's rules for a reply's text",
    "inbox_tui.domain.subjects": "a ticket's title, in SQL: a migration or a merge",
    "inbox_tui.store.attachments": "attachments: opening one, or schema 12's migration",
    "inbox_tui.search": "the search's parser: the first search, or a saved one's count",
    "inbox_tui.store.search": "the search's SQL: the first search, or a rule's run",
}
IMPORTED = re.compile(r"import time:\s+\d+ \|\s+\d+ \|\s*(\S+)")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_copy(tmp_path_factory, tmp_path_factory.mktemp("startup") / "demo.db")


def imported(text: str) -> set[str]:
    return set(IMPORTED.findall(text))


def start(*args: str) -> Terminal:
    """`inbox-tui ARGS` in a 120x35 pty, Python reporting every import on the terminal."""
    argv = [sys.executable, "-X", "importtime", str(BIN), *args]
    return Terminal(argv, terminal_env(), (120, 35))


def test_the_first_frame_imports_nothing_heavy_and_the_templates_come_after(
    demo_db: Path,
) -> None:
    load_start_config(None)  # as an earlier start left it: the config's cache written
    terminal = start("demo", "--db", str(demo_db))
    try:
        terminal.wait_for(LIST_SHOWN)
        first_frame = LIST_SHOWN.search(terminal.text)
        assert first_frame is not None
        before = imported(terminal.text[: first_frame.start()])
        assert "textual.app" in before and "inbox_tui.tui.app" in before  # the report is read
        assert {m: why for m, why in HEAVY.items() if m in before} == {}

        terminal.quiet(0.5)
        shown = len(terminal.text)
        names = "|".join(re.escape(t.name) for t in shipped_templates())
        terminal.send(b"r")
        terminal.wait_for(re.compile(names), after=shown)
        # loaded after the first frame (beside the UI, or at the latest for the composer):
        # the report does show an import when there is one
        assert {"jinja2", "inbox_tui.templates"} <= imported(terminal.text[first_frame.end() :])
        back = len(terminal.text)
        terminal.send(b"\x1b")
        terminal.wait_for(LIST_SHOWN, after=back)  # the list again, not the composer: q quits
        terminal.send(b"q")
        terminal.wait_exit()
        assert terminal.process.returncode == 0
    finally:
        terminal.close()


def test_a_store_opened_with_db_imports_nothing_heavy_either(demo_db: Path) -> None:
    load_start_config(None)
    terminal = start("--db", str(demo_db))
    try:
        terminal.wait_for(LIST_SHOWN)
        first_frame = LIST_SHOWN.search(terminal.text)
        assert first_frame is not None
        before = imported(terminal.text[: first_frame.start()])
        assert {m: why for m, why in HEAVY.items() if m in before} == {}
        terminal.send(b"q")
        terminal.wait_exit()
    finally:
        terminal.close()


@pytest.mark.parametrize(
    ("args", "tui"),
    [
        ([], True),
        (["demo"], True),
        (["--db", "x.db"], True),
        (["--config=c.yaml", "--db", "x.db", "demo"], True),
        (["demo", "--db", "x.db"], True),
        (["demo", "--no-tui"], False),
        (["sync"], False),
        (["--db", "x.db", "import", "maildir", "M"], False),
        (["--help"], False),
        (["demo", "-h"], False),
        (["-V"], False),
        (["--db", "demo", "stats"], False),  # "demo" as an option's value
    ],
)
def test_the_entry_point_holds_the_collector_only_for_the_tui(args: list[str], tui: bool) -> None:
    assert opens_the_tui(args) is tui


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ([], ({}, False)),
        (["demo"], ({}, True)),
        (["--db", "x.db"], ({"db_path": Path("x.db")}, False)),
        (["--db=a.db", "demo", "--db", "b.db"], ({"db_path": Path("b.db")}, True)),  # the last
        (["--config", "c.yaml", "demo"], ({"config_path": Path("c.yaml")}, True)),
        # click reads these (or refuses them): its errors, its help
        (["demo", "--rebuild"], None),
        (["demo", "demo"], None),
        (["--db"], None),
        (["--db", "--config", "c.yaml"], None),
        (["--db="], None),
        (["--db", "."], None),  # a folder: click's "is a directory"
        (["stats"], None),
        (["--help"], None),
    ],
)
def test_the_tui_opens_without_click_only_for_its_plain_forms(
    args: list[str], words: tuple[dict[str, Path], bool] | None
) -> None:
    assert tui_words(args) == words


def test_the_first_start_with_a_config_validates_it_and_the_next_one_does_not(
    demo_db: Path, tmp_path: Path
) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("ui:\n  page_size: 40\nseller:\n  timezone: Europe/Berlin\n")
    for first in (True, False):
        terminal = start("--config", str(config), "demo", "--db", str(demo_db))
        try:
            terminal.wait_for(LIST_SHOWN)
            first_frame = LIST_SHOWN.search(terminal.text)
            assert first_frame is not None
            before = imported(terminal.text[: first_frame.start()])
            # a miss validates the file with pydantic, as before; a hit reads the cache
            assert ("pydantic" in before) is first
            assert {m: why for m, why in HEAVY.items() if m in before and not first} == {}
            terminal.send(b"q")
            terminal.wait_exit()
            assert terminal.process.returncode == 0
        finally:
            terminal.close()

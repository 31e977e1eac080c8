from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from inbox_tui.mail import fast_parse
from inbox_tui.store import Store
from tests.mime_tree import tree
from tests.ports import held_closed_port

# No property test is timed (speed is measured in benchmarks/): Hypothesis's default 200 ms a
# example would fail a right answer that came late on a busy machine (parallel workers, shared
# CI cores) as a DeadlineExceeded or a Flaky error.
settings.register_profile("inbox-tui", deadline=None)
settings.load_profile("inbox-tui")

PARSER_TESTS = {"test_parse", "test_hostile", "test_boundary", "test_sanitize", "test_import"}


@pytest.fixture
def store(tmp_path: Path):
    opened = Store.open(tmp_path / "inbox.db")
    yield opened
    opened.close()


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port nothing listens on (yet); held, so no other test worker is given it."""
    with held_closed_port() as port:
        yield port


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads or writes the real user's config, data or state folders."""
    home = tmp_path / "home"
    for name, sub in (
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_STATE_HOME", ".local/state"),
        ("XDG_CACHE_HOME", ".cache"),
    ):
        (home / sub).mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(name, str(home / sub))
    monkeypatch.setenv("HOME", str(home))
    # pytest-xdist's workers set COLUMNS=80 and LINES=24: an app started in tmux or a pty with
    # them drew at 80x24 whatever the terminal's size
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("LINES", raising=False)
    return home


@pytest.fixture(autouse=True)
def fast_parse_agrees(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """In the parser tests, every message the fast path takes is also parsed whole by the stdlib,
    and the two MIME trees must match part by part (tests/test_fast_parse.py says why)."""
    if request.module.__name__.rpartition(".")[2] not in PARSER_TESTS:
        return
    fast = fast_parse.parse_tree

    def checked(raw: bytes, parser):
        found = fast(raw, parser)
        if found is not None:
            assert tree(found) == tree(parser.parsebytes(raw)), "fast path differs from stdlib"
        return found

    monkeypatch.setattr(fast_parse, "parse_tree", checked)

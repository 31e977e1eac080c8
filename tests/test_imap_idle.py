"""IMAP IDLE against a real Dovecot: mail that arrives while the inbox is open is noticed in seconds."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

import pytest

from inbox_tui.channels.imap.idle import IdleWatcher
from inbox_tui.config import ImapSourceConfig
from tests.mailgen import make_mail
from tests.test_imap_sync import SECRET_ENV, append

if TYPE_CHECKING:
    from tests.dovecot import Account, IdleStarts

pytest_plugins = ["tests.dovecot"]


def _source(account: Account, monkeypatch: pytest.MonkeyPatch, **overrides) -> ImapSourceConfig:
    monkeypatch.setenv(SECRET_ENV, account.password)
    settings = {
        "name": "shop",
        "kind": "imap",
        "host": account.host,
        "port": account.port,
        "tls": "none",
        "username": account.username,
        "password_env": SECRET_ENV,
    } | overrides
    return ImapSourceConfig(**settings)


class Watching:
    """A watcher running in its own thread, as the TUI runs it."""

    def __init__(self, watcher: IdleWatcher) -> None:
        self.stop = threading.Event()
        self.thread = threading.Thread(target=watcher.run, args=(self.stop,), daemon=True)

    def __enter__(self) -> Watching:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=10)
        assert not self.thread.is_alive(), "the watcher did not stop when asked"


def _wait_for(event: threading.Event, seconds: float) -> float | None:
    started = time.monotonic()
    return time.monotonic() - started if event.wait(seconds) else None


def test_new_mail_is_announced_within_seconds(
    imap_account: Account, monkeypatch, idle_starts: IdleStarts
) -> None:
    changed, problems = threading.Event(), []
    watcher = IdleWatcher(
        _source(imap_account, monkeypatch), "INBOX", changed.set, on_problem=problems.append
    )
    with Watching(watcher):
        assert idle_starts.wait_for(1), "the watcher never started to idle"
        assert not changed.is_set()  # nothing happened yet, nothing announced
        append(imap_account, [make_mail(subject="Where is my parcel?")])
        took = _wait_for(changed, 10)
    assert took is not None and took < 5, "new mail was not announced within 5 s"
    assert watcher.supported is True
    assert problems == []


def test_a_second_message_is_announced_too(
    imap_account: Account, monkeypatch, idle_starts: IdleStarts
) -> None:
    calls: list[float] = []
    second = threading.Event()

    def on_change() -> None:
        calls.append(time.monotonic())
        if len(calls) == 2:
            second.set()

    watcher = IdleWatcher(_source(imap_account, monkeypatch), "INBOX", on_change)
    with Watching(watcher):
        assert idle_starts.wait_for(1), "the watcher never started to idle"
        append(imap_account, [make_mail(subject="first")])
        # the first announced, the watcher idles again: the second arrives while it listens
        assert idle_starts.wait_for(2), f"only {len(calls)} announcements for the first arrival"
        append(imap_account, [make_mail(subject="second")])
        assert second.wait(10), f"only {len(calls)} announcements for two arrivals"


def test_an_unreachable_server_is_reported_and_retried(monkeypatch, closed_port: int) -> None:
    monkeypatch.setenv(SECRET_ENV, "x")
    config = ImapSourceConfig(
        name="shop",
        kind="imap",
        host="127.0.0.1",
        port=closed_port,
        tls="none",
        username="seller@example.com",
        password_env=SECRET_ENV,
    )
    problems: list[str] = []
    retried = threading.Event()

    def on_problem(why: str) -> None:
        problems.append(why)
        if len(problems) >= 2:
            retried.set()

    watcher = IdleWatcher(config, "INBOX", lambda: None, on_problem=on_problem, retry_after=(0.1,))
    with Watching(watcher):
        assert retried.wait(10)
    assert problems[0].startswith("shop/INBOX: waiting for mail: connection refused by 127.0.0.1")

"""How the TUI looks in textual-light at 80x24 and textual-dark at 160x48, reply marks and a
failed reply included: SVG snapshots (pytest-textual-snapshot) on a fixed clock.

The failed reply is made for real: the test SMTP server (aiosmtpd) answers 550, and the sender
marks it failed and puts its text back as the draft."""

from __future__ import annotations

from pathlib import Path

import pytest

from inbox_tui.config import parse_config
from inbox_tui.outbox.queue import queue_reply
from inbox_tui.outbox.sender import send_due
from inbox_tui.store.drafts import save_draft
from inbox_tui.tui.app import InboxApp
from tests.test_composer import CONFIG, NOW, build_inbox

pytest_plugins = ["tests.smtp_sink"]  # the real SMTP server


@pytest.fixture
def marked_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, smtp_sink):
    """The composer tests' three tickets: wismo with a reply the server refused (550),
    amazon with a reply waiting in the outbox, refund with a draft."""

    def make(theme: str) -> InboxApp:
        from tests.smtp_sink import PASSWORD, USERNAME  # the plugin, once pytest has it

        monkeypatch.setenv("SHOP_PASSWORD", "unused")
        monkeypatch.setenv("SHOP_SMTP_PASSWORD", PASSWORD)
        config = parse_config(
            CONFIG.replace(
                "smtp: {host: 127.0.0.1, port: 1, tls: none}",
                f"smtp: {{host: 127.0.0.1, port: {smtp_sink.port}, tls: none,"
                f" username: {USERNAME}, password_env: SHOP_SMTP_PASSWORD}}",
            )
        )
        store, ids = build_inbox(":memory:", tmp_path / theme)
        smtp_sink.mode = "reject-rcpt"
        queue_reply(store, config, ids["wismo"], body="It ships today.", at=NOW)
        [failed] = send_due(store, config, now=NOW).items
        assert failed.outcome == "failed"
        queue_reply(store, config, ids["amazon"], body="Returns: see the order page.", at=NOW)
        save_draft(store, ids["refund"], "Refund is on its way", at=NOW)
        return InboxApp(store, now=lambda: NOW, theme=theme, config=config)

    return make


def test_snapshot_main_light_80x24(snap_compare, marked_app) -> None:
    # ✗ failed (wismo), ◷ in the outbox (amazon), ✎ draft (refund); "1 failed" in the status line
    assert snap_compare(marked_app("textual-light"), press=["j"], terminal_size=(80, 24))


def test_snapshot_thread_failed_reply_light_80x24(snap_compare, marked_app) -> None:
    # the refused reply at the end of the thread: ✗ NOT SENT, the server's reason, R to resend
    app = marked_app("textual-light")
    assert snap_compare(app, press=["enter", "G"], terminal_size=(80, 24))


def test_snapshot_main_dark_160x48(snap_compare, marked_app) -> None:
    # the cursor on the ◷ row: ✎ (refund) and ✗ (wismo) in their own colours
    assert snap_compare(marked_app("textual-dark"), press=["j"], terminal_size=(160, 48))

"""The daily loop in a real terminal: tmux with its default settings, the app as the seller
starts it, replies going out through a real SMTP server (aiosmtpd), at 80x24 and 120x40.

tmux turns alt+e into Escape and "e" (as does any terminal where Option or Alt sends Meta):
these tests press the alt keys that way, and the plain keys that work everywhere. Escape and a
digit is no key at all (Textual reads it as macOS's Option+2, "™"): suggestions are 1/2/3 in
the template picker."""

from __future__ import annotations

import email
import shlex
import sqlite3
from collections.abc import Callable
from email.policy import default
from pathlib import Path

import pytest

from inbox_tui.store import Store
from inbox_tui.store.views import get_ticket
from inbox_tui.suggest import suggest_for_thread
from inbox_tui.templates import shipped_templates
from inbox_tui.tui.screens.composer import suggestion_input
from tests import waiting
from tests.test_composer import CONFIG, build_inbox
from tests.test_tmux import Terminal, inbox_tui_command, tmux  # noqa: F401  (tmux: a fixture)

pytest_plugins = ["tests.smtp_sink"]  # the real SMTP server

SIZES = [(80, 24), (120, 40)]


def shop(tmp_path: Path, port: int) -> tuple[str, Path, dict[str, int]]:
    """The composer tests' three tickets in a file, a config whose SMTP server is the sink on
    `port`, and the command line that opens the inbox on them."""
    from tests.smtp_sink import PASSWORD, USERNAME  # the plugin, once pytest has loaded it

    db = tmp_path / "inbox.db"
    store, ids = build_inbox(db)
    store.close()
    config = tmp_path / "config.yaml"
    config.write_text(
        CONFIG.replace(
            "smtp: {host: 127.0.0.1, port: 1, tls: none}",
            f"smtp: {{host: 127.0.0.1, port: {port}, tls: none, username: {USERNAME},"
            " password_env: SHOP_SMTP_PASSWORD}",
        )
        + "ui:\n  start_view: all\n"  # the tickets in the order build_inbox made them
    )
    command = f"SHOP_PASSWORD=unused SHOP_SMTP_PASSWORD={shlex.quote(PASSWORD)} " + shlex.join(
        [str(inbox_tui_command()), "--config", str(config), "--db", str(db)]
    )
    return command, db, ids


def query(db: Path, sql: str, *params: object) -> list[tuple]:
    """Rows from the store as another program sees it while the app runs."""
    conn = sqlite3.connect(f"{db.absolute().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def status(db: Path, ticket_id: int) -> str:
    return query(db, "SELECT status FROM tickets WHERE id = ?", ticket_id)[0][0]


def draft(db: Path, ticket_id: int) -> tuple[str, str | None] | None:
    """The ticket's draft: (its text, the template it started from), or None."""
    rows = query(db, "SELECT body, template_key FROM drafts WHERE ticket_id = ?", ticket_id)
    return rows[0] if rows else None


def suggested(db: Path, ticket_id: int) -> list[str]:
    """The template keys the composer suggests for the ticket, best first (before the app
    starts: the store is opened as the app opens it)."""
    store = Store.open(db)
    try:
        channel = get_ticket(store, ticket_id).channel
        templates = [t for t in shipped_templates() if t.applies_to(channel)]
        thread, order = suggestion_input(store, ticket_id)
        found = suggest_for_thread(templates, thread, channel=channel, order=order)
    finally:
        store.close()
    return [template.key for template in found]


def wait_until(what: str, done, terminal: Terminal, timeout: float = 30) -> None:
    waiting.wait_until(
        done, what, timeout=timeout, every=0.1, report=lambda: terminal.report(terminal.screen())
    )


def sent_text(sink, index: int) -> str:
    message = email.message_from_bytes(sink.accepted[index].raw, policy=default)
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def in_list(screen: str) -> bool:
    """The inbox is up, no composer over it (its footer has `r Reply`)."""
    return "Where is my order?" in screen and "r Reply" in screen and "Reply to" not in screen


def composer_ready(ticket_id: int) -> Callable[[str], bool]:
    """The composer for `ticket_id` is up and ready for keys: its template list shows (the
    filter has the focus). Its first frames can show the suggestions line before the list: a
    wait for the list to go (Tab, a suggestion) would then pass before the key took effect."""
    return lambda s: f"ticket #{ticket_id}" in s and "suggested  " in s and " · en · then" in s


def quit_app(terminal: Terminal) -> None:
    terminal.keys("q")
    terminal.wait_for(
        "the app to quit", lambda s: terminal.exit_status() is not None, quitting=True
    )
    assert terminal.exit_status() == "0"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_templated_reply_and_close_is_three_keys(tmux, tmp_path, smtp_sink, size) -> None:  # noqa: F811
    command, db, ids = shop(tmp_path, smtp_sink.port)
    terminal = Terminal(tmux, tmp_path)
    try:
        terminal.start(command, size)
        terminal.wait_for("the ticket list", in_list)
        pressed = ["r", "1", "C-o"]  # reply, the first suggestion, send and close
        terminal.keys(pressed[0])
        terminal.wait_for("the composer", lambda s: "suggested" in s and "Where is my order" in s)
        terminal.keys(pressed[1])
        terminal.wait_for("the template", lambda s: " · en · then" not in s)
        terminal.keys(pressed[2])
        wait_until("the reply at the SMTP server", lambda: smtp_sink.accepted, terminal)
        terminal.wait_for("the list again", in_list)
        assert len(pressed) == 3
        quit_app(terminal)
    finally:
        terminal.kill()
    (delivery,) = smtp_sink.accepted
    assert delivery.recipients == ["ayse@example.com"]
    assert sent_text(smtp_sink, 0).startswith("Hi Ayşe,")
    assert status(db, ids["wismo"]) == "closed"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_alt_keys_arrive_as_escape_and_a_letter_and_still_work(
    tmux,  # noqa: F811
    tmp_path,
    smtp_sink,
    size,
) -> None:
    command, db, ids = shop(tmp_path, smtp_sink.port)
    second = suggested(db, ids["amazon"])[1]
    terminal = Terminal(tmux, tmp_path)
    try:
        terminal.start(command, size)
        terminal.wait_for("the ticket list", in_list)
        # 2 in the template filter: the second suggestion (alt+2 would type "™" into it)
        terminal.keys("j", "r")
        terminal.wait_for("the composer", composer_ready(ids["amazon"]))
        terminal.keys("2")
        wait_until("the second suggestion", lambda: draft(db, ids["amazon"]) is not None, terminal)
        terminal.keys("Escape")  # closes, keeps the draft
        terminal.wait_for("the list again", in_list)
        kept = draft(db, ids["amazon"])
        assert kept is not None and kept[1] == second
        assert not kept[0].startswith(("2", "™"))

        # alt+d and f8 discard a draft (the cursor is still on its ticket: no reply has
        # moved the list's order yet)
        terminal.keys("r")
        terminal.wait_for("the draft", lambda s: f"ticket #{ids['amazon']}" in s and "Subject" in s)
        terminal.keys("M-d")
        terminal.wait_for("the list again", in_list)
        assert draft(db, ids["amazon"]) is None
        terminal.keys("r")
        terminal.wait_for("the composer", composer_ready(ids["amazon"]))
        terminal.keys("Tab")
        terminal.wait_for("the body", lambda s: " · en · then" not in s)
        terminal.keys("h", "i")
        wait_until("the draft saved", lambda: draft(db, ids["amazon"]) is not None, terminal)
        terminal.keys("F8")
        terminal.wait_for("the list again", in_list)
        assert draft(db, ids["amazon"]) is None

        # a suggestion, then alt+e: sent and closed, no "e" typed into the reply
        terminal.keys("k", "r")
        terminal.wait_for("the composer", composer_ready(ids["wismo"]))
        terminal.keys("1")
        terminal.wait_for(
            "the template", lambda s: " · en · then" not in s and "Subject Your order 1042" in s
        )
        terminal.keys("T", "h", "a", "n", "k", "s", ".", "Space", "M-e")
        wait_until("the first reply", lambda: len(smtp_sink.accepted) == 1, terminal)
        terminal.wait_for("the list again", in_list)
        assert sent_text(smtp_sink, 0).startswith("Thanks. Hi Ayşe,")

        # alt+p: sent, pending
        terminal.keys("j", "j", "r")
        terminal.wait_for("the composer", composer_ready(ids["refund"]))
        terminal.keys("Tab")  # to the body: the template list goes
        terminal.wait_for("the body", lambda s: " · en · then" not in s)
        terminal.keys("O", "k", "Space", "B", "o", "b", "M-p")
        wait_until("the second reply", lambda: len(smtp_sink.accepted) == 2, terminal)
        terminal.wait_for("the list again", in_list)
        assert sent_text(smtp_sink, 1).startswith("Ok Bob\n")
        quit_app(terminal)
    finally:
        terminal.kill()
    assert status(db, ids["wismo"]) == "closed" and status(db, ids["refund"]) == "pending"
    assert status(db, ids["amazon"]) == "open"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_new_keys_in_a_real_terminal(tmux, tmp_path, smtp_sink, size) -> None:  # noqa: F811
    command, db, ids = shop(tmp_path, smtp_sink.port)
    terminal = Terminal(tmux, tmp_path)
    try:
        terminal.start(command, size)
        screen = terminal.wait_for("the ticket list", in_list)
        lines = screen.splitlines()
        views = lines[1] if size[0] < 120 else screen  # the view bar; the sidebar from 120
        assert "6 Closed" in views
        assert "Help" in lines[-1] and lines[-1].rstrip().endswith("palette")

        terminal.keys("x", "x")  # select, and on to the next
        terminal.wait_for("two selected", lambda s: "All · 3 of 3 · 2 selected" in s)
        terminal.keys("k", "x", "k", "k", "x")
        terminal.wait_for("none selected", lambda s: "All · 2 of 3" in s and "selected" not in s)

        terminal.keys("c")  # the view picker
        terminal.wait_for("the view picker", lambda s: "Show a view" in s)
        terminal.keys("e", "m", "a", "i", "l", "Enter")
        terminal.wait_for("the Email view", lambda s: "Email · " in s and " of 2" in s)

        # a gap is selected: the value typed replaces it; ctrl+n goes to the next
        terminal.keys("G", "r")
        terminal.wait_for("the composer", composer_ready(ids["refund"]))
        terminal.keys("r", "e", "f", "u", "n", "d", "Enter")
        terminal.wait_for("the gap", lambda s: "Next gap" in s)
        terminal.keys("A", "-", "7", "7")
        terminal.wait_for("the value", lambda s: "order A-77." in s)
        terminal.keys("C-n", "A", "-", "7", "7")
        terminal.wait_for("the subject", lambda s: "Subject Refund for order A-77" in s)
        terminal.keys("F1")  # help, where ? is typed
        terminal.wait_for("the help", lambda s: "Keys" in s and "Everywhere" in s)
        terminal.keys("Escape")
        screen = terminal.wait_for("the composer again", lambda s: "Everywhere" not in s)
        assert "Help" in screen.splitlines()[-1] and "Send+close" in screen.splitlines()[-1]
        terminal.keys("C-r")  # send, mark pending
        wait_until("the reply", lambda: smtp_sink.accepted, terminal)
        terminal.wait_for("the list again", lambda s: "Email · " in s and in_list(s))
        quit_app(terminal)
    finally:
        terminal.kill()
    message = email.message_from_bytes(smtp_sink.accepted[0].raw, policy=default)
    assert message["Subject"] == "Refund for order A-77"
    text = sent_text(smtp_sink, 0)
    assert "for order A-77." in text and "missing" not in text
    assert status(db, ids["refund"]) == "pending"

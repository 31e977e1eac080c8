"""Undo a send in a real terminal (tmux, default settings) through a real SMTP server
(aiosmtpd): send and close, `u` within the undo hold → nothing reaches the server and the
reply is the draft again; sent again with a file attached (f2) → after the hold it arrives
exactly once, the file a MIME part, greeting the buyer by the order's name, signed."""

from __future__ import annotations

import email
from email.policy import default

from tests.test_loop_tmux import draft, in_list, query, sent_text, shop, status, wait_until
from tests.test_tmux import Terminal, tmux  # noqa: F401  (tmux: a fixture)

pytest_plugins = ["tests.smtp_sink"]  # the real SMTP server

HOLD = 20  # seconds: long enough to press u on a loaded machine, short enough to wait out


def test_undo_within_the_hold_then_send_with_a_file_once(tmux, tmp_path, smtp_sink) -> None:  # noqa: F811
    command, db, ids = shop(tmp_path, smtp_sink.port)
    config = tmp_path / "config.yaml"
    config.write_text(config.read_text() + f"outbox:\n  undo_seconds: {HOLD}\n")
    ticket = ids["wismo"]
    # the ticket knows the customer by a user id only; the order knows her name
    query_rw(db, "UPDATE customers SET name = 'ayse_y77' WHERE email = 'ayse@example.com'")
    query_rw(db, "UPDATE orders SET buyer_name = 'Ayşe Yılmaz'")
    label = tmp_path / "labels" / "return-1042.pdf"
    label.parent.mkdir()
    label.write_bytes(b"%PDF-1.4 the label")

    terminal = Terminal(tmux, tmp_path)
    try:
        terminal.start(command, (80, 24))
        terminal.wait_for("the ticket list", in_list)
        terminal.keys("r")
        terminal.wait_for("the composer", lambda s: "suggested" in s)
        terminal.keys("1")
        terminal.wait_for("the template", lambda s: "Hi Ayşe," in s)
        terminal.keys("C-o")
        terminal.wait_for("the list again", in_list)
        assert status(db, ticket) == "closed"
        terminal.keys("u")
        terminal.wait_for("the undo", lambda s: "Undid: close, tag #shipping and send" in s)
        assert status(db, ticket) == "open"
        assert query(db, "SELECT count(*) FROM outbox")[0][0] == 0  # nothing left to send
        body, template = draft(db, ticket)
        assert body.startswith("Hi Ayşe,") and template == "wismo"

        terminal.keys("r")  # the composer opens on the draft
        terminal.wait_for("the draft", lambda s: "Hi Ayşe," in s and "Reply to" in s)
        terminal.keys("F2")
        terminal.wait_for("the attach dialog", lambda s: "Attach a file" in s)
        terminal.keys(f"{tmp_path}/lab", "Tab")
        terminal.wait_for("the folder completed", lambda s: "labels/" in s)
        terminal.keys("ret", "Tab")
        # Enter once Tab's completion is in (on a busy machine it came after Enter)
        terminal.wait_for("the file completed", lambda s: "labels/return-1042.pdf" in s)
        terminal.keys("Enter")
        terminal.wait_for("the file listed", lambda s: "Files return-1042.pdf" in s)
        terminal.keys("C-o")
        terminal.wait_for("the list again", in_list)
        assert smtp_sink.accepted == []  # held: u could still take it back
        wait_until("the reply at the SMTP server", lambda: smtp_sink.accepted, terminal, timeout=60)
        wait_until(
            "the reply marked sent",
            lambda: query(db, "SELECT status FROM outbox") == [("sent",)],
            terminal,
        )
        terminal.quit()
    finally:
        terminal.kill()
    (delivery,) = smtp_sink.accepted  # exactly once
    assert delivery.recipients == ["ayse@example.com"]
    text = sent_text(smtp_sink, 0)
    assert text.startswith("Hi Ayşe,")  # the order's name, not ayse_y77
    assert text.rstrip().endswith("--\nAnatolia Textiles")  # the seller's signature
    message = email.message_from_bytes(delivery.raw, policy=default)
    [part] = list(message.iter_attachments())
    assert part.get_filename() == "return-1042.pdf"
    assert part.get_content() == b"%PDF-1.4 the label"
    assert status(db, ticket) == "closed"


def query_rw(db, sql: str) -> None:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        with conn:
            conn.execute(sql)
    finally:
        conn.close()


def test_outbox_view_cancel_and_close_with_a_draft_in_tmux(tmux, tmp_path, smtp_sink) -> None:  # noqa: F811
    """o opens the outbox, c cancels the held reply back to draft, e there edits; closing the
    ticket with its draft asks (n keeps it open, y closes); f3 removes an attached file."""
    command, db, ids = shop(tmp_path, smtp_sink.port)
    config = tmp_path / "config.yaml"
    config.write_text(config.read_text() + "outbox:\n  undo_seconds: 600\n")
    ticket = ids["wismo"]
    (tmp_path / "note.txt").write_text("a note")
    terminal = Terminal(tmux, tmp_path)
    try:
        terminal.start(command, (80, 24))
        terminal.wait_for("the ticket list", in_list)
        terminal.keys("r")
        terminal.wait_for("the composer", lambda s: "suggested" in s)
        terminal.keys("1")
        terminal.wait_for("the template", lambda s: "Hi Ayşe," in s)
        terminal.keys("F2")
        terminal.wait_for("the attach dialog", lambda s: "Attach a file" in s)
        terminal.keys(str(tmp_path / "note.txt"), "Enter")
        terminal.wait_for("the file listed", lambda s: "Files note.txt" in s)
        terminal.keys("F3")
        terminal.wait_for("the file gone", lambda s: "Files note.txt" not in s)
        terminal.keys("C-o")
        terminal.wait_for("the list again", in_list)

        terminal.keys("o")
        terminal.wait_for("the outbox", lambda s: "◷ held" in s and "ayse@example.com" in s)
        terminal.keys("c")
        terminal.wait_for("the reply cancelled", lambda s: "The outbox is empty" in s)
        assert query(db, "SELECT count(*) FROM outbox")[0][0] == 0
        assert draft(db, ticket)[0].startswith("Hi Ayşe,")
        assert status(db, ticket) == "open"
        terminal.keys("Escape")
        terminal.wait_for("the list again", in_list)

        terminal.keys("e")  # the cursor is on Ayşe's ticket, which has the draft now
        terminal.wait_for("the question", lambda s: "unsent reply draft" in s)
        terminal.keys("n")
        terminal.wait_for("the list again", lambda s: in_list(s) and "unsent reply" not in s)
        assert status(db, ticket) == "open"
        terminal.keys("e")
        terminal.wait_for("the question", lambda s: "unsent reply draft" in s)
        terminal.keys("y")
        wait_until("the ticket closed", lambda: status(db, ticket) == "closed", terminal)
        assert draft(db, ticket) is not None  # kept, never sent
        terminal.quit()
    finally:
        terminal.kill()
    assert smtp_sink.accepted == []


def test_outbox_view_edit_and_resend_a_failed_reply_in_tmux(tmux, tmp_path, smtp_sink) -> None:  # noqa: F811
    """A refused recipient fails the reply; in the outbox e opens its draft in the composer,
    and R sends it again, once, when the server takes it."""
    command, db, ids = shop(tmp_path, smtp_sink.port)
    config = tmp_path / "config.yaml"
    config.write_text(config.read_text() + "outbox:\n  undo_seconds: 0\n")
    smtp_sink.mode = "reject-rcpt"
    terminal = Terminal(tmux, tmp_path)
    try:
        terminal.start(command, (80, 24))
        terminal.wait_for("the ticket list", in_list)
        terminal.keys("r")
        terminal.wait_for("the composer", lambda s: "suggested" in s)
        terminal.keys("1")
        terminal.wait_for("the template", lambda s: "Hi Ayşe," in s)
        terminal.keys("C-o")
        wait_until(
            "the reply failed",
            lambda: query(db, "SELECT status FROM outbox") == [("failed",)],
            terminal,
        )
        terminal.keys("o")
        terminal.wait_for("the outbox", lambda s: "✗ failed" in s and "R: send it again" in s)
        terminal.keys("e")
        terminal.wait_for(
            "the composer on the draft", lambda s: "Reply to" in s and "Hi Ayşe," in s
        )
        terminal.keys("Escape")
        terminal.wait_for("the outbox again", lambda s: "✗ failed" in s)
        smtp_sink.mode = "accept"
        terminal.keys("R")
        wait_until("the reply at the SMTP server", lambda: smtp_sink.accepted, terminal)
        terminal.wait_for("the reply shown sent", lambda s: "✓ sent" in s)
        terminal.keys("Escape")
        terminal.wait_for("the list again", in_list)
        terminal.quit()
    finally:
        terminal.kill()
    assert len(smtp_sink.accepted) == 1
    assert query(db, "SELECT status FROM outbox") == [("sent",)]

"""Import from Maildir and mbox: idempotent, deliberate about duplicates, robust to bad input."""

from __future__ import annotations

import json
import os
from datetime import timedelta

import pytest

from inbox_tui.importer import NotAMailbox, import_maildir, import_mbox
from tests.mailgen import BASE_TIME, make_mail, thread, write_maildir, write_mbox

SELLER = frozenset({"hello@shop.example"})


def counts(store) -> tuple[int, int]:
    tickets = store.conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
    messages = store.conn.execute("SELECT count(*) FROM messages").fetchone()[0]
    return tickets, messages


def test_maildir_import_threads_conversations_and_is_idempotent(store, tmp_path):
    mails = thread(4, prefix="a") + thread(3, prefix="b") + thread(1, prefix="c")
    box = write_maildir(tmp_path / "Mail", mails)

    first = import_maildir(store, box, seller_emails=SELLER)
    assert (first.added, first.tickets_created) == (8, 3)
    assert counts(store) == (3, 8)

    second = import_maildir(store, box, seller_emails=SELLER)
    assert (second.added, second.known) == (0, 8)
    assert counts(store) == (3, 8)

    ticket = store.conn.execute(
        "SELECT t.*, c.email FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE t.message_count = 4"
    ).fetchone()
    assert ticket["subject"] == "Where is my order?"
    assert ticket["email"] == "a@example.com"
    assert ticket["created_at"] == "2026-10-01T09:00:00Z"
    assert ticket["last_message_at"] == "2026-10-01T12:00:00Z"
    assert ticket["last_inbound_at"] == "2026-10-01T11:00:00Z"
    assert ticket["last_outbound_at"] == "2026-10-01T12:00:00Z"
    directions = [
        r[0]
        for r in store.conn.execute(
            "SELECT direction FROM messages WHERE ticket_id = ? ORDER BY date", (ticket["id"],)
        )
    ]
    assert directions == ["in", "out", "in", "out"]
    assert (
        ticket["unread_count"] == 2
    )  # the customer's two messages; the seller's own count as read


def test_same_mail_in_two_folders_is_stored_once_with_two_locations(store, tmp_path):
    raw = make_mail(message_id="<dup@example.com>")
    copy = b"Received: from relay.example by mx.example; Thu, 1 Oct 2026 09:01:00 +0000\n" + raw
    box = write_maildir(tmp_path / "Mail", [raw])
    write_maildir(tmp_path / "Mail" / ".Archive", [copy])

    result = import_maildir(store, box, seller_emails=SELLER)
    assert (result.added, result.copies) == (1, 1)
    assert counts(store) == (1, 1)
    assert store.conn.execute("SELECT count(*) FROM message_locations").fetchone()[0] == 2


def test_reused_message_id_with_other_content_is_kept_and_flagged(store, tmp_path):
    one = make_mail(message_id="<same@example.com>", body="first text")
    two = make_mail(message_id="<same@example.com>", body="a different text")
    import_maildir(store, write_maildir(tmp_path / "Mail", [one, two]), seller_emails=SELLER)
    rows = store.conn.execute("SELECT ticket_id, defects FROM messages ORDER BY id").fetchall()
    assert len(rows) == 2 and rows[0]["ticket_id"] == rows[1]["ticket_id"]
    assert "DuplicateMessageIdDefect" in json.loads(rows[1]["defects"])


def test_maildir_flags_become_read_state(store, tmp_path):
    box = write_maildir(tmp_path / "Mail", [make_mail(message_id="<r@x>")], seen=True)
    import_maildir(store, box, seller_emails=SELLER)
    assert store.conn.execute("SELECT seen FROM messages").fetchone()[0] == 1
    assert store.conn.execute("SELECT unread_count FROM tickets").fetchone()[0] == 0


def test_mbox_import_is_idempotent_and_matches_maildir(store, tmp_path):
    mails = thread(3, prefix="m") + [make_mail(message_id=None, subject="no id", body="x")]
    box = write_mbox(tmp_path / "old.mbox", mails)
    first = import_mbox(store, box, seller_emails=SELLER)
    assert (first.added, first.tickets_created, first.total) == (4, 2, 4)
    second = import_mbox(store, box, seller_emails=SELLER)
    assert (second.added, second.known) == (0, 4)
    assert counts(store) == (2, 4)
    # The same mail already imported from a Maildir is recognised, not doubled.
    third = import_maildir(store, write_maildir(tmp_path / "Mail", mails), seller_emails=SELLER)
    assert third.added == 0
    assert counts(store) == (2, 4)


def test_a_message_that_cannot_be_parsed_is_stored_and_does_not_stop_the_import(store, tmp_path):
    garbage = b"\x00\xff\xfe binary \x1b[2J junk\r\n\r\n\x00\x00"
    no_headers = b"just a body, no headers at all\n"
    good = make_mail(message_id="<good@x>")
    box = write_maildir(tmp_path / "Mail", [garbage, no_headers, good])
    result = import_maildir(store, box, seller_emails=SELLER)
    assert result.added == 3
    raws = {bytes(r[0]) for r in store.conn.execute("SELECT raw FROM message_raw")}
    assert garbage in raws and no_headers in raws  # raw bytes kept for a later re-parse
    texts = [r[0] for r in store.conn.execute("SELECT text FROM messages")]
    assert "just a body, no headers at all" in texts
    assert all("\x1b" not in text and "\x00" not in text for text in texts)


def test_ten_megabyte_attachment_is_listed_with_its_content(store, tmp_path):
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"] = "buyer@example.com"
    msg["To"] = "hello@shop.example"
    msg["Subject"] = "photos of the damage"
    msg["Message-ID"] = "<big@x>"
    msg.set_content("see attached")
    payload = os.urandom(10 * 1024 * 1024)
    msg.add_attachment(
        payload, maintype="application", subtype="octet-stream", filename="damage.bin"
    )
    import_maildir(store, write_maildir(tmp_path / "Mail", [msg.as_bytes()]), seller_emails=SELLER)
    row = store.conn.execute("SELECT filename, size, content FROM attachments").fetchone()
    assert (row["filename"], row["size"]) == ("damage.bin", len(payload))
    assert bytes(row["content"]) == payload


def test_bad_paths_are_one_line_errors(store, tmp_path):
    (tmp_path / "file.txt").write_text("hello")
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(2000))
    cases = [
        (import_mbox, tmp_path / "missing.mbox", "no such file"),
        (import_mbox, binary, "not an mbox file"),
        (import_mbox, tmp_path, "not a file"),
        (import_maildir, tmp_path / "nowhere", "no such folder"),
        (import_maildir, tmp_path / "file.txt", "not a Maildir"),
    ]
    for run, path, expected in cases:
        with pytest.raises(NotAMailbox) as error:
            run(store, path, seller_emails=SELLER)
        assert expected in str(error.value) and "\n" not in str(error.value)
    assert counts(store) == (0, 0)


def test_interrupted_import_keeps_what_was_committed_and_resumes(store, tmp_path, monkeypatch):
    import inbox_tui.importer as importer

    mails = [
        make_mail(
            message_id=f"<n{i}@x>", subject=f"order {i}", date=BASE_TIME + timedelta(minutes=i)
        )
        for i in range(12)
    ]
    box = write_maildir(tmp_path / "Mail", mails)
    monkeypatch.setattr(importer, "BATCH_SIZE", 5)
    seen = 0

    def stop_after_seven(advance: int) -> None:
        nonlocal seen
        seen += advance
        if seen >= 10:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_maildir(store, box, seller_emails=SELLER, progress=stop_after_seven)
    assert counts(store) == (10, 10)  # two whole batches committed, nothing half-written
    resumed = import_maildir(store, box, seller_emails=SELLER)
    assert (resumed.added, resumed.known) == (2, 10)
    assert counts(store) == (12, 12)


def test_a_new_message_reopens_a_closed_ticket(store, tmp_path):
    first, reply = thread(2, prefix="z")
    import_maildir(store, write_maildir(tmp_path / "A", [first, reply]), seller_emails=SELLER)
    store.conn.execute("UPDATE tickets SET status = 'closed'")
    follow_up = make_mail(
        subject="Re: Where is my order?",
        sender=("Ayşe", "z@example.com"),
        message_id="<z-late@example.com>",
        in_reply_to="<z-1@example.com>",
        references=["<z-0@example.com>", "<z-1@example.com>"],
        date=BASE_TIME + timedelta(days=2),
    )
    import_maildir(store, write_maildir(tmp_path / "B", [follow_up]), seller_emails=SELLER)
    assert store.conn.execute("SELECT status FROM tickets").fetchone()[0] == "open"
    event = store.conn.execute("SELECT kind, old_value, new_value FROM events").fetchone()
    assert tuple(event) == ("status", "closed", "open")


def test_fts_finds_messages_by_subject_sender_and_body(store, tmp_path):
    mails = [
        make_mail(message_id="<f1@x>", subject="Sipariş iadesi", body="Havlu yanlış renkte geldi"),
        make_mail(
            message_id="<f2@x>",
            subject="Falsche Größe",
            sender=("Lena Müller", "lena@example.de"),
            body="Bitte Umtausch",
        ),
    ]
    import_maildir(store, write_maildir(tmp_path / "Mail", mails), seller_emails=SELLER)

    def search(query: str) -> list[str]:
        rows = store.conn.execute(
            "SELECT m.message_id FROM messages_fts f JOIN messages m ON m.id = f.rowid WHERE messages_fts MATCH ?",
            (query,),
        )
        return [r[0] for r in rows]

    assert search("iadesi") == ["f1@x"]
    assert search("siparis") == ["f1@x"]  # diacritics folded: typing without Turkish letters works
    assert search("from_name:lena") == ["f2@x"]
    assert search("umtausch") == ["f2@x"]

"""Bytes that are not UTF-8 where text is expected: ids, file and folder names. Nothing is lost.

Message-IDs should be ASCII and file names UTF-8, but mail and disks carry whatever they were
given. Such a message is stored with its raw bytes, its ids written as `\\xNN` text that still
threads, and one bad file or folder name never stops an import.
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inbox_tui.domain.messages import IncomingMessage
from inbox_tui.importer import import_maildir, import_mbox, import_messages
from inbox_tui.sanitize import clean_line, clean_text, escape_undecodable
from inbox_tui.store import Store
from tests.mailgen import make_mail, write_maildir, write_mbox

BAD_ID = b"<\xff\xfe@x>"


def with_header(raw: bytes, name: bytes, value: bytes) -> bytes:
    """`raw` with one more header line, written as raw bytes (EmailMessage would encode it)."""
    return name + b": " + value + b"\r\n" + raw


def mailbox_of_101() -> list[bytes]:
    """100 good messages and, in the middle, one whose Message-ID has bytes that are not UTF-8."""
    good = [make_mail(message_id=f"<m{i}@x>", subject=f"Order {i}") for i in range(100)]
    bad = with_header(make_mail(message_id=None, subject="Bad id"), b"Message-ID", BAD_ID)
    return good[:50] + [bad] + good[50:]


def test_a_maildir_with_a_non_utf8_message_id_is_imported_whole(store, tmp_path):
    result = import_maildir(store, write_maildir(tmp_path / "Mail", mailbox_of_101()))
    assert (result.added, result.failed) == (101, 0), result.problems
    row = store.conn.execute(
        "SELECT m.message_id, r.raw FROM messages m JOIN message_raw r ON r.message_id = m.id"
        " WHERE m.subject = 'Bad id'"
    ).fetchone()
    assert row["message_id"] == "\\xff\\xfe@x"
    assert BAD_ID in row["raw"]  # the bytes as received


def test_an_mbox_with_a_non_utf8_message_id_is_imported_whole(store, tmp_path):
    result = import_mbox(store, write_mbox(tmp_path / "old.mbox", mailbox_of_101()))
    assert (result.added, result.failed) == (101, 0), result.problems


def test_a_reply_with_the_same_bad_bytes_joins_its_parent(store, tmp_path):
    parent = with_header(make_mail(message_id=None, subject="Scarf"), b"Message-ID", BAD_ID)
    reply = make_mail(message_id="<reply@x>", subject="Re: Scarf")
    reply = with_header(with_header(reply, b"In-Reply-To", BAD_ID), b"References", BAD_ID)
    import_maildir(store, write_maildir(tmp_path / "Mail", [parent, reply]))
    tickets = store.conn.execute("SELECT count(*), max(message_count) FROM tickets").fetchone()
    assert tuple(tickets) == (1, 2)


def test_non_utf8_file_and_folder_names_are_imported_and_not_again(store, tmp_path):
    top = write_maildir(tmp_path / "Mail", [make_mail(message_id="<a@x>")])
    (name,) = os.listdir(top / "new")
    os.rename(top / "new" / name, os.fsencode(top / "new") + b"/\xe4" + os.fsencode(name))
    folder = Path(os.fsdecode(os.fsencode(top) + b"/.F\xe4lder"))
    write_maildir(folder, [make_mail(message_id="<b@x>"), make_mail(message_id="<c@x>")])
    first = import_maildir(store, top)
    assert (first.added, first.failed) == (3, 0), first.problems
    folders = {row[0] for row in store.conn.execute("SELECT folder FROM message_locations")}
    assert folders == {"", ".F\\xe4lder"}
    again = import_maildir(store, top)
    assert (again.added, again.known) == (0, 3)


def test_an_unreadable_file_with_a_hostile_name_is_reported_cleanly(store, tmp_path):
    top = write_maildir(tmp_path / "Mail", [make_mail(message_id=f"<u{i}@x>") for i in range(2)])
    # A file no one can read, root included: /proc/self/mem at offset 0 answers EIO.
    os.symlink("/proc/self/mem", os.fsencode(top / "new") + b"/\x1b[2J\xe4.unreadable")
    result = import_maildir(store, top)
    assert (result.added, result.failed) == (2, 1)
    (problem,) = result.problems
    assert problem.endswith("\\xe4.unreadable: Input/output error")
    assert "\x1b" not in problem
    problem.encode("utf-8")  # printable on any terminal


# --- properties --------------------------------------------------------------------------------

junk = st.binary(min_size=1, max_size=40).filter(lambda b: b"\n" not in b and b"\r" not in b)
# What an id cannot hold, whatever else it holds: whitespace (ASCII, or Unicode written in UTF-8),
# and the brackets and comment parentheses that delimit it.
_NOT_IN_ID = frozenset(b" \t\x0b\x0c\x1c\x1d\x1e\x1f<>()")
id_bytes = junk.filter(
    lambda b: (
        not _NOT_IN_ID.intersection(b)
        and not any(ch.isspace() for ch in b.decode("utf-8", "ignore"))
    )
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(id_bytes, junk)
def test_any_bytes_in_threading_headers_lose_nothing_and_still_thread(own, other):
    """A message whose Message-ID is any bytes (that can make an id), and a reply naming it in
    In-Reply-To and References with the very same bytes: both stored, in one ticket."""
    parent_id = b"<" + own + b"@shop>"
    parent = with_header(make_mail(message_id=None, subject="Question"), b"Message-ID", parent_id)
    reply = make_mail(message_id=None, subject="Re: Question", body="a reply")
    reply = with_header(reply, b"Message-ID", b"<" + other + b"@customer>")
    reply = with_header(reply, b"In-Reply-To", parent_id)
    reply = with_header(reply, b"References", b"<root@x> " + parent_id)
    store = Store.open(":memory:")
    try:
        items = [
            IncomingMessage(raw=raw, source="test", folder="", uid=str(n))
            for n, raw in enumerate([parent, reply])
        ]
        result = import_messages(store, items)
        assert (result.added, result.failed) == (2, 0), result.problems
        count, tickets = store.conn.execute(
            "SELECT count(*), count(DISTINCT ticket_id) FROM messages"
        ).fetchone()
        assert (count, tickets) == (2, 1)
    finally:
        store.close()


@given(st.binary(max_size=60))
def test_escaping_undecodable_bytes_gives_text_and_keeps_utf8(data):
    text = escape_undecodable(data.decode("utf-8", "surrogateescape"))
    text.encode("utf-8")  # never a lone surrogate: SQLite and terminals can take it
    try:
        assert text == data.decode("utf-8")  # UTF-8 stays what it says
    except UnicodeDecodeError:
        assert "\\x" in text


@given(st.text(alphabet=st.characters(min_codepoint=0xD7F0, max_codepoint=0xE010), max_size=30))
def test_cleaned_text_is_never_a_lone_surrogate(value):
    for clean in (clean_text, clean_line):
        clean(value).encode("utf-8")


def with_attachment(junk: bytes) -> bytes:
    """A message whose attachment part carries `junk` in every header it has."""
    return (
        b"From: Jane <jane@example.com>\r\nTo: shop@example.com\r\nSubject: Invoice "
        + junk
        + b"\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        b"--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
        b"--b\r\nContent-Type: application/" + junk + b'; name="' + junk + b'.pdf"\r\n'
        b"Content-Disposition: attachment; filename*=utf-7''" + junk + b"\r\n"
        b"Content-ID: <" + junk + b">\r\nContent-Transfer-Encoding: " + junk + b"\r\n\r\n"
        b"%PDF-1.4\r\n--b--\r\n"
    )


@settings(max_examples=80, deadline=None)
@given(st.sampled_from([b"Subject", b"From", b"To", b"Cc", b"Reply-To", b"Date"]), junk, junk)
def test_any_bytes_in_any_header_are_stored_as_text(name, value, part_junk):
    """Whatever bytes a header or an attachment's headers carry, the message is stored."""
    raw = with_header(with_attachment(part_junk), name, value)
    store = Store.open(":memory:")
    try:
        result = import_messages(store, [IncomingMessage(raw, "test", "", "1")])
        assert (result.added, result.failed) == (1, 0), result.problems
    finally:
        store.close()

"""Import from Maildir and mbox: idempotent, deliberate about duplicates, robust to bad input."""

from __future__ import annotations

import json
import os
import threading
from datetime import timedelta
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import inbox_tui.importer as importer
import inbox_tui.store.ingest as ingest_module
from inbox_tui.channels.files.maildir import _read_file
from inbox_tui.domain.messages import IncomingMessage
from inbox_tui.importer import NotAMailbox, import_maildir, import_mbox, import_messages
from inbox_tui.intake import Intake
from inbox_tui.mail.parse import parse_message
from inbox_tui.mail.threading import thread_hints
from inbox_tui.sla import DEFAULT_POLICY
from inbox_tui.store import Store
from inbox_tui.store.attachments import attachment_content
from inbox_tui.store.ingest import Ingest, encode, raw_digest
from tests.mailgen import BASE_TIME, make_mail, thread, write_maildir, write_mbox
from tests.test_threading import conversations

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
    row = store.conn.execute("SELECT id, filename, size FROM attachments").fetchone()
    assert (row["filename"], row["size"]) == ("damage.bin", len(payload))
    assert attachment_content(store, row["id"]) == payload


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


SUMMARY = (
    "message_count, unread_count, subject, created_at, last_message_at, last_inbound_at, "
    "last_outbound_at, snippet, customer_id, channel, status"
)


def summaries(store) -> list[tuple]:
    rows = store.conn.execute(f"SELECT id, {SUMMARY} FROM tickets ORDER BY id")
    return [tuple(row) for row in rows]


def test_every_ticket_summary_is_what_its_messages_say(store, tmp_path):
    """A new ticket is written with its first message's summary in one INSERT; it must be
    exactly what recomputing from the messages gives, for every kind of first message."""
    from inbox_tui.store.ingest import refresh_ticket

    seller_first = make_mail(
        subject="Your order has shipped",
        sender=("Shop", "hello@shop.example"),
        to=("Jonas Weber", "jonas@example.de"),
        message_id="<s-0@x>",
        body="It is on its way.",
    )
    late_first = thread(3, prefix="late")  # the reply arrives before the message it answers
    unread = write_maildir(tmp_path / "Mail", [seller_first, *thread(4, prefix="a")])
    write_maildir(tmp_path / "Mail", [late_first[1], late_first[0], late_first[2]])
    read = write_maildir(tmp_path / "Read", [make_mail(message_id="<r@x>")], seen=True)
    import_maildir(store, unread, seller_emails=SELLER)
    import_maildir(store, read, seller_emails=SELLER)

    imported = summaries(store)
    assert len(imported) == 4  # the shipping note, thread a, the late thread, the read one
    for ticket_id, *_rest in imported:
        refresh_ticket(store, ticket_id)
    assert summaries(store) == imported
    by_subject = {row[3]: row for row in imported}
    shipped = by_subject["Your order has shipped"]
    assert shipped[1:3] == (1, 0) and shipped[6] is None and shipped[7] == shipped[5]


# --- the buffered import (messages held per batch, written with multi-row INSERTs) ---------


def test_a_batch_sees_its_own_messages_and_the_batches_before(store, tmp_path, monkeypatch):
    """Threading, dedupe and merges must see messages not yet written to the store."""
    monkeypatch.setattr(importer, "BATCH_SIZE", 3)
    a = thread(3, prefix="a")
    b0 = make_mail(sender=("Jonas", "jonas@example.de"), message_id="<b0@x>", subject="Kissen")
    joins = make_mail(
        sender=("Jonas", "jonas@example.de"),
        message_id="<joins@x>",
        subject="Re: Kissen",
        references=["<a-1@example.com>", "<b0@x>"],
    )
    # batch 1: a0, its reply a1, a0's bytes again; batch 2: a reply to batch 1, a new thread
    # and a message joining it to the first one (a merge while b0 is not yet written).
    box = write_maildir(tmp_path / "Mail", [a[0], a[1], a[0], a[2], b0, joins])
    result = import_maildir(store, box, seller_emails=SELLER)

    assert (result.added, result.known, result.merged) == (5, 1, 1)
    assert counts(store) == (1, 5)
    ticket = store.conn.execute("SELECT id, message_count FROM tickets").fetchone()
    assert ticket["message_count"] == 5
    held = store.conn.execute("SELECT count(*) FROM messages WHERE ticket_id = ?", (ticket[0],))
    assert held.fetchone()[0] == 5
    locations = store.conn.execute("SELECT count(DISTINCT uid), count(*) FROM message_locations")
    assert tuple(locations.fetchone()) == (6, 6)
    assert json.loads(
        store.conn.execute("SELECT refs FROM messages WHERE message_id = 'joins@x'").fetchone()[0]
    ) == ["a-1@example.com", "b0@x"]


_RECEIVED = b"Received: from relay.example by mx.example; Thu, 1 Oct 2026 09:01:00 +0000\n"


@st.composite
def mailboxes(draw, tangle: bool = False):
    """Conversations with the duplicates import must handle: the same bytes again, another
    copy of a message (other bytes), a Message-ID reused for other content. `tangle`: the
    conversations of `tangled()`."""
    raws = draw(tangled()) if tangle else draw(conversations())[0]
    extra = []
    for index in draw(st.lists(st.integers(0, len(raws) - 1), max_size=4)):
        kind = draw(st.sampled_from(["same bytes", "copy", "reused id"]))
        raw = raws[index]
        if kind == "same bytes":
            extra.append(raw)
        elif kind == "copy":
            extra.append(_RECEIVED + raw)
        else:
            extra.append(raw.replace(b"Hello, where is my order?", b"Another text entirely"))
    mails = raws + extra
    return [mails[i] for i in draw(st.permutations(range(len(mails))))]


@st.composite
def tangled(draw):
    """Threads that arrive in any order and get joined: replies before what they answer, a
    message naming two threads (a merge), replies known by their subject alone, customers
    who write in more than one thread."""
    threads = draw(st.integers(1, 4))
    made: list[list[str]] = [[] for _ in range(threads)]
    mails = []
    for number in range(draw(st.integers(1, 16))):
        kind = draw(st.sampled_from(["new", "reply", "reply", "by subject", "join"]))
        one = draw(st.integers(0, threads - 1))
        refs: list[str] = []
        if kind == "reply" and made[one]:
            refs = draw(st.lists(st.sampled_from(made[one]), min_size=1, max_size=2, unique=True))
        elif kind == "join":
            other = draw(st.integers(0, threads - 1))
            refs = [thread[0] for thread in {one: made[one], other: made[other]}.values() if thread]
        own = f"<t{one}-{number}@x>"
        mails.append(
            make_mail(
                subject=f"order {one}" if kind == "new" else f"Re: order {one}",
                sender=("Customer", f"c{one % 2}@example.com"),
                message_id=own,
                in_reply_to=refs[-1] if refs else None,
                references=refs or None,
                date=BASE_TIME + timedelta(minutes=number),
                body=f"Hello, where is my order? {number}",
            )
        )
        made[one].append(own)
    return [mails[i] for i in draw(st.permutations(range(len(mails))))]


def _one_by_one(items: list[IncomingMessage], batch: int) -> Store:
    """The reference: every statement written as the message comes (an unbuffered Ingest)."""
    store = Store.open(":memory:")
    ingest = Ingest(store)
    for start in range(0, len(items), batch):
        with store.transaction():
            ingest.begin_batch()
            for item in items[start : start + batch]:
                digest = raw_digest(item.raw)
                if not ingest.record_if_known(item, digest):
                    parsed = parse_message(item.raw)
                    hints = thread_hints(parsed, item.raw, SELLER)
                    ingest.add(item, encode(item.raw, parsed, hints, digest))
        ingest.settle(DEFAULT_POLICY)
    return store


def _snapshot(store: Store) -> dict[str, list[tuple]]:
    """Everything stored, but the clock times of the import itself."""
    clock = {"imported_at", "at"}
    tables: dict[str, list[tuple]] = {}
    for table in (
        "messages",
        "message_raw",
        "message_locations",
        "attachments",
        "tickets",
        "thread_refs",
        "customers",
        "events",
    ):
        columns = [
            row[1]
            for row in store.conn.execute(f"PRAGMA table_info({table})")
            if row[1] not in clock and (table, row[1]) != ("customers", "created_at")
        ]
        rows = store.conn.execute(f"SELECT {', '.join(columns)} FROM {table}")
        tables[table] = sorted(map(tuple, rows), key=repr)
    found = store.conn.execute(
        "SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'order OR anoth*' ORDER BY rowid"
    )
    tables["search"] = [tuple(row) for row in found]
    store.conn.execute("INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')")
    return tables


@settings(max_examples=50, deadline=None)
@given(mailboxes(), st.integers(1, 6), st.integers(1, 3), st.booleans())
def test_buffered_import_stores_exactly_what_one_by_one_writing_does(
    mails, batch, rows_per_insert, seen
):
    items = [
        IncomingMessage(raw=raw, source="test", folder="", uid=str(index), seen=seen)
        for index, raw in enumerate(mails)
    ]
    buffered = Store.open(":memory:")
    with (
        patch.object(importer, "BATCH_SIZE", batch),
        patch.object(ingest_module, "ROWS_PER_INSERT", rows_per_insert),
    ):
        result = import_messages(buffered, items, seller_emails=SELLER)
    assert result.added + result.known + result.copies == len(items)
    assert _snapshot(buffered) == _snapshot(_one_by_one(items, batch))


@settings(max_examples=80, deadline=None)
@given(mailboxes(tangle=True), st.integers(1, 6), st.integers(1, 3), st.booleans(), st.data())
def test_a_batch_asked_about_at_once_stores_exactly_what_one_by_one_writing_does(
    mails, batch, rows_per_insert, seen, data
):
    """Messages made ready by parsing workers: the store is asked about a whole batch at once
    (Ingest.look_ahead), new tickets and thread references are held to the flush. Merges,
    the subject fallback, duplicates within a batch and a worker's failures (None: parsed by
    the importing process, its keys asked about alone) store what the reference stores."""
    items = [
        IncomingMessage(raw=raw, source="test", folder="", uid=str(index), seen=seen)
        for index, raw in enumerate(mails)
    ]
    failed = data.draw(st.sets(st.integers(0, len(items) - 1)))

    def from_workers(items, *, seller, workers):
        for index, item in enumerate(items):
            if index in failed:
                yield item, None
                continue
            parsed = parse_message(item.raw)
            yield item, encode(item.raw, parsed, thread_hints(parsed, item.raw, seller), fold=True)

    buffered = Store.open(":memory:")
    with (
        patch.object(importer, "BATCH_SIZE", batch),
        patch.object(ingest_module, "ROWS_PER_INSERT", rows_per_insert),
        patch.object(importer, "parsed_in_workers", from_workers),
        # nothing here breaks a batch: none may be stored again one by one (which would
        # hide what the look-ahead got wrong)
        patch.object(Intake, "alone", side_effect=AssertionError("a batch fell back")),
    ):
        result = import_messages(buffered, items, seller_emails=SELLER, workers=1)
    assert result.added + result.known + result.copies == len(items)
    assert _snapshot(buffered) == _snapshot(_one_by_one(items, batch))


def test_two_writers_in_turn_never_reuse_a_message_id(store):
    """Message ids are given before the row is written (so held rows can be referred to); a
    second writer in between (IMAP sync and the outbox share a store) must not be collided with."""
    first, second = Ingest(store), Ingest(store)
    for index, ingest in enumerate((first, second, first, second)):
        raw = make_mail(message_id=f"<w{index}@x>", body=f"message {index}")
        item = IncomingMessage(raw=raw, source="test", folder="", uid=str(index))
        parsed = parse_message(raw)
        with store.transaction():
            ingest.begin_batch()
            outcome = ingest.add(item, encode(raw, parsed, thread_hints(parsed, raw, SELLER)))
        assert outcome.message_id == index + 1
    assert counts(store)[1] == 4


def test_a_bulk_import_leaves_the_search_index_in_one_piece(store, tmp_path, monkeypatch):
    """Typed prefixes read every index segment: a big import ends with one; a small one later
    adds its own and leaves the rest as they are (merging 100k messages again would take ~1 s)."""
    monkeypatch.setattr(importer, "COMPACT_MIN_ADDED", 10)
    monkeypatch.setattr(importer, "BATCH_SIZE", 5)  # a commit, and so a segment, every 5

    def segments() -> int:
        query = "SELECT count(DISTINCT segid) FROM messages_fts_idx"
        return store.conn.execute(query).fetchone()[0]

    def found(query: str) -> int:
        sql = "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?"
        return store.conn.execute(sql, (query,)).fetchone()[0]

    mails = [
        make_mail(message_id=f"<s{i}@x>", subject=f"Sipariş {i}", body=f"Kargo {i} nerede?")
        for i in range(30)
    ]
    import_maildir(store, write_maildir(tmp_path / "Bulk", mails), seller_emails=SELLER)
    assert segments() == 1
    assert (found("kargo"), found("sip*"), found("si*"), found("nerede AND 7")) == (30, 30, 30, 1)

    later = [make_mail(message_id=f"<l{i}@x>", body="Kargo geldi") for i in range(3)]
    import_maildir(store, write_maildir(tmp_path / "Later", later), seller_emails=SELLER)
    assert segments() == 2
    assert (found("kargo"), found("geldi")) == (33, 3)


def test_maildir_files_are_stored_byte_for_byte_whatever_their_size(store, tmp_path):
    """The reader asks for a file's size and one byte more (store the bytes, not a prefix):
    empty files, big ones, and one whose size said nothing (a pipe: 0) are read whole."""
    big = make_mail(message_id="<big@x>", body="line of a long message\n" * 120_000)
    mails = [b"", big, make_mail(message_id="<small@x>")]
    box = write_maildir(tmp_path / "Mail", mails)
    import_maildir(store, box, seller_emails=SELLER)
    stored = {row[0] for row in store.conn.execute("SELECT raw FROM message_raw")}
    assert stored == set(mails) and len(big) > 2**21

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    writer = threading.Thread(target=fifo.write_bytes, args=(big,))
    writer.start()
    raw, _mtime = _read_file(str(fifo))
    writer.join()
    assert raw == big

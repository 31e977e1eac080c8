"""A big import parsed by worker processes stores exactly what one process stores, and a message
the store refuses is still left out alone and tried again next time."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from pathlib import Path

import pytest

from benchmarks.corpus import SELLER, generate
from inbox_tui.domain.messages import IncomingMessage
from inbox_tui.importer import import_maildir, import_mbox, import_messages
from inbox_tui.store import Store
from tests.mailgen import make_mail, write_maildir, write_mbox
from tests.test_fast_parse import FIXTURES

# Every table an import writes, with the columns that do not hold the time of the import.
TABLES = {
    "messages": "id, ticket_id, message_id, raw_sha256, content_key, direction, channel, "
    "from_name, from_addr, to_addrs, cc_addrs, reply_to, subject, date, in_reply_to, refs, "
    "headers, text, snippet, seen, answered, flagged, parse_error, defects",
    "message_raw": "message_id, raw",
    "attachments": "message_id, filename, content_type, size, content_id, inline, content, "
    "raw_start, raw_end, raw_encoding",
    "message_locations": "folder, uid, message_id",
    "tickets": "id, thread_key, channel, status, subject, title, customer_id, order_number, "
    "created_at, last_message_at, last_inbound_at, last_outbound_at, message_count, "
    "unread_count, snippet, due_at",
    "thread_refs": "ref, ticket_id",
    "customers": "id, email, name, channel",
    "events": "ticket_id, kind, old_value, new_value",
    # the search indexes, as stored: the words of every message, folded (by the workers, when
    # there are workers: store.ingest.Ready.folds)
    "messages_fts_data": "id, block",
    "messages_fts_idx": "segid, term, pgno",
    "messages_fts_docsize": "id, sz",
    "messages_fts_to_data": "id, block",
    "messages_fts_to_idx": "segid, term, pgno",
}


def mailbox() -> list[bytes]:
    """Seller mail with photos, the parser tests' fixtures (hostile, broken, CPython's corpus),
    and the duplicates intake tells apart: the same bytes twice, a copy with other bytes, a
    reused Message-ID with other content, a message without one."""
    mails = list(generate(240, photos=True, replies=True))
    mails += [param.values[0] for param in FIXTURES]
    mails += [mails[3], mails[7].replace(b"Subject:", b"X-Copy: 1\nSubject:", 1)]
    mails += [make_mail(message_id="<bench-5@example.com>", subject="Other", body="other")]
    mails += [make_mail(message_id=None, body="no id"), b"\xff\xfe not a mail \x00\x1b[31m"]
    return mails


def rows(store: Store) -> dict[str, list[tuple]]:
    return {
        table: [tuple(row) for row in store.conn.execute(f"SELECT {cols} FROM {table} ORDER BY 1, 2")]
        for table, cols in TABLES.items()
    }  # fmt: skip


@pytest.mark.parametrize("kind", ["maildir", "mbox"])
def test_workers_store_what_one_process_stores(tmp_path: Path, kind: str) -> None:
    mails = mailbox()
    if kind == "maildir":
        path, run = write_maildir(tmp_path / "Mail", mails), import_maildir
    else:
        path, run = write_mbox(tmp_path / "old.mbox", mails), import_mbox
    seller = frozenset({SELLER})
    one, many = Store.open(tmp_path / "one.db"), Store.open(tmp_path / "many.db")
    serial = run(one, path, seller_emails=seller, workers=0)
    parallel = run(many, path, seller_emails=seller, workers=2)

    assert (parallel.added, parallel.copies, parallel.known, parallel.failed) == (
        serial.added,
        serial.copies,
        serial.known,
        serial.failed,
    )
    assert serial.added > 240 and serial.copies >= 1 and serial.unreadable >= 1
    assert parallel.tickets_created == serial.tickets_created
    assert rows(many) == rows(one)
    again = run(many, path, seller_emails=seller, workers=2)
    assert again.added == 0


@pytest.mark.parametrize("kind", ["maildir", "mbox"])
def test_a_refused_message_is_left_out_alone_with_workers(store, tmp_path, kind):
    mails = [make_mail(message_id=f"<m{i}@x>", subject=f"Order {i}") for i in range(300)]
    mails.insert(150, make_mail(message_id="<poison@x>", subject="poison"))
    if kind == "maildir":
        path, run = write_maildir(tmp_path / "Mail", mails), import_maildir
    else:
        path, run = write_mbox(tmp_path / "old.mbox", mails), import_mbox
    store.conn.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON messages WHEN new.subject = 'poison'"
        " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
    )
    first = run(store, path, workers=2)
    assert (first.added, first.failed) == (300, 1), first.problems
    (problem,) = first.problems
    assert problem.endswith(": IntegrityError: refused by the test")

    store.conn.execute("DROP TRIGGER refuse")
    second = run(store, path, workers=2)
    assert (second.added, second.failed, second.known) == (1, 0, 300)


def test_workers_only_with_a_core_to_spare(monkeypatch: pytest.MonkeyPatch) -> None:
    from inbox_tui import parse_workers

    monkeypatch.setattr(parse_workers.os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    monkeypatch.setattr(parse_workers.os, "getloadavg", lambda: (0.4, 0.3, 0.2))
    assert parse_workers.worker_count() == 2
    monkeypatch.setattr(parse_workers.os, "getloadavg", lambda: (2.5, 2.0, 1.0))
    assert parse_workers.worker_count() == 0  # both cores busy: parsing here costs less
    monkeypatch.setattr(parse_workers.os, "sched_getaffinity", lambda _pid: {0}, raising=False)
    monkeypatch.setattr(parse_workers.os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    assert parse_workers.worker_count() == 0


def test_a_worker_killed_mid_import_loses_nothing(tmp_path: Path) -> None:
    """Parsing workers that die (the OOM killer, kill -9) while they hold a chunk break the
    pool: the import goes on in one process and stores every message (it used to wait forever
    for the dead workers' chunk)."""
    page = "<p>Hello <b>there</b>, about my <a href='https://x.example'>order</a></p>\n" * 400
    mails = [
        make_mail(message_id=f"<k{i}@x>", subject=f"Order {i}", body="", html=page)
        for i in range(200)
    ]  # ~25 ms each to parse: a chunk of 100 keeps a worker busy for seconds
    killed: list[int] = []

    def items():
        for number, raw in enumerate(mails):
            if number == 120:  # the first chunk is with a worker, parsing: kill them all
                time.sleep(1.5)
                for child in multiprocessing.active_children():
                    os.kill(child.pid, signal.SIGKILL)
                    killed.append(child.pid)
            yield IncomingMessage(raw=raw, source="mbox:/x", folder="", uid=str(number))

    store = Store.open(tmp_path / "killed.db")
    result = import_messages(store, items(), workers=2)
    assert killed and result.added == 200 and result.failed == 0
    ids = {row[0] for row in store.conn.execute("SELECT message_id FROM messages")}
    assert ids == {f"k{i}@x" for i in range(200)}

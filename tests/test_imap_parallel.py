"""A big first sync fetched and parsed by worker processes stores exactly what one connection does."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from inbox_tui.channels.imap.sync import sync_source
from inbox_tui.store import Store
from tests.mailgen import make_mail
from tests.test_imap_sync import append, source  # noqa: F401  (the `source` fixture)

if TYPE_CHECKING:
    from tests.dovecot import Account

pytest_plugins = ["tests.dovecot"]

COUNT = 600


def _inbox(store: Store) -> list[tuple]:
    """Everything a seller would see: each message's ticket (by its first message), flags, text."""
    return store.conn.execute(
        """SELECT m.message_id, first.message_id, m.seen, m.subject, m.text, l.uid
           FROM messages m
           JOIN message_locations l ON l.message_id = m.id
           JOIN messages first ON first.id =
                (SELECT min(id) FROM messages WHERE ticket_id = m.ticket_id)
           ORDER BY m.message_id"""
    ).fetchall()


def test_workers_store_what_one_connection_stores(
    tmp_path,
    imap_account: Account,
    source,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mails = []
    for i in range(COUNT):
        parent = f"<p{i - 1}@x>" if i % 3 else None
        body = "Merhaba, siparişim nerede?" if i % 7 == 0 else f"Where is order {i // 3}?"
        mails.append(make_mail(message_id=f"<p{i}@x>", subject=f"Order {i // 3}", body=body,
                               in_reply_to=parent))  # fmt: skip
    mails.append(b"\xff\xfe not a mail at all \x00\x1b[31m")  # broken mail is stored, not fatal
    append(imap_account, mails)
    monkeypatch.setattr("inbox_tui.channels.imap.sync.BATCH_MESSAGES", 50)  # many batches, in order

    one = Store.open(tmp_path / "one.db")
    [serial] = sync_source(one, source, workers=0)
    many = Store.open(tmp_path / "many.db")
    [parallel] = sync_source(many, source, workers=2)

    assert (parallel.new, parallel.errors, parallel.failed) == (serial.new, 0, None)
    assert serial.new == COUNT + 1
    assert _inbox(many) == _inbox(one)
    tickets = many.conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
    assert tickets == COUNT // 3 + 1
    state = "SELECT uidvalidity, highest_uid, highest_modseq FROM sync_state"
    assert many.conn.execute(state).fetchall() == one.conn.execute(state).fetchall()
    assert many.conn.execute(
        "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'siparisim'"
    ).fetchone()[0] == len(range(0, COUNT, 7))  # searchable, diacritics folded

    [again] = sync_source(many, source, workers=2)  # nothing new: nothing added
    assert (again.new, again.errors) == (0, 0)


def test_a_big_first_sync_takes_a_worker_per_core(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two idle cores: two workers (8.7-8.9 s for 10k against 11.2-11.9 s with one); one core:
    none, the syncing process fetches itself."""
    from inbox_tui.channels.imap import parallel

    monkeypatch.setattr(parallel.os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    assert parallel.worker_count() == 2
    monkeypatch.setattr(
        parallel.os, "sched_getaffinity", lambda _pid: set(range(16)), raising=False
    )
    assert parallel.worker_count() == parallel.MAX_WORKERS
    monkeypatch.setattr(parallel.os, "sched_getaffinity", lambda _pid: {0}, raising=False)
    assert parallel.worker_count() == 0

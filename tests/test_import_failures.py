"""One message the store refuses never takes its batch with it, and is tried again next time.

The refusal is a real SQLite one (a trigger), on real Maildir and mbox files: the buffered
writer's multi-row INSERT fails as a whole, so the batch is stored again one message at a time.
"""

from __future__ import annotations

import pytest

from inbox_tui.importer import import_maildir, import_mbox
from tests.mailgen import make_mail, write_maildir, write_mbox

BOB = ("Bob", "bob@example.com")


def mailbox() -> list[bytes]:
    mails = [make_mail(message_id=f"<m{i}@x>", subject=f"Order {i}") for i in range(100)]
    mails.insert(50, make_mail(message_id="<poison@x>", subject="poison", sender=BOB))
    mails.insert(51, make_mail(message_id="<bob@x>", subject="From Bob", sender=BOB))
    return mails  # 102: the refused one, then a message of the same (new) customer


@pytest.mark.parametrize("kind", ["maildir", "mbox"])
def test_a_refused_message_is_left_out_alone_and_stored_next_time(store, tmp_path, kind):
    if kind == "maildir":
        path, run = write_maildir(tmp_path / "Mail", mailbox()), import_maildir
    else:
        path, run = write_mbox(tmp_path / "old.mbox", mailbox()), import_mbox
    store.conn.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON messages WHEN new.subject = 'poison'"
        " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
    )
    first = run(store, path)
    assert (first.added, first.failed) == (101, 1), first.problems
    assert "1 not stored (tried again at the next import)" in first.summary()
    (problem,) = first.problems
    assert problem.endswith(": IntegrityError: refused by the test")
    customers = store.conn.execute("SELECT count(*) FROM customers WHERE email = ?", (BOB[1],))
    assert customers.fetchone()[0] == 1  # Bob's other message made him anew

    store.conn.execute("DROP TRIGGER refuse")
    second = run(store, path)
    assert (second.added, second.failed, second.known) == (1, 0, 101)
    count, distinct = store.conn.execute(
        "SELECT count(*), count(DISTINCT message_id) FROM messages"
    ).fetchone()
    assert (count, distinct) == (102, 102)

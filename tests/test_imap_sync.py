"""IMAP sync against a real Dovecot: first sync, no-change sync, new mail, flags, expunge, UIDVALIDITY."""

from __future__ import annotations

import imaplib
import json
import shutil
import time
from typing import TYPE_CHECKING

import pytest
from imapclient import IMAPClient

from inbox_tui.channels.imap.sync import sync_source
from inbox_tui.config import ImapSourceConfig
from tests.mailgen import make_mail, thread

if TYPE_CHECKING:
    from tests.dovecot import Account

pytest_plugins = ["tests.dovecot"]  # the real-Dovecot fixtures

SECRET_ENV = "TEST_IMAP_PASSWORD"


@pytest.fixture
def source(imap_account: Account, monkeypatch: pytest.MonkeyPatch) -> ImapSourceConfig:
    monkeypatch.setenv(SECRET_ENV, imap_account.password)
    return ImapSourceConfig(
        name="shop",
        kind="imap",
        host=imap_account.host,
        port=imap_account.port,
        tls="none",
        username=imap_account.username,
        password_env=SECRET_ENV,
    )


def append(account: Account, messages: list[bytes], folder: str = "INBOX", flags=()) -> None:
    client = account.client()
    try:
        for raw in messages:
            client.append(folder, raw, flags=flags)
    finally:
        client.logout()


def expunge(account: Account, uids: list[int], folder: str = "INBOX") -> None:
    client = account.client()
    try:
        client.select_folder(folder)
        client.delete_messages(uids)
        client.expunge()
    finally:
        client.logout()


def counts(store) -> tuple[int, int, int]:
    row = store.conn.execute(
        "SELECT (SELECT count(*) FROM messages), (SELECT count(*) FROM tickets),"
        " (SELECT count(*) FROM message_locations WHERE source = 'imap:shop')"
    ).fetchone()
    return tuple(row)


def by_message_id(store, message_id: str):
    return store.conn.execute(
        "SELECT * FROM messages WHERE message_id = ?", (message_id,)
    ).fetchone()


class CommandCounter:
    """Counts the tagged IMAP commands a sync sends (every command goes through _command)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.commands: list[str] = []
        original = imaplib.IMAP4._command

        def counting(imap, name, *args):
            self.commands.append(name)
            return original(imap, name, *args)

        monkeypatch.setattr(imaplib.IMAP4, "_command", counting)
        raw = IMAPClient._raw_command  # ENABLE, SEARCH and others bypass imaplib's _command

        def counting_raw(client, command, *args, **kwargs):
            self.commands.append(command.decode() if isinstance(command, bytes) else command)
            return raw(client, command, *args, **kwargs)

        monkeypatch.setattr(IMAPClient, "_raw_command", counting_raw)


def test_first_sync_stores_every_message_once_and_threads_them(store, source, imap_account):
    mails = thread(3, prefix="a") + thread(2, prefix="b") + [make_mail(message_id="<solo@x>")]
    append(imap_account, mails)
    [result] = sync_source(store, source, seller_emails=frozenset({"hello@shop.example"}))
    assert (result.new, result.errors, result.failed) == (6, 0, None)
    assert counts(store) == (6, 3, 6)
    state = store.conn.execute("SELECT * FROM sync_state WHERE source = 'imap:shop'").fetchone()
    assert state["folder"] == "INBOX" and state["highest_uid"] == 6
    assert state["uidvalidity"] and state["highest_modseq"]
    # Fetching never marks mail read on the server.
    client = imap_account.client()
    client.select_folder("INBOX", readonly=True)
    assert client.search(["SEEN"]) == []
    client.logout()


def test_no_change_sync_adds_nothing_and_sends_few_commands(
    store, source, imap_account, monkeypatch
):
    append(imap_account, thread(3, prefix="n"))
    sync_source(store, source)
    counter = CommandCounter(monkeypatch)
    [result] = sync_source(store, source)
    assert (result.new, result.changed, result.gone) == (0, 0, 0)
    assert counts(store) == (3, 1, 3)
    # LOGIN, ENABLE, EXAMINE, LOGOUT (imapclient may ask CAPABILITY once): one per folder.
    assert [c for c in counter.commands if c not in ("CAPABILITY", "LOGOUT")] == [
        "LOGIN",
        "ENABLE",
        "EXAMINE",
    ], counter.commands


def test_new_mail_arrives_on_the_next_sync(store, source, imap_account):
    append(imap_account, thread(2, prefix="x"))
    sync_source(store, source)
    append(imap_account, [make_mail(message_id="<late@x>", subject="Another question")])
    [result] = sync_source(store, source)
    assert result.new == 1
    assert counts(store) == (3, 2, 3)


def test_flags_from_the_server_show_locally(store, source, imap_account):
    first, second = (
        make_mail(message_id="<f1@x>"),
        make_mail(message_id="<f2@x>", in_reply_to="<f1@x>"),
    )
    append(imap_account, [first, second])
    append(imap_account, [make_mail(message_id="<f3@x>", subject="other")], flags=[b"\\Seen"])
    sync_source(store, source)
    assert by_message_id(store, "f3@x")["seen"] == 1
    assert by_message_id(store, "f1@x")["seen"] == 0
    ticket = by_message_id(store, "f1@x")["ticket_id"]
    unread = "SELECT unread_count FROM tickets WHERE id = ?"
    assert store.conn.execute(unread, (ticket,)).fetchone()[0] == 2

    client = imap_account.client()
    client.select_folder("INBOX")
    client.add_flags([1], [b"\\Seen", b"\\Flagged", b"$refund"])
    client.add_flags([2], [b"\\Answered"])
    client.logout()
    [result] = sync_source(store, source)
    assert result.changed == 2
    first = by_message_id(store, "f1@x")
    assert (first["seen"], first["flagged"], json.loads(first["keywords"])) == (1, 1, ["$refund"])
    assert by_message_id(store, "f2@x")["answered"] == 1
    assert store.conn.execute(unread, (ticket,)).fetchone()[0] == 1


def test_flags_without_condstore_use_a_full_flags_fetch(store, source, imap_account, monkeypatch):
    append(imap_account, [make_mail(message_id="<nc@x>")])
    sync_source(store, source)
    client = imap_account.client()
    client.select_folder("INBOX")
    client.add_flags([1], [b"\\Seen"])
    client.logout()
    real = IMAPClient.has_capability
    monkeypatch.setattr(
        IMAPClient, "has_capability", lambda self, cap: cap != "CONDSTORE" and real(self, cap)
    )
    [result] = sync_source(store, source)
    assert result.changed == 1 and by_message_id(store, "nc@x")["seen"] == 1


def test_expunged_on_the_server_is_marked_gone_not_dropped(store, source, imap_account):
    append(imap_account, thread(3, prefix="g"))
    sync_source(store, source)
    expunge(imap_account, [2])
    [result] = sync_source(store, source)
    assert result.gone == 1
    gone = store.conn.execute("SELECT message_id FROM messages WHERE gone").fetchall()
    assert [row[0] for row in gone] == ["g-1@example.com"]
    assert counts(store) == (3, 1, 2)  # the message stays in its ticket
    [again] = sync_source(store, source)
    assert (again.new, again.gone) == (0, 0)


def test_keep_gone_false_deletes_here_too_and_says_so(store, source, imap_account):
    mirror = source.model_copy(update={"keep_gone": False})
    append(imap_account, thread(3, prefix="d") + thread(1, prefix="alone"))
    sync_source(store, mirror)
    expunge(imap_account, [2, 4])  # the middle of a thread, and a ticket's only message
    [result] = sync_source(store, mirror)
    assert result.gone == 2
    left = store.conn.execute("SELECT message_id FROM messages ORDER BY id").fetchall()
    assert [row[0] for row in left] == ["d-0@example.com", "d-2@example.com"]
    [(ticket, count, deleted)] = store.conn.execute(
        """SELECT t.id, t.message_count, (SELECT group_concat(old_value) FROM events
             WHERE ticket_id = t.id AND kind = 'deleted' AND actor = 'sync') FROM tickets t"""
    ).fetchall()  # the lone message's ticket went with it
    assert count == 2 and deleted and "Where is my order?" in deleted
    for table in ("message_raw", "message_locations", "attachments"):
        orphans = store.conn.execute(
            f"SELECT count(*) FROM {table} WHERE message_id NOT IN (SELECT id FROM messages)"
        ).fetchone()[0]
        assert orphans == 0, table
    assert (
        store.conn.execute(
            "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'alone'"
        ).fetchone()[0]
        == 0
    )  # not findable any more
    append(imap_account, [make_mail(message_id="<late@x>", in_reply_to="<d-1@example.com>")])
    sync_source(store, mirror)  # a reply to the deleted message still joins its ticket
    assert (
        store.conn.execute("SELECT ticket_id FROM messages WHERE message_id = 'late@x'").fetchone()[
            0
        ]
        == ticket
    )


def test_uidvalidity_change_remaps_without_duplicates(store, source, imap_account, dovecot_server):
    mails = thread(3, prefix="u")
    append(imap_account, mails)
    sync_source(store, source)
    before = store.conn.execute("SELECT uidvalidity FROM sync_state").fetchone()[0]
    # Recreate the mailbox: Dovecot gives the new one another UIDVALIDITY.
    shutil.rmtree(imap_account.maildir)
    time.sleep(1.1)  # UIDVALIDITY is a timestamp in Dovecot
    # The new mailbox holds the old mail in another order, one message less, and a new one.
    append(imap_account, list(reversed(mails[1:])) + [make_mail(message_id="<after@x>")])
    [result] = sync_source(store, source)
    after = store.conn.execute("SELECT uidvalidity FROM sync_state").fetchone()[0]
    assert after != before
    assert result.new == 1
    assert counts(store) == (4, 2, 3)
    gone = store.conn.execute("SELECT message_id FROM messages WHERE gone").fetchall()
    assert [row[0] for row in gone] == ["u-0@example.com"]


def test_broken_mime_and_a_20_mb_message_sync(store, source, imap_account):
    broken = (
        b"From: x@example.com\r\nSubject: broken\r\nMessage-ID: <broken@x>\r\n"
        b'Content-Type: multipart/mixed; boundary="zzz"\r\n\r\n--zzz\r\n'
        b"Content-Type: text/plain; charset=x-unknown\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        b"!!!not base64\xff\xfe\r\n"
    )
    big_body = ("A seller's very long line of text. " * 40 + "\n") * 14000  # ~20 MB
    big = make_mail(message_id="<big@x>", subject="big", body=big_body)
    assert len(big) > 20_000_000
    append(imap_account, [broken, big, make_mail(message_id="<fine@x>")])
    started = time.perf_counter()
    [result] = sync_source(store, source)
    assert (result.new, result.errors) == (3, 0), result.problems
    assert by_message_id(store, "broken@x") is not None
    assert by_message_id(store, "big@x") is not None
    assert time.perf_counter() - started < 60


def test_a_missing_folder_is_reported_not_fatal(store, source, imap_account):
    append(imap_account, [make_mail(message_id="<m@x>")])
    source = source.model_copy(update={"folders": ["Nope", "INBOX"]})
    missing, inbox = sync_source(store, source)
    assert missing.failed and "Nope" in missing.summary()
    assert inbox.new == 1


def server_seen(account: Account) -> set[int]:
    client = account.client()
    client.select_folder("INBOX", readonly=True)
    try:
        return set(client.search(["SEEN"]))
    finally:
        client.logout()


def test_local_read_and_unread_go_to_the_server(store, source, imap_account):
    from inbox_tui.store.actions import mark_read

    append(
        imap_account, [make_mail(message_id="<r1@x>"), make_mail(message_id="<r2@x>", subject="b")]
    )
    sync_source(store, source)
    ticket = by_message_id(store, "r1@x")["ticket_id"]
    mark_read(store, [ticket], True)
    [result] = sync_source(store, source)
    assert result.pushed == 1 and result.changed == 0
    assert server_seen(imap_account) == {1}
    [again] = sync_source(store, source)
    assert (again.pushed, again.changed) == (0, 0)

    mark_read(store, [ticket], False)
    sync_source(store, source)
    assert server_seen(imap_account) == set()
    assert by_message_id(store, "r1@x")["seen"] == 0


def test_conflict_local_change_wins_for_its_flag_others_merge(store, source, imap_account):
    from inbox_tui.store.actions import mark_read

    append(imap_account, [make_mail(message_id="<c1@x>")], flags=[b"\\Seen"])
    sync_source(store, source)
    ticket = by_message_id(store, "c1@x")["ticket_id"]
    # Both sides change the same message between syncs: the seller marks it unread here,
    # the phone flags it and (again) reads it there.
    mark_read(store, [ticket], False)
    client = imap_account.client()
    client.select_folder("INBOX")
    client.add_flags([1], [b"\\Flagged", b"\\Seen"])
    client.logout()
    sync_source(store, source)
    message = by_message_id(store, "c1@x")
    assert (message["seen"], message["flagged"]) == (0, 1)
    assert server_seen(imap_account) == set()


def server_flags_of(account: Account, uid: int) -> set[bytes]:
    client = account.client()
    client.select_folder("INBOX", readonly=True)
    try:
        return set(client.get_flags([uid])[uid])
    finally:
        client.logout()


def ticket_tags(store, ticket_id: int) -> list[str]:
    rows = store.conn.execute(
        "SELECT g.name FROM ticket_tags t JOIN tags g ON g.id = t.tag_id WHERE t.ticket_id = ?"
        " ORDER BY g.name",
        (ticket_id,),
    )
    return [row[0] for row in rows]


def test_flag_and_tags_go_to_the_server_as_flagged_and_keywords(store, source, imap_account):
    from inbox_tui.store.actions import add_tag, remove_tag, set_flag

    append(imap_account, thread(2, prefix="t"))
    sync_source(store, source)
    ticket = by_message_id(store, "t-0@example.com")["ticket_id"]
    set_flag(store, [ticket], True)
    add_tag(store, [ticket], "refund")
    add_tag(store, [ticket], "İade")  # not ASCII: encoded into the keyword
    [result] = sync_source(store, source)
    assert result.pushed == 2
    newest, oldest = server_flags_of(imap_account, 2), server_flags_of(imap_account, 1)
    assert {b"\\Flagged", b"$inbox_refund", b"$inbox_=C4=B0ade"} <= newest
    assert b"\\Flagged" not in oldest and b"$inbox_refund" in oldest
    [again] = sync_source(store, source)
    assert (again.pushed, again.changed) == (0, 0)
    assert ticket_tags(store, ticket) == ["refund", "İade"]

    remove_tag(store, [ticket], "refund")
    set_flag(store, [ticket], False)
    sync_source(store, source)
    assert server_flags_of(imap_account, 2) == {b"$inbox_=C4=B0ade"}

    # The customer writes again: the new message is tagged like the rest of its ticket.
    append(
        imap_account, [make_mail(message_id="<t-2@example.com>", in_reply_to="<t-1@example.com>")]
    )
    [result] = sync_source(store, source)
    assert (result.new, result.pushed) == (1, 1)
    assert server_flags_of(imap_account, 3) == {b"$inbox_=C4=B0ade"}
    assert ticket_tags(store, ticket) == ["İade"]
    [again] = sync_source(store, source)
    assert (again.new, again.pushed, again.changed) == (0, 0, 0)


def test_flag_and_keywords_set_on_the_server_show_on_the_ticket(store, source, imap_account):
    append(imap_account, thread(2, prefix="s"))
    append(imap_account, [make_mail(message_id="<pre@x>", subject="x")], flags=[b"\\Flagged"])
    sync_source(store, source)
    flagged = "SELECT flagged FROM tickets WHERE id = ?"
    pre = by_message_id(store, "pre@x")["ticket_id"]
    assert store.conn.execute(flagged, (pre,)).fetchone()[0] == 1  # flagged before the first sync
    ticket = by_message_id(store, "s-0@example.com")["ticket_id"]
    client = imap_account.client()
    client.select_folder("INBOX")
    client.add_flags([1], [b"\\Flagged", b"$inbox_wrong-size", b"NonJunk"])
    client.logout()
    sync_source(store, source)
    assert store.conn.execute(flagged, (ticket,)).fetchone()[0] == 1
    assert ticket_tags(store, ticket) == ["wrong-size"]  # other keywords are not tags
    client = imap_account.client()
    client.select_folder("INBOX")
    client.remove_flags([1], [b"\\Flagged", b"$inbox_wrong-size"])
    client.logout()
    [result] = sync_source(store, source)
    assert result.changed == 1
    assert store.conn.execute(flagged, (ticket,)).fetchone()[0] == 0
    assert ticket_tags(store, ticket) == []
    actors = store.conn.execute(
        "SELECT DISTINCT actor FROM events WHERE ticket_id = ?", (ticket,)
    ).fetchall()
    assert [row[0] for row in actors] == ["sync"]
    [quiet] = sync_source(store, source)  # the sync's own events are not pushed back
    assert quiet.pushed == 0

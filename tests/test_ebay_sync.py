"""eBay conversations into tickets, against the loopback eBay: real sockets, real store."""

from __future__ import annotations

import json

import pytest

from inbox_tui.channels.ebay.api import ebay_client
from inbox_tui.channels.ebay.sync import sync_source
from inbox_tui.config import EbaySourceConfig
from inbox_tui.sla import DEFAULT_POLICY
from inbox_tui.store.actions import mark_read
from inbox_tui.syncing import SourceOutcome, sync_one
from tests.servers.ebay import MESSAGE_API, TOKEN_PATH, EbayServer

SELLER = "anatolia_textiles"
TOKEN_ENV = "TEST_EBAY_TOKEN"
LIST = f"{MESSAGE_API}/conversation"


@pytest.fixture
def ebay():
    with EbayServer(SELLER) as server:
        yield server


@pytest.fixture
def source(ebay: EbayServer, monkeypatch: pytest.MonkeyPatch) -> EbaySourceConfig:
    monkeypatch.setenv(TOKEN_ENV, ebay.issue_token())
    return EbaySourceConfig(
        name="ebay-shop",
        kind="ebay",
        base_url=ebay.url,
        access_token_env=TOKEN_ENV,
        max_per_second=100,
    )


def sync(store, source: EbaySourceConfig) -> SourceOutcome:
    return sync_one(store, source, seller_emails=frozenset(), sla=DEFAULT_POLICY)


def tickets(store) -> list[dict]:
    rows = store.conn.execute(
        "SELECT id, channel, subject, unread_count FROM tickets ORDER BY id"
    ).fetchall()
    return [dict(row) for row in rows]


def messages(store, ticket_id: int | None = None) -> list[dict]:
    where, args = ("WHERE ticket_id = ?", (ticket_id,)) if ticket_id else ("", ())
    rows = store.conn.execute(
        f"SELECT ticket_id, direction, channel, from_name, from_addr, text, seen, subject"
        f" FROM messages {where} ORDER BY date, id",
        args,
    ).fetchall()
    return [dict(row) for row in rows]


def line(outcome: SourceOutcome, kind: str = "FROM_MEMBERS") -> str:
    found = [text for text, _ in outcome.lines if text.startswith(f"ebay-shop/{kind}:")]
    assert found, outcome
    return found[0]


def test_first_sync_makes_one_ticket_per_conversation(store, ebay, source) -> None:
    first = ebay.add_conversation("jane_buyer", "Kilim size?", messages=["Is it 40x40?"])
    ebay.add_message(first, SELLER, "Yes, 40x40 cm.")
    ebay.add_message(first, "jane_buyer", "Thanks! Ordering now.")
    ebay.add_conversation("mehmet.k", "Shipping to Berlin", messages=["How long to Berlin?"])
    outcome = sync(store, source)
    assert outcome.failed is None and not outcome.offline
    assert line(outcome).startswith("ebay-shop/FROM_MEMBERS: 4 new, 0 changed, 0 errors (")
    found = tickets(store)
    assert [(t["channel"], t["subject"]) for t in found] == [
        ("ebay", "Kilim size?"),
        ("ebay", "Shipping to Berlin"),
    ]
    kilim = messages(store, found[0]["id"])
    assert [(m["direction"], m["from_name"], m["text"]) for m in kilim] == [
        ("in", "jane_buyer", "Is it 40x40?"),
        ("out", SELLER, "Yes, 40x40 cm."),
        ("in", "jane_buyer", "Thanks! Ordering now."),
    ]
    assert kilim[0]["from_addr"] == "jane_buyer@members.ebay.invalid"
    assert found[0]["unread_count"] == 2
    customer = store.conn.execute(
        "SELECT c.email, c.name FROM customers c JOIN tickets t ON t.customer_id = c.id"
        " WHERE t.id = ?",
        (found[0]["id"],),
    ).fetchone()
    assert tuple(customer) == ("jane_buyer@members.ebay.invalid", "jane_buyer")
    user = store.conn.execute(
        "SELECT marketplace_user FROM customers WHERE email = 'jane_buyer@members.ebay.invalid'"
    )
    assert user.fetchone()[0] == "jane_buyer"  # for order lookups and replies
    due = store.conn.execute("SELECT due_at FROM tickets WHERE id = ?", (found[0]["id"],))
    assert due.fetchone()[0] is not None  # eBay's 24 h answer window applies


def test_nothing_new_costs_one_request_per_conversation_type(store, ebay, source) -> None:
    for n in range(60):  # more than one page
        ebay.add_conversation(f"buyer{n}", messages=[f"question {n}"])
    ebay.add_conversation(
        "ebay", "Your listing ended", conversation_type="FROM_EBAY", messages=["x"]
    )
    both = source.model_copy(update={"conversation_types": ["FROM_MEMBERS", "FROM_EBAY"]})
    first = sync(store, both)
    assert "61" not in line(first) and line(first).startswith("ebay-shop/FROM_MEMBERS: 60 new")
    assert line(first, "FROM_EBAY").startswith("ebay-shop/FROM_EBAY: 1 new")
    before = len(ebay.log)
    again = sync(store, both)
    assert line(again).startswith("ebay-shop/FROM_MEMBERS: 0 new, 0 changed, 0 errors")
    assert [path for _, path, _ in ebay.log[before:]] == [LIST, LIST]
    assert len(tickets(store)) == 61


def test_seller_name_is_asked_once_then_kept(store, ebay, source) -> None:
    ebay.add_conversation("jane_buyer", messages=["hi"])
    sync(store, source)
    sync(store, source)
    assert ebay.requests_to("/commerce/identity/v1/user/") == 1


def test_a_new_message_joins_its_conversations_ticket(store, ebay, source) -> None:
    old = ebay.add_conversation("jane_buyer", "Kilim size?", messages=["Is it 40x40?"])
    ebay.add_conversation("mehmet.k", messages=["Hello"])
    sync(store, source)
    ebay.add_message(old, "jane_buyer", "Also, do you have blue?")
    before = len(ebay.log)
    outcome = sync(store, source)
    assert line(outcome).startswith("ebay-shop/FROM_MEMBERS: 1 new, 0 changed")
    assert [path for _, path, _ in ebay.log[before:]] == [LIST, f"{LIST}/{old}"]
    ticket = tickets(store)[0]
    assert [m["text"] for m in messages(store, ticket["id"])][-1] == "Also, do you have blue?"
    assert len(tickets(store)) == 2


def test_a_conversation_of_500_messages(store, ebay, source) -> None:
    conversation = ebay.add_conversation("chatty", "Custom order")
    for n in range(500):
        ebay.add_message(conversation, "chatty" if n % 2 else SELLER, f"message {n}")
    outcome = sync(store, source)
    assert line(outcome).startswith("ebay-shop/FROM_MEMBERS: 500 new, 0 changed, 0 errors")
    assert ebay.requests_to(f"{LIST}/{conversation}") == 10  # pages of 50
    assert len(tickets(store)) == 1 and len(messages(store)) == 500
    ebay.add_message(conversation, "chatty", "one more")
    before = ebay.requests_to(f"{LIST}/{conversation}")
    assert line(sync(store, source)).startswith("ebay-shop/FROM_MEMBERS: 1 new")
    assert ebay.requests_to(f"{LIST}/{conversation}") - before == 1  # only the last page


def test_empty_account_and_empty_pages(store, ebay, source) -> None:
    assert line(sync(store, source)).startswith(
        "ebay-shop/FROM_MEMBERS: 0 new, 0 changed, 0 errors"
    )
    ebay.add_conversation("jane_buyer", messages=["hi"])
    # A server that says there is more but sends an empty page: the sync stops, no loop.
    ebay.fail_next(200, {"conversations": [], "total": 7, "limit": 50, "offset": 0}, path=LIST)
    assert line(sync(store, source)).startswith("ebay-shop/FROM_MEMBERS: 0 new")
    assert line(sync(store, source)).startswith("ebay-shop/FROM_MEMBERS: 1 new")


def test_500_then_success(store, ebay, source) -> None:
    ebay.add_conversation("jane_buyer", messages=["hi"])
    ebay.fail_next(500, path=LIST)
    ebay.fail_next(503, path=f"{LIST}/")
    outcome = sync(store, source)
    assert outcome.failed is None and line(outcome).startswith("ebay-shop/FROM_MEMBERS: 1 new")


def test_429_retry_after_is_honoured(store, ebay, source) -> None:
    ebay.add_conversation("jane_buyer", messages=["hi"])
    ebay.fail_next(
        429,
        {"errors": [{"errorId": 2001, "message": "Too many requests."}]},
        headers={"Retry-After": "1"},
        path=LIST,
    )
    outcome = sync(store, source)
    assert line(outcome).startswith("ebay-shop/FROM_MEMBERS: 1 new")
    assert float(line(outcome).rsplit("(", 1)[1].rstrip("s)")) >= 1.0
    assert ebay.requests_to(LIST + "") >= 2


def test_malformed_json_stores_nothing_of_that_conversation(store, ebay, source) -> None:
    long = ebay.add_conversation("chatty", "Long one")
    for n in range(120):
        ebay.add_message(long, "chatty", f"message {n}")
    ebay.add_conversation("jane_buyer", "Short one", messages=["hi"])
    # The long conversation's second page is cut off.
    ebay.malformed_next(path=f"{LIST}/{long}", skip=1)
    first = sync(store, source)
    assert line(first).startswith("ebay-shop/FROM_MEMBERS: 1 new, 0 changed, 1 errors")
    assert first.failed == "1 errors"
    assert ebay.requests_to(f"{LIST}/{long}") == 2  # the first page was fine
    problems = [p for p in first.problems if "malformed JSON" in p]
    assert problems and all("\n" not in p for p in problems)
    stored = {m["subject"] for m in messages(store)}
    assert "Long one" not in stored  # nothing half-stored
    cursor = store.conn.execute(
        "SELECT cursor FROM sync_state WHERE source = 'ebay:ebay-shop' AND folder = 'type:FROM_MEMBERS'"
    ).fetchone()
    assert cursor is None  # the cursor did not pass the conversation that failed
    again = sync(store, source)
    assert again.failed is None and line(again).startswith("ebay-shop/FROM_MEMBERS: 120 new")
    assert len(messages(store)) == 121


def test_token_expiry_is_refreshed_once(store, ebay, monkeypatch) -> None:
    monkeypatch.setenv("TEST_EBAY_SECRET", "cert-secret")
    monkeypatch.setenv("TEST_EBAY_REFRESH", "v^1.1#refresh")
    oauth = EbaySourceConfig(
        name="ebay-shop",
        kind="ebay",
        base_url=ebay.url,
        client_id="app-id",
        client_secret_env="TEST_EBAY_SECRET",
        refresh_token_env="TEST_EBAY_REFRESH",
        username=SELLER,
    )
    conversation = ebay.add_conversation("jane_buyer", messages=["hi"])
    client = ebay_client(oauth)  # one client for both runs, as the TUI keeps it: one token
    try:
        assert sync_source(store, oauth, client=client)[0].new == 1
        ebay.add_message(conversation, "jane_buyer", "are you there?")
        ebay.expire_tokens()
        before = len(ebay.log)
        results = sync_source(store, oauth, client=client)
    finally:
        client.close()
    assert results[0].failed is None and results[0].new == 1
    assert [path for _, path, _ in ebay.log[before:]] == [
        LIST,  # refused: the token expired
        TOKEN_PATH,  # renewed once
        LIST,  # the same call again
        f"{LIST}/{conversation}",
    ]


def test_revoked_refresh_token_is_one_line_saying_what_to_do(store, ebay, monkeypatch) -> None:
    monkeypatch.setenv("TEST_EBAY_SECRET", "cert-secret")
    monkeypatch.setenv("TEST_EBAY_REFRESH", "v^1.1#refresh")
    ebay.revoke_refresh_token()
    oauth = EbaySourceConfig(
        name="ebay-shop",
        kind="ebay",
        base_url=ebay.url,
        client_id="app-id",
        client_secret_env="TEST_EBAY_SECRET",
        refresh_token_env="TEST_EBAY_REFRESH",
    )
    outcome = sync(store, oauth)
    assert not outcome.offline and outcome.lines == []
    assert outcome.failed == (
        "the refresh token was refused (revoked or expired); get a new one and update"
        " refresh_token_env of source ebay-shop (TEST_EBAY_REFRESH)"
    )


def test_missing_token_variable_is_one_line(store, ebay, source, monkeypatch) -> None:
    monkeypatch.delenv(TOKEN_ENV)
    outcome = sync(store, source)
    assert outcome.failed == (
        "the environment variable TEST_EBAY_TOKEN is not set (it should hold the access token)"
    )


def test_read_state_comes_from_ebay(store, ebay, source) -> None:
    conversation = ebay.add_conversation("jane_buyer", messages=[])
    ebay.add_message(conversation, "jane_buyer", "read on eBay already", read=True)
    ebay.add_message(conversation, "jane_buyer", "not read yet")
    sync(store, source)
    assert [m["seen"] for m in messages(store)] == [1, 0]
    assert tickets(store)[0]["unread_count"] == 1
    # Read on eBay's site, nothing new: the listing's unreadCount tells.
    for message in ebay.conversations[conversation]["messages"]:
        message["readStatus"] = True
    outcome = sync(store, source)
    assert line(outcome).startswith("ebay-shop/FROM_MEMBERS: 0 new, 1 changed")
    assert tickets(store)[0]["unread_count"] == 0


def test_marking_read_here_marks_it_read_on_ebay(store, ebay, source) -> None:
    conversation = ebay.add_conversation("jane_buyer", messages=["one", "two"])
    sync(store, source)
    ticket = tickets(store)[0]["id"]
    mark_read(store, [ticket], True)
    outcome = sync(store, source)
    assert "1 sent to eBay" in line(outcome)
    assert ebay.read_updates == [
        {"conversationId": conversation, "conversationType": "FROM_MEMBERS", "read": True}
    ]
    assert all(m["readStatus"] for m in ebay.messages(conversation))
    assert tickets(store)[0]["unread_count"] == 0  # and the sync did not flip it back
    assert "sent to eBay" not in line(sync(store, source))  # sent once
    mark_read(store, [ticket], False)
    sync(store, source)
    assert ebay.read_updates[-1]["read"] is False
    assert not any(m["readStatus"] for m in ebay.messages(conversation))


def test_hostile_text_is_sanitised(store, ebay, source) -> None:
    ebay.add_conversation(
        "evil\x1b]52;c;AAAA\x07user",
        "Title\u202e with bidi [red]markup[/red]",
        messages=["body \x1b[2J\x1b[31mred\r\nline\x00two"],
    )
    sync(store, source)
    stored = messages(store)[0]
    assert stored["text"] == "body red\nlinetwo"
    assert stored["from_name"] == "eviluser"
    assert stored["subject"] == "Title with bidi [red]markup[/red]"  # plain text, never markup
    export = json.dumps(stored)
    assert "\\u001b" not in export and "\\u202e" not in export

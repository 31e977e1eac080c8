"""Search: the query language (pure parser) and running it on stores built by the real importer."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inbox_tui.demo import build_demo
from inbox_tui.importer import import_maildir
from inbox_tui.search import FIELDS, Query, SearchError, Term, parse_query
from inbox_tui.store import Store, actions
from inbox_tui.store.orders import link_ticket_order, upsert_order
from inbox_tui.store.search import count_search, search_tickets
from inbox_tui.store.views import list_tickets
from tests.mailgen import BASE_TIME, make_mail, write_maildir

SELLER = frozenset({"hello@shop.example"})
DEMO_NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


# --- the parser ---------------------------------------------------------------------------


def terms(text: str) -> list[tuple[str, str, bool]]:
    return [(t.field, t.value, t.negated) for t in parse_query(text).terms]


def test_empty_query_has_no_terms() -> None:
    assert parse_query("") == Query((), "")
    assert not parse_query("   ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("refund", [("text", "refund", False)]),
        ("where is", [("text", "where", False), ("text", "is", False)]),
        ('"wrong size"', [("text", "wrong size", False)]),
        ("from:ayse", [("from", "ayse", False)]),
        ("FROM:ayse@example.com", [("from", "ayse@example.com", False)]),
        ('from:"Ayşe Yılmaz"', [("from", "Ayşe Yılmaz", False)]),
        ("to:hello@shop.example", [("to", "hello@shop.example", False)]),
        ("subject:invoice", [("subject", "invoice", False)]),
        ("tag:refund", [("tag", "refund", False)]),
        ('tag:"wrong size"', [("tag", "wrong size", False)]),
        ("channel:Amazon", [("channel", "amazon", False)]),
        ("status:PENDING", [("status", "pending", False)]),
        ("order:114-1234567-1234567", [("order", "114-1234567-1234567", False)]),
        ("is:unread", [("is", "unread", False)]),
        ("Is:Flagged", [("is", "flagged", False)]),
        ("before:2026-10-01", [("before", "2026-10-01", False)]),
        ("after:7d", [("after", "7d", False)]),
        ("after:24H", [("after", "24h", False)]),
        ("-towel", [("text", "towel", True)]),
        ('-"wrong size"', [("text", "wrong size", True)]),
        ("-tag:vip", [("tag", "vip", True)]),
        ("-is:unread", [("is", "unread", True)]),
        ("Re: where", [("text", "Re:", False), ("text", "where", False)]),
        ("http://x.example", [("text", "http://x.example", False)]),
        ("10:30", [("text", "10:30", False)]),
        (
            'from:bob status:open "not arrived" -tag:vip refu',
            [
                ("from", "bob", False),
                ("status", "open", False),
                ("text", "not arrived", False),
                ("tag", "vip", True),
                ("text", "refu", False),
            ],
        ),
    ],
)
def test_parses_fields_phrases_and_negation(text: str, expected: list) -> None:
    assert terms(text) == expected


def test_every_field_is_understood() -> None:
    examples = {
        "from": "a",
        "to": "a",
        "subject": "a",
        "tag": "a",
        "channel": "ebay",
        "status": "open",
        "order": "1",
        "is": "unread",
        "before": "2026-01-01",
        "after": "3d",
        "topic": "Refund",
        "product": "LTS-1",
        "rule": "returns",
    }
    assert set(examples) == set(FIELDS)
    for field, value in examples.items():
        assert terms(f"{field}:{value} x") == [(field, value, False), ("text", "x", False)]


@pytest.mark.parametrize(
    ("text", "prefix"),
    [
        ("refu", [True]),
        ("refu ", [False]),  # a finished word matches itself only
        ("where is", [False, True]),
        ('"where is"', [False]),
        ("-refu", [False]),
        ("from:ays", [True]),
        ("tag:ref", [False]),
        ("r", [False]),  # one letter would match nearly everything
    ],
)
def test_the_word_being_typed_is_a_prefix(text: str, prefix: list[bool]) -> None:
    assert [t.prefix for t in parse_query(text).terms] == prefix


def test_positions_point_at_terms() -> None:
    assert [t.position for t in parse_query('refund  -tag:"a b" from:x').terms] == [0, 8, 19]


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ('where is "my order', "unclosed quote at 9", 9),
        ('tag:"wrong size', "unclosed quote at 4", 4),
        ("form:bob", "unknown field 'form:' at 0 — did you mean 'from:'?", 0),
        ("refund tags:vip", "unknown field 'tags:' at 7 — did you mean 'tag:'?", 7),
        ("-stauts:open", "unknown field 'stauts:' at 1 — did you mean 'status:'?", 1),
        ("channel:fax", "unknown channel 'fax' at 8", 8),
        ("status:done", "unknown status 'done' at 7", 7),
        ("is:read", "unknown is 'read' at 3", 3),
        ("before:2026-13-01", "bad date '2026-13-01' at 7", 7),
        ("after:yesterday", "bad date 'yesterday' at 6", 6),
        ("x from:", "'from:' needs a value at 2", 2),
        ('tag:""', "'tag:' needs a value at 0", 0),
        ("from:@@", "nothing to search for in 'from:@@' at 0", 0),
        pytest.param(
            " ".join(f"w{n}" for n in range(101)), "too many terms at 390", 390, id="101 words"
        ),
        pytest.param(
            " ".join(["tag:a"] * 1000),
            "too many terms at 600 — a search takes at most 100",
            600,
            id="1000 filters",
        ),
    ],
)
def test_errors_say_what_and_where(text: str, message: str, position: int) -> None:
    with pytest.raises(SearchError) as caught:
        parse_query(text)
    assert str(caught.value).startswith(message)
    assert caught.value.position == position
    assert "\n" not in str(caught.value)
    assert isinstance(caught.value, ValueError)


QUERY_ALPHABET = st.sampled_from(
    ['"', "-", ":", " ", "*", "(", ")", "'", "^", "\\", "%", "_", "\x00", "ş", "I", "7", "d"]
    + [f"{field}:" for field in FIELDS]
    + ["AND", "OR", "NOT", "NEAR", "refu", "2026-10-01", "unread", "open", "email", "{", "}"]
)
QUERY_TEXT = st.one_of(st.text(), st.lists(QUERY_ALPHABET, max_size=12).map("".join))


@given(QUERY_TEXT)
def test_parse_returns_a_query_or_a_search_error(text: str) -> None:
    try:
        query = parse_query(text)
    except SearchError as error:
        assert 0 <= error.position <= len(text)
        assert "\n" not in str(error)
    else:
        assert isinstance(query, Query)
        assert all(isinstance(term, Term) for term in query.terms)


# --- running searches on a small store built by the importer --------------------------------


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory):
    """Four tickets with known words, imported from a Maildir, then tagged, flagged, linked."""
    root = tmp_path_factory.mktemp("search")
    mails = [
        make_mail(
            subject="Siparişim nerede?",
            sender=("Ayşe Yılmaz", "ayse@example.com"),
            body="Merhaba, siparişim hâlâ gelmedi.",
            message_id="<tr@example.com>",
            date=BASE_TIME,
        ),
        make_mail(
            subject="Refund request",
            sender=("Bob Smith", "bob@example.com"),
            body="I would like a refund, the towel is the wrong size.",
            message_id="<refund@example.com>",
            date=BASE_TIME + timedelta(days=1),
        ),
        make_mail(
            subject="Question about towels",
            sender=("Carla Rossi", "carla@example.com"),
            body="Do you ship to Italy? I need it in the right size.",
            message_id="<towels@example.com>",
            date=BASE_TIME + timedelta(days=2),
        ),
        make_mail(
            subject="Re: Question about towels",
            sender=("Shop", "hello@shop.example"),
            to=("Carla Rossi", "carla@example.com"),
            body="Yes, we ship to Italy.",
            message_id="<towels-reply@example.com>",
            in_reply_to="<towels@example.com>",
            references=["<towels@example.com>"],
            date=BASE_TIME + timedelta(days=2, hours=1),
        ),
        make_mail(
            subject="Invoice please",
            sender=("Dieter Müller", "dieter@example.de"),
            body="Bitte senden Sie mir eine Rechnung für Bestellung 114-1234567-1234567.",
            message_id="<invoice@example.com>",
            date=BASE_TIME + timedelta(days=10),
        ),
    ]
    opened = Store.open(root / "inbox.db")
    import_maildir(opened, write_maildir(root / "Mail", mails), seller_emails=SELLER)
    ids = {
        row["subject"]: row["id"] for row in opened.conn.execute("SELECT id, subject FROM tickets")
    }
    ticket = {
        "turkish": ids["Siparişim nerede?"],
        "refund": ids["Refund request"],
        "towels": ids["Question about towels"],
        "invoice": ids["Invoice please"],
    }
    actions.add_tag(opened, [ticket["refund"]], "wrong size")
    actions.add_tag(opened, [ticket["refund"], ticket["towels"]], "vip")
    actions.set_status(opened, [ticket["towels"]], "pending")
    actions.set_flag(opened, [ticket["turkish"]], True)
    actions.mark_read(opened, [ticket["towels"], ticket["invoice"]], True)
    order = upsert_order(opened, provider="amazon", order_number="114-1234567-1234567")
    link_ticket_order(opened, ticket["invoice"], order)
    opened.conn.execute(
        "UPDATE tickets SET order_number = 'EB-77' WHERE id = ?", (ticket["refund"],)
    )
    yield opened, ticket
    opened.close()


def found(store: Store, query: str) -> set[int]:
    return {row.id for row in search_tickets(store, query, now=BASE_TIME + timedelta(days=11))}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("siparis", {"turkish"}),  # without the cedilla
        ("SİPARİŞ", {"turkish"}),
        ("siparişim", {"turkish"}),
        ("hala", {"turkish"}),  # â → a
        ("Muller", {"invoice"}),  # ü → u, in the sender's name
        ("yilmaz", {"turkish"}),  # dotless ı typed as i
        ("from:yil", {"turkish"}),
        ("ıtaly", {"towels"}),  # and the other way round
        ("-yilmaz", {"refund", "towels", "invoice"}),
        ("refu", {"refund"}),  # the word being typed
        ("refund towel", {"refund"}),
        ("ref ", set()),  # a finished word is not a prefix
        ('"wrong size"', {"refund"}),
        ('"size wrong"', set()),
        ("size", {"refund", "towels"}),
        ("italy", {"towels"}),  # customer message and seller reply: one ticket
        ("from:bob", {"refund"}),
        ("from:bob@example.com", {"refund"}),
        ("from:carla refund", set()),  # both must hold in one message
        ("from:refund", set()),  # from: looks at the sender only
        ("from:hello@shop.example", {"towels"}),
        ("subject:towels", {"towels"}),
        ("subject:italy", set()),
        ("to:carla@example.com", {"towels"}),
        ("to:carla", {"towels"}),  # the recipient's name or address
        ("to:rossi", {"towels"}),
        ("to:carl", {"towels"}),  # being typed: a prefix
        ("to:carl ", set()),  # a finished word is not
        ("to:hello@shop.example", {"turkish", "refund", "towels", "invoice"}),
        ("-to:carla", {"turkish", "refund", "invoice"}),
        ("to:carla italy", {"towels"}),
        ("to:bob", set()),  # Bob wrote, nobody wrote to him
        ("shop", {"towels"}),  # bare words: the reply's sender, not every mail sent to the shop
        ("re", {"refund", "towels", "invoice"}),  # refund, request, Re:, Rechnung
        ("wr", {"refund"}),  # wrong
        ("ıt", {"towels"}),  # it, Italy
        ("rec", {"invoice"}),  # Rechnung
        ("-refund re", {"towels", "invoice"}),
        ("tag:vip", {"refund", "towels"}),
        ('tag:"WRONG SIZE"', {"refund"}),
        ("tag:nosuchtag", set()),
        ("-tag:vip", {"turkish", "invoice"}),
        ("status:pending", {"towels"}),
        ("-status:open", {"towels"}),
        ("channel:email", {"turkish", "refund", "towels", "invoice"}),
        ("channel:ebay", set()),
        ("is:unread", {"turkish", "refund"}),
        ("-is:unread", {"towels", "invoice"}),
        ("is:flagged", {"turkish"}),
        ("order:114-1234567-1234567", {"invoice"}),  # a linked order
        ("order:EB-77", {"refund"}),  # the ticket's own order number
        ("order:EB", set()),
        ("-refund", {"turkish", "towels", "invoice"}),
        ("size -towel", {"towels"}),
        ("-italy -refund", {"turkish", "invoice"}),
        ("-from:carla", {"turkish", "refund", "invoice"}),
        ("before:2026-10-02", {"turkish"}),
        ("after:2026-10-02", {"refund", "towels", "invoice"}),
        ("after:2026-10-02 before:2026-10-03", {"refund"}),
        ("after:2d", {"invoice"}),  # now is BASE_TIME + 11 days
        ("before:2d", {"turkish", "refund", "towels"}),
        ("after:48h", {"invoice"}),
        ("after:216h", {"towels", "invoice"}),
        ("after:2w", {"turkish", "refund", "towels", "invoice"}),
        ("", {"turkish", "refund", "towels", "invoice"}),
    ],
)
def test_search_finds(shop, query: str, expected: set[str]) -> None:
    store, ticket = shop
    assert found(store, query) == {ticket[name] for name in expected}
    now = BASE_TIME + timedelta(days=11)
    assert count_search(store, query, now=now) == len(expected)


def test_results_are_ticket_rows_newest_first(shop) -> None:
    store, ticket = shop
    rows = search_tickets(store, "")
    assert rows == list_tickets(store, "all")  # built the same way, tags included
    assert [row.id for row in search_tickets(store, "size")] == [ticket["towels"], ticket["refund"]]
    refund = search_tickets(store, "tag:vip refund")[0]
    assert refund.tags == ("vip", "wrong size")
    assert refund.customer_email == "bob@example.com"


def test_paging(shop) -> None:
    store, _ = shop
    everything = [row.id for row in search_tickets(store, "")]
    assert [row.id for row in search_tickets(store, "", offset=1, limit=2)] == everything[1:3]
    assert search_tickets(store, "", limit=0) == []


def test_count_is_capped(shop) -> None:
    store, _ = shop
    assert count_search(store, "", cap=2) == 2
    assert count_search(store, "size", cap=1) == 1
    assert count_search(store, "", cap=0) == 4


def test_a_parsed_query_is_accepted(shop) -> None:
    store, ticket = shop
    assert [row.id for row in search_tickets(store, parse_query("bob"))] == [ticket["refund"]]


def test_bad_queries_raise_search_error_not_sqlite_errors(shop) -> None:
    store, _ = shop
    from inbox_tui.store import search as store_search

    assert store_search.SearchError is SearchError
    with pytest.raises(SearchError):
        search_tickets(store, 'where "is')
    with pytest.raises(SearchError):
        count_search(store, "form:bob")


@pytest.mark.parametrize(
    "query",
    [
        "'; DROP TABLE tickets; --",
        "a OR b",
        "NEAR(refund towel)",
        "refund*",
        "^refund",
        "subject:x:y",
        "text:refund",
        "{subject}:refund",
        "a AND",
        "NOT",
        "%_\\ refund",
        "- refund",
        "\x00 refund",
        "to:a%b",
        "to:a_b",
    ],
)
def test_fts_and_sql_syntax_is_just_text(shop, query: str) -> None:
    store, _ = shop
    search_tickets(store, query)
    count_search(store, query)
    assert store.conn.execute("SELECT count(*) FROM tickets").fetchone()[0] == 4


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(QUERY_TEXT)
def test_any_query_that_parses_runs(shop, text: str) -> None:
    store, _ = shop
    try:
        query = parse_query(text)
    except SearchError:
        return
    try:
        rows = search_tickets(store, query, now=BASE_TIME)
        count = count_search(store, query, now=BASE_TIME)
    except sqlite3.Error as error:  # pragma: no cover - the failure message is the point
        pytest.fail(f"{text!r} → {query} raised {error}")
    assert len(rows) == count


def test_a_hundred_terms_run_and_a_query_sqlite_refuses_is_a_search_error(shop) -> None:
    """1,000 filters crashed the TUI with sqlite3.OperationalError (Expression tree is too
    large): whatever SQLite refuses to run is a SearchError, shown like a typing mistake."""
    store, ticket = shop
    hundred = " ".join(["-tag:vip", "-towel", "-to:nobody", "status:open"] * 25)
    assert count_search(store, hundred) == len(search_tickets(store, hundred))
    refused = Query(tuple(Term("tag", f"t{n}") for n in range(1000)), "")  # past the parser
    for run_it in (search_tickets, count_search):
        with pytest.raises(SearchError, match="the store cannot run this search"):
            run_it(store, refused)
    excluded = Query(tuple(Term("text", f"w{n}", negated=True) for n in range(1000)), "")
    assert count_search(store, excluded) == 4  # excluded words: one match set, any number


# --- the demo shop: filters agree with plain SQL over the same tables -------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    opened = Store.open(tmp_path_factory.mktemp("demo") / "demo.db")
    build_demo(opened, now=DEMO_NOW, seed=7)
    yield opened
    opened.close()


def ids(store: Store, sql: str, params: tuple = ()) -> list[int]:
    return [
        row[0]
        for row in store.conn.execute(
            f"SELECT id FROM tickets WHERE {sql} ORDER BY last_message_at DESC, id DESC", params
        )
    ]


def demo_order(store: Store) -> str:
    return store.conn.execute(
        "SELECT o.order_number FROM orders o JOIN ticket_orders tor ON tor.order_id = o.id"
        " GROUP BY o.id ORDER BY count(*) DESC, o.id LIMIT 1"
    ).fetchone()[0]


@pytest.mark.parametrize(
    ("query", "sql", "params"),
    [
        ("channel:amazon", "channel = 'amazon'", ()),
        ("channel:etsy status:open", "channel = 'etsy' AND status = 'open'", ()),
        ("-channel:email", "channel <> 'email'", ()),
        ("status:snoozed", "status = 'snoozed'", ()),
        ("is:unread", "unread_count > 0", ()),
        ("is:flagged", "flagged = 1", ()),
        (
            "tag:shipping -tag:vip",
            "id IN (SELECT ticket_id FROM ticket_tags JOIN tags ON tags.id = tag_id"
            " WHERE name = 'shipping') AND id NOT IN (SELECT ticket_id FROM ticket_tags"
            " JOIN tags ON tags.id = tag_id WHERE name = 'vip')",
            (),
        ),
        (
            "after:7d",
            "last_message_at >= ?",
            ((DEMO_NOW - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ"),),
        ),
        ("before:2026-10-01", "last_message_at < '2026-10-01'", ()),
        (
            "is:overdue",
            "status = 'open' AND due_at < ?",
            (DEMO_NOW.strftime("%Y-%m-%dT%H:%M:%SZ"),),
        ),
        (
            "product:linen-tt-3 channel:amazon",  # by the linked order's items; SKUs ignore case
            "channel = 'amazon' AND id IN (SELECT ticket_id FROM ticket_orders JOIN orders o"
            " ON o.id = order_id, json_each(o.items) j"
            " WHERE json_extract(j.value, '$.sku') = 'LINEN-TT-3')",
            (),
        ),
    ],
)
def test_demo_filters_match_plain_sql(demo, query: str, sql: str, params: tuple) -> None:
    expected = ids(demo, sql, params)
    assert expected, "the demo should hold some of these"
    got = [row.id for row in search_tickets(demo, query, now=DEMO_NOW, limit=1000)]
    assert got == expected
    assert count_search(demo, query, now=DEMO_NOW) == len(expected)


def test_demo_order_numbers(demo) -> None:
    number = demo_order(demo)
    linked = ids(
        demo,
        "id IN (SELECT ticket_id FROM ticket_orders JOIN orders o ON o.id = order_id"
        " WHERE o.order_number = ?) OR order_number = ?",
        (number, number),
    )
    assert [row.id for row in search_tickets(demo, f'order:"{number}"')] == linked
    amazon = demo.conn.execute(
        "SELECT order_number FROM tickets WHERE order_number IS NOT NULL LIMIT 1"
    ).fetchone()[0]
    assert search_tickets(demo, f"order:{amazon}")


def test_demo_turkish_and_prefix(demo) -> None:
    turkish = {row.id for row in search_tickets(demo, "siparis", limit=1000)}
    assert turkish
    for ticket_id in turkish:
        text = " ".join(
            row[0].lower()
            for row in demo.conn.execute(
                "SELECT subject || ' ' || from_name || ' ' || text FROM messages WHERE ticket_id = ?",
                (ticket_id,),
            )
        )
        assert "sipariş" in text or "siparis" in text
    assert turkish <= {row.id for row in search_tickets(demo, "sipar", limit=1000)}


def test_store_path_is_untouched_by_search(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "empty.db")
    assert search_tickets(store, "anything") == []
    assert count_search(store, "tag:x") == 0
    store.close()


PLAN_QUERIES = [
    "siparis",
    "re",
    "ship",
    "status:open th",
    "to:amazon",
    "order",
    "or",
    "thank you",
    "from:amazon",
    "subject:refund",
    "status:open order",
    "tag:shipping -tag:vip where",
    "channel:ebay -item",
    "is:unread size",
    "is:flagged -damaged",
    "after:14d order",
    "-order",
    # prefixes longer than the index keeps (spelled out as the words they begin), negations
    "orde",
    "ship -order",
    "thank -you",
    "to:amaz",
    "-to:amazon order",
    "status:open thank you",
    "tag:shipping orde",
    "from:amaz wher",
    # a capped count from the words' matches, tested against negated filters and recipients
    "-tag:shipping order",
    "to:amazon -status:closed thank",
]


def every_plan(demo, monkeypatch: pytest.MonkeyPatch, query: str) -> dict[str, tuple]:
    """What `query` finds (a page, a count, a capped count) under each plan, forced in turn."""
    from inbox_tui.store import search as store_search

    def run() -> tuple[list[int], int, int]:
        rows = search_tickets(demo, query, now=DEMO_NOW, limit=1000)
        page = [row.id for row in search_tickets(demo, query, now=DEMO_NOW, offset=2, limit=3)]
        assert page == [row.id for row in rows][2:5]
        return (
            [row.id for row in rows],
            count_search(demo, query, now=DEMO_NOW, cap=0),
            count_search(demo, query, now=DEMO_NOW, cap=5),
        )

    walks: list[int] = []
    walk = store_search._walk
    gathers: list[int] = []
    gather = store_search._gather

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        walked = walk(*args, **kwargs)
        walks.append(0 if walked is None else 1)
        return walked

    def gathered(*args, **kwargs):  # type: ignore[no-untyped-def]
        count = gather(*args, **kwargs)
        gathers.append(0 if count is None else 1)
        return count

    monkeypatch.setattr(store_search, "_walk", counted)
    monkeypatch.setattr(store_search, "_gather", gathered)
    found = {"rare": run()}
    monkeypatch.setattr(store_search, "RARE_MATCHES", 0)
    found["walk or scan"] = run()  # counts: scan below cap × DENSE_FACTOR matching messages
    monkeypatch.setattr(store_search, "DENSE_FACTOR", 0)
    found["walk"] = run()  # counts: walk
    monkeypatch.setattr(store_search, "PROBE_SHARE", 10**9)
    found["probe"] = run()  # a short word or prefix: asks the index message by message
    # by ranges of rowids: every search with a word walks the tickets in batches
    monkeypatch.setattr(store_search, "WALK_MATCHES", 0)
    monkeypatch.setattr(store_search, "WALK_FIRST", 1)  # batches of 1, 2, 4 … tickets
    monkeypatch.setattr(store_search, "WINDOW_GAP", 0)  # a range for each message
    monkeypatch.setattr(store_search, "WINDOWS_MOST", 10**9)  # however many
    monkeypatch.setattr(store_search, "KEPT_CHUNK", 1)  # a batch's messages a ticket at a time
    found["ranges, small"] = run()
    words = [t for t in parse_query(query).terms if t.field in ("text", "from", "subject", "to")]
    if words and found["rare"][1]:  # words, and something matches: the walk answered
        assert walks and all(walks)
    # a capped count with words and filters, exclusions or recipients: from the words' matches
    monkeypatch.setattr(store_search, "GATHER_FIRST", 1)  # batches of 1, 2, 4 … messages
    monkeypatch.setattr(store_search, "GATHER_JUDGED", 10**9)  # never gives up for the walk
    gathers.clear()
    found["gathered"] = run()
    positive = [t for t in words if t.field != "to" and not t.negated]
    if positive and len(positive) < len(parse_query(query).terms) and found["rare"][1]:
        assert gathers and all(gathers)  # the capped count was gathered (not given up)
    monkeypatch.setattr(store_search, "GATHER_JUDGED", 0)
    monkeypatch.setattr(store_search, "GATHER_SHARE", 0)  # gives up at once: the walk counts
    found["gather given up"] = run()
    monkeypatch.setattr(store_search, "WALK_FIRST", 64)
    monkeypatch.setattr(store_search, "WINDOW_GAP", 10**9)  # a range for each batch
    found["ranges, wide"] = run()
    monkeypatch.setattr(store_search, "WINDOWS_MOST", -1)  # gives up at the first range
    found["ranges given up"] = run()
    monkeypatch.setattr(store_search, "WALK_BUDGET", -(10**9))  # gives up: the SQL plans
    found["walk given up"] = run()
    monkeypatch.setattr(store_search, "EXPAND_WORDS", 0)  # every long prefix merged by FTS5
    found["prefixes merged"] = run()
    return found


@pytest.mark.parametrize("query", PLAN_QUERIES)
def test_every_plan_finds_the_same_tickets(
    demo, monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    """The small stores take the "rare" plan; force the others in turn and compare."""
    found = every_plan(demo, monkeypatch, query)
    assert all(result == found["rare"] for result in found.values()), found
    rare = found["rare"]
    assert rare[2] == min(rare[1], 5)


PIECES = [
    "orde",
    "order",
    "-order",
    "thank",
    "-thank",
    "ship",
    "shipp",
    "-ship",
    "to:amaz",
    "-to:amazon",
    "from:amaz",
    "wher",
    "status:open",
    "-status:closed",
    "is:unread",
    "tag:shipping",
    "after:14d",
    "channel:ebay",
]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=4))
def test_any_mix_finds_the_same_tickets_by_every_plan(
    demo, monkeypatch: pytest.MonkeyPatch, pieces: list[str]
) -> None:
    """Words, prefixes being typed, exclusions, recipients and filters in any mix: every plan
    (the SQL ones, the walk by ranges, prefixes spelled out or merged) finds the same."""
    with monkeypatch.context() as patched:
        found = every_plan(demo, patched, " ".join(pieces))
    assert all(result == found["rare"] for result in found.values()), found


def test_a_long_prefix_spelled_out_matches_what_fts5_matches(demo) -> None:
    """Every prefix of 4-7 letters of the demo's words (and a few no word begins), spelled out
    as the index's words it begins, matches exactly the messages FTS5's own prefix query does:
    in the words' index, a column of it, and the recipients' index."""
    from inbox_tui.search import Term
    from inbox_tui.store import search as store_search

    conn = demo.conn
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.all_words USING fts5vocab(main, messages_fts, row)"
    )
    words = [row[0] for row in conn.execute("SELECT term FROM temp.all_words")]
    prefixes = sorted({word[:n] for word in words for n in range(4, 8) if len(word) >= n})
    prefixes += ["zzzz", "qxqx", "0000", prefixes[-1] + "z"]
    checked = 0
    for prefix in prefixes:
        for field, table in (
            ("text", "messages_fts"),
            ("from", "messages_fts"),
            ("to", "messages_fts_to"),
        ):
            term = Term(field, prefix, prefix=True)
            spelled, complete = store_search._spelled_out(demo, term, table)
            merged = store_search._fts_phrase(term)
            matched = [
                {
                    row[0]
                    for row in conn.execute(
                        f"SELECT rowid FROM {table} WHERE {table} MATCH ?", (e,)
                    )
                }
                for e in (spelled, merged)
            ]
            assert matched[0] == matched[1], (prefix, field, spelled)
            checked += complete
    assert checked > 1000  # most were spelled out, not left to FTS5


def test_benchmark_runs_on_a_small_store(demo) -> None:
    script = Path(__file__).parent.parent / "benchmarks" / "search.py"
    done = subprocess.run(
        [sys.executable, str(script), str(demo.path), "--repeat", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report = json.loads(done.stdout)
    assert report["tickets"] == demo.conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
    assert set(report["kinds"]) == {"typing", "rare", "filter", "mixed", "to"}
    assert all(kind["page_p95_ms"] >= 0 for kind in report["kinds"].values())


def schema_3_file(path: Path) -> sqlite3.Connection:
    """An empty store as inbox-tui wrote it before schema 4 (open: add rows, then close)."""
    from inbox_tui.store.db import _split_script
    from inbox_tui.store.schema import MIGRATIONS

    conn = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:3]:
        for statement in _split_script(script):
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 3")
    return conn


def test_an_older_store_gets_the_new_index_filled(tmp_path: Path) -> None:
    """Schema 4 rebuilds the full-text index: mail stored before it is found by prefix and to:."""
    path = tmp_path / "old.db"
    conn = schema_3_file(path)
    conn.execute(
        "INSERT INTO tickets (id, channel, subject, created_at, last_message_at)"
        " VALUES (1, 'email', 'Wrong size', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z')"
    )
    conn.execute(
        "INSERT INTO messages (id, ticket_id, message_id, raw_sha256, content_key, direction,"
        " channel, from_addr, to_addrs, subject, date, text, imported_at) VALUES (1, 1, 'm1',"
        " 's1', 'c1', 'out', 'email', 'hello@shop.example', ?, 'Wrong size', '2026-11-01T00:00:00Z',"
        " 'We will exchange the bathrobe.', '2026-11-01T00:00:00Z')",
        (json.dumps([["Zeynep Kaya", "zeynep@example.com"]]),),
    )
    conn.close()

    store = Store.open(path)
    try:
        assert store.schema_version >= 4
        assert [row.id for row in search_tickets(store, "ba")] == [1]  # bathrobe, being typed
        assert [row.id for row in search_tickets(store, "to:zeynep")] == [1]
        assert [row.id for row in search_tickets(store, "to:kay")] == [1]
        assert search_tickets(store, "zeynep") == []  # a recipient is not a word of the mail
        store.conn.execute("UPDATE messages SET to_addrs = '[]' WHERE id = 1")  # kept current
        assert search_tickets(store, "to:zeynep") == []
        store.conn.execute("DELETE FROM messages WHERE id = 1")
        assert search_tickets(store, "ba") == []
    finally:
        store.close()


def test_the_cli_says_when_it_upgrades_an_older_store(tmp_path: Path) -> None:
    """A migration that rebuilds the index can take a minute: the seller is told, once."""
    from tests.test_cli import run

    path = tmp_path / "old.db"
    schema_3_file(path).close()
    first = run("--db", str(path), "export", "--format", "csv")
    assert first.returncode == 0, first.stderr
    assert "upgrading the inbox database (schema 3 → " in first.stderr
    again = run("--db", str(path), "export", "--format", "csv")
    assert again.returncode == 0 and "upgrading" not in again.stderr
    fresh = run("--db", str(tmp_path / "new.db"), "export", "--format", "csv")
    assert "upgrading" not in fresh.stderr  # a new store is created, not upgraded


def test_a_schema_13_store_keeps_its_recipients_searchable(tmp_path: Path) -> None:
    """Schema 14 makes the recipients' index anew (prefixes of 2-8 letters) and refills it:
    mail stored before is found by to: as it is typed, and the index follows later changes."""
    from inbox_tui.domain.folding import fold_for_search
    from inbox_tui.domain.subjects import customer_subject
    from inbox_tui.store.db import _split_script
    from inbox_tui.store.schema import MIGRATIONS

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.create_function("search_fold", 1, fold_for_search, deterministic=True)
    conn.create_function("customer_subject", 2, customer_subject, deterministic=True)
    for script in MIGRATIONS[:13]:
        for statement in _split_script(script):
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 13")
    conn.execute(
        "INSERT INTO tickets (id, channel, subject, created_at, last_message_at)"
        " VALUES (1, 'email', 'Wrong size', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z')"
    )
    for message_id, to in (
        (1, ["Zeynep Kaya", "customer4711@example.com"]),
        (2, ["Jo", "jo@x.de"]),
    ):
        conn.execute(
            "INSERT INTO messages (id, ticket_id, message_id, raw_sha256, content_key, direction,"
            " channel, from_addr, to_addrs, subject, date, text, imported_at) VALUES (?, 1, ?,"
            " ?, ?, 'out', 'email', 'hello@shop.example', ?, 'Wrong size',"
            " '2026-11-01T00:00:00Z', 'We will exchange the bathrobe.', '2026-11-01T00:00:00Z')",
            (message_id, f"m{message_id}", f"s{message_id}", f"c{message_id}", json.dumps([to])),
        )
    conn.close()

    store = Store.open(path)
    try:
        assert store.schema_version >= 14
        for typed in (
            "to:cust",
            "to:custom",
            "to:customer4",
            "to:customer4711",
            "to:zeyn",
            "to:jo",
        ):
            assert [row.id for row in search_tickets(store, typed)] == [1], typed
        assert count_search(store, "to:customer47") == 1
        assert search_tickets(store, "to:customers") == []
        store.conn.execute("UPDATE messages SET to_addrs = '[]' WHERE id = 1")  # kept current
        assert search_tickets(store, "to:custo") == []
        assert [row.id for row in search_tickets(store, "to:jo")] == [1]
        store.conn.execute("DELETE FROM messages WHERE id = 2")
        assert search_tickets(store, "to:jo") == []
    finally:
        store.close()

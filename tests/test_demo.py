"""The demo inbox: built through the real importer, realistic in shape, deterministic, built once."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from inbox_tui import demo
from inbox_tui.stats import build_report
from inbox_tui.store.attachments import attachment_content
from inbox_tui.store.db import Store, format_time
from inbox_tui.store.orders import orders_for_ticket
from inbox_tui.templates import shipped_templates

NOW = datetime(2026, 11, 29, 23, 0, tzinfo=UTC)
MOJIBAKE = ("Ã", "Ä\x9f", "Å\x9f", "Ä±", "Ã¼", "\ufffd")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, Path]:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    store = demo.ensure_demo(path, now=NOW)
    yield store, path
    store.close()


@pytest.fixture
def store(built: tuple[Store, Path]) -> Store:
    return built[0]


def rows(store: Store, sql: str, *params: object) -> list[tuple]:
    return [tuple(row) for row in store.conn.execute(sql, params)]


def one(store: Store, sql: str, *params: object) -> object:
    return store.conn.execute(sql, params).fetchone()[0]


def test_size_channels_and_thread_lengths(store: Store) -> None:
    assert 250 <= one(store, "SELECT count(*) FROM tickets") <= 350
    channels = dict(rows(store, "SELECT channel, count(*) FROM tickets GROUP BY channel"))
    assert {"email", "amazon", "ebay", "shopify"} <= set(channels) and len(channels) >= 4
    assert min(channels.values()) >= 10
    lengths = {n for (n,) in rows(store, "SELECT DISTINCT message_count FROM tickets")}
    assert min(lengths) == 1 and max(lengths) == 8
    # every planned thread became exactly one ticket: nothing merged, nothing split
    assert one(store, "SELECT count(*) FROM events WHERE kind = 'merged'") == 0
    assert one(store, "SELECT sum(message_count) FROM tickets") == one(
        store, "SELECT count(*) FROM messages"
    )


def test_three_languages(store: Store) -> None:
    text = "\n".join(s + "\n" + t for s, t in rows(store, "SELECT subject, text FROM messages"))
    folded = text.casefold()
    assert all(c in text for c in "ğüşıöçİ")  # Turkish
    assert "ß" in text and "ä" in text  # German
    phrases = {
        "tr": ("Siparişim nerede?", "İade talebi", "Yanlış beden geldi", "Ürün hasarlı geldi"),
        "de": ("Wo ist meine Bestellung?", "Rücksendung", "Falsche Größe", "beschädigt"),
        "en": ("Where is my order?", "Refund request", "Wrong size received", "arrived damaged"),
    }
    for lang, words in phrases.items():
        found = [w for w in words if w.casefold() in folded]
        assert len(found) >= 3, (lang, found)
    subjects = [s for (s,) in rows(store, "SELECT subject FROM tickets")]
    assert sum(any(c in s for c in "ğşıİ") for s in subjects) >= 20
    assert sum(any(c in s for c in "äöüß") for s in subjects) >= 20


def test_marketplace_mail_looks_like_the_real_thing(store: Store) -> None:
    amazon = rows(
        store,
        "SELECT from_name, from_addr, subject FROM messages WHERE channel = 'amazon' AND direction = 'in'",
    )
    assert all(addr.split("@")[1].startswith("marketplace.amazon.") for _, addr, _ in amazon)
    assert {addr.rsplit(".amazon.", 1)[1] for _, addr, _ in amazon} == {
        "de",
        "com",
        "co.uk",
        "com.tr",
    }
    tickets = rows(store, "SELECT subject, order_number FROM tickets WHERE channel = 'amazon'")
    assert all(number and number in subject for subject, number in tickets)
    # the seller answers Amazon buyers at their relay address, with "Re: " subjects
    replies = rows(
        store,
        "SELECT to_addrs, subject, from_addr FROM messages WHERE channel = 'amazon' AND direction = 'out'",
    )
    assert replies and all(
        "marketplace.amazon." in to and subject.startswith("Re: ") for to, subject, _ in replies
    )
    assert {sender for *_, sender in replies} == {demo.SELLER_EMAIL}
    assert (
        one(store, "SELECT count(*) FROM messages WHERE from_addr LIKE '%@members.ebay.com'") > 10
    )
    assert (
        one(
            store,
            "SELECT count(*) FROM messages WHERE from_addr = 'mailer@shopify.com' AND reply_to != '[]'",
        )
        > 10
    )
    assert one(store, "SELECT count(*) FROM messages WHERE from_addr LIKE '%@mail.etsy.com'") > 0


def test_orders_are_linked_to_tickets_and_customers(store: Store) -> None:
    assert 180 <= one(store, "SELECT count(*) FROM orders") <= 300
    assert (
        one(
            store,
            "SELECT count(*) FROM orders WHERE items = '[]' OR customer_id IS NULL AND provider != 'ebay'",
        )
        == 0
    )
    assert {c for (c,) in rows(store, "SELECT DISTINCT currency FROM orders")} == {
        "EUR",
        "GBP",
        "USD",
        "TRY",
    }
    shipped = rows(
        store,
        "SELECT carrier, tracking_number, tracking_url FROM orders WHERE shipped_at IS NOT NULL",
    )
    assert len(shipped) > 100 and all(c and t and u and t in u for c, t, u in shipped)
    # Amazon tickets link by the order number in their subject
    unlinked = one(
        store,
        """SELECT count(*) FROM tickets t WHERE t.order_number IS NOT NULL AND NOT EXISTS
           (SELECT 1 FROM ticket_orders x JOIN orders o ON o.id = x.order_id
            WHERE x.ticket_id = t.id AND o.order_number = t.order_number)""",
    )
    assert unlinked == 0
    assert one(store, "SELECT count(DISTINCT ticket_id) FROM ticket_orders") >= 150
    ticket_id = one(store, "SELECT id FROM tickets WHERE channel = 'amazon' ORDER BY id LIMIT 1")
    orders = orders_for_ticket(store, ticket_id)
    assert orders[0].linked and orders[0].items and orders[0].items[0].title


def test_ticket_states_like_a_real_inbox(store: Store) -> None:
    total = one(store, "SELECT count(*) FROM tickets")
    status = dict(rows(store, "SELECT status, count(*) FROM tickets GROUP BY status"))
    # tickets arrive steadily over the 90 days: the old ones are mostly done, the recent wait
    assert 0.65 <= status["closed"] / total <= 0.9
    assert status["pending"] >= 15 and status["open"] >= 20 and status.get("snoozed", 0) >= 1
    day_ago = format_time(NOW - timedelta(hours=24))
    overdue = one(
        store,
        """SELECT count(*) FROM tickets WHERE status = 'open' AND last_inbound_at < ?
           AND (last_outbound_at IS NULL OR last_outbound_at < last_inbound_at)""",
        day_ago,
    )
    assert overdue >= 15
    assert 15 <= one(store, "SELECT count(*) FROM tickets WHERE unread_count > 0") < status["open"]
    assert (
        one(store, "SELECT count(*) FROM tickets WHERE status != 'open' AND unread_count > 0") == 0
    )
    tags = dict(
        rows(
            store,
            "SELECT name, count(*) FROM tags JOIN ticket_tags ON tag_id = tags.id GROUP BY name",
        )
    )
    assert {"refund", "shipping", "wrong-size", "damaged", "vip"} <= set(tags)
    assert one(store, "SELECT count(*) FROM events WHERE actor = 'demo'") > 300
    assert one(store, "SELECT max(at) FROM events") <= format_time(NOW)


def test_legacy_turkish_charsets_decode_cleanly(store: Store) -> None:
    legacy = [
        (subject, name, text)
        for subject, name, text, raw in rows(
            store,
            "SELECT m.subject, m.from_name, m.text, r.raw FROM messages m JOIN message_raw r ON r.message_id = m.id",
        )
        if b"iso-8859-9" in raw or b"windows-1254" in raw
    ]
    assert len(legacy) >= 10
    for fields in legacy:
        joined = " ".join(fields)
        assert not any(bad in joined for bad in MOJIBAKE), joined
        assert any(c in joined for c in "ğüşıöçİĞŞÖÇÜ"), joined
    everything = " ".join(
        s + n + t for s, n, t in rows(store, "SELECT subject, from_name, text FROM messages")
    )
    assert not any(bad in everything for bad in MOJIBAKE)


def test_html_and_attachments_come_through(store: Store) -> None:
    assert (
        one(
            store,
            "SELECT count(*) FROM message_raw WHERE instr(raw, CAST('Content-Type: text/html' AS BLOB))",
        )
        > 30
    )
    assert (
        one(store, "SELECT count(*) FROM messages WHERE text LIKE '%<p>%' OR text LIKE '%&#x27;%'")
        == 0
    )
    kinds = {c for (c,) in rows(store, "SELECT DISTINCT content_type FROM attachments")}
    assert {"application/pdf", "image/jpeg"} <= kinds
    pdf = attachment_content(
        store, one(store, "SELECT id FROM attachments WHERE content_type = 'application/pdf'")
    )
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")


def test_ensure_demo_builds_once(built: tuple[Store, Path]) -> None:
    store, path = built
    counts = one(store, "SELECT count(*) FROM messages"), one(store, "SELECT count(*) FROM orders")
    again = demo.ensure_demo(path, now=NOW + timedelta(days=1), seed=99)
    try:
        assert (
            one(again, "SELECT count(*) FROM messages"),
            one(again, "SELECT count(*) FROM orders"),
        ) == counts
    finally:
        again.close()
    assert not path.with_name(path.name + ".building").exists()
    assert not list(path.parent.glob(".inbox-tui-demo-*"))  # the scratch Maildir is gone


def test_a_demo_whose_story_has_left_the_week_is_built_again(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    demo.ensure_demo(path, now=NOW).close()
    later = NOW + demo.STALE + timedelta(hours=1)
    store = demo.ensure_demo(path, now=later)
    try:  # built anew around `later`: the newest mail is from the hours before it
        newest = one(store, "SELECT max(last_message_at) FROM tickets")
        assert format_time(later - timedelta(days=1)) < newest <= format_time(later)
    finally:
        store.close()


def test_the_demo_tells_its_story_and_nothing_else(store: Store) -> None:
    """Tickets come at a steady rate over the 90 days; in the last week one product starts
    arriving damaged. The stats flag that, and only that."""
    report = build_report(store, now=NOW, days=30, templates=shipped_templates())
    [flag] = report.unusual
    assert flag.trend == "product+topic:LINEN-TT-3|Damaged item"
    assert flag.this_week >= 6 and flag.usual < 1, flag.explanation
    weekly = [
        one(store, "SELECT count(*) FROM tickets WHERE created_at >= ? AND created_at < ?",
            format_time(NOW - timedelta(days=7 * (w + 1))), format_time(NOW - timedelta(days=7 * w)))
        for w in range(12)
    ]  # fmt: skip
    assert min(weekly) >= 12 and max(weekly) <= 45, weekly  # steady: no week dwarfs the others


def test_an_interrupted_build_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(store: Store, **_: object) -> None:
        store.conn.execute(
            "INSERT INTO tickets (channel, created_at, last_message_at) VALUES ('email', '', '')"
        )
        raise KeyboardInterrupt

    monkeypatch.setattr(demo, "build_demo", broken)
    path = tmp_path / "data" / "demo.db"
    with pytest.raises(KeyboardInterrupt):
        demo.ensure_demo(path)
    assert sorted(p.name for p in path.parent.iterdir()) == []


def test_an_empty_store_is_replaced_by_the_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "data" / "demo.db"
    Store.open(path).close()  # e.g. the TUI opened the path before any demo was built
    built = []
    monkeypatch.setattr(
        demo, "build_demo", lambda store, **kw: built.append(kw) or _one_ticket(store)
    )
    store = demo.ensure_demo(path, now=NOW)
    try:
        assert built == [{"now": NOW, "seed": 7}]
        assert one(store, "SELECT count(*) FROM tickets") == 1
    finally:
        store.close()
    assert sorted(p.name for p in path.parent.iterdir()) == ["demo.db"]


def _one_ticket(store: Store) -> None:
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO tickets (channel, created_at, last_message_at) VALUES ('email', '', '')"
        )


def test_same_now_and_seed_give_the_same_inbox(tmp_path: Path) -> None:
    def fingerprint(store: Store) -> str:
        digest = hashlib.sha256()
        for row in store.conn.execute(
            "SELECT t.id, t.status, t.subject, t.unread_count, m.raw_sha256 FROM tickets t "
            "JOIN messages m ON m.ticket_id = t.id ORDER BY m.id"
        ):
            digest.update(repr(tuple(row)).encode())
        for row in store.conn.execute(
            "SELECT order_number, total, tracking_number FROM orders ORDER BY id"
        ):
            digest.update(repr(tuple(row)).encode())
        return digest.hexdigest()

    first, second = Store.open(":memory:"), Store.open(tmp_path / "other.db")
    result = demo.build_demo(first, now=NOW)
    demo.build_demo(second, now=NOW)
    assert fingerprint(first) == fingerprint(second)
    assert result.tickets == one(first, "SELECT count(*) FROM tickets")
    # ~1.5 s on a laptop against a 3 s budget; this bound only catches blow-ups on slow CI
    assert result.seconds < 10
    # another seed, another inbox (compared at the mail level: cheaper than a third import)
    stored = {d for (d,) in rows(first, "SELECT raw_sha256 FROM messages")}
    assert stored.isdisjoint(
        hashlib.sha256(m.raw).hexdigest() for t in _rendered(8) for m in t.mails
    )


def _rendered(seed: int) -> list:
    shop = demo._Shop(NOW, seed)
    shop.plan(demo.TICKETS)
    shop.render()
    return shop.threads

"""Marketplace subjects are boilerplate: the list, the thread and `{{ ticket.subject }}` show the
customer's question instead, for new mail and for stores made before (schema 8)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inbox_tui.config import SellerConfig
from inbox_tui.demo.shop import _first_mail
from inbox_tui.domain.subjects import MAX_SUBJECT, customer_subject
from inbox_tui.importer import import_maildir
from inbox_tui.store import Store
from inbox_tui.store.reply_context import reply_context
from inbox_tui.store.schema import MIGRATIONS
from inbox_tui.templates import render
from inbox_tui.tui.app import InboxApp
from inbox_tui.tui.widgets.thread_view import ThreadView
from inbox_tui.tui.widgets.ticket_list import TicketList
from tests import suggestion_set
from tests.mailgen import make_mail, write_maildir

QUESTION = "Hi,\n\nDoes the muslin throw come in blue? It would be a gift.\n\nThanks,\nEmily"
ASKED = "Does the muslin throw come in blue?"
RECORD = {"id": "r1", "reason": "other"}


# eBay's mails are in English and German here (no Turkish eBay site)
@pytest.mark.parametrize(
    ("wrap", "language"),
    [
        (wrap, language)
        for wrap in ("_amazon", "_ebay", "_shopify")
        for language in ("en", "de", "tr")
        if (wrap, language) != ("_ebay", "tr")
    ],
)
def test_the_customers_words_replace_the_marketplaces_subject(wrap: str, language: str) -> None:
    subject, body = getattr(suggestion_set, wrap)(RECORD, language, 0, "", QUESTION)
    assert customer_subject(subject, body) == ASKED, subject
    assert customer_subject("RE: " + subject, body) == ASKED  # the thread's later mails too


def test_etsy_keeps_the_customers_own_subject() -> None:
    subject, body = suggestion_set._etsy(RECORD, "en", 0, "Blue throw?", QUESTION)
    assert customer_subject(subject, body) == "Blue throw?"
    assert customer_subject("Etsy Conversation with Emily Carter", QUESTION) == ASKED


def test_the_demo_shops_mails_read_the_same() -> None:
    """The demo's first mails per channel (inbox_tui/demo/shop.py), as its import stores them."""
    from types import SimpleNamespace

    facts = {"order": "302-1234567-7654321", "item": "Muslin throw", "item_en": "Muslin throw",
             "itemno": "1385", "user": "hannah_j96", "feedback": "212", "asin": "B0A5",
             "name": "Hannah"}  # fmt: skip
    at = datetime(2026, 11, 28, 10, 12, tzinfo=UTC)
    for channel in ("amazon", "ebay", "etsy", "shopify"):
        person = SimpleNamespace(channel=channel, lang="en", username="hannah_j96",
                                 name="Hannah J", market="uk", addr="h@example.com")  # fmt: skip
        thread = SimpleNamespace(person=person, topic="where")
        subject, text = _first_mail(thread, "Colour?", QUESTION, facts, at)
        expected = "Colour?" if channel == "etsy" else ASKED
        assert customer_subject(subject, text) == expected, (channel, subject)


def test_a_subject_that_says_it_stays() -> None:
    for subject in ("Where is my order?", "Re: Größe M?", "Order #1042 not arrived",
                    "Siparişim nerede?", "Question about the blue towel"):  # fmt: skip
        assert customer_subject(subject, QUESTION) is None
    # boilerplate with no words of the customer: eBay's item is better than nothing
    ebay = "Other: hannah_j96 sent a message about Muslin throw blanket #138547202260"
    assert customer_subject(ebay, "") == "Muslin throw blanket"
    assert customer_subject("New customer message on November 28, 2026 at 10:12 am", "") is None


def test_a_long_question_is_cut_at_a_word() -> None:
    body = "Body:\n" + "Please tell me whether the extraordinarily soft towels " * 5
    found = customer_subject("New customer message on November 28, 2026 at 10:12 am", body)
    assert found is not None and len(found) <= MAX_SUBJECT and found.endswith("…")
    assert found.startswith("Please tell me whether the extraordinarily soft towels Please")


@given(st.text(max_size=300), st.text(max_size=3000))
def test_a_derived_subject_is_one_short_line(subject: str, text: str) -> None:
    found = customer_subject(subject, text)
    if found is not None:
        assert found and found == found.strip() and len(found) <= MAX_SUBJECT
        assert "\n" not in found and "\r" not in found


@given(st.sampled_from(["_amazon", "_ebay", "_shopify"]), st.text(min_size=1, max_size=400))
def test_whatever_the_customer_wrote_the_wrapper_never_shows(wrap: str, text: str) -> None:
    subject, body = getattr(suggestion_set, wrap)(RECORD, "en", 0, "", text)
    found = customer_subject(subject, body) or ""
    for boilerplate in ("Amazon customer", "sent a message about", "New customer message",
                        "-------------", "Country Code:", "New message from:"):  # fmt: skip
        assert boilerplate not in found or boilerplate in text


# --- in the store and the TUI ---------------------------------------------------------------

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
SELLER = ("Shop", "hello@shop.example")


def marketplace_store(tmp_path: Path) -> Store:
    subject, body = suggestion_set._shopify(RECORD, "en", 0, "", QUESTION)
    ebay_subject, ebay_body = suggestion_set._ebay(
        RECORD, "en", 0, "", "Hello? I wrote 4 days ago and the blanket has not arrived."
    )
    mails = [
        make_mail(message_id="<s1@x>", sender=("Emily", "mailer@shopify.com"), to=SELLER,
                  reply_to=("Emily Carter", "emily@example.com"), subject=subject, body=body,
                  date=NOW - timedelta(hours=2)),
        make_mail(message_id="<e1@x>", sender=("hannah_j96", "member@members.ebay.com"),
                  to=SELLER, subject=ebay_subject, body=ebay_body, date=NOW - timedelta(hours=1)),
        make_mail(message_id="<p1@x>", sender=("Ayşe", "ayse@example.com"), to=SELLER,
                  subject="Where is my order?", body="Hello, where is it?", date=NOW),
    ]  # fmt: skip
    store = Store.open(":memory:")
    import_maildir(store, write_maildir(tmp_path / "Mail", mails),
                   seller_emails=frozenset({SELLER[1]}))  # fmt: skip
    return store


async def test_the_list_and_thread_show_the_question(tmp_path: Path) -> None:
    store = marketplace_store(tmp_path)
    app = InboxApp(store, now=lambda: NOW)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("2")  # All
        await pilot.pause()
        tickets = app.screen.query_one(TicketList)
        subjects = [tickets.row(i).subject for i in range(tickets.count)]
        assert subjects == [
            "Where is my order?",
            "Hello? I wrote 4 days ago and the blanket has not arrived.",
            ASKED,
        ]
        await pilot.press("j", "j")
        await pilot.pause()
        thread = app.screen.query_one(ThreadView).plain
        assert thread.startswith(ASKED + "\n")
        # the marketplace's own subject is still there, under its message
        assert "Subject: New customer message on November 10, 2026 at 3:10 pm" in thread


def test_ticket_subject_in_a_template_is_the_question(tmp_path: Path) -> None:
    store = marketplace_store(tmp_path)
    ticket = store.conn.execute("SELECT id FROM tickets WHERE channel = 'ebay'").fetchone()[0]
    context = reply_context(
        store, ticket, seller=SellerConfig(name="Shop"), today=date(2026, 11, 30)
    )
    rendered = render("Thank you for your message ({{ ticket.subject }}).", context)
    assert rendered.body == (
        "Thank you for your message (Hello? I wrote 4 days ago and the blanket has not arrived.)."
    )


def test_a_store_from_before_gets_its_questions(tmp_path: Path) -> None:
    """A store from before `title` holding a Shopify form and a plain mail: opening it fills
    `title` in for the one whose subject is boilerplate, from its first message."""
    path = tmp_path / "v6.db"
    conn = sqlite3.connect(path)
    before = next(i for i, script in enumerate(MIGRATIONS) if "ADD COLUMN title" in script)
    for script in MIGRATIONS[:before]:  # the store as it was before `title`
        conn.executescript(script)
    subject, body = suggestion_set._shopify(RECORD, "en", 0, "", QUESTION)
    for ticket, (subj, text) in enumerate([(subject, body), ("Where is it?", "Hello")], 1):
        conn.execute(
            "INSERT INTO tickets (id, channel, status, subject, created_at, last_message_at)"
            " VALUES (?, 'shopify', 'open', ?, '2026-11-01T09:00:00Z', '2026-11-01T09:00:00Z')",
            (ticket, subj),
        )
        conn.execute(
            "INSERT INTO messages (ticket_id, message_id, raw_sha256, content_key, direction,"
            " channel, subject, text, date, imported_at) VALUES (?, ?, ?, ?, 'in', 'shopify',"
            " ?, ?, '2026-11-01T09:00:00Z', '2026-11-01T09:00:00Z')",
            (ticket, f"m{ticket}", f"d{ticket}", f"k{ticket}", subj, text),
        )
    conn.execute(f"PRAGMA user_version = {before}")
    conn.commit()
    conn.close()
    store = Store.open(path)
    rows = store.conn.execute("SELECT subject, title FROM tickets ORDER BY id").fetchall()
    assert [tuple(row) for row in rows] == [(subject, ASKED), ("Where is it?", None)]
    store.close()


def test_a_sentence_after_a_greeting_starts_with_a_capital() -> None:
    form = "New customer message on November 28, 2026 at 10:12 am"
    assert customer_subject(form, "Body:\nGuten Tag,\n\ndie Farbe passt nicht.") == (
        "Die Farbe passt nicht."
    )
    assert customer_subject(form, "Body:\nHallo,\n\nich habe es zurückgeschickt.") == (
        "Ich habe es zurückgeschickt."
    )
    assert customer_subject(form, "Body:\nMerhaba,\n\niade için ne yapmalıyım?") == (
        "İade için ne yapmalıyım?"  # Turkish (ı): the capital of i is İ
    )

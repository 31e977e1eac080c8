"""Template suggestions read the whole conversation, the order's state and whether the customer
is chasing an answer (suggest.py), and the composer hands them all three.

Real parts: the shipped template library; mail through the import path into a real store; the
real outbox queue; Textual's Pilot for the composer.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inbox_tui.config import parse_config
from inbox_tui.importer import import_maildir
from inbox_tui.marketplaces.order_fields import status_label
from inbox_tui.outbox.queue import queue_reply
from inbox_tui.sla import CHANNELS
from inbox_tui.store import Store
from inbox_tui.store.orders import link_ticket_order, upsert_order
from inbox_tui.store.reply_context import conversation
from inbox_tui.suggest import (
    ORDER_STATES,
    Said,
    Suggester,
    order_state,
    suggest_for_thread,
    topic_of,
)
from inbox_tui.templates import shipped_templates
from inbox_tui.tui.screens.composer import suggestion_input
from tests.mailgen import make_mail, write_maildir
from tests.test_composer import CONFIG, NOW, SELLER, make_app, open_on
from tests.test_tui import screen_text

LIBRARY = shipped_templates()


def keys(*thread: Said | str, order: str | None = None, channel: str = "email") -> list[str]:
    said = [m if isinstance(m, Said) else Said(m) for m in thread]
    return [t.key for t in suggest_for_thread(LIBRARY, said, channel=channel, order=order)]


def seller(text: str) -> Said:
    return Said(text, customer=False)


# --- what the issue saw -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "nudge", "expected"),
    [
        (
            "Hi, where is my order? I ordered 5 days ago.",
            "Hello? I wrote 3 days ago and haven't heard back. Please reply.",
            "wismo",
        ),
        (
            "Wo ist meine Bestellung? Ich warte seit 10 Tagen.",
            "Hallo? Ich habe vor 3 Tagen geschrieben und noch keine Antwort bekommen.",
            "wismo-de",
        ),
        (
            "Siparişim nerede? 10 gündür bekliyorum.",
            "Merhaba, 3 gün önce yazdım ama hâlâ cevap alamadım. Lütfen dönüş yapın.",
            "wismo-tr",
        ),
    ],
)
def test_a_customer_chasing_an_answer_gets_where_is_my_order(question, nudge, expected) -> None:
    # the nudge alone matched "heard back" to Return label and Refund issued
    assert keys(question, nudge) == [expected]


def test_a_nudge_about_nothing_is_read_with_the_order() -> None:
    nudge = "Hi, I emailed you last week and got no answer. Can someone please get back to me."
    assert keys(nudge, order="shipped") == ["wismo"]  # waiting for the parcel
    assert keys(nudge, order="refunded") == ["refund"]  # or for the money
    assert keys(nudge, order="delivered") == []  # nothing says what about


@pytest.mark.parametrize(
    ("newest", "order", "expected"),
    [
        ("Thanks. The tracking hasn't moved since Tuesday though.", "shipped", ["wismo"]),
        # a new question is not the old topic
        ("Thanks! One more question: do you have the same item in another colour?", "shipped", []),
        # the newest words outweigh the start of the thread
        ("It arrived today but one of the towels has a big hole in it.", "delivered", ["damaged"]),
    ],
)
def test_after_the_sellers_answer_the_newest_message_decides(newest, order, expected) -> None:
    thread = (
        "Hi, where is my order?",
        seller("Hi Sarah, your order is on its way with DPD, tracking number 15512345678901."),
        newest,
    )
    found = keys(*thread, order=order)
    assert (found[:1] if expected else found) == expected  # the first, or nothing at all


def test_a_colour_and_shipping_question_gets_no_template() -> None:
    # it got "Return label": no template answers a question before buying
    assert (
        keys("Hi, do you have this robe in green? And how long does shipping to Canada take?") == []
    )


def test_the_order_state_decides_between_cancelling_and_returning() -> None:
    message = "Sorry, I don't want the blanket any more. Can I send it back or cancel?"
    assert keys(message, order="unshipped")[0] == "cancel"  # it has not left yet
    assert keys(message, order="delivered")[0] == "return-label"  # it is with the customer


def test_one_suggestion_per_topic_in_the_customers_language() -> None:
    found = keys(
        "Wann bekomme ich mein Geld zurück? Die Rücksendung ist seit einer Woche bei Ihnen."
    )
    assert found[0] == "refund-de"
    topics = [topic_of(t, {x.key for x in LIBRARY}) for t in LIBRARY if t.key in found]
    assert len(topics) == len(set(topics))  # not refund-de, refund and refund-tr
    # with no template in the customer's language, the topic's English one
    assert keys("Bitte stornieren Sie meine Bestellung, ich habe mich vertan.") == ["cancel"]
    assert keys("Siparişimin faturasını gönderebilir misiniz?")[0] == "invoice"


def test_umlauts_typed_out_and_turkish_without_its_letters_are_read_alike() -> None:
    assert keys("wann bekomme ich die rueckerstattung")[0] == "refund-de"
    assert keys("kargom nerde hala gelmedi")[0] == "wismo-tr"
    assert keys("urunu iade etmek istiyorum")[0] == "return-label"


def test_quoted_mail_and_marketplace_wrapping_do_not_count() -> None:
    quoted = (
        "Still no sign of the parcel, where is it?\n\n"
        "On 12 Nov 2026, at 10:02, Shop <hello@shop.example> wrote:\n"
        "> of course: a prepaid return label is attached; we refund within two days"
    )
    assert keys(quoted, order="shipped") == ["wismo"]
    own = "On Monday I wrote to you that the towel has a hole.\nNobody answered, please help!"
    assert keys(own, order="delivered")[0] == "damaged"  # the customer's line, not a quote
    form = (
        "You received a new message from your online store's contact form.\n\n"
        "Country Code: TR\nName: Selin Kaya\nEmail: selin@mail.example\nPhone Number:\n\n"
        "Body:\nterlikler olmadi 39/40 yerine 41/42 lazim\n"
    )
    assert keys(Said(form, "New customer message on November 10, 2026"), channel="shopify") == [
        "wrong-size-tr"
    ]


@pytest.mark.parametrize(
    ("status", "shipped", "state"),
    [
        (status_label("UNFULFILLED"), False, "unshipped"),  # Shopify
        (status_label("FULFILLED"), True, "shipped"),
        (status_label("Unshipped"), False, "unshipped"),  # Amazon
        (status_label("PartiallyShipped"), True, "shipped"),
        (status_label("Canceled"), False, "cancelled"),
        (status_label("NOT_STARTED"), False, "unshipped"),  # eBay
        ("processing", False, "unshipped"),  # WooCommerce
        ("completed", True, "shipped"),
        ("refunded", False, "refunded"),
        ("Delivered", True, "delivered"),
        (None, True, "shipped"),  # no status, but a tracking number
        (None, False, None),
        ("whatever the shop says", False, None),
    ],
)
def test_order_statuses_as_shops_report_them(status, shipped, state) -> None:
    assert order_state(status, shipped=shipped) == state


@settings(max_examples=200, deadline=None)
@given(
    thread=st.lists(
        st.tuples(st.text(max_size=300), st.text(max_size=40), st.booleans()), max_size=8
    ),
    channel=st.sampled_from(CHANNELS),
    order=st.sampled_from((None, *ORDER_STATES)),
    top=st.integers(min_value=0, max_value=5),
)
def test_any_conversation_is_ranked_without_error(thread, channel, order, top) -> None:
    said = [Said(text, subject, customer) for text, subject, customer in thread]
    found = Suggester(LIBRARY).rank_thread(said, channel=channel, order=order, top=top)
    assert len(found) <= top
    assert all(t.applies_to(channel) for t in found)
    topics = [topic_of(t, {x.key for x in LIBRARY}) for t in found]
    assert len(topics) == len(set(topics))


@given(st.text(max_size=60), st.booleans())
def test_any_order_status_is_a_known_state_or_none(status, shipped) -> None:
    assert order_state(status, shipped=shipped) in (*ORDER_STATES, None)


# --- what the composer hands the suggester ----------------------------------------------------

CHASED = [
    dict(
        subject="Order 1388",  # a subject that does not say what about, as marketplaces' do not
        sender=("Ben Hughes", "ben@example.com"),
        body="Hi, where is my order? I ordered 5 days ago and have heard nothing.\n\nBen",
        message_id="<ask@example.com>",
        date=NOW - timedelta(days=3),
    ),
    dict(
        subject="Re: Order 1388",
        sender=("Ben Hughes", "ben@example.com"),
        body="Hello? I wrote 3 days ago and haven't heard back. Please reply.\n\nBen",
        message_id="<nudge@example.com>",
        in_reply_to="<ask@example.com>",
        references=["<ask@example.com>"],
        date=NOW - timedelta(hours=2),
    ),
]


def chased_ticket(tmp_path: Path) -> tuple[Store, int]:
    store = Store.open(":memory:")
    box = write_maildir(tmp_path / "Mail", [make_mail(to=("Shop", SELLER), **m) for m in CHASED])
    import_maildir(store, box, seller_emails=frozenset({SELLER}))
    ticket = store.conn.execute("SELECT ticket_id FROM messages LIMIT 1").fetchone()[0]
    order = upsert_order(
        store, provider="shopify", order_number="1388", customer_email="ben@example.com",
        placed_at=NOW - timedelta(days=8), status=status_label("FULFILLED"),
        tracking_number="15512345678901",
    )  # fmt: skip
    link_ticket_order(store, ticket, order)
    return store, ticket


async def test_the_composer_suggests_where_is_my_order_to_a_customer_chasing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOP_PASSWORD", "secret")
    store, ticket = chased_ticket(tmp_path)
    app = make_app(store, parse_config(CONFIG))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_on(pilot, app, ticket)
        text = screen_text(app)
        assert "suggested  1 Where is my order" in text  # it was "1 Return label"
        assert "Refund issued" not in text.split("suggested", 1)[1].split("\n", 1)[0]


def test_the_conversation_has_the_outbox_replies_in_their_place(tmp_path: Path) -> None:
    store, ticket = chased_ticket(tmp_path)
    config = parse_config(CONFIG.replace("password_env: SHOP_PASSWORD", "password: secret"))
    queue_reply(store, config, ticket, body="Hi Ben, it is on its way.", at=NOW - timedelta(days=1))
    said = conversation(store, ticket)
    assert [way for way, _, _ in said] == ["in", "out", "in"]
    assert "on its way" in said[1][2]
    assert conversation(store, ticket, limit=2)[0][0] == "out"  # the newest two
    thread, order = suggestion_input(store, ticket)
    assert [m.customer for m in thread] == [True, False, True]
    assert order == "shipped"
    # answered in between: the nudge is no longer an unanswered follow-up of "where is my order"
    assert suggest_for_thread(LIBRARY, thread, channel="email", order=order)[0].key == "wismo"


def test_a_reply_the_sent_folder_brought_back_counts_once(tmp_path: Path) -> None:
    store, ticket = chased_ticket(tmp_path)
    config = parse_config(CONFIG.replace("password_env: SHOP_PASSWORD", "password: secret"))
    outbox_id = queue_reply(store, config, ticket, body="Hi Ben, on its way.", at=NOW)
    message_id = store.conn.execute(
        "SELECT message_id FROM outbox WHERE id = ?", (outbox_id,)
    ).fetchone()[0]
    sent = make_mail(
        subject="Re: Order 1388", sender=("Shop", SELLER), to=("Ben", "ben@example.com"),
        body="Hi Ben, on its way.", message_id=f"<{message_id}>",
        in_reply_to="<nudge@example.com>", date=NOW,
    )  # fmt: skip
    import_maildir(
        store, write_maildir(tmp_path / "Sent", [sent]), seller_emails=frozenset({SELLER})
    )
    assert [way for way, _, _ in conversation(store, ticket)] == ["in", "in", "out"]

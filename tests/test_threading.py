"""Threading: pure rules, and the store applying them incrementally in any arrival order."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inbox_tui.domain.messages import Address, IncomingMessage, ParsedMessage
from inbox_tui.mail.parse import parse_message
from inbox_tui.mail.threading import (
    channel_of,
    group_messages,
    is_reply_subject,
    normalize_subject,
    thread_hints,
)
from inbox_tui.store import Store
from inbox_tui.store.ingest import Ingest, encode, raw_digest
from tests.mailgen import BASE_TIME, make_mail

SELLER = frozenset({"hello@shop.example"})


def hints_for(raw: bytes):
    return thread_hints(parse_message(raw), raw, SELLER)


def test_subject_normalisation_strips_reply_prefixes_in_several_languages():
    assert normalize_subject("Re: AW: Ynt: Sipariş  nerede?") == "sipariş nerede?"
    assert (
        normalize_subject("RE[2]: Fwd: WG: Falsche Größe") == "falsche grösse"
    )  # casefold: ß matches ss
    assert normalize_subject("Where is my order?") == "where is my order?"
    assert is_reply_subject("Ynt: iade")
    assert is_reply_subject("AW: Rücksendung")
    assert not is_reply_subject("Fwd: invoice")
    assert not is_reply_subject("Return label")


def test_channel_is_read_from_the_customer_side_address():
    assert channel_of("0a1b2c3d@marketplace.amazon.de") == "amazon"
    assert channel_of("x@marketplace.amazon.co.uk") == "amazon"
    assert channel_of("buyer123@members.ebay.com") == "ebay"
    assert channel_of("ebay@ebay.de") == "ebay"
    assert channel_of("someone@mail.etsy.com") == "etsy"
    assert channel_of("mailer@shopify.com") == "shopify"
    assert channel_of("amazon.fan@example.com") == "email"
    assert channel_of("someone@notebay.com") == "email"


def test_amazon_relay_mail_is_keyed_by_order_and_buyer_and_the_reply_joins_it():
    relay = ("Jane Doe - Amazon Marketplace", "0abc123@marketplace.amazon.de")
    question = make_mail(
        subject="Frage zu Ihrem Artikel (Bestellung: 302-1234567-7654321)",
        sender=relay,
        message_id="<q@amazon.de>",
    )
    reply = make_mail(
        subject="Re: Frage zu Ihrem Artikel (Bestellung: 302-1234567-7654321)",
        sender=("Shop", "hello@shop.example"),
        to=relay,
        message_id="<r@shop.example>",
    )
    incoming, outgoing = hints_for(question), hints_for(reply)
    assert incoming.channel == outgoing.channel == "amazon"
    assert (
        incoming.thread_key
        == outgoing.thread_key
        == "amazon:302-1234567-7654321:0abc123@marketplace.amazon.de"
    )
    assert incoming.customer == Address("Jane Doe", "0abc123@marketplace.amazon.de")
    assert incoming.order_number == "302-1234567-7654321"
    assert (incoming.direction, outgoing.direction) == ("in", "out")


def test_shopify_contact_form_names_the_customer_in_reply_to():
    raw = make_mail(
        subject="New customer message on Anatolia Textiles",
        sender=("Shopify", "mailer@shopify.com"),
        reply_to=("Lena Müller", "lena@example.de"),
    )
    hints = hints_for(raw)
    assert hints.channel == "shopify"
    assert hints.customer == Address("Lena Müller", "lena@example.de")


def test_subject_fallback_only_for_replies_without_headers():
    plain = make_mail(subject="Wrong size", message_id="<a@x>")
    reply_without_headers = make_mail(subject="Re: Wrong size", message_id="<b@x>")
    reply_with_headers = make_mail(
        subject="Re: Wrong size", message_id="<c@x>", in_reply_to="<zzz@x>"
    )
    assert hints_for(plain).subject_key is None
    assert hints_for(reply_without_headers).subject_key == "wrong size"
    assert hints_for(reply_with_headers).subject_key is None


def test_missing_message_id_gets_a_stable_synthetic_one():
    raw = make_mail(message_id=None)
    assert hints_for(raw).message_id == hints_for(raw).message_id
    assert hints_for(raw).message_id.endswith("@inbox-tui.invalid")


def _store_groups(store: Store, raws: list[bytes]) -> dict[str, int]:
    ingest = Ingest(store)
    with store.transaction():
        for index, raw in enumerate(raws):
            parsed = parse_message(raw)
            item = IncomingMessage(raw=raw, source="test", folder="", uid=str(index))
            if not ingest.record_if_known(item, raw_digest(raw)):
                ingest.add(item, encode(raw, parsed, thread_hints(parsed, raw, SELLER)))
    rows = store.conn.execute("SELECT message_id, ticket_id FROM messages")
    return {row[0]: row[1] for row in rows}


def _partition(mapping: dict[str, int]) -> set[frozenset[str]]:
    groups: dict[int, set[str]] = {}
    for mid, ticket in mapping.items():
        groups.setdefault(ticket, set()).add(mid)
    return {frozenset(group) for group in groups.values()}


@st.composite
def conversations(draw):
    """A forest of replies; some messages are lost (never arrive), some carry only In-Reply-To."""
    count = draw(st.integers(min_value=1, max_value=14))
    parents: list[int | None] = []
    for index in range(count):
        parents.append(draw(st.one_of(st.none(), st.integers(0, index - 1))) if index else None)
    full_refs = draw(st.lists(st.booleans(), min_size=count, max_size=count))
    lost = draw(st.lists(st.booleans(), min_size=count, max_size=count))
    order = draw(st.permutations(range(count)))
    mails: dict[int, bytes] = {}
    for index in range(count):
        chain: list[str] = []
        parent = parents[index]
        while parent is not None:
            chain.insert(0, f"<m{parent}@example.com>")
            parent = parents[parent]
        refs = chain if full_refs[index] else chain[-1:]
        mails[index] = make_mail(
            subject="Re: order" if chain else "order",
            sender=("Customer", f"c{index % 3}@example.com"),
            message_id=f"<m{index}@example.com>",
            in_reply_to=chain[-1] if chain else None,
            references=refs or None,
            date=BASE_TIME + timedelta(minutes=index),
        )
    arrived = [i for i in order if not lost[i]] or [order[0]]
    roots = []
    for index in range(count):
        root = index
        while parents[root] is not None:
            root = parents[root]
        roots.append(root)
    return [mails[i] for i in arrived], {f"m{i}@example.com": roots[i] for i in range(count)}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(conversations(), st.randoms(use_true_random=False))
def test_store_threading_matches_union_of_ids_in_any_arrival_order(tmp_path_factory, case, rnd):
    raws, roots = case
    expected = {
        frozenset(hints_for(raws[i]).message_id for i in group)
        for group in group_messages([hints_for(r) for r in raws])
    }

    first = Store.open(":memory:")
    assert _partition(_store_groups(first, raws)) == expected

    shuffled = list(raws)
    rnd.shuffle(shuffled)
    second = Store.open(":memory:")
    assert _partition(_store_groups(second, shuffled)) == expected

    # Never a false merge: a ticket only holds messages of one real conversation.
    for group in expected:
        assert len({roots[mid] for mid in group}) == 1

    # Ticket summaries stay true to their messages after merges.
    for store in (first, second):
        rows = store.conn.execute(
            "SELECT t.id, t.message_count, (SELECT count(*) FROM messages m WHERE m.ticket_id = t.id) FROM tickets t"
        ).fetchall()
        assert all(row[1] == row[2] for row in rows)
        assert all(row[1] > 0 for row in rows)


def test_full_references_keep_a_conversation_together_even_with_lost_messages(store):
    chain = [f"<c{i}@example.com>" for i in range(5)]
    raws = [
        make_mail(
            message_id=chain[i],
            references=chain[:i] or None,
            in_reply_to=chain[i - 1] if i else None,
        )
        for i in (4, 2, 0)  # 1 and 3 never arrive, and the rest arrive newest first
    ]
    groups = _partition(_store_groups(store, raws))
    assert groups == {frozenset({"c0@example.com", "c2@example.com", "c4@example.com"})}


def test_parsed_message_without_sender_still_threads():
    parsed = ParsedMessage(message_id=None, in_reply_to=None, references=(), subject="", from_=None)
    hints = thread_hints(parsed, b"", SELLER)
    assert hints.direction == "in" and hints.customer is None and hints.channel == "email"


def test_a_merge_keeps_the_draft_being_written_on_either_ticket(store):
    from inbox_tui.store.drafts import get_draft, save_draft

    first = _store_groups(store, [make_mail(message_id="<a@x>", subject="Kilim")])
    second = _store_groups(store, [make_mail(message_id="<b@x>", subject="Cushion")])
    save_draft(store, second["b@x"], "Dear Ayşe, about the cushion")
    # A message referencing both joins the two tickets into one.
    joined = _store_groups(store, [make_mail(message_id="<c@x>", references=["<a@x>", "<b@x>"])])
    assert joined["a@x"] == joined["b@x"] == joined["c@x"]
    kept = joined["a@x"]
    assert get_draft(store, kept).body == "Dear Ayşe, about the cushion"
    assert first["a@x"] == kept or get_draft(store, first["a@x"]) is None

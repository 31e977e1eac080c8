"""eBay listings that cannot be trusted: a `total` that lies, pages that repeat or come back
short, a listing that never ends. Against the loopback eBay: real sockets, real store."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inbox_tui.channels.ebay import sync as ebay_sync
from inbox_tui.config import EbaySourceConfig
from inbox_tui.marketplaces.paging import Page, read_listing
from inbox_tui.store.conversations import list_cursor
from tests.servers.ebay import EbayServer
from tests.test_ebay_sync import LIST, SELLER, sync


@pytest.fixture
def ebay():
    with EbayServer(SELLER) as server:
        yield server


@pytest.fixture
def source(ebay: EbayServer, monkeypatch: pytest.MonkeyPatch) -> EbaySourceConfig:
    monkeypatch.setenv("TEST_EBAY_TOKEN", ebay.issue_token())
    return EbaySourceConfig(
        name="ebay-shop",
        kind="ebay",
        base_url=ebay.url,
        access_token_env="TEST_EBAY_TOKEN",
        username=SELLER,  # no identity call: the listing is the first request
        max_per_second=100,
    )


def buyers(ebay: EbayServer, count: int) -> list[str]:
    return [
        ebay.add_conversation(f"buyer_{n}", f"Question {n}", messages=[f"Hello {n}"])
        for n in range(count)
    ]


def listing_requests(ebay: EbayServer) -> int:
    return sum(1 for method, path, _ in ebay.log if method == "GET" and path == LIST)


def stored(store) -> int:
    return store.conn.execute("SELECT count(*) FROM messages").fetchone()[0]


@pytest.mark.timeout(60)
def test_a_listing_that_repeats_itself_ends_and_says_so(store, ebay, source) -> None:
    buyers(ebay, 60)
    ebay.ignore_offset = True  # every page is the first one
    ebay.claimed_total = 10**9  # and `total` says there is much more
    outcome = sync(store, source)
    expected = "stopped paging: eBay's conversation list repeated itself at offset 50"
    assert outcome.failed == expected
    [(text, flagged)] = outcome.lines
    assert text.endswith(f"; {expected}") and flagged
    assert listing_requests(ebay) == 2 and stored(store) == 50
    # the listing was not read to its end: the cursor stays, the next sync lists them again
    assert list_cursor(store, "ebay:ebay-shop", "FROM_MEMBERS") is None
    ebay.ignore_offset, ebay.claimed_total = False, None
    again = sync(store, source)
    assert again.failed is None and stored(store) == 60


def test_a_short_page_is_the_last_whatever_total_claims(store, ebay, source) -> None:
    buyers(ebay, 40)
    ebay.page_cap = 30  # 30 to a page although 50 were asked for
    ebay.claimed_total = 1_000
    outcome = sync(store, source)
    assert outcome.failed == (
        "stopped paging: eBay's conversation list ended at 30 of the 1000 it announced"
    )
    assert listing_requests(ebay) == 1 and stored(store) == 30


def test_a_short_last_page_with_a_true_total_is_the_normal_end(store, ebay, source) -> None:
    buyers(ebay, 60)
    outcome = sync(store, source)
    assert outcome.failed is None and "stopped" not in outcome.lines[0][0]
    assert listing_requests(ebay) == 2 and stored(store) == 60
    assert list_cursor(store, "ebay:ebay-shop", "FROM_MEMBERS") is not None


def test_a_listing_longer_than_the_page_limit_stops_and_loses_nothing(
    store, ebay, source, monkeypatch: pytest.MonkeyPatch
) -> None:
    buyers(ebay, 120)  # three pages
    monkeypatch.setattr(ebay_sync, "MAX_LIST_PAGES", 2)
    outcome = sync(store, source)
    assert outcome.failed == "stopped paging: eBay's conversation list still went on after 2 pages"
    assert listing_requests(ebay) == 2 and stored(store) == 100
    monkeypatch.setattr(ebay_sync, "MAX_LIST_PAGES", 1000)
    again = sync(store, source)
    assert again.failed is None and stored(store) == 120


@pytest.mark.timeout(60)
def test_a_conversation_whose_messages_repeat_is_stored_and_tried_again(
    store, ebay, source
) -> None:
    [conversation] = buyers(ebay, 1)
    for n in range(59):
        ebay.add_message(conversation, "buyer_0", f"and another thing, {n}")
    ebay.lying, ebay.ignore_offset, ebay.claimed_total = "messages", True, 10**9
    outcome = sync(store, source)
    # the conversation's messages repeat: the first 50 are stored, the rest next time
    assert stored(store) == 50 and "1 errors" in outcome.lines[0][0]
    assert any(
        p.endswith(
            f"eBay's message list of conversation {conversation} repeated itself at offset 50"
        )
        for p in outcome.problems
    ), outcome.problems
    assert list_cursor(store, "ebay:ebay-shop", "FROM_MEMBERS") is None
    ebay.ignore_offset, ebay.claimed_total = False, None
    assert sync(store, source).failed is None and stored(store) == 60


# --- the pager itself, against any server ------------------------------------------------------


@given(
    items=st.integers(0, 400),
    size=st.sampled_from([1, 7, 50]),
    claimed=st.none() | st.integers(0, 10**6),
)
def test_an_honest_listing_is_read_whole_and_a_lying_one_still_ends(
    items: int, size: int, claimed: int | None
) -> None:
    everything = [{"id": str(n)} for n in range(items)]
    asked: list[int] = []

    def fetch(offset: int) -> Page:
        asked.append(offset)
        total = items if claimed is None else claimed
        return Page(everything[offset : offset + size], total, offset + size < total, size)

    listing = read_listing(fetch, lambda i: i["id"], what="it", page_size=size, max_pages=100)
    assert len(asked) <= 100
    assert listing.items == everything[: len(listing.items)]  # in order, nothing twice
    if claimed is None and items <= 100 * size:
        assert listing.items == everything and listing.complete


@given(
    pages=st.lists(
        st.lists(st.integers(0, 30).map(lambda n: {"id": str(n)}), max_size=5), max_size=8
    ),
    total=st.none() | st.integers(0, 10**9),
)
def test_any_server_ends_after_the_page_limit_with_unique_items(pages, total) -> None:
    calls = 0

    def fetch(offset: int) -> Page:
        nonlocal calls
        calls += 1
        page = pages[calls % len(pages)] if pages else []
        return Page(page, total, True, 5)

    listing = read_listing(fetch, lambda i: i["id"], what="it", page_size=5, max_pages=20)
    keys = [i["id"] for i in listing.items]
    assert calls <= 20 and len(keys) == len(set(keys))

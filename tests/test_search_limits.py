"""Searches the store cannot run: an inline error in the search bar or the view, never a crash."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual import events

from inbox_tui.search import FIELDS
from inbox_tui.store import Store
from inbox_tui.tui.ticket_views import SavedSearch, Search, SearchFailed, check_search, view_page
from tests.test_tui import make_app, screen_text, seed, ticket_list

THOUSAND_FILTERS = " ".join(f"tag:t{n}" for n in range(1000))


@pytest.fixture(scope="module")
def seeded() -> Store:
    store = Store.open(":memory:")
    seed(store)
    yield store
    store.close()


async def test_a_pasted_search_of_1000_filters_is_an_inline_error(seeded: Store) -> None:
    """It killed the TUI (OperationalError: Expression tree is too large) with exit code 0."""
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash")
        app.screen.search_input.post_message(events.Paste(THOUSAND_FILTERS))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert (
            "too many terms at 790 — a search takes at most 100" in screen_text(app)
            and app.is_running
        )
        assert ticket_list(app).count == 12  # the list keeps what it showed
        await pilot.press("escape", "j")
        await pilot.pause()
        assert ticket_list(app).cursor == 1


async def test_a_saved_search_that_cannot_run_says_so_in_its_view(seeded: Store) -> None:
    """The config refuses such a search (test_config); handed to the app anyway, it is one
    view that says why, and every other view works."""
    saved = [SavedSearch("Many", THOUSAND_FILTERS), SavedSearch("Refunds", "tag:refund")]
    app = make_app(seeded, saved_searches=saved)
    async with app.run_test(size=(140, 40)) as pilot:
        app.screen.action_show_view("saved:Many")
        await pilot.pause()
        assert "The saved search Many cannot run: too many terms" in screen_text(app)
        app.screen.action_show_view("saved:Refunds")
        await pilot.pause()
        assert ticket_list(app).count == 1 and app.is_running


TERM = st.one_of(
    st.sampled_from([f"{field}:" for field in FIELDS]).flatmap(
        lambda field: st.text(max_size=12).map(lambda value: field + value)
    ),
    st.text(max_size=12),
    st.sampled_from(["-", '"', "*", "(", "NEAR", "OR", "9" * 30, "99999w", "0001-01-01", "\x00"]),
)
FILTER = st.sampled_from(["tag:a", "-tag:b", "status:open", "-w", "order:1", "after:7d", "-to:x"])
TYPED = st.one_of(
    st.text(),
    st.lists(TERM, max_size=40).map(" ".join),
    st.tuples(st.one_of(FILTER, TERM), st.integers(90, 1200)).map(
        lambda many: " ".join([many[0]] * many[1])
    ),
)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(TYPED)
def test_anything_typed_into_search_is_results_or_an_inline_error(seeded: Store, text: str) -> None:
    search = Search(text, datetime(2026, 11, 30, 12, 0, tzinfo=UTC))
    try:
        found = check_search(seeded, search)
    except SearchFailed as failure:
        assert "\n" not in str(failure) and 0 <= failure.position <= len(text)
        return
    assert len(view_page(seeded, search, 0, 100)) == min(found, 100)

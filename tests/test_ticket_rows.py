"""The ticket list's row cells: whatever the text (wide characters, emoji, tabs, newlines,
endless subjects), a row is exactly as wide as the list, so its columns line up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.style import Style

from inbox_tui.store.db import Store
from inbox_tui.times import DUE_LABEL_WIDTH, due_label
from inbox_tui.tui.widgets.ticket_list import TicketList, fit, fit_pieces
from tests.test_tui import make_app, seed

# printable text as the sanitiser leaves it: no control characters but newlines and tabs
TEXT = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Cf"), blacklist_characters="\x00")
    | st.sampled_from(["\n", "\t", "界", "😀", "é"]),
    max_size=80,
)


@given(TEXT, st.integers(min_value=0, max_value=60), st.booleans())
def test_a_cell_is_exactly_its_width(value: str, width: int, right: bool) -> None:
    cell = fit(value, width, right=right)
    assert cell_len(cell) == width
    assert "\n" not in cell and "\t" not in cell


@given(st.lists(TEXT, max_size=6), st.integers(min_value=0, max_value=60))
def test_pieces_fill_exactly_their_width(texts: list[str], width: int) -> None:
    pieces = [(text, Style(bold=True)) for text in texts]
    fitted = fit_pieces(pieces, width)
    assert sum(cell_len(text) for text, _ in fitted) == width


def test_a_long_subject_ends_in_an_ellipsis_and_keeps_its_styles() -> None:
    tag = Style(color="red")
    fitted = fit_pieces([("Where is my parcel", None), (" #late", tag)], 21)
    assert "".join(text for text, _ in fitted) == "Where is my parcel #…"
    assert fitted[-1] == (" #…", tag)


def test_a_short_one_is_padded() -> None:
    assert fit("Ada", 6) == "Ada   "
    assert fit("5m", 6, right=True) == "    5m"
    assert fit("Smörgåsbord", 6) == "Smörg…"
    assert fit("界界界", 4) == "界 …"  # a wide character is never cut in half


@pytest.mark.parametrize("columns", [38, 52, 80, 119, 160])
async def test_every_row_is_as_wide_as_the_list(store: Store, columns: int) -> None:
    """Rows of wide, combining and endless text, selected, flagged or under the cursor, fill
    the list exactly: the strips are built with their width given, not counted."""
    seed(store, 12)
    store.db["tickets"].update(3, {"subject": "界" * 60 + "😀", "priority": 2, "flagged": 1})
    store.db["tickets"].update(4, {"snippet": "Cafe\u0301 " * 40})
    store.db["customers"].update(5, {"name": "Bjørn Ærøskøbing-Çağlayan Ğ" * 3})
    app = make_app(store)
    async with app.run_test(size=(columns, 24)) as pilot:
        await pilot.pause()
        tickets = app.screen.query_one(TicketList)
        tickets.selected.add(3)
        tickets._line_cache.clear()
        width = tickets.scrollable_content_region.width
        for y in range(min(tickets.count, tickets.scrollable_content_region.height)):
            strip = tickets.render_line(y)
            assert sum(cell_len(segment.text) for segment in strip) == width, y
            assert strip.cell_length == width


@given(st.floats(min_value=-5e9, max_value=5e9, allow_nan=False))
def test_the_time_left_always_fits_its_column(seconds: float) -> None:
    now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    label = due_label(now + timedelta(seconds=seconds), now)
    assert len(label) <= DUE_LABEL_WIDTH, label


def test_time_left_labels() -> None:
    now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    assert [
        due_label(now + timedelta(hours=h), now)
        for h in (0.4, 5, -45, -24 * 30, -24 * 400, -24 * 3000)
    ] == ["due 24m", "due 17:00", "late 45h", "late 30d", "late 57w", "late 8y"]

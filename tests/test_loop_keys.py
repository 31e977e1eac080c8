"""The daily loop's keys: defaults that work in every terminal, x that selects and moves on,
the view picker, footers and the view bar that fit 80 columns, and the theme kept from the
palette. Pilot for the keys; tests/test_loop_tmux.py presses them in a real terminal."""

from __future__ import annotations

import re

import pytest
from textual.binding import Binding
from textual.widgets import Input, TextArea
from textual.widgets._footer import FooterKey

from inbox_tui.config import parse_config
from inbox_tui.store.db import Store
from inbox_tui.tui.keymap import KEYMAP, key_label
from inbox_tui.tui.screens.main import MainScreen
from inbox_tui.tui.screens.view_picker import ViewPicker, filter_views
from inbox_tui.tui.ticket_views import VIEW_NAMES, view_entries
from inbox_tui.tui.widgets.key_footer import HintLine, KeyFooter, fit_hints
from inbox_tui.tui.widgets.view_bar import ViewBar, bar_items, item_width
from tests.test_tui import NOW, key, make_app, screen_text, seed, seed_many, ticket_list
from tests.test_tui_sidebar import HOSTILE_TAG, SAVED, tagged_store
from tests.waiting import palette_ready, until

SMALL = (80, 24)

# Keys a terminal keeps or turns into another: interrupt/suspend/quit signals, flow control
# (XON/XOFF: ctrl+q here; ctrl+s is free once Textual's raw mode turns IXON off, which the tmux
# test proves), backspace, tab, enter, escape, and the tmux and screen prefixes.
TERMINAL_KEYS = {
    "ctrl+c", "ctrl+z", "ctrl+backslash", "ctrl+q", "ctrl+h", "ctrl+i", "ctrl+m", "ctrl+j",
    "ctrl+left_square_bracket", "ctrl+b", "ctrl+a",
}  # fmt: skip


def editing_keys() -> set[str]:
    """Keys Textual's TextArea and Input use themselves (delete a word, cut, undo …)."""
    found = set()
    for widget in (TextArea, Input):
        for binding in widget.BINDINGS:
            if isinstance(binding, Binding):
                found.update(binding.key.split(","))
    return found


@pytest.fixture
def store() -> Store:
    store = Store.open(":memory:")
    seed(store)
    yield store
    store.close()


# --- the key table: defaults every terminal delivers ---------------------------------------


def test_every_action_has_a_key_that_is_not_alt() -> None:
    # tmux sends alt+e as Escape and "e"; macOS Terminal and iTerm2 keep Option for accents.
    # An alt key is an extra: its action has a plain key too
    plain = {e.action for e in KEYMAP if any(not k.startswith("alt+") for k in e.key.split(","))}
    for entry in KEYMAP:
        assert entry.action in plain, entry


def test_no_default_key_is_one_terminals_or_the_editor_keep() -> None:
    editing = editing_keys()
    for entry in KEYMAP:
        for name in entry.key.split(","):
            assert name not in TERMINAL_KEYS, entry
            if entry.scope == "composer" and name != "ctrl+e":  # $EDITOR; End does ctrl+e's job
                assert name not in editing or not name.startswith("ctrl+"), entry


def test_alt_keys_in_the_composer_win_over_typing() -> None:
    # an alt key reaches the app as the letter with alt (tmux: Escape, then the letter): unless
    # the binding has priority, the TextArea types the letter ("eHi hannah_j96,")
    for entry in KEYMAP:
        if entry.scope == "composer" and "alt+" in entry.key:
            assert entry.priority, entry


# --- x: select and go on ------------------------------------------------------------------


async def test_x_selects_and_moves_on_so_ten_tickets_close_with_eleven_keys(store) -> None:
    app = make_app(store)
    async with app.run_test(size=SMALL) as pilot:
        tickets = ticket_list(app)
        presses = ["x"] * 10
        await pilot.press(*presses)
        assert tickets.selected == set(range(1, 11))
        assert tickets.ticket.id == 11  # the cursor went on past the tenth
        assert app.screen.sub_title.endswith("· 10 selected")
        await pilot.press("e")
        await pilot.pause()
        closed = store.conn.execute("SELECT id FROM tickets WHERE status = 'closed'")
        assert [row[0] for row in closed] == list(range(1, 11))
        assert len(presses) + 1 == 11


async def test_in_the_open_view_e_closes_ten_tickets_with_ten_keys() -> None:
    store = Store.open(":memory:")
    seed_many(store, 60)
    app = make_app(store)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press(key("open"))
        first_ten = [ticket_list(app).row(i).id for i in range(10)]
        await pilot.press(*["e"] * 10)  # each close lands on the next open ticket
        await pilot.pause()
        marks = ",".join("?" * 10)
        statuses = store.conn.execute(
            f"SELECT DISTINCT status FROM tickets WHERE id IN ({marks})", first_ten
        )
        assert [tuple(row) for row in statuses] == [("closed",)]


async def test_space_deselects_too_and_the_last_row_keeps_the_cursor(store) -> None:
    app = make_app(store)
    async with app.run_test(size=SMALL) as pilot:
        tickets = ticket_list(app)
        await pilot.press("G", "space")
        assert tickets.selected == {12} and tickets.ticket.id == 12
        await pilot.press("space")
        assert tickets.selected == set()


# --- the view picker ----------------------------------------------------------------------


def test_views_filter_by_name_or_kind() -> None:
    entries = view_entries(tagged_store(), SAVED, NOW)
    assert filter_views(entries, "wsz")[0].label == "wrong size"
    assert filter_views(entries, "unread")[0].view == "saved:Unread"
    assert {e.view for e in filter_views(entries, "tag")} >= {"tag:refund", "tag:Damaged"}
    assert filter_views(entries, "") == entries


async def test_c_shows_a_view_past_nine_by_its_name() -> None:
    app = make_app(tagged_store(), saved_searches=SAVED)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ViewPicker)
        text = screen_text(app)
        assert "9 eBay" in text and "Email" in text  # with their number keys
        await pilot.press(*"unread", "enter")  # view 15: `]` fourteen times before
        await pilot.pause()
        main = app.screen
        assert isinstance(main, MainScreen) and main.view == "saved:Unread"
        assert main.sub_title.startswith("Unread · 1 of 6")
        assert " Unread 6 " in screen_text(app).splitlines()[1]  # on the view bar, highlighted
        assert main.focused is main.ticket_list

        await pilot.press("c", *"evil", "enter")  # a hostile tag: found by its text
        await pilot.pause()
        assert app.screen.view == f"tag:{HOSTILE_TAG}"
        await pilot.press("c", *"zzzz", "enter", "escape")  # nothing matches; Escape leaves
        await pilot.pause()
        assert app.screen.view == f"tag:{HOSTILE_TAG}"


# --- 80 columns -----------------------------------------------------------------------------


def footer_hints(app) -> tuple[list[tuple[str, str, int, int]], str]:
    """The hints the footer shows, each (key, description, first column, after the last) on
    screen, the palette's last, and the footer's line on screen."""
    footer = app.screen.query_one(KeyFooter)
    line = footer.query_one(HintLine)
    left = line.region.x
    shown = [
        (hint.key_display, hint.description, left + a, left + b)
        for hint, (a, b) in zip(line.hints, line.spans(), strict=True)
        if line.region.width
    ]
    palettes = [k for k in footer.query(FooterKey) if k.display and k.region.width]
    shown += [(k.key_display, k.description, k.region.x, k.region.right) for k in palettes]
    return shown, screen_text(app).splitlines()[-1]


async def footer_drawn(pilot) -> None:
    """Until the footer's hints are laid out (it composes them again when the focus lands:
    on a busy machine that is a frame or more after the first pause), never a fixed time."""
    await until(
        pilot,
        lambda: any(d == "palette" for _, d, _, _ in footer_hints(pilot.app)[0]),
        "the footer's hints",
        report=lambda: footer_hints(pilot.app)[1],
    )


def assert_whole(app) -> None:
    shown, line = footer_hints(app)
    *hints, palette = shown
    assert palette[1] == "palette", line
    assert any(description == "Help" for _, description, _, _ in hints), line  # ? lists every key
    for display, description, first, after in shown:
        assert f"{display} {description}" in line[first:after], (description, line)
        if (display, description) != palette[:2]:
            assert after <= palette[2], (description, line)


def test_hints_fit_whole_and_the_pinned_stay() -> None:
    assert fit_hints([5, 5, 5, 5], pinned={3}, room=16) == {0, 1, 3}
    assert fit_hints([5, 20, 5], pinned=set(), room=30) == {0, 1, 2}
    assert fit_hints([5, 30, 5], pinned={2}, room=20) == {0, 2}  # none after the one cut


@pytest.mark.parametrize("size", [SMALL, (120, 40)])
async def test_footers_show_whole_hints_and_help(store, size) -> None:
    app = make_app(store)
    async with app.run_test(size=size) as pilot:
        await footer_drawn(pilot)
        assert_whole(app)
        await pilot.press("enter")  # the full-screen thread
        await footer_drawn(pilot)
        assert_whole(app)


async def test_a_long_configured_key_still_leaves_whole_hints(store) -> None:
    config = parse_config("ui:\n  keys:\n    main.reply: ctrl+shift+r\n    main.search: f5\n")
    app = make_app(store, config=config)
    async with app.run_test(size=SMALL) as pilot:
        await footer_drawn(pilot)
        assert_whole(app)


@pytest.mark.parametrize("size", [SMALL, (160, 48)])
async def test_clicking_a_hint_does_what_its_key_does(store, size) -> None:
    """The hints are one widget: a click finds the hint under the mouse and types its key."""
    from inbox_tui.tui.screens.help import HelpScreen

    app = make_app(store)
    async with app.run_test(size=size) as pilot:
        await footer_drawn(pilot)
        line = app.screen.query_one(HintLine)

        def column(description: str) -> int:
            hints, _ = footer_hints(app)
            first = next(first for _, d, first, _ in hints if d == description)
            return first - line.region.x + 1

        await pilot.click(HintLine, offset=(column("Views"), 0))  # c: the view picker
        await until(pilot, lambda: isinstance(app.screen, ViewPicker), "the view picker")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, MainScreen), "the list again")
        await pilot.click(HintLine, offset=(column("Help"), 0))
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help screen")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, MainScreen), "the list again")
        if size == (160, 48):  # room after the last hint: a click there does nothing
            await pilot.click(HintLine, offset=(line.region.width - 1, 0))
            await pilot.pause()
            assert isinstance(app.screen, MainScreen)


def test_the_view_bar_drops_counts_before_it_cuts_a_view() -> None:
    counts = {view: 123_456 for view in [*VIEW_NAMES, "channel:amazon"]}
    wide = bar_items(counts, "open", "Open", all_counts=True)
    assert sum(map(item_width, wide)) > 78  # six counts this big do not fit 80 columns
    narrow = bar_items(counts, "channel:amazon", "Amazon", all_counts=False)
    assert [i.name for i in narrow] == [v.capitalize() for v in VIEW_NAMES] + ["Amazon"]
    assert [i.total for i in narrow if i.total] == ["123,456", "123,456"]  # Due, Amazon
    assert sum(map(item_width, narrow)) <= 78


async def test_the_view_bar_shows_every_view_at_80_columns(store) -> None:
    app = make_app(store)
    async with app.run_test(size=SMALL) as pilot:
        bar = app.screen.query_one(ViewBar)
        bar.show({view: 123_456 for view in VIEW_NAMES}, "closed", "Closed")
        await pilot.pause()
        line = screen_text(app).splitlines()[1]
        names = re.findall(r"(\d) (\w+)", line)
        assert [name for _, name in names] == [v.capitalize() for v in VIEW_NAMES]
        assert "6 Closed 123,456" in line and "…" not in line
        await pilot.press(key("open"))
        await pilot.pause()
        assert "6 Closed " in screen_text(app).splitlines()[1]


# --- the theme chosen in the palette --------------------------------------------------------


async def choose_theme(pilot, name: str) -> None:
    app = pilot.app
    await pilot.press("ctrl+p", *"theme")
    await until(pilot, lambda: palette_ready(app), "the palette's commands for 'theme'")
    commands = app.screen
    await pilot.press("enter")  # Textual's "Theme" command: the list of themes
    await until(pilot, lambda: app.screen is not commands and palette_ready(app), "the themes")
    await pilot.press(*name)
    await until(pilot, lambda: palette_ready(app), f"the palette's themes for {name!r}")
    await pilot.press("enter")
    await until(pilot, lambda: app.theme == name, f"the theme {name!r}")


async def test_the_theme_chosen_in_the_palette_is_there_at_the_next_start(store) -> None:
    app = make_app(store)
    async with app.run_test(size=SMALL) as pilot:
        assert app.theme == "textual-dark"
        await choose_theme(pilot, "nord")
        assert app.theme == "nord"
    again = make_app(store)
    async with again.run_test(size=SMALL):
        assert again.theme == "nord"
    # a theme the seller then writes in the config is the newer choice: it wins
    configured = make_app(store, theme="gruvbox")
    async with configured.run_test(size=SMALL):
        assert configured.theme == "gruvbox"
    later = make_app(store, theme="gruvbox")
    async with later.run_test(size=SMALL):
        assert later.theme == "gruvbox"


def test_a_kept_theme_is_never_a_broken_start(tmp_path) -> None:
    from inbox_tui.tui.theme_memory import ThemeMemory, remember_theme, remembered_theme

    path = tmp_path / "tui.json"
    themes = {"nord", "textual-dark"}
    assert remembered_theme("textual-dark", themes, path) == "textual-dark"  # none kept
    path.write_text("{not json")
    assert remembered_theme("textual-dark", themes, path) == "textual-dark"
    assert remember_theme("gone-theme", "textual-dark", path) is None
    assert remembered_theme("textual-dark", themes, path) == "textual-dark"  # no such theme
    memory = ThemeMemory("textual-dark", path)
    assert memory.start(themes) == "textual-dark"
    assert memory.chosen("textual-dark") is None and "gone-theme" in path.read_text()
    blocked = tmp_path / "file"
    blocked.write_text("")
    problem = remember_theme("nord", "textual-dark", blocked / "tui.json")
    assert problem is not None and "not kept" in problem and "\n" not in problem


def test_key_labels_read_as_typed() -> None:
    assert key_label("ctrl+o,alt+e") == "ctrl+o/alt+e"
    assert key_label("question_mark,f1") == "?/f1"

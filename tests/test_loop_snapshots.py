"""How the daily loop looks at 80x24 (a phone over SSH, a split pane): the composer with a
missing value selected, the view picker, a channel view on the view bar. SVG snapshots
(pytest-textual-snapshot) on a fixed clock."""

from __future__ import annotations

from pathlib import Path

import pytest

from inbox_tui.config import parse_config
from tests.test_composer import CONFIG, build_inbox, make_app
from tests.test_tui import make_app as make_inbox
from tests.test_tui_sidebar import SAVED, tagged_store
from tests.waiting import until

SMALL = (80, 24)


def steady_cursor(pilot) -> None:
    """The cursor blinks every 0.5 s: always drawn, the picture does not depend on the moment
    it is taken (on a loaded machine it was taken blinked off)."""
    for field in pilot.app.screen.query("Input, TextArea"):
        field.cursor_blink = False


@pytest.fixture
def composer_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SHOP_PASSWORD", "unused")
    store, _ = build_inbox(":memory:", tmp_path / "Mail")
    yield make_app(store, parse_config(CONFIG))
    store.close()


def test_snapshot_composer_missing_value_80x24(snap_compare, composer_app) -> None:
    # the refund template needs an order number: the gap is selected (typing replaces it),
    # the footer offers ^n for the next one and keeps f1 Help; no hint is cut
    async def pick_refund(pilot) -> None:
        await pilot.press("j", "j", "r")
        await pilot.pause()
        await pilot.press(*"refund", "enter")
        # past the draft's save (a timer: slower on a loaded machine): the header says "draft saved"
        await until(pilot, lambda: pilot.app.screen.sub_title.endswith("draft saved"), "the save")
        steady_cursor(pilot)
        await pilot.pause()

    assert snap_compare(composer_app, run_before=pick_refund, terminal_size=SMALL)


def test_snapshot_view_picker_80x24(snap_compare) -> None:
    # every view (15 here) by name, the first nine with their number keys
    app = make_inbox(tagged_store(), saved_searches=SAVED)

    async def open_picker(pilot) -> None:
        await pilot.press("c")
        await pilot.pause()
        steady_cursor(pilot)  # its filter field has the focus, its cursor drawn
        await pilot.pause()

    assert snap_compare(app, run_before=open_picker, terminal_size=SMALL)


def test_snapshot_channel_view_on_the_view_bar_80x24(snap_compare) -> None:
    # a view past 9 shown: the bar keeps the six numbered views and adds it, highlighted
    app = make_inbox(tagged_store(), saved_searches=SAVED)
    assert snap_compare(app, press=["c", *"unread", "enter"], terminal_size=SMALL)

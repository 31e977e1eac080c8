"""The composer made ahead (tui/composer_ahead.py): `r` after a pause shows a composer built
while the seller read the list, and the seller sees what a composer built at `r` shows, to the
character, and can do the same with it. Real store and import path, Textual's Pilot."""

from __future__ import annotations

from inbox_tui.store.drafts import get_draft, save_draft
from inbox_tui.store.outbox import outbox_for_ticket
from inbox_tui.tui.app import InboxApp
from inbox_tui.tui.screens.composer import ComposerScreen
from inbox_tui.tui.screens.main import MainScreen
from tests.test_composer import (  # noqa: F401  (config, inbox: fixtures)
    NOW,
    SIZE,
    composer,
    config,
    inbox,
    make_app,
    open_on,
)
from tests.test_tui import screen_text
from tests.waiting import until


def made_ahead(app: InboxApp) -> bool:
    """A composer is composed and mounted off screen, ready for `r`."""
    ready = app.composer_ahead._composer
    return ready is not None and ready.ready


async def throw_away_ahead(app: InboxApp, ticket_id: int) -> None:
    """Take the composer made ahead and remove it: none is ready until the test makes one."""
    spare = app.composer_ahead.take(ticket_id)
    assert spare is not None
    await spare.remove()


async def settled_text(pilot, app: InboxApp) -> str:
    """The screen once the composer's later frames (its footer's hints) are drawn."""
    await until(pilot, lambda: "Send" in screen_text(app), "the composer's key hints")
    await pilot.pause(0.2)
    return screen_text(app)


async def test_r_after_a_pause_shows_what_r_builds_on_the_spot(inbox, config) -> None:  # noqa: F811
    store, ids = inbox
    app = make_app(store, config)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: made_ahead(app), "the composer made ahead")
        screen = await open_on(pilot, app, ids["wismo"])
        assert screen.made_ahead  # the one made ahead, not one built now
        assert screen.focused is screen.picker.filter
        ahead = await settled_text(pilot, app)
        assert "suggested  1 Where is my order" in ahead
        await pilot.press("escape")
        await pilot.pause()

        await until(pilot, lambda: made_ahead(app), "the next composer made ahead")
        await throw_away_ahead(app, ids["wismo"])  # none ready: `r` builds one, as before
        screen = await open_on(pilot, app, ids["wismo"])
        assert not screen.made_ahead
        assert await settled_text(pilot, app) == ahead


async def test_the_next_reply_is_made_ahead_too_and_sends(inbox, config) -> None:  # noqa: F811
    store, ids = inbox
    app = make_app(store, config)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: made_ahead(app), "the composer made ahead")
        first = await open_on(pilot, app, ids["wismo"])
        await pilot.press("escape")
        await pilot.pause()
        await until(pilot, lambda: made_ahead(app), "another composer made ahead")

        screen = await open_on(pilot, app, ids["wismo"])
        assert screen.made_ahead and screen is not first  # each is used once
        await pilot.press("1")  # the suggested template, filled in for this ticket
        assert "Your order 1042 is on its way" in screen.body.text
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    (entry,) = outbox_for_ticket(store, ids["wismo"])
    assert entry.status == "queued" and "Your order 1042 is on its way" in entry.text


async def test_a_draft_opens_in_its_text_as_before(inbox, config) -> None:  # noqa: F811
    store, ids = inbox
    save_draft(store, ids["wismo"], "Hello again, half written", at=NOW)
    app = make_app(store, config)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: made_ahead(app), "the composer made ahead")
        screen = await open_on(pilot, app, ids["wismo"])
        assert not screen.made_ahead  # its filter has the focus: a draft opens in its text
        assert screen.focused is screen.body
        assert screen.body.text == "Hello again, half written"
        await pilot.press("escape")
    draft = get_draft(store, ids["wismo"])
    assert draft is not None and draft.body == "Hello again, half written"


async def test_a_resized_terminal_gets_a_composer_of_its_width(inbox, config) -> None:  # noqa: F811
    store, ids = inbox
    app = make_app(store, config)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: made_ahead(app), "the composer made ahead")
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        screen = await open_on(pilot, app, ids["wismo"])
        assert not screen.made_ahead  # made at 120 columns: built again at 80
        assert screen.has_class("-narrow") and not screen.has_class("-wide")
        assert composer(app) is screen


async def test_r_while_it_is_still_composing_opens_it_as_it_mounts(inbox, config) -> None:  # noqa: F811
    store, ids = inbox
    app = make_app(store, config)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: made_ahead(app), "the composer made ahead")
        await throw_away_ahead(app, ids["wismo"])
        tickets = app.screen.ticket_list
        while tickets.ticket is None or tickets.ticket.id != ids["wismo"]:
            await pilot.press("j")
        app.composer_ahead.make()  # registered, not mounted yet when `r` comes
        app.open_composer(ids["wismo"])
        await pilot.pause()
        screen = composer(app)
        assert not screen.made_ahead  # opened as it mounted, as one built at `r`
        text = await settled_text(pilot, app)
        assert "suggested  1 Where is my order" in text
        assert "Subject Re: Where is my order?" in text
        assert screen.focused is screen.picker.filter


async def test_text_selected_with_the_mouse_stays_selected_as_it_mounts(inbox, config) -> None:  # noqa: F811
    """Textual's inputs clear the app's selection as they mount, wherever they are: the
    composer made ahead, mounting off screen in the next quiet moment, unselected what the
    seller had just selected in the thread (test_dragging_the_mouse_selects_the_thread_text
    failed in CI, on a loaded machine, when it mounted during the drag)."""
    store, ids = inbox
    app = make_app(store, config)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: made_ahead(app), "the composer made ahead")
        await throw_away_ahead(app, ids["wismo"])
        view = app.screen.thread
        await until(pilot, lambda: view.ticket_id is not None, "a thread shown")
        left = view.content_region.x - view.region.x
        top = view.content_region.y - view.region.y
        await pilot.mouse_down(view, offset=(left, top))
        await pilot.hover(view, offset=(left + 5, top))
        await pilot.mouse_up(view, offset=(left + 5, top))
        selected = app.screen.get_selected_text()
        assert selected == view.plain[:6]
        app.make_composer_ahead()  # as after a composer closes: made once the mouse rests
        await until(pilot, lambda: made_ahead(app), "the next composer made ahead")
        await pilot.pause()
        assert app.screen.get_selected_text() == selected


async def test_r_at_once_from_the_start_cache_suggests_reads_the_templates_once_and_sends(
    inbox,  # noqa: F811
    config,  # noqa: F811  (sets SHOP_PASSWORD)
    tmp_path,
    monkeypatch,
) -> None:
    # From the CLI the app has the config's start settings (config_cache.StartConfig), and an
    # `r` typed as the list shows opens the composer from them, before the preparation beside
    # the list has run: the templates are read once (the preparation then finds them, where it
    # read them a second time), the right one is suggested, and the reply still goes out (the
    # whole config validated for it).
    from inbox_tui import templates
    from inbox_tui.config_cache import load_start_config
    from tests.test_composer import CONFIG

    store, ids = inbox
    config_file = tmp_path / "config.yaml"
    config_file.write_text(CONFIG + "ui:\n  start_view: all\n", encoding="utf-8")  # wismo first
    load_start_config(config_file)  # an earlier start wrote the cache
    start = load_start_config(config_file)
    assert start._full is None  # from the cache: nothing validated yet
    loads = []
    library = templates.load_library
    monkeypatch.setattr(templates, "load_library", lambda *a: loads.append(a) or library(*a))
    app = InboxApp(store, now=lambda: NOW, config=start)
    async with app.run_test(size=SIZE) as pilot:
        assert app.screen.ticket_list.ticket.id == ids["wismo"]
        await pilot.press("r")  # at once
        await until(pilot, lambda: isinstance(app.screen, ComposerScreen), "the composer")
        text = await settled_text(pilot, app)
        assert "suggested  1 Where is my order" in text
        await pilot.press("1")
        assert "Your order 1042 is on its way" in composer(app).body.text
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await until(pilot, lambda: made_ahead(app), "the next composer made ahead")
        assert len(loads) == 1
    (entry,) = outbox_for_ticket(store, ids["wismo"])
    assert entry.status == "queued" and "Your order 1042 is on its way" in entry.text

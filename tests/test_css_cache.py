"""Textual's parsed CSS read back at the next start (tui/css_cache.py): the same rules, so the
same screen, as parsing them; anything else (another theme, another Textual, a damaged file)
parses as before."""

from __future__ import annotations

import pickle
from pathlib import Path

from textual.css.stylesheet import Stylesheet

from inbox_tui.store.db import Store
from inbox_tui.tui.css_cache import CssCache
from tests.test_tui import make_app, seed

SIZE = (160, 48)


async def first_screen(path: Path | None, *, theme: str = "textual-dark") -> tuple[list, CssCache]:
    """The main screen's cells and styles, as a start with the cache at `path` draws it (None:
    Textual parsing on its own), and the cache."""
    store = Store.open(":memory:")
    seed(store)
    app = make_app(store, theme=theme)
    cache = CssCache(app.stylesheet, path) if path is not None else None
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        strips = [list(strip) for strip in app.screen._compositor.render_strips()]
        await pilot.press("j", "enter")  # another screen, another widget's CSS
        await pilot.pause()
        strips += [list(strip) for strip in app.screen._compositor.render_strips()]
    return strips, cache  # type: ignore[return-value]


def kept_rules(path: Path) -> dict:
    with open(path, "rb") as file:
        return pickle.load(file)["rules"]


async def test_the_screen_drawn_from_kept_rules_is_the_one_parsed(tmp_path: Path) -> None:
    path = tmp_path / "css.pickle"
    parsed, _ = await first_screen(None)
    first, cache = await first_screen(path)
    assert cache.missed and not path.exists()  # parsed, and kept only when asked
    cache.keep()
    sources = kept_rules(path)
    assert any("app.tcss" in key[1][0] for key in sources)  # ours and Textual's widgets'
    assert any("Footer" in key[1][1] for key in sources)
    again, cache = await first_screen(path)
    # every source the first start parsed is read back: what is parsed anew can only be a
    # widget the first start never mounted (one shown later, on a loaded machine: its CSS,
    # or a base class's read through it, with the subclass's tie-breaker and scope)
    parsed_anew = {key[1:5] for key in set(cache.rules) - set(sources)}
    assert not parsed_anew & {key[1:5] for key in sources}, parsed_anew
    assert cache.missed == bool(parsed_anew)  # nothing kept was parsed again
    assert set(CssCache(Stylesheet(), path).rules) == set(sources)  # the file read back whole
    assert first == parsed
    assert again == parsed
    cache.keep()  # what was parsed anew, if anything
    written = path.stat().st_mtime_ns
    cache.keep()  # nothing new: not written again
    assert path.stat().st_mtime_ns == written
    assert path.stat().st_mode & 0o777 == 0o600


async def test_another_theme_parses_and_draws_its_own_colours(tmp_path: Path) -> None:
    path = tmp_path / "css.pickle"
    _, cache = await first_screen(path)
    cache.keep()
    light, cache = await first_screen(path, theme="textual-light")
    assert cache.missed  # the variables differ: parsed again
    parsed, _ = await first_screen(None, theme="textual-light")
    assert light == parsed


def test_a_damaged_or_foreign_file_is_parsed_anew(tmp_path: Path) -> None:
    path = tmp_path / "css.pickle"
    css = "Widget { color: red; }"
    for content in (b"", b"not a pickle", pickle.dumps({"code": "other", "rules": {}})):
        path.write_bytes(content)
        stylesheet = Stylesheet()
        cache = CssCache(stylesheet, path)
        assert cache.rules == {}
        stylesheet.add_source(css, ("test", "css"))
        stylesheet.parse()
        assert [rule.css for rule in stylesheet.rules] == [rule.css for rule in parsed_rules(css)]
        assert cache.missed


def test_a_file_others_may_write_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "css.pickle"
    stylesheet = Stylesheet()
    cache = CssCache(stylesheet, path)
    stylesheet.add_source("Widget { color: red; }", ("test", "css"))
    stylesheet.parse()
    cache.keep()
    assert CssCache(Stylesheet(), path).rules  # its owner's, 0600: read
    path.chmod(0o666)
    assert CssCache(Stylesheet(), path).rules == {}


def parsed_rules(css: str) -> list:
    stylesheet = Stylesheet()
    stylesheet.add_source(css, ("test", "css"))
    stylesheet.parse()
    return stylesheet.rules


def test_a_folder_that_cannot_be_written_costs_only_speed(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("")
    stylesheet = Stylesheet()
    cache = CssCache(stylesheet, blocked / "css.pickle")
    stylesheet.add_source("Widget { color: red; }", ("test", "css"))
    stylesheet.parse()
    cache.keep()  # no error
    assert not (blocked / "css.pickle").exists()

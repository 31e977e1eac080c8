"""eBay in the open inbox: the sync worker brings conversations in; offline is calm."""

from __future__ import annotations

from pathlib import Path

import pytest

from inbox_tui.config import parse_config
from inbox_tui.store import Store
from inbox_tui.tui.app import InboxApp
from inbox_tui.tui.widgets.status_line import StatusLine
from tests.servers.ebay import EbayServer
from tests.test_tui import screen_text
from tests.waiting import workers_settled

SOURCE = """\
sources:
  - name: ebay-shop
    kind: ebay
    base_url: {url}
    access_token_env: TEST_EBAY_TOKEN
    username: anatolia_textiles
"""


@pytest.fixture
def ebay():
    with EbayServer("anatolia_textiles") as server:
        yield server


async def test_conversations_arrive_while_the_seller_reads(
    tmp_path: Path, ebay: EbayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_EBAY_TOKEN", ebay.issue_token())
    conversation = ebay.add_conversation("jane_buyer", "Kilim size?", messages=["Is it 40x40?"])
    config = parse_config(SOURCE.format(url=ebay.url))
    store = Store.open(tmp_path / "inbox.db")
    app = InboxApp(store, sources=config.sources)
    async with app.run_test(size=(120, 30)) as pilot:
        await workers_settled(app)
        await pilot.pause()
        assert "Kilim size?" in screen_text(app)
        assert "1 new" in app.screen.query_one(StatusLine).text(app.now()).plain
        ebay.add_message(conversation, "jane_buyer", "Also in blue?")
        ebay.add_conversation("mehmet_k", "Shipping to Berlin", messages=["How long?"])
        ebay.latency = 0.2  # the inbox keeps answering keys while the worker waits
        app.sync_now()
        await pilot.press("j", "k")
        assert app.is_running
        await workers_settled(app)
        await pilot.pause()
        assert "Shipping to Berlin" in screen_text(app)
        assert "2 new" in app.screen.query_one(StatusLine).text(app.now()).plain


async def test_ebay_unreachable_shows_offline(
    tmp_path: Path, ebay: EbayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_EBAY_TOKEN", ebay.issue_token())
    config = parse_config(SOURCE.format(url=ebay.url))
    ebay.stop()
    store = Store.open(tmp_path / "inbox.db")
    app = InboxApp(store, sources=config.sources)
    async with app.run_test(size=(120, 30)) as pilot:
        await workers_settled(app)
        await pilot.pause()
        line = app.screen.query_one(StatusLine).text(app.now()).plain
        assert line.startswith("offline — cannot reach 127.0.0.1"), line

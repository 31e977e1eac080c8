"""`inbox-tui sync` with an eBay source as a user runs it: a real process against the loopback eBay."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.servers.ebay import EbayServer
from tests.test_cli import assert_one_line_error, run

if TYPE_CHECKING:
    from pathlib import Path

# The issue's minimal config, pointed at the test server.
MINIMAL = """\
database: {db}
sources:
  - name: ebay-shop
    kind: ebay
    base_url: {url}
    access_token_env: EBAY_TOKEN
"""


@pytest.fixture
def ebay():
    with EbayServer("anatolia_textiles") as server:
        yield server


def write_config(tmp_path: Path, url: str) -> Path:
    config = tmp_path / "config.yaml"
    config.write_text(MINIMAL.format(db=tmp_path / "inbox.db", url=url))
    return config


def test_sync_prints_one_summary_line_per_conversation_type(tmp_path, ebay: EbayServer) -> None:
    conversation = ebay.add_conversation("jane_buyer", "Kilim size?", messages=["Is it 40x40?"])
    ebay.add_message(conversation, "anatolia_textiles", "Yes.")
    config = write_config(tmp_path, ebay.url)
    env = {"EBAY_TOKEN": ebay.issue_token()}
    first = run("--config", str(config), "sync", env=env)
    assert first.returncode == 0, first
    assert first.stdout.startswith("ebay-shop/FROM_MEMBERS: 2 new, 0 changed, 0 errors (")
    assert first.stderr == ""
    again = run("--config", str(config), "sync", env=env)
    assert again.stdout.startswith("ebay-shop/FROM_MEMBERS: 0 new, 0 changed, 0 errors ("), again


def test_server_down_is_one_line_offline_and_exit_1(tmp_path, ebay: EbayServer) -> None:
    config = write_config(tmp_path, ebay.url)
    token = ebay.issue_token()
    host = ebay.url.removeprefix("http://")
    ebay.stop()
    result = run("--config", str(config), "sync", env={"EBAY_TOKEN": token})
    assert_one_line_error(result, f"ebay-shop: failed: cannot reach {host}", "offline", code=1)


def test_refused_token_is_one_line_and_exit_1(tmp_path, ebay: EbayServer) -> None:
    config = write_config(tmp_path, ebay.url)
    result = run("--config", str(config), "sync", env={"EBAY_TOKEN": "stolen-or-old"})
    assert_one_line_error(
        result, "ebay-shop: failed:", "HTTP 401 (Invalid access token.", "get a new one", code=1
    )

"""An eBay message the store refuses is remembered and stored by a later sync, although the
list cursor has moved past its conversation. Loopback eBay, real store, a real SQLite refusal."""

from __future__ import annotations

from tests.servers.ebay import EbayServer
from tests.test_ebay_sync import SELLER, ebay, line, source, sync  # noqa: F401  (fixtures)


def test_a_refused_message_is_fetched_again_until_stored(store, ebay: EbayServer, source):  # noqa: F811
    talk = ebay.add_conversation("jane_buyer", "Kilim size?", messages=["Is it 40x40?"])
    ebay.add_message(talk, "jane_buyer", "poison: the store refuses this one")
    ebay.add_message(talk, SELLER, "Yes, 40x40 cm.")
    store.conn.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON messages WHEN new.text LIKE 'poison%'"
        " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
    )
    first = sync(store, source)
    assert line(first).startswith("ebay-shop/FROM_MEMBERS: 2 new, 0 changed, 1 errors")
    assert "1 not stored (tried again at the next sync)" in line(first)
    assert first.failed == "1 message not stored yet (tried again at each sync)"
    again = sync(store, source)  # still refused: tried, counted, shown again
    assert first.failed == again.failed

    store.conn.execute("DROP TRIGGER refuse")
    fixed = sync(store, source)
    assert fixed.failed is None, fixed
    assert line(fixed).startswith("ebay-shop/FROM_MEMBERS: 1 new, 0 changed, 0 errors")
    texts = [row[0] for row in store.conn.execute("SELECT text FROM messages ORDER BY date")]
    assert texts == ["Is it 40x40?", "poison: the store refuses this one", "Yes, 40x40 cm."]
    assert store.conn.execute("SELECT count(*) FROM failed_messages").fetchone()[0] == 0
    assert line(sync(store, source)).startswith("ebay-shop/FROM_MEMBERS: 0 new, 0 changed, 0 err")

"""The products the orders name (order_products, kept by triggers on orders) are what counting
every order's items says, whatever is inserted, changed or deleted, and after the migration
that fills the table from a store's orders."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from inbox_tui.store import Store
from inbox_tui.store.schema import SCHEMA_VERSION
from inbox_tui.store.trends import ORDER_ITEMS, PRODUCT_KEY, order_lines

# what order_lines read before schema 13: every order's items
DIRECT = f"""SELECT {PRODUCT_KEY} AS product, trim(json_extract(j.value, '$.title')), count(*)
               FROM orders o, {ORDER_ITEMS}
              WHERE product IS NOT NULL GROUP BY 1, 2"""


def direct(store: Store) -> dict[tuple[str, str], int]:
    """(key, title as order_lines names it) → lines, counted from the orders themselves."""
    counted: dict[tuple[str, str], int] = {}
    for key, title, count in store.conn.execute(DIRECT):
        name = title or key
        counted[key, name] = counted.get((key, name), 0) + count
    return counted


def kept(store: Store) -> dict[tuple[str, str], int]:
    counted: dict[tuple[str, str], int] = {}
    for key, title, count in order_lines(store):
        counted[key, title] = counted.get((key, title), 0) + count
    return counted


line = st.fixed_dictionaries(
    {},
    optional={
        "sku": st.sampled_from(["", " ", "LIN-1", "LIN-1 ", "TOW-2", None]),
        "title": st.sampled_from(["Linen towel", " Linen towel", "", "Bathrobe, M", None]),
        "quantity": st.integers(1, 3),
    },
)
items = st.one_of(
    st.lists(line, max_size=4).map(json.dumps),
    st.sampled_from(["not json", "{}", "[1, 2]", '[{"sku": 5}]']),
)
operations = st.lists(
    st.tuples(st.sampled_from(["insert", "update", "delete", "same"]), st.integers(0, 4), items),
    max_size=25,
)


def apply(conn: sqlite3.Connection, operations: list[tuple[str, int, str]]) -> None:
    for kind, number, value in operations:
        if kind == "insert":
            conn.execute(
                "INSERT INTO orders (provider, order_number, items, fetched_at)"
                " VALUES ('shopify', ?, ?, '2026-11-30T00:00:00Z')"
                " ON CONFLICT (provider, order_number) DO UPDATE SET items = excluded.items",
                (f"#{number}", value),
            )
        elif kind == "update":
            conn.execute(
                "UPDATE orders SET items = ? WHERE order_number = ?", (value, f"#{number}")
            )
        elif kind == "same":  # as upsert_order refreshes an order: items set to what they are
            conn.execute(
                "UPDATE orders SET items = items, status = 'shipped' WHERE order_number = ?",
                (f"#{number}",),
            )
        else:
            conn.execute("DELETE FROM orders WHERE order_number = ?", (f"#{number}",))


@settings(max_examples=60, deadline=None)
@given(operations)
def test_kept_products_are_what_the_orders_name(operations: list[tuple[str, int, str]]) -> None:
    store = Store.open(":memory:")
    try:
        apply(store.conn, operations)
        assert kept(store) == direct(store)
        assert (
            store.conn.execute("SELECT count(*) FROM order_products WHERE lines <= 0").fetchone()[0]
            == 0
        )
    finally:
        store.close()


def test_the_migration_counts_the_orders_a_store_has(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    store = Store.open(db)
    apply(
        store.conn,
        [
            ("insert", 1, json.dumps([{"sku": "LIN-1", "title": "Linen towel"}] * 2)),
            ("insert", 2, json.dumps([{"title": "Bathrobe, M"}, {"sku": " ", "title": "x"}])),
            ("insert", 3, "not json"),
        ],
    )
    expected = direct(store)
    # the store as schema 12 left it: no order_products, no triggers
    for statement in (
        "DROP TRIGGER order_products_insert",
        "DROP TRIGGER order_products_delete",
        "DROP TRIGGER order_products_update",
        "DROP TABLE order_products",
        "DROP INDEX orders_by_placed",
        "DROP INDEX tickets_unread",
        "DROP INDEX tickets_flagged",
        "PRAGMA user_version = 12",
    ):
        store.conn.execute(statement)
    store.close()
    store = Store.open(db)
    try:
        assert store.schema_version == SCHEMA_VERSION
        assert (
            kept(store)
            == expected
            == {
                ("LIN-1", "Linen towel"): 2,
                ("Bathrobe, M", "Bathrobe, M"): 1,
                ("x", "x"): 1,
            }
        )
    finally:
        store.close()

"""Ticket actions: each change is stored with its event, bulk changes share a batch, undo reverts it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from inbox_tui.store import actions
from inbox_tui.store.db import Store

AT = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


@pytest.fixture
def store() -> Store:
    store = Store.open(":memory:")
    with store.transaction() as conn:
        for ticket in (1, 2, 3):
            conn.execute(
                "INSERT INTO tickets (id, channel, subject, created_at, last_message_at, message_count, unread_count) "
                "VALUES (?, 'email', ?, '2026-11-01T10:00:00Z', '2026-11-02T10:00:00Z', 3, ?)",
                (ticket, f"ticket {ticket}", 1 if ticket == 1 else 0),
            )
            for n, (direction, seen) in enumerate(
                (("in", 1), ("out", 1), ("in", 0 if ticket == 1 else 1))
            ):
                conn.execute(
                    "INSERT INTO messages (ticket_id, message_id, raw_sha256, content_key, direction, channel, "
                    "date, seen, imported_at) VALUES (?, ?, ?, ?, ?, 'email', ?, ?, '2026-11-02T10:00:00Z')",
                    (ticket, f"m{ticket}.{n}@x.example", f"sha{ticket}.{n}", f"k{ticket}.{n}", direction,
                     f"2026-11-0{n + 1}T10:00:00Z", seen),
                )  # fmt: skip
    return store


def state(store: Store) -> dict:
    """Everything an action may touch, to compare before and after."""
    conn = store.conn
    tickets = [dict(row) for row in conn.execute(
        "SELECT id, status, snoozed_until, priority, flagged, unread_count FROM tickets ORDER BY id")]  # fmt: skip
    tags = conn.execute(
        "SELECT ticket_id, name FROM ticket_tags JOIN tags ON tags.id = tag_id ORDER BY 1, 2"
    ).fetchall()
    seen = conn.execute("SELECT id, seen FROM messages ORDER BY id").fetchall()
    return {"tickets": tickets, "tags": [tuple(r) for r in tags], "seen": [tuple(r) for r in seen]}


def events(store: Store, batch: str) -> list[tuple]:
    rows = store.conn.execute(
        "SELECT ticket_id, kind, old_value, new_value, actor, at FROM events WHERE batch_id = ? ORDER BY id",
        (batch,),
    )
    return [tuple(row) for row in rows]


def ticket(store: Store, ticket_id: int) -> dict:
    return dict(store.conn.execute("SELECT * FROM tickets WHERE id = ?", (ticket_id,)).fetchone())


def test_set_status_changes_state_and_writes_one_event_per_ticket(store: Store) -> None:
    batch = actions.set_status(store, [1, 2], "closed", at=AT)
    assert ticket(store, 1)["status"] == ticket(store, 2)["status"] == "closed"
    assert ticket(store, 3)["status"] == "open"
    stamp = "2026-11-29T12:00:00Z"
    assert events(store, batch) == [
        (1, "status", "open", "closed", "user", stamp),
        (2, "status", "open", "closed", "user", stamp),
    ]
    assert len(batch) == 32 and int(batch, 16) >= 0


def test_no_op_writes_no_event(store: Store) -> None:
    batch = actions.set_status(store, [1, 2, 3], "open")
    assert events(store, batch) == []
    for call in (
        lambda: actions.set_priority(store, [1], 0),
        lambda: actions.set_flag(store, [1], False),
        lambda: actions.mark_read(store, [2, 3], True),
        lambda: actions.remove_tag(store, [1], "never-made"),
    ):
        assert events(store, call()) == []
    assert store.conn.execute("SELECT count(*) FROM events").fetchone()[0] == 0


def test_only_changed_tickets_get_events(store: Store) -> None:
    actions.set_status(store, [2], "pending")
    batch = actions.set_status(store, [1, 2, 3], "pending")
    assert [e[0] for e in events(store, batch)] == [1, 3]


def test_bad_input_is_refused_with_a_clear_message(store: Store) -> None:
    with pytest.raises(ValueError, match="unknown ticket status 'done'"):
        actions.set_status(store, [1], "done")
    with pytest.raises(ValueError, match="snooze"):
        actions.set_status(store, [1], "snoozed")
    with pytest.raises(ValueError, match="no ticket with id 99"):
        actions.set_status(store, [1, 99], "closed")
    with pytest.raises(ValueError, match="tag name is empty"):
        actions.add_tag(store, [1], "  \x1b[31m ")
    with pytest.raises(ValueError, match="whole number"):
        actions.set_priority(store, [1], "high")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="already passed"):
        actions.snooze(store, [1], AT - timedelta(hours=1), at=AT)
    # nothing half-written: the unknown id stopped the whole call
    assert ticket(store, 1)["status"] == "open"
    assert store.conn.execute("SELECT count(*) FROM events").fetchone()[0] == 0


def test_snooze_sets_status_and_time_and_undo_restores(store: Store) -> None:
    before = state(store)
    until = AT + timedelta(days=2)
    batch = actions.snooze(store, [1, 3], until, at=AT)
    row = ticket(store, 1)
    assert (row["status"], row["snoozed_until"]) == ("snoozed", "2026-12-01T12:00:00Z")
    assert events(store, batch)[0][1:4] == ("snooze", "open", "snoozed:2026-12-01T12:00:00Z")
    # waking it (any other status) clears the time, and the event remembers it
    wake = actions.set_status(store, [1], "open", at=AT)
    assert ticket(store, 1)["snoozed_until"] is None
    assert events(store, wake)[0][2] == "snoozed:2026-12-01T12:00:00Z"
    assert actions.undo(store, wake) == 1
    assert ticket(store, 1)["snoozed_until"] == "2026-12-01T12:00:00Z"
    assert actions.undo(store, batch) == 2
    assert state(store) == before


def test_tags_are_created_once_and_matched_ignoring_case(store: Store) -> None:
    first = actions.add_tag(store, [1, 2], "Refund", at=AT)
    second = actions.add_tag(store, [2, 3], "refund", at=AT)
    assert [r[0] for r in store.conn.execute("SELECT name FROM tags")] == ["Refund"]
    assert [e[:4] for e in events(store, first)] == [
        (1, "tag_add", None, "Refund"),
        (2, "tag_add", None, "Refund"),
    ]
    assert [e[0] for e in events(store, second)] == [3]  # ticket 2 had it already
    actions.add_tag(store, [1], "İade")
    actions.add_tag(store, [2], "i̇ade")  # casefold of İade: the same tag
    assert store.conn.execute("SELECT count(*) FROM tags").fetchone()[0] == 2
    removed = actions.remove_tag(store, [1, 2, 3], "REFUND")
    assert [e[:4] for e in events(store, removed)] == [
        (1, "tag_remove", "Refund", None),
        (2, "tag_remove", "Refund", None),
        (3, "tag_remove", "Refund", None),
    ]
    assert state(store)["tags"] == [(1, "İade"), (2, "İade")]


def test_priority_and_flag(store: Store) -> None:
    p = actions.set_priority(store, [1, 2], 2)
    f = actions.set_flag(store, [2], True)
    assert (ticket(store, 1)["priority"], ticket(store, 2)["flagged"]) == (2, 1)
    assert [e[1:4] for e in events(store, p)] == [("priority", "0", "2")] * 2
    assert [e[1:4] for e in events(store, f)] == [("flag", "0", "1")]


def test_mark_read_and_unread_set_seen_and_unread_count(store: Store) -> None:
    batch = actions.mark_read(store, [1, 2], True)
    assert ticket(store, 1)["unread_count"] == 0
    assert store.conn.execute("SELECT count(*) FROM messages WHERE NOT seen").fetchone()[0] == 0
    [(ticket_id, kind, old, new, *_)] = events(store, batch)  # ticket 2 was read already
    assert (ticket_id, kind, json.loads(new)) == (1, "read", {"unread": 0, "seen": 1})
    assert json.loads(old)["unread"] == 1 and len(json.loads(old)["messages"]) == 1

    actions.mark_read(store, [3], False)
    assert ticket(store, 3)["unread_count"] == 2  # both inbound messages, never the seller's reply
    seen = store.conn.execute("SELECT direction, seen FROM messages WHERE ticket_id = 3").fetchall()
    assert sorted(tuple(r) for r in seen) == [("in", 0), ("in", 0), ("out", 1)]


def test_bulk_actions_share_one_batch_and_undo_restores_exactly(store: Store) -> None:
    actions.add_tag(store, [1], "vip")
    actions.set_priority(store, [3], 1)
    before = state(store)
    batches = [
        actions.set_status(store, [1, 2, 3], "closed"),
        actions.add_tag(store, [1, 2, 3], "vip"),
        actions.remove_tag(store, [1], "vip"),
        actions.set_priority(store, [1, 2, 3], 3),
        actions.set_flag(store, [1, 2, 3], True),
        actions.mark_read(store, [1, 2, 3], True),
        actions.mark_read(store, [1, 2, 3], False),
    ]
    for batch in batches:
        assert len({e[1] for e in events(store, batch)}) == 1  # one kind, one batch per call
    assert len(set(batches)) == len(batches)
    for batch in reversed(batches):
        assert actions.undo(store, batch, at=AT) > 0
    assert state(store) == before


def test_undo_writes_undo_events_and_is_spent_afterwards(store: Store) -> None:
    batch = actions.set_status(store, [1, 2], "closed", at=AT)
    assert actions.last_batch(store) == batch
    assert actions.undo(store, batch, actor="tester", at=AT) == 2
    undo_rows = [e for e in events(store, batch) if e[1] == "undo"]
    assert [(e[0], e[2], e[3], e[4]) for e in undo_rows] == [
        (2, "closed", "open", "tester"),
        (1, "closed", "open", "tester"),
    ]
    assert actions.undo(store, batch) == 0  # spent
    assert ticket(store, 1)["status"] == "open"
    assert actions.last_batch(store) is None


def test_last_batch_walks_back_through_history_per_actor(store: Store) -> None:
    first = actions.set_status(store, [1], "pending")
    second = actions.set_flag(store, [2], True)
    actions.set_priority(store, [3], 1, actor="rule")
    assert actions.last_batch(store) == second
    assert actions.last_batch(store, actor="rule") != second
    actions.undo(store, second)
    assert actions.last_batch(store) == first
    assert actions.last_batch(store, actor="nobody") is None


def test_an_action_inside_a_callers_transaction_uses_a_savepoint(store: Store) -> None:
    with store.transaction():
        actions.set_status(store, [1], "closed")
        with pytest.raises(ValueError):
            actions.set_status(store, [2, 42], "closed")
    assert ticket(store, 1)["status"] == "closed"
    assert ticket(store, 2)["status"] == "open"


def test_bulk_over_many_tickets_is_one_batch(store: Store) -> None:
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO tickets (id, channel, created_at, last_message_at) VALUES (?, 'email', '', '')",
            [(i,) for i in range(10, 1610)],
        )
    ids = list(range(10, 1610))
    batch = actions.set_status(store, ids, "closed")
    assert (
        store.conn.execute(
            "SELECT count(DISTINCT ticket_id) FROM events WHERE batch_id = ?", (batch,)
        ).fetchone()[0]
        == 1600
    )
    assert actions.undo(store, batch) == 1600
    assert (
        store.conn.execute("SELECT count(*) FROM tickets WHERE status = 'closed'").fetchone()[0]
        == 0
    )

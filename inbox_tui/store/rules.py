"""The SQL of rules (inbox_tui/rules/): which customer messages the rules have not seen yet,
what a rule reads of a ticket, which tickets a rule's search matches, and rule_firings, the
record that a rule acted (so it acts once, and auto-replies stay within their limits)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from inbox_tui.store.db import Store, format_time, parse_time

if TYPE_CHECKING:  # the search's parser and SQL: a rule's run, not the preview's rule notes
    from inbox_tui.search import Query

_CHUNK = 500  # ids per IN (...) list


@dataclass(frozen=True, slots=True)
class TicketFacts:
    """What rules read of one ticket, at the customer's message they act on (`message_id`)."""

    ticket_id: int
    message_id: int
    channel: str
    status: str
    first_message_id: int
    customer_messages: int  # the customer's messages up to and with message_id
    received: datetime  # the message's date
    sender: str  # its From address, lower case
    headers: dict[str, str]
    last_inbound_at: datetime | None
    last_outbound_at: datetime | None
    due_at: datetime | None


def _marks(ids: Sequence[int]) -> str:
    return ",".join("?" * len(ids))


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


# --- what the rules have seen ----------------------------------------------------------------


def rules_after(store: Store) -> int:
    """The last messages.id the rules have looked at (store_info 'rules_after')."""
    row = store.conn.execute("SELECT value FROM store_info WHERE key = 'rules_after'").fetchone()
    return int(row[0]) if row and str(row[0]).isdigit() else 0


def set_rules_after(store: Store, message_id: int) -> None:
    store.conn.execute(
        "INSERT INTO store_info (key, value) VALUES ('rules_after', ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (str(message_id),),
    )


def newest_message(store: Store) -> int:
    return int(store.conn.execute("SELECT coalesce(max(id), 0) FROM messages").fetchone()[0])


def arrived(
    store: Store, after: int, limit: int, *, written_since: datetime
) -> list[tuple[int, int]]:
    """The customer's messages stored after `after` and written since `written_since`, in the
    order they were stored: (message id, ticket id)."""
    rows = store.conn.execute(
        "SELECT id, ticket_id FROM messages WHERE id > ? AND direction = 'in' AND date >= ?"
        " ORDER BY id LIMIT ?",
        (after, format_time(written_since), limit),
    )
    return [(row[0], row[1]) for row in rows]


def waiting(
    store: Store, answered_before: datetime, due_by: datetime | None, *, since: datetime
) -> list[tuple[int, int]]:
    """Open tickets whose customer wrote after `since` and waits for an answer, since before
    `answered_before` or due by `due_by`: (newest customer message id, ticket id). What
    timed rules look at."""
    clauses = ["t.last_inbound_at <= ?"]
    params: list[object] = [format_time(since), format_time(answered_before)]
    if due_by is not None:
        clauses.append("(t.due_at IS NOT NULL AND t.due_at <= ?)")
        params.append(format_time(due_by))
    rows = store.conn.execute(
        f"""SELECT (SELECT max(m.id) FROM messages m WHERE m.ticket_id = t.id
                    AND m.direction = 'in'), t.id
            FROM tickets t
            WHERE t.status = 'open' AND t.last_inbound_at >= ?
              AND (t.last_outbound_at IS NULL OR t.last_outbound_at < t.last_inbound_at)
              AND ({" OR ".join(clauses)})""",
        params,
    )
    return [(row[0], row[1]) for row in rows if row[0] is not None]


def recent(store: Store, since: datetime) -> list[tuple[int, int]]:
    """Every ticket the customer wrote in since `since`, with their newest message there:
    (message id, ticket id), oldest first. What `rules test` and `rules apply` replay."""
    rows = store.conn.execute(
        """SELECT (SELECT max(m.id) FROM messages m WHERE m.ticket_id = t.id
                   AND m.direction = 'in'), t.id
           FROM tickets t WHERE t.last_inbound_at >= ?""",
        (format_time(since),),
    )
    return sorted((row[0], row[1]) for row in rows if row[0] is not None)


def facts(store: Store, message_ids: Sequence[int]) -> dict[int, TicketFacts]:
    """Each message's ticket as rules read it, by message id."""
    found: dict[int, TicketFacts] = {}
    for chunk in _chunks(list(message_ids)):
        rows = store.conn.execute(
            f"""SELECT m.id AS message_id, m.ticket_id, t.channel, t.status, m.date,
                       m.from_addr, m.headers, t.last_inbound_at, t.last_outbound_at, t.due_at,
                       (SELECT min(x.id) FROM messages x WHERE x.ticket_id = t.id) AS first_id,
                       (SELECT count(*) FROM messages x WHERE x.ticket_id = t.id
                         AND x.direction = 'in' AND x.id <= m.id) AS customer_messages
                FROM messages m JOIN tickets t ON t.id = m.ticket_id
                WHERE m.id IN ({_marks(chunk)})""",
            tuple(chunk),
        )
        for row in rows:
            try:
                headers = {str(k): str(v) for k, v in json.loads(row["headers"] or "{}").items()}
            except (ValueError, AttributeError):
                headers = {}
            found[row["message_id"]] = TicketFacts(
                ticket_id=row["ticket_id"],
                message_id=row["message_id"],
                channel=row["channel"],
                status=row["status"],
                first_message_id=row["first_id"],
                customer_messages=row["customer_messages"],
                received=parse_time(row["date"]),
                sender=(row["from_addr"] or "").lower(),
                headers=headers,
                last_inbound_at=_time(row["last_inbound_at"]),
                last_outbound_at=_time(row["last_outbound_at"]),
                due_at=_time(row["due_at"]),
            )
    return found


def _time(value: str | None) -> datetime | None:
    return parse_time(value) if value else None


def matching(store: Store, query: Query, ticket_ids: Sequence[int], now: datetime) -> set[int]:
    """Which of these tickets a search matches (its words tested ticket by ticket)."""
    from inbox_tui.store.search import to_sql

    where, params = to_sql(query, now, plan="walk")
    found: set[int] = set()
    for chunk in _chunks(sorted(set(ticket_ids))):
        clause = (
            f"{where} AND t.id IN ({_marks(chunk)})"
            if where
            else f"WHERE t.id IN ({_marks(chunk)})"
        )
        rows = store.conn.execute(f"SELECT t.id FROM tickets t {clause}", (*params, *chunk))
        found.update(row[0] for row in rows)
    return found


# --- rule_firings ------------------------------------------------------------------------------


def fired(store: Store, rule: str, ticket_id: int, message_id: int | None) -> bool:
    """Whether the rule acted on this message (None: anywhere in the ticket)."""
    if message_id is None:
        row = store.conn.execute(
            "SELECT 1 FROM rule_firings WHERE rule = ? AND ticket_id = ? LIMIT 1",
            (rule, ticket_id),
        ).fetchone()
    else:
        row = store.conn.execute(
            "SELECT 1 FROM rule_firings WHERE rule = ? AND ticket_id = ? AND message_id = ?",
            (rule, ticket_id, message_id),
        ).fetchone()
    return row is not None


def firings(store: Store, ticket_ids: Sequence[int]) -> set[tuple[str, int, int]]:
    """Which rules acted on these tickets: (rule, ticket, message id) for each firing, and
    (rule, ticket, 0) for a rule that acted anywhere in the ticket. One query for a batch."""
    found: set[tuple[str, int, int]] = set()
    for chunk in _chunks(sorted(set(ticket_ids))):
        rows = store.conn.execute(
            f"SELECT rule, ticket_id, message_id FROM rule_firings"
            f" WHERE ticket_id IN ({_marks(chunk)})",
            tuple(chunk),
        )
        for rule, ticket_id, message_id in rows:
            found.add((rule, ticket_id, message_id))
            found.add((rule, ticket_id, 0))
    return found


def auto_replied(store: Store, ticket_id: int, address: str, since: datetime) -> str | None:
    """Why another automatic reply may not go: one went to this ticket already, or to this
    address since `since`. None when none did."""
    row = store.conn.execute(
        "SELECT rule FROM rule_firings WHERE ticket_id = ? AND replied_to IS NOT NULL LIMIT 1",
        (ticket_id,),
    ).fetchone()
    if row is not None:
        return f"rule {row[0]} already answered this ticket automatically"
    row = store.conn.execute(
        "SELECT rule, ticket_id FROM rule_firings WHERE replied_to = ? AND at >= ? LIMIT 1",
        (address, format_time(since)),
    ).fetchone()
    if row is not None:
        return (
            f"{address} had an automatic reply lately (ticket {row[1]}, auto_reply.customer_window)"
        )
    return None


def record_firing(
    store: Store,
    *,
    rule: str,
    ticket_id: int,
    message_id: int,
    at: datetime,
    batch_id: str | None,
    outcome: str,
    replied_to: str | None = None,
    outbox_id: int | None = None,
) -> None:
    store.conn.execute(
        """INSERT OR IGNORE INTO rule_firings
           (rule, ticket_id, message_id, at, batch_id, outcome, replied_to, outbox_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        (rule, ticket_id, message_id, format_time(at), batch_id, outcome, replied_to, outbox_id),
    )


@dataclass(frozen=True, slots=True)
class RuleNote:
    """One rule's change to a ticket, as the thread tells it."""

    at: datetime
    rule: str
    kind: str
    old_value: str | None
    new_value: str | None
    batch_id: str | None
    undone: bool


def rule_notes(store: Store, ticket_id: int, limit: int = 20) -> list[RuleNote]:
    """The rules' changes to this ticket, oldest first (the newest `limit`)."""
    rows = store.conn.execute(
        """SELECT e.at, e.rule, e.kind, e.old_value, e.new_value, e.batch_id,
                  EXISTS (SELECT 1 FROM events u WHERE u.batch_id = e.batch_id
                          AND u.kind = 'undo') AS undone
           FROM events e WHERE e.ticket_id = ? AND e.rule IS NOT NULL AND e.kind != 'undo'
           ORDER BY e.id DESC LIMIT ?""",
        (ticket_id, limit),
    ).fetchall()
    return [
        RuleNote(
            parse_time(row["at"]),
            row["rule"],
            row["kind"],
            row["old_value"],
            row["new_value"],
            row["batch_id"],
            bool(row["undone"]),
        )
        for row in reversed(rows)
    ]


def customer_asks(
    store: Store, message_ids: Sequence[int], *, length: int, newest: int = 3
) -> dict[int, list[tuple[str, str]]]:
    """What the customer asked in each of these messages' tickets, up to that message: their
    newest `newest` messages since the seller last wrote before it, oldest first, as (subject,
    the first `length` characters of the text), by message id. What rules' topic conditions
    read: one query for a whole batch."""
    found: dict[int, list[tuple[str, str]]] = {}
    for chunk in _chunks(sorted(set(message_ids))):
        rows = store.conn.execute(
            f"""SELECT g.id, m.subject, substr(m.text, 1, ?)
                FROM messages g JOIN messages m ON m.ticket_id = g.ticket_id
                WHERE g.id IN ({_marks(chunk)}) AND m.direction = 'in'
                  AND (m.date < g.date OR m.date = g.date AND m.id <= g.id)
                  AND m.date > coalesce((SELECT max(o.date) FROM messages o
                        WHERE o.ticket_id = g.ticket_id AND o.direction = 'out'
                          AND o.date <= g.date), '')
                ORDER BY g.id, m.date, m.id""",
            (length, *chunk),
        )
        for message_id, subject, text in rows:
            found.setdefault(message_id, []).append((subject or "", text or ""))
    return {message_id: said[-newest:] for message_id, said in found.items()}


def order_states(store: Store, ticket_ids: Sequence[int]) -> dict[int, tuple[str | None, bool]]:
    """The order the composer's suggestions read for each ticket (store/orders.py's first of
    `orders_for_ticket`: its newest linked order, else the customer's newest): (status as the
    shop reports it, shipped: a ship date or tracking number is known). Without: absent."""
    found: dict[int, tuple[str | None, bool]] = {}
    shipped = "o.shipped_at IS NOT NULL OR coalesce(o.tracking_number, '') <> ''"
    for chunk in _chunks(sorted(set(ticket_ids))):
        marks = _marks(chunk)
        linked = store.conn.execute(
            f"""SELECT tor.ticket_id, o.status, {shipped} FROM ticket_orders tor
                JOIN orders o ON o.id = tor.order_id WHERE tor.ticket_id IN ({marks})
                ORDER BY tor.ticket_id, o.placed_at, o.id""",
            tuple(chunk),
        )
        for ticket_id, status, sent in linked:
            found[ticket_id] = (status, bool(sent))  # the newest wins
        rest = [ticket_id for ticket_id in chunk if ticket_id not in found]
        if not rest:
            continue
        customers = store.conn.execute(
            f"""SELECT t.id, o.status, {shipped} FROM tickets t
                JOIN orders o ON o.customer_id = t.customer_id
                WHERE t.id IN ({_marks(rest)}) ORDER BY t.id, o.placed_at, o.id""",
            tuple(rest),
        )
        for ticket_id, status, sent in customers:
            found[ticket_id] = (status, bool(sent))
    return found

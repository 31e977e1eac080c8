"""What `inbox-tui rules test` and `rules apply` print: per rule, the tickets it acted on (or
would have), each with its subject and what the rule did."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from inbox_tui.rules.engine import RulesReport
from inbox_tui.sanitize import readable_line
from inbox_tui.store.db import Store

SUBJECT = 48  # characters of a ticket's subject on its line


def replay_lines(
    store: Store, config: Any, report: RulesReport, *, days: int, applied: bool
) -> Iterator[str]:
    subjects = _subjects(store, sorted({f.ticket_id for f in report.firings}))
    verb = "acted on" if applied else "would act on"
    for rule in config.rules:
        firings = [f for f in report.firings if f.rule == rule.name]
        if not rule.enabled:
            yield f"{rule.name}: disabled"
            continue
        count = len(firings)
        yield f"{rule.name}: {verb} {count} ticket{'' if count == 1 else 's'}"
        for firing in firings:
            subject = subjects.get(firing.ticket_id, "")
            yield f"  #{firing.ticket_id} {subject}: {firing.outcome}"
    looked = report.looked_at
    done = "changed" if applied else "nothing changed (rules apply does it)"
    yield f"{looked} ticket{'' if looked == 1 else 's'} with mail in the last {days} days; {done}"


def _subjects(store: Store, ticket_ids: list[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for start in range(0, len(ticket_ids), 500):
        chunk = ticket_ids[start : start + 500]
        rows = store.conn.execute(
            "SELECT id, coalesce(title, subject) FROM tickets"
            f" WHERE id IN ({','.join('?' * len(chunk))})",
            chunk,
        )
        for ticket_id, subject in rows:
            line = readable_line(subject or "") or "(no subject)"
            found[ticket_id] = line[:SUBJECT] + ("…" if len(line) > SUBJECT else "")
    return found

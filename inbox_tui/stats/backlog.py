"""The backlog over time, replayed from each ticket's history: how many tickets were open, and
how many of those were overdue (the customer waiting past the SLA due time), at given moments.

Pure: the histories come from store/history.py. A ticket is open from its first message until a
status change says otherwise (the `events` table); one with no status change that is not open
now is taken to have left `open` at its last message. It is overdue while open, the customer's
first message after the seller's last answer is waiting, and its due time (the same SLA targets
and business hours as the Due view) has passed.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from datetime import UTC, datetime

from inbox_tui.sla import SlaPolicy, due_at
from inbox_tui.store.history import QuietOpen, TicketHistory

_END = datetime.max.replace(tzinfo=UTC)

Span = tuple[datetime, datetime]


class DueTimes:
    """The SLA's due time for a customer waiting since a moment, remembered: a report asks for
    the same ones several times (per channel, per week, for the backlog), each ~20-40 µs when
    business hours count."""

    def __init__(self, sla: SlaPolicy) -> None:
        self.sla = sla
        self.known: dict[tuple[str, datetime], datetime] = {}

    def __call__(self, channel: str, since: datetime) -> datetime:
        key = (channel, since)
        found = self.known.get(key)
        if found is None:
            found = self.known[key] = due_at(channel, since, self.sla)
        return found


def status_spans(history: TicketHistory) -> list[tuple[datetime, datetime, str]]:
    """(from, until, status) from the ticket's first message on; the last runs for ever."""
    changes = list(history.changes)
    status = (changes[0][1] if changes else "") or "open"
    final = changes[-1][2] if changes else status
    if final != history.status:  # changed without an event (a store filled by other means)
        at = max(history.last_message, changes[-1][0] if changes else history.created)
        changes.append((at, final, history.status))
    spans: list[tuple[datetime, datetime, str]] = []
    moment = history.created
    for at, _before, after in changes:
        if at > moment:
            spans.append((moment, at, status))
            moment = at
        status = after or status
    spans.append((moment, _END, status))
    return spans


def waiting_spans(history: TicketHistory) -> list[tuple[datetime, datetime]]:
    """(since, until) while the customer waited: from their first message after the seller's
    last one until the seller's next (for ever when none came)."""
    spans = []
    since: datetime | None = None
    for date, inbound in history.messages:
        if inbound and since is None:
            since = date
        elif not inbound and since is not None:
            spans.append((since, date))
            since = None
    if since is not None:
        spans.append((since, _END))
    return spans


def overdue_spans(history: TicketHistory, due: DueTimes) -> list[Span]:
    """The times the ticket was open, waiting, and past its due time."""
    open_spans = [(a, b) for a, b, status in status_spans(history) if status == "open"]
    result = []
    for since, until in waiting_spans(history):
        late = due(history.channel, since)
        for begin, end in open_spans:
            start, stop = max(begin, late), min(end, until)
            if start < stop:
                result.append((start, stop))
    return result


def backlog_series(
    histories: Sequence[TicketHistory],
    quiet: QuietOpen,
    moments: Sequence[datetime],
    due: DueTimes,
) -> tuple[list[int], list[int]]:
    """How many tickets were open, and how many overdue, at each of `moments` (sorted)."""
    opened = [0] * (len(moments) + 1)
    overdue = [0] * (len(moments) + 1)
    for history in histories:
        for begin, end, status in status_spans(history):
            if status == "open":
                _add(opened, moments, begin, end)
        for begin, end in overdue_spans(history, due):
            _add(overdue, moments, begin, end)
    opened[0] += quiet.count  # open all along
    overdue[0] += quiet.overdue  # overdue all along
    for when in quiet.due:  # and overdue from their due time on
        overdue[bisect_left(moments, when)] += 1
    return _running(opened, len(moments)), _running(overdue, len(moments))


def _add(counts: list[int], moments: Sequence[datetime], begin: datetime, end: datetime) -> None:
    """Count +1 at every moment in [begin, end) (a difference array: summed by _running)."""
    first, stop = bisect_left(moments, begin), bisect_left(moments, end)
    if first < stop:
        counts[first] += 1
        counts[stop] -= 1


def _running(differences: list[int], size: int) -> list[int]:
    total, result = 0, []
    for change in differences[:size]:
        total += change
        result.append(total)
    return result

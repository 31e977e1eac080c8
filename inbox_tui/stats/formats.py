"""The report for scripts and spreadsheets: JSON (every number, documented in docs/stats.md)
and CSV (the daily and weekly numbers behind the charts, one row each). Fields are only ever
added, never renamed or removed."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import timedelta
from typing import Any, TextIO

from inbox_tui.stats.report import Report, Responses, Trend, unusual_query
from inbox_tui.store.db import format_time

CSV_COLUMNS = ("series", "name", "date", "value")


def _hours(value: timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 3600, 2)


def _responses(r: Responses) -> dict[str, Any]:
    share = r.within_share
    return {
        "tickets": r.tickets,
        "answered": r.answered,
        "median_hours": _hours(r.median),
        "p90_hours": _hours(r.p90),
        "within_target": r.within_target,
        "within_target_share": None if share is None else round(share, 4),
    }


def _trend(trend: Trend) -> dict[str, Any]:
    return {
        "name": trend.name,
        "tickets": trend.now,
        "before": trend.before,
        "daily": list(trend.daily),
        "search": trend.query,
    }


def report_json(report: Report) -> dict[str, Any]:
    """Everything the report holds, as JSON-ready values (times ISO-8601 UTC, days local)."""
    everything, *channels = report.daily
    b = report.backlog
    return {
        "period": {
            "days": report.days,
            "start": format_time(report.start),
            "end": format_time(report.end),
            "dates": [day.isoformat() for day in report.dates],
        },
        "tickets": {"now": report.tickets, "before": report.tickets_before},
        "replies": {"now": report.replies, "before": report.replies_before},
        "first_response": {
            "all": _responses(report.overall),
            "before": _responses(report.overall_before),
            "channels": [{"channel": r.label, **_responses(r)} for r in report.channels],
            "weeks": [
                {"week": w.start.isoformat(), **_responses(w.responses)} for w in report.weeks
            ],
        },
        "daily": {"all": list(everything.daily), "channels": [_trend(c) for c in channels]},
        "backlog": {
            "open": list(report.open_daily),
            "overdue": list(report.overdue_daily),
            "now": None
            if b is None
            else {"open": b.open, "overdue": b.overdue, "pending": b.pending, "snoozed": b.snoozed},
        },
        "topics": [_trend(t) for t in report.topics],
        "tags": [_trend(t) for t in report.tags],
        "products": [
            {
                "key": p.key,
                "name": p.name,
                "tickets": p.tickets,
                "before": p.before,
                "topics": [{"topic": topic, "tickets": n} for topic, n in p.topics],
                "orders": p.orders,
                "tickets_per_100_orders": None
                if p.per_100_orders is None
                else round(p.per_100_orders, 1),
                "daily": list(p.daily),
                "search": p.query,
            }
            for p in report.products
        ],
        "unusual": [
            {
                "trend": f.trend,
                "kind": f.kind,
                "label": f.label,
                "this_week": f.this_week,
                "usual_per_week": round(f.usual, 2),
                "expected": round(f.expected, 3),
                "chance": f.chance,
                "explanation": f.explanation,
                "search": unusual_query(f),
                "tickets": sorted(f.tickets),
            }
            for f in report.unusual
        ],
    }


def csv_rows(report: Report) -> Iterator[tuple[str, str, str, object]]:
    """(series, name, date, value): each day's tickets (all, per channel, topic, tag,
    product), open and overdue at each day's end, and each week's first responses."""
    dates = [day.isoformat() for day in report.dates]
    everything, *channels = report.daily
    for series, trends in (
        ("tickets", [everything]),
        ("channel", channels),
        ("topic", report.topics),
        ("tag", report.tags),
    ):
        for trend in trends:
            yield from ((series, trend.name, d, n) for d, n in zip(dates, trend.daily, strict=True))
    for row in report.products:
        yield from (("product", row.key, d, n) for d, n in zip(dates, row.daily, strict=True))
    for series, values in (("open", report.open_daily), ("overdue", report.overdue_daily)):
        yield from ((series, "", d, n) for d, n in zip(dates, values, strict=True))
    for week in report.weeks:
        r, day = week.responses, week.start.isoformat()
        yield ("week_tickets", "all", day, r.tickets)
        yield ("week_answered", "all", day, r.answered)
        yield ("week_median_hours", "all", day, _hours(r.median))
        yield ("week_within_target", "all", day, r.within_target)


def write_csv(report: Report, out: TextIO) -> int:
    """The CSV (RFC 4180, a header row) to `out`; how many rows."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for series, name, day, value in csv_rows(report):
        writer.writerow((series, name, day, "" if value is None else value))
        count += 1
    return count

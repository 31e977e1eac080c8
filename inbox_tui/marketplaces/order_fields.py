"""Reading the values shops send in their order JSON: times, money, counts, text, JSON bodies.

Shops are outside input: a field may be missing, null, the wrong type or nonsense. These
readers return None (or a default) for what they cannot read, so one odd field never loses
the rest of an order; the store cleans the text that is kept.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import httpx

from inbox_tui.domain.orders import FetchedOrder
from inbox_tui.marketplaces.http import ApiError


def when(value: Any) -> datetime | None:
    """An ISO-8601 time ("2026-11-20T10:00:00Z", "…+02:00", "….123Z"); no zone means UTC."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def amount(value: Any) -> float | None:
    """A money amount sent as a number or a decimal string ("59.80")."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and abs(number) != float("inf") else None


def count(value: Any, default: int = 1) -> int:
    """A quantity: a whole number ≥ 0, else `default`."""
    if isinstance(value, bool):
        return default
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value if isinstance(value, int) and value >= 0 else default


def text(value: Any) -> str | None:
    """A string field, or None when absent, empty or not a string."""
    return value.strip() or None if isinstance(value, str) else None


def listed(value: Any) -> list[Any]:
    """A list field, or [] when it is absent or something else."""
    return value if isinstance(value, list) else []


def dig(record: Any, *keys: str | int) -> Any:
    """record[k1][k2]…, or None as soon as a step is missing or of the wrong type."""
    for key in keys:
        if isinstance(key, int):
            if not isinstance(record, list) or not -len(record) <= key < len(record):
                return None
        elif not isinstance(record, dict):
            return None
        record = record[key] if isinstance(key, int) else record.get(key)
    return record


def status_label(value: Any) -> str | None:
    """A shop's status code as words: "PARTIALLY_SHIPPED", "PartiallyShipped" → "partially
    shipped"."""
    raw = text(value)
    if raw is None:
        return None
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", raw).replace("_", " ").lower()


def newest_first(orders: list[FetchedOrder]) -> list[FetchedOrder]:
    """Orders by the time they were placed, newest first; those without a time last."""
    return sorted(
        orders, key=lambda o: o.placed_at.timestamp() if o.placed_at else 0.0, reverse=True
    )


def json_body(response: httpx.Response, service: str, what: str) -> Any:
    """The decoded body of a response the caller had to look at itself (headers, 404s)."""
    try:
        return response.json()
    except ValueError:
        raise ApiError(
            f"{service}: {what} answered with malformed JSON; nothing was stored from it,"
            " try again later",
            status=response.status_code,
        ) from None

"""The replies `templates check` fills every template in for: one with nothing known, one with
everyday values, one with the longest values a ticket is likely to bring (docs/templates.md)."""

from __future__ import annotations

from datetime import date
from typing import Any

LONG_TEXT = 1_000  # a subject, a signature, a tracking link
LONG_NAME = 200  # a name, an order number, a carrier, an item's title
LONG_ITEMS = 100  # items in one order


def _long(length: int, word: str = "Lorem ipsum ") -> str:
    return (word * (length // len(word) + 1))[:length]


TYPICAL: dict[str, Any] = {
    "customer": {"name": "Ayşe Yılmaz", "first_name": "Ayşe", "email": "ayse@example.com"},
    "ticket": {"subject": "Where is my order?", "channel": "email", "id": 42},
    "order": {
        "number": "1042",
        "date": date(2026, 11, 2),
        "items": [
            {"title": "Peshtemal towel", "quantity": 2, "sku": "PT-1", "price": 19.9},
            {"title": "Olive oil soap", "quantity": 1, "sku": "OS-3", "price": 6.5},
        ],
        "total": "46.30",
        "currency": "EUR",
        "tracking_number": "00340434161234567890",
        "tracking": "00340434161234567890",
        "tracking_url": "https://track.example/00340434161234567890",
        "carrier": "DHL",
    },
    "seller": {"name": "Anatolia Textiles", "signature": "--\nAnatolia Textiles"},
    "today": date(2026, 11, 20),
}

LONGEST: dict[str, Any] = {
    "customer": {
        "name": _long(LONG_NAME),
        "first_name": _long(LONG_NAME, "Name"),
        "email": _long(64, "a") + "@" + _long(185, "example.") + ".com",
    },
    "ticket": {"subject": _long(LONG_TEXT), "channel": "email", "id": 10**9},
    "order": {
        "number": _long(LONG_NAME, "9"),
        "date": date(2026, 12, 31),
        "items": [
            {"title": _long(LONG_NAME), "quantity": 999, "sku": _long(50, "S"), "price": 99999.99}
            for _ in range(LONG_ITEMS)
        ],
        "total": "9999999.99",
        "currency": "EUR",
        "tracking_number": _long(LONG_NAME, "1"),
        "tracking": _long(LONG_NAME, "1"),
        "tracking_url": "https://track.example/" + _long(LONG_TEXT - 22, "x"),
        "carrier": _long(LONG_NAME),
    },
    "seller": {"name": _long(LONG_NAME), "signature": _long(LONG_TEXT, "Signature\n")},
    "today": date(2026, 12, 31),
}

# (what the check says when a template fails with these, the context)
SAMPLES: tuple[tuple[str, dict[str, Any]], ...] = (
    ("with nothing known", {}),
    ("with everyday values", TYPICAL),
    ("with the longest values", LONGEST),
)

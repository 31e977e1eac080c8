"""An order as a shop or marketplace reports it (with its lines), and what a ticket's
customer can be looked up by. The store caches the orders (store/orders.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class OrderLine:
    title: str
    sku: str = ""
    quantity: int = 1
    price: float | None = None  # unit price in the order's currency


@dataclass(frozen=True, slots=True)
class FetchedOrder:
    """One order as a provider reports it, before it is stored (store/orders.upsert_order)."""

    provider: str  # amazon | ebay | shopify | woocommerce
    order_number: str
    placed_at: datetime | None = None
    status: str | None = None
    total: float | None = None
    currency: str | None = None
    items: tuple[OrderLine, ...] = ()
    carrier: str | None = None
    tracking_number: str | None = None
    tracking_url: str | None = None
    shipped_at: datetime | None = None
    buyer_email: str | None = None
    buyer_name: str | None = None
    buyer_username: str | None = None  # eBay's buyer user name
    data: dict[str, Any] = field(default_factory=dict)  # the provider's record as received


@dataclass(frozen=True, slots=True)
class OrderQuery:
    """What is known about the customer of a ticket: providers use what they can."""

    email: str | None = None  # Shopify, WooCommerce
    order_numbers: tuple[str, ...] = ()  # Amazon (from the relay mail's subject), eBay
    username: str | None = None  # eBay buyer

"""WooCommerce orders through the REST API v3, found by the customer's e-mail address.

A registered customer's orders are listed by customer id (`/customers?email=` first); guest
orders carry no customer id, so `/orders?search=<email>` finds them, and only those whose
billing address is exactly that e-mail are kept (search also matches names and items). Lists
are paged: `X-WP-TotalPages` says how many pages there are.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import httpx

from inbox_tui.domain.orders import FetchedOrder, OrderLine, OrderQuery
from inbox_tui.marketplaces.http import ApiClient, ApiError, BasicAuth
from inbox_tui.marketplaces.order_fields import (
    amount,
    count,
    dig,
    json_body,
    listed,
    newest_first,
    status_label,
    text,
    when,
)
from inbox_tui.secrets import section_secret

if TYPE_CHECKING:
    from inbox_tui.config import WooCommerceOrdersConfig

API = "/wp-json/wc/v3"
PER_PAGE = 100  # WooCommerce's maximum
MAX_PAGES = 10
DEFAULT_RATE = 5.0  # requests/s: WooCommerce documents none; be kind to a shared host
TRACKING_KEY = "_wc_shipment_tracking_items"  # Shipment Tracking and Advanced Shipment Tracking


class WooCommerceOrders:
    """An OrderProvider for one WooCommerce shop."""

    kind = "woocommerce"

    def __init__(
        self,
        config: WooCommerceOrdersConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.name = config.name
        secret = section_secret(config, "consumer_secret", "consumer secret")
        self.service = f"WooCommerce ({config.name})"
        self.client = ApiClient(
            self.service,
            config.base_url,
            auth=BasicAuth(config.consumer_key, secret),
            max_per_second=config.max_per_second or DEFAULT_RATE,
            transport=transport,
            sleep=sleep,
        )

    def orders_for(self, query: OrderQuery) -> list[FetchedOrder]:
        """The customer's orders, registered and guest, newest first."""
        if not query.email:
            return []
        email = query.email.strip().lower()
        records: dict[Any, dict[str, Any]] = {}
        for customer in self._pages(f"{API}/customers", {"email": email}):
            customer_id = dig(customer, "id")
            if _whole(customer_id):
                for record in self._pages(f"{API}/orders", {"customer": customer_id}):
                    records.setdefault(dig(record, "id"), record)
        for record in self._pages(f"{API}/orders", {"search": email}):
            billing = text(dig(record, "billing", "email")) or ""
            if billing.lower() == email:
                records.setdefault(dig(record, "id"), record)
        orders = [order for record in records.values() if (order := _order(record)) is not None]
        return newest_first(orders)

    def _pages(self, path: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """Every record of a paged list, page after page as X-WP-TotalPages says."""
        page = 1
        while page <= MAX_PAGES:
            response = self.client.request(
                "GET", path, params={**params, "per_page": PER_PAGE, "page": page}
            )
            records = json_body(response, self.service, f"GET {path}")
            if not isinstance(records, list):
                raise ApiError(f"{self.service}: GET {path} answered with something not a list")
            yield from (record for record in records if isinstance(record, dict))
            total = response.headers.get("X-WP-TotalPages", "1")
            if not records or not total.isdigit() or page >= int(total):
                return
            page += 1

    def close(self) -> None:
        self.client.close()


def _order(record: dict[str, Any]) -> FetchedOrder | None:
    record_id = dig(record, "id")
    number = text(dig(record, "number")) or (str(record_id) if _whole(record_id) else None)
    if number is None:
        return None
    tracking = _tracking(dig(record, "meta_data"))
    first, last = (
        text(dig(record, "billing", "first_name")),
        text(dig(record, "billing", "last_name")),
    )
    return FetchedOrder(
        provider="woocommerce",
        order_number=number,
        placed_at=when(dig(record, "date_created_gmt")) or when(dig(record, "date_created")),
        status=status_label(dig(record, "status")),
        total=amount(dig(record, "total")),
        currency=text(dig(record, "currency")),
        items=tuple(
            _line(item) for item in listed(dig(record, "line_items")) if text(dig(item, "name"))
        ),
        carrier=text(dig(tracking, "custom_tracking_provider"))
        or text(dig(tracking, "tracking_provider")),
        tracking_number=text(dig(tracking, "tracking_number")),
        tracking_url=text(dig(tracking, "custom_tracking_link")),
        shipped_at=_shipped(dig(tracking, "date_shipped")),
        buyer_email=text(dig(record, "billing", "email")),
        buyer_name=" ".join(part for part in (first, last) if part) or None,
        data=record,
    )


def _line(item: Any) -> OrderLine:
    return OrderLine(
        title=text(dig(item, "name")) or "",
        sku=text(dig(item, "sku")) or "",
        quantity=count(dig(item, "quantity")),
        price=amount(dig(item, "price")),
    )


def _tracking(meta: Any) -> dict[str, Any] | None:
    """The last shipment the tracking plugin recorded in the order's meta_data, if any."""
    if not isinstance(meta, list):
        return None
    for entry in meta:
        if dig(entry, "key") == TRACKING_KEY:
            items = dig(entry, "value")
            if isinstance(items, list) and items and isinstance(items[-1], dict):
                return items[-1]
    return None


def _shipped(value: Any) -> datetime | None:
    """The plugin stores the ship date as a Unix timestamp (a number or a digit string)."""
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if _whole(value) and 0 < value < 2**33:
        return datetime.fromtimestamp(value, UTC)
    return when(value)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)

"""Shopify orders through the Admin GraphQL API, found by the customer's e-mail address.

One query (`orders(query: "email:…")`) brings the order with its lines, total and the
fulfilments' tracking. Shopify limits by query cost, not request count: a throttled answer is
HTTP 200 with a `THROTTLED` error and the bucket's state, so we wait until the bucket holds
the query's cost and ask again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx

from inbox_tui.domain.orders import FetchedOrder, OrderLine, OrderQuery
from inbox_tui.marketplaces.http import ApiClient, ApiError, StaticAuth
from inbox_tui.marketplaces.order_fields import (
    amount,
    count,
    dig,
    listed,
    status_label,
    text,
    when,
)
from inbox_tui.sanitize import clean_line
from inbox_tui.secrets import section_secret

if TYPE_CHECKING:
    from inbox_tui.config import ShopifyOrdersConfig

PAGE_SIZE = 50
MAX_PAGES = 4  # the 200 newest orders of one customer are plenty of context
THROTTLE_TRIES = 5
THROTTLE_WAIT_MAX = 30.0
DEFAULT_RATE = 2.0  # requests/s: the standard bucket restores 100 points/s, a query costs ~50

ORDERS_QUERY = """
query CustomerOrders($query: String!, $first: Int!, $after: String) {
  orders(first: $first, after: $after, query: $query, sortKey: CREATED_AT, reverse: true) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id name createdAt email displayFinancialStatus displayFulfillmentStatus
      customer { displayName email }
      totalPriceSet { shopMoney { amount currencyCode } }
      lineItems(first: 50) {
        nodes { title sku quantity originalUnitPriceSet { shopMoney { amount currencyCode } } }
      }
      fulfillments(first: 10) { createdAt trackingInfo(first: 5) { number url company } }
    }
  }
}
"""


class ShopifyOrders:
    """An OrderProvider for one Shopify store."""

    kind = "shopify"

    def __init__(
        self,
        config: ShopifyOrdersConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.name = config.name
        token = section_secret(config, "access_token", "access token")
        self.service = f"Shopify ({config.name})"
        self._sleep = sleep
        self._path = f"/admin/api/{config.api_version}/graphql.json"
        self.client = ApiClient(
            self.service,
            config.base_url,
            auth=StaticAuth({"X-Shopify-Access-Token": token}),
            max_per_second=config.max_per_second or DEFAULT_RATE,
            transport=transport,
            sleep=sleep,
        )

    def orders_for(self, query: OrderQuery) -> list[FetchedOrder]:
        """The orders placed with the customer's e-mail address, newest first."""
        if not query.email:
            return []
        search = 'email:"' + query.email.replace("\\", "\\\\").replace('"', '\\"') + '"'
        orders: list[FetchedOrder] = []
        after = None
        for _ in range(MAX_PAGES):
            page = self._query({"query": search, "first": PAGE_SIZE, "after": after})
            nodes = dig(page, "nodes")
            if not isinstance(nodes, list):
                raise ApiError(f"{self.service}: the orders query answered without orders")
            orders += [order for node in nodes if (order := _order(node)) is not None]
            after = dig(page, "pageInfo", "endCursor")
            if dig(page, "pageInfo", "hasNextPage") is not True or not after:
                break
        return orders

    def _query(self, variables: dict[str, Any]) -> Any:
        """The `orders` connection of one page; waits out the cost throttle."""
        for _ in range(THROTTLE_TRIES):
            body = self.client.post_json(
                self._path,
                {"query": ORDERS_QUERY, "variables": variables},
                expect=(200,),
                idempotent=True,  # a query only reads: safe to repeat after a 5xx
            )
            errors = dig(body, "errors")
            if not errors:
                return dig(body, "data", "orders")
            if not _throttled(errors):
                raise ApiError(f"{self.service}: the orders query failed: {_first_error(errors)}")
            self._sleep(_throttle_wait(body))
        raise ApiError(
            f"{self.service}: still throttled after {THROTTLE_TRIES} tries (query cost);"
            " try again in a minute"
        )

    def close(self) -> None:
        self.client.close()


def _throttled(errors: Any) -> bool:
    return isinstance(errors, list) and any(
        dig(error, "extensions", "code") == "THROTTLED" for error in errors
    )


def _throttle_wait(body: Any) -> float:
    """Seconds until the bucket holds the query's cost again (from `extensions.cost`)."""
    cost = dig(body, "extensions", "cost") or {}
    wanted = amount(dig(cost, "requestedQueryCost")) or 50.0
    available = amount(dig(cost, "throttleStatus", "currentlyAvailable")) or 0.0
    rate = amount(dig(cost, "throttleStatus", "restoreRate")) or 50.0
    return min(THROTTLE_WAIT_MAX, max(0.1, (wanted - available) / max(rate, 1.0)))


def _first_error(errors: Any) -> str:
    message = dig(errors, 0, "message") if isinstance(errors, list) else errors
    reason = clean_line(str(message or errors))
    return reason if len(reason) <= 200 else reason[:199] + "…"


def _order(node: Any) -> FetchedOrder | None:
    name = text(dig(node, "name"))
    if name is None:
        return None
    tracking = _last_tracking(dig(node, "fulfillments"))
    status = dig(node, "displayFulfillmentStatus") or dig(node, "displayFinancialStatus")
    return FetchedOrder(
        provider="shopify",
        order_number=name,
        placed_at=when(dig(node, "createdAt")),
        status=status_label(status),
        total=amount(dig(node, "totalPriceSet", "shopMoney", "amount")),
        currency=text(dig(node, "totalPriceSet", "shopMoney", "currencyCode")),
        items=tuple(
            _line(item) for item in listed(dig(node, "lineItems", "nodes")) if _title(item)
        ),
        carrier=text(dig(tracking, "company")),
        tracking_number=text(dig(tracking, "number")),
        tracking_url=text(dig(tracking, "url")),
        shipped_at=when(dig(tracking, "shipped_at")),
        buyer_email=text(dig(node, "email")) or text(dig(node, "customer", "email")),
        buyer_name=text(dig(node, "customer", "displayName")),
        data=node,
    )


def _title(item: Any) -> str | None:
    return text(dig(item, "title"))


def _line(item: Any) -> OrderLine:
    return OrderLine(
        title=_title(item) or "",
        sku=text(dig(item, "sku")) or "",
        quantity=count(dig(item, "quantity")),
        price=amount(dig(item, "originalUnitPriceSet", "shopMoney", "amount")),
    )


def _last_tracking(fulfillments: Any) -> dict[str, Any] | None:
    """The newest fulfilment's last tracking number, with the fulfilment's time."""
    if not isinstance(fulfillments, list):
        return None
    for fulfillment in reversed(fulfillments):
        infos = dig(fulfillment, "trackingInfo")
        if isinstance(infos, list) and infos and isinstance(infos[-1], dict):
            return {**infos[-1], "shipped_at": dig(fulfillment, "createdAt")}
    return None

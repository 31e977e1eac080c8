"""A loopback Shopify Admin GraphQL endpoint: `orders(first:, after:, query: "email:…")`.

It does not parse GraphQL: it answers the orders query the provider sends (operation with
`orders(` and the variables `query`, `first`, `after`), enforces the access token header, the
versioned path and `first` ≤ 250, and reports the cost-based throttle the way Shopify does (HTTP
200 with a `THROTTLED` error and `extensions.cost.throttleStatus`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tests.servers.order_server import Reply, Request, ShopServer, json_response

VERSIONED = re.compile(r"/admin/api/(\d{4}-(?:01|04|07|10))/graphql\.json")
QUERY_COST = 52  # what Shopify would charge the provider's query (roughly)


@dataclass
class ShopifyLine:
    title: str
    sku: str
    quantity: int
    unit_price: str


@dataclass
class ShopifyOrder:
    name: str  # "#1001"
    email: str
    created_at: str
    customer_name: str = ""
    currency: str = "EUR"
    financial_status: str = "PAID"
    fulfillment_status: str = "FULFILLED"
    lines: list[ShopifyLine] = field(default_factory=list)
    tracking: list[tuple[str, str | None, str | None]] = field(
        default_factory=list
    )  # (number, url, company) per fulfilment's tracking info
    shipped_at: str | None = None

    def total(self) -> str:
        return f"{sum(float(line.unit_price) * line.quantity for line in self.lines):.2f}"


def _money(amount: str, currency: str) -> dict[str, Any]:
    return {"shopMoney": {"amount": amount, "currencyCode": currency}}


class ShopifyServer(ShopServer):
    def __init__(self, *, token: str = "shpat_test", version: str = "2025-10") -> None:
        super().__init__()
        self.token = token
        self.version = version
        self.orders: list[ShopifyOrder] = []
        self.throttled = 0  # this many next queries are refused by the cost throttle
        self.graphql_errors: list[dict[str, Any]] = []  # the next query answers these errors

    def add(self, order: ShopifyOrder) -> ShopifyOrder:
        self.orders.append(order)
        return order

    def route(self, request: Request) -> Reply:
        match = VERSIONED.fullmatch(request.path)
        if request.method != "POST" or match is None:
            return json_response(404, {"errors": "Not Found"})
        if match.group(1) != self.version:
            return json_response(404, {"errors": "Not Found"})
        if request.headers.get("x-shopify-access-token") != self.token:
            return json_response(
                401,
                {
                    "errors": "[API] Invalid API key or access token (unrecognized login or"
                    " wrong password)"
                },
            )
        try:
            body = request.json()
        except ValueError:
            return json_response(
                400, {"errors": {"query": "Required parameter missing or invalid"}}
            )
        query = body.get("query") if isinstance(body, dict) else None
        if not isinstance(query, str) or "orders(" not in query:
            return json_response(
                400, {"errors": {"query": "Required parameter missing or invalid"}}
            )
        return self._orders(body.get("variables") or {})

    def _cost(self, available: float) -> dict[str, Any]:
        return {
            "cost": {
                "requestedQueryCost": QUERY_COST,
                "actualQueryCost": None if available < QUERY_COST else QUERY_COST,
                "throttleStatus": {
                    "maximumAvailable": 2000.0,
                    "currentlyAvailable": available,
                    "restoreRate": 100.0,
                },
            }
        }

    def _orders(self, variables: dict[str, Any]) -> Reply:
        with self.lock:
            if self.throttled:
                self.throttled -= 1
                return json_response(
                    200,
                    {
                        "errors": [
                            {
                                "message": "Throttled",
                                "extensions": {
                                    "code": "THROTTLED",
                                    "documentation": "https://shopify.dev/api/usage/rate-limits",
                                },
                            }
                        ],
                        "extensions": self._cost(available=2.0),
                    },
                )
            if self.graphql_errors:
                errors, self.graphql_errors = self.graphql_errors, []
                return json_response(200, {"data": None, "errors": errors})
        first = variables.get("first")
        if not isinstance(first, int) or not 1 <= first <= 250:
            return json_response(
                200,
                {"errors": [{"message": "The first argument must be between 1 and 250."}]},
            )
        wanted = str(variables.get("query") or "")
        email = wanted.removeprefix("email:").strip().strip('"').lower()
        found = sorted(
            (o for o in self.orders if o.email.lower() == email),
            key=lambda o: o.created_at,
            reverse=True,
        )
        start = int(variables.get("after") or 0)
        page = found[start : start + first]
        more = start + first < len(found)
        data = {
            "orders": {
                "pageInfo": {
                    "hasNextPage": more,
                    "endCursor": str(start + first) if more else None,
                },
                "nodes": [self._node(o, start + i) for i, o in enumerate(page)],
            }
        }
        return json_response(200, {"data": data, "extensions": self._cost(available=1948.0)})

    def _node(self, order: ShopifyOrder, index: int) -> dict[str, Any]:
        return {
            "id": f"gid://shopify/Order/{5000 + index}",
            "name": order.name,
            "createdAt": order.created_at,
            "email": order.email,
            "displayFinancialStatus": order.financial_status,
            "displayFulfillmentStatus": order.fulfillment_status,
            "customer": {"displayName": order.customer_name, "email": order.email},
            "totalPriceSet": _money(order.total(), order.currency),
            "lineItems": {
                "nodes": [
                    {
                        "title": line.title,
                        "sku": line.sku,
                        "quantity": line.quantity,
                        "originalUnitPriceSet": _money(line.unit_price, order.currency),
                    }
                    for line in order.lines
                ]
            },
            "fulfillments": [
                {
                    "createdAt": order.shipped_at,
                    "trackingInfo": [
                        {"number": number, "url": url, "company": company}
                        for number, url, company in order.tracking
                    ],
                }
            ]
            if order.tracking
            else [],
        }

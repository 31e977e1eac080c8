"""A loopback WooCommerce REST API v3: customers by e-mail, orders by customer or search, paged.

HTTP Basic with the consumer key and secret; `per_page` ≤ 100; `X-WP-Total` and
`X-WP-TotalPages` on every list; WooCommerce's error body (`code`, `message`, `data.status`).
Tracking sits in the order's meta_data under `_wc_shipment_tracking_items`, as the Shipment
Tracking plugin stores it.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass, field
from typing import Any

from tests.servers.order_server import Reply, Request, ShopServer, json_response

PREFIX = "/wp-json/wc/v3"


@dataclass
class WooLine:
    name: str
    sku: str
    quantity: int
    price: float


@dataclass
class WooOrder:
    id: int
    email: str
    created_gmt: str  # "2026-11-20T10:00:00" (WooCommerce's *_gmt fields carry no zone)
    customer_id: int = 0  # 0: a guest order
    first_name: str = ""
    last_name: str = ""
    status: str = "completed"
    currency: str = "EUR"
    lines: list[WooLine] = field(default_factory=list)
    tracking: list[dict[str, Any]] = field(default_factory=list)  # Shipment Tracking items

    @property
    def number(self) -> str:
        return str(self.id)


def _error(status: int, code: str, message: str) -> Reply:
    return json_response(status, {"code": code, "message": message, "data": {"status": status}})


class WooCommerceServer(ShopServer):
    def __init__(self, *, key: str = "ck_test", secret: str = "cs_test") -> None:
        super().__init__()
        self.credentials = f"{key}:{secret}"
        self.customers: list[dict[str, Any]] = []
        self.orders: list[WooOrder] = []

    def add_customer(self, customer_id: int, email: str, first: str = "", last: str = "") -> None:
        self.customers.append(
            {
                "id": customer_id,
                "email": email,
                "first_name": first,
                "last_name": last,
                "username": email.split("@")[0],
                "role": "customer",
            }
        )

    def add(self, order: WooOrder) -> WooOrder:
        self.orders.append(order)
        return order

    def route(self, request: Request) -> Reply:
        if not self._authorised(request):
            return _error(401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")
        if request.method != "GET":
            return _error(
                404, "rest_no_route", "No route was found matching the URL and request method."
            )
        per_page = request.arg("per_page") or "10"
        page = request.arg("page") or "1"
        if not per_page.isdigit() or not 1 <= int(per_page) <= 100:
            return _error(400, "rest_invalid_param", "Invalid parameter(s): per_page")
        if not page.isdigit() or int(page) < 1:
            return _error(400, "rest_invalid_param", "Invalid parameter(s): page")
        if request.path == f"{PREFIX}/customers":
            email = (request.arg("email") or "").lower()
            found = [c for c in self.customers if not email or c["email"].lower() == email]
            return self._page(found, int(page), int(per_page))
        if request.path == f"{PREFIX}/orders":
            return self._page(
                [self._record(o) for o in self._orders(request)], int(page), int(per_page)
            )
        return _error(
            404, "rest_no_route", "No route was found matching the URL and request method."
        )

    def _authorised(self, request: Request) -> bool:
        header = request.headers.get("authorization", "")
        if not header.startswith("Basic "):
            return False
        try:
            return base64.b64decode(header[6:]).decode() == self.credentials
        except ValueError:
            return False

    def _orders(self, request: Request) -> list[WooOrder]:
        found = self.orders
        customer = request.arg("customer")
        if customer is not None:
            found = [o for o in found if str(o.customer_id) == customer]
        search = (request.arg("search") or "").lower()
        if search:  # WooCommerce searches addresses, names and items: a loose match
            found = [
                o
                for o in found
                if search in o.email.lower()
                or search in f"{o.first_name} {o.last_name}".lower()
                or any(search in line.name.lower() for line in o.lines)
            ]
        return sorted(found, key=lambda o: o.created_gmt, reverse=True)

    def _page(self, records: list[dict[str, Any]], page: int, per_page: int) -> Reply:
        pages = max(1, math.ceil(len(records) / per_page))
        chunk = records[(page - 1) * per_page : page * per_page]
        return json_response(
            200, chunk, {"X-WP-Total": str(len(records)), "X-WP-TotalPages": str(pages)}
        )

    def _record(self, order: WooOrder) -> dict[str, Any]:
        total = sum(line.price * line.quantity for line in order.lines)
        meta = [{"id": 900 + order.id, "key": "_order_source", "value": "web"}]
        if order.tracking:
            meta.append(
                {
                    "id": 901 + order.id,
                    "key": "_wc_shipment_tracking_items",
                    "value": order.tracking,
                }
            )
        return {
            "id": order.id,
            "number": order.number,
            "status": order.status,
            "currency": order.currency,
            "date_created": order.created_gmt,
            "date_created_gmt": order.created_gmt,
            "total": f"{total:.2f}",
            "customer_id": order.customer_id,
            "billing": {
                "first_name": order.first_name,
                "last_name": order.last_name,
                "email": order.email,
            },
            "line_items": [
                {
                    "id": 100 * order.id + index,
                    "name": line.name,
                    "sku": line.sku,
                    "quantity": line.quantity,
                    "price": line.price,
                    "total": f"{line.price * line.quantity:.2f}",
                }
                for index, line in enumerate(order.lines)
            ],
            "meta_data": meta,
        }

"""A loopback Amazon: Login with Amazon token refresh and the SP-API Orders API (2026-01-01 and v0).

Shapes follow amzn/selling-partner-api-models (orders_2026-01-01.json, ordersV0.json): the new
version answers `{"order": {...}}` with items, packages (tracking) and proceeds in one call; v0
answers `{"payload": {...}}` and needs `/orderItems` for the lines. An expired or missing access
token gets SP-API's 403 `Unauthorized`; a revoked refresh token LWA's 400 `invalid_grant`.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from tests.servers.order_server import Reply, Request, ShopServer, json_response

ORDER_ID = re.compile(r"\d{3}-\d{7}-\d{7}")
V2026 = "/orders/2026-01-01/orders/"
V0 = "/orders/v0/orders/"
TOKEN_PATH = "/auth/o2/token"


@dataclass
class AmazonItem:
    title: str
    sku: str
    quantity: int
    unit_price: str  # SP-API money amounts are decimal strings


@dataclass
class AmazonOrder:
    order_id: str
    created: str  # ISO-8601
    status: str = "SHIPPED"  # 2026-01-01 fulfillmentStatus; v0 maps it to "Shipped"
    currency: str = "EUR"
    buyer_email: str = ""
    buyer_name: str = ""
    items: list[AmazonItem] = field(default_factory=list)
    carrier: str | None = None
    tracking_number: str | None = None
    ship_time: str | None = None

    def total(self) -> str:
        return f"{sum(float(i.unit_price) * i.quantity for i in self.items):.2f}"


def _errors(status: int, code: str, message: str, details: str = "") -> Reply:
    return json_response(
        status, {"errors": [{"code": code, "message": message, "details": details}]}
    )


class AmazonServer(ShopServer):
    """State: orders by id, the LWA app's credentials, refresh tokens, issued access tokens."""

    def __init__(
        self,
        *,
        client_id: str = "amzn1.application-oa2-client.test",
        client_secret: str = "lwa-secret",
        refresh_token: str = "Atzr|refresh",
    ) -> None:
        super().__init__()
        self.orders: dict[str, AmazonOrder] = {}
        self.client_id = client_id
        self.client_secret = client_secret
        self.refresh_tokens = {refresh_token}
        self.access_tokens: set[str] = set()  # valid now
        self.v2026 = True  # False: this endpoint does not serve the 2026-01-01 version yet
        self.items_page = 100  # v0 orderItems per page (NextToken beyond)
        self._serial = itertools.count(1)

    def add(self, order: AmazonOrder) -> AmazonOrder:
        self.orders[order.order_id] = order
        return order

    def expire_tokens(self) -> None:
        """Every access token handed out so far expires now."""
        with self.lock:
            self.access_tokens.clear()

    def revoke(self) -> None:
        """The seller revoked the app: the refresh token no longer works."""
        with self.lock:
            self.refresh_tokens.clear()
            self.access_tokens.clear()

    @property
    def token_url(self) -> str:
        return self.url + TOKEN_PATH

    # --- routing ------------------------------------------------------------------------------

    def route(self, request: Request) -> Reply:
        if request.path == TOKEN_PATH and request.method == "POST":
            return self._token(request)
        if request.method != "GET":
            return _errors(405, "MethodNotAllowed", f"{request.method} is not supported here")
        denied = self._check_token(request)
        if denied is not None:
            return denied
        if request.path.startswith(V2026):
            if not self.v2026:  # the gateway knows no such resource: not an SP-API error body
                return json_response(404, {"message": "Not Found"})
            return self._order_2026(request.path.removeprefix(V2026))
        if request.path.startswith(V0):
            rest = request.path.removeprefix(V0)
            if rest.endswith("/orderItems"):
                return self._items_v0(rest.removesuffix("/orderItems"), request)
            return self._order_v0(rest)
        return json_response(404, {"message": "Not Found"})

    def _token(self, request: Request) -> Reply:
        form = request.form()
        if form.get("grant_type") != "refresh_token":
            return json_response(
                400,
                {"error": "unsupported_grant_type", "error_description": "Invalid grant_type"},
            )
        if (form.get("client_id"), form.get("client_secret")) != (
            self.client_id,
            self.client_secret,
        ):
            return json_response(
                401,
                {"error": "invalid_client", "error_description": "Client authentication failed"},
            )
        if form.get("refresh_token") not in self.refresh_tokens:
            return json_response(
                400,
                {
                    "error": "invalid_grant",
                    "error_description": "The request has an invalid grant parameter : refresh_token",
                },
            )
        token = f"Atza|access-{next(self._serial)}"
        with self.lock:
            self.access_tokens.add(token)
        return json_response(
            200,
            {
                "access_token": token,
                "refresh_token": form["refresh_token"],
                "token_type": "bearer",
                "expires_in": 3600,
            },
        )

    def _check_token(self, request: Request) -> Reply | None:
        token = request.headers.get("x-amz-access-token")
        if not token:
            return _errors(403, "Unauthorized", "Access to requested resource is denied.")
        with self.lock:
            valid = token in self.access_tokens
        if not valid:
            return _errors(
                403,
                "Unauthorized",
                "Access to requested resource is denied.",
                "The access token you provided has expired.",
            )
        return None

    def _find(self, order_id: str) -> AmazonOrder | Reply:
        if not ORDER_ID.fullmatch(order_id):
            return _errors(400, "InvalidInput", f"Invalid orderId: {order_id}")
        order = self.orders.get(order_id)
        if order is None:
            return _errors(404, "NotFound", "The requested order was not found.")
        return order

    # --- 2026-01-01 -----------------------------------------------------------------------------

    def _order_2026(self, order_id: str) -> Reply:
        order = self._find(order_id)
        if isinstance(order, Reply):
            return order
        record: dict[str, Any] = {
            "orderId": order.order_id,
            "createdTime": order.created,
            "lastUpdatedTime": order.ship_time or order.created,
            "salesChannel": {"marketplaceId": "A1PA6795UKMFR9", "marketplaceName": "Amazon.de"},
            "buyer": {"buyerEmail": order.buyer_email, "buyerName": order.buyer_name},
            "fulfillment": {"fulfillmentStatus": order.status, "fulfilledBy": "MERCHANT"},
            "orderItems": [
                {
                    "orderItemId": f"{index:014d}",
                    "quantityOrdered": item.quantity,
                    "product": {
                        "asin": f"B0{index:08d}",
                        "sellerSku": item.sku,
                        "title": item.title,
                        "price": {
                            "unitPrice": {"amount": item.unit_price, "currencyCode": order.currency}
                        },
                    },
                }
                for index, item in enumerate(order.items, 1)
            ],
            "proceeds": {"grandTotal": {"amount": order.total(), "currencyCode": order.currency}},
        }
        if order.tracking_number:
            record["packages"] = [
                {
                    "packageReferenceId": "1",
                    "carrier": order.carrier,
                    "trackingNumber": order.tracking_number,
                    "shipTime": order.ship_time,
                    "packageStatus": {"status": "IN_TRANSIT"},
                }
            ]
        return json_response(200, {"order": record})

    # --- v0 -------------------------------------------------------------------------------------

    def _order_v0(self, order_id: str) -> Reply:
        order = self._find(order_id)
        if isinstance(order, Reply):
            return order
        payload = {
            "AmazonOrderId": order.order_id,
            "PurchaseDate": order.created,
            "LastUpdateDate": order.ship_time or order.created,
            "OrderStatus": order.status.title().replace("_", ""),
            "FulfillmentChannel": "MFN",
            "OrderTotal": {"CurrencyCode": order.currency, "Amount": order.total()},
            "MarketplaceId": "A1PA6795UKMFR9",
            "BuyerInfo": {"BuyerEmail": order.buyer_email, "BuyerName": order.buyer_name},
        }
        return json_response(200, {"payload": payload})

    def _items_v0(self, order_id: str, request: Request) -> Reply:
        order = self._find(order_id)
        if isinstance(order, Reply):
            return order
        start = int(request.arg("NextToken") or 0)
        page = order.items[start : start + self.items_page]
        payload: dict[str, Any] = {
            "AmazonOrderId": order.order_id,
            "OrderItems": [
                {
                    "ASIN": f"B0{start + index:08d}",
                    "SellerSKU": item.sku,
                    "OrderItemId": f"{start + index:014d}",
                    "Title": item.title,
                    "QuantityOrdered": item.quantity,
                    "ItemPrice": {
                        "CurrencyCode": order.currency,
                        "Amount": f"{float(item.unit_price) * item.quantity:.2f}",
                    },
                }
                for index, item in enumerate(page, 1)
            ],
        }
        if start + self.items_page < len(order.items):
            payload["NextToken"] = str(start + self.items_page)
        return json_response(200, {"payload": payload})

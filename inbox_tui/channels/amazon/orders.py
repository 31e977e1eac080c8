"""Amazon orders through the Selling Partner API, found by the order number in the buyer's mail.

Amazon has no API for buyer messages (they come by mail through the relay); what the SP-API
adds is the order: `GET /orders/2026-01-01/orders/{orderId}` brings lines, proceeds and the
packages' tracking in one call. Where an endpoint does not serve that version yet (a 404 for
the path, without SP-API's `errors` body), v0 `getOrder` + `getOrderItems` answer instead.
The access token comes from Login with Amazon and goes in `x-amz-access-token`; an expired one
is answered with 403 `Unauthorized`, so it is renewed once here and the call repeated.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx

from inbox_tui.domain.orders import FetchedOrder, OrderLine, OrderQuery
from inbox_tui.marketplaces.http import ApiClient, ApiError, Auth, OAuthRefresh, StaticAuth
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
from inbox_tui.sanitize import clean_line
from inbox_tui.secrets import read_secret, section_secret

if TYPE_CHECKING:
    from inbox_tui.config import AmazonOrdersConfig

ORDER_ID = re.compile(r"\d{3}-\d{7}-\d{7}")  # Amazon's 3-7-7 order number: safe in a path
V2026 = "/orders/2026-01-01/orders"
V0 = "/orders/v0/orders"
INCLUDED = "BUYER,FULFILLMENT,PACKAGES,PROCEEDS"
DEFAULT_RATE = 0.5  # requests/s: getOrder's documented rate (burst 30)
MAX_ITEM_PAGES = 10


class AmazonOrders:
    """An OrderProvider for one SP-API seller account."""

    kind = "amazon"

    def __init__(
        self,
        config: AmazonOrdersConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.name = config.name
        self.service = f"Amazon SP-API ({config.name})"
        self.auth = _auth(config, self.service, transport, sleep)
        self.client = ApiClient(
            self.service,
            config.endpoint,
            auth=self.auth,
            max_per_second=config.max_per_second or DEFAULT_RATE,
            transport=transport,
            sleep=sleep,
        )
        self.v0_only = False  # set once the endpoint shows it has no 2026-01-01 version

    def orders_for(self, query: OrderQuery) -> list[FetchedOrder]:
        """The orders named by number (Amazon cannot search by the buyer's relay address)."""
        numbers = [n for n in dict.fromkeys(query.order_numbers) if ORDER_ID.fullmatch(n)]
        found = [self._order(number) for number in numbers]
        return newest_first([order for order in found if order is not None])

    def _order(self, number: str) -> FetchedOrder | None:
        if not self.v0_only:
            response = self._get(f"{V2026}/{number}", {"includedData": INCLUDED})
            body = json_body(response, self.service, f"GET {V2026}/…")
            if response.status_code == 200:
                return _order_2026(self._record(body, "order"), number)
            if isinstance(dig(body, "errors"), list):  # SP-API's own 404: no such order
                return None
            self.v0_only = True  # the gateway knows no such path: this endpoint is v0 only
        response = self._get(f"{V0}/{number}")
        body = json_body(response, self.service, f"GET {V0}/…")
        if response.status_code == 404:
            return None
        return _order_v0(self._record(body, "payload"), self._items_v0(number), number)

    def _record(self, body: Any, key: str) -> dict[str, Any]:
        record = dig(body, key)
        if not isinstance(record, dict):
            raise ApiError(f"{self.service}: the order answer has no {key!r}; nothing was stored")
        return record

    def _items_v0(self, number: str) -> list[Any]:
        items: list[Any] = []
        token = None
        for _ in range(MAX_ITEM_PAGES):
            response = self._get(
                f"{V0}/{number}/orderItems", {"NextToken": token} if token else None
            )
            payload = dig(json_body(response, self.service, f"GET {V0}/…/orderItems"), "payload")
            items += listed(dig(payload, "OrderItems"))
            token = text(dig(payload, "NextToken"))
            if token is None:
                break
        return items

    def _get(self, path: str, params: dict[str, str] | None = None) -> httpx.Response:
        """GET with 200 and 404 as answers; a 403 renews the token once and asks again."""
        for renewed in (False, True):
            response = self.client.request("GET", path, params=params, expect=(200, 403, 404))
            if response.status_code != 403:
                return response
            if renewed or not self.auth.refresh():
                break
        reason = clean_line(str(dig(_json_or_none(response), "errors", 0, "details") or ""))
        raise ApiError(
            f"{self.service}: the access token was refused ({reason[:120] or 'access denied'});"
            " check that the app is authorised for the Orders role, or give a fresh token",
            status=403,
        )

    def close(self) -> None:
        self.client.close()
        if isinstance(self.auth, OAuthRefresh):
            self.auth.close()


def _auth(
    config: AmazonOrdersConfig,
    service: str,
    transport: httpx.BaseTransport | None,
    sleep: Callable[[float], None],
) -> Auth:
    if config.access_token_env is not None:
        token = read_secret(config.name, "access token", env=config.access_token_env)
        return StaticAuth({"x-amz-access-token": token})

    def secret(what: str, base: str) -> str:
        return section_secret(config, base, what)

    return OAuthRefresh(
        service,
        config.token_url,
        client_id=config.client_id or "",
        client_secret=secret("client secret", "client_secret"),
        refresh_token=secret("refresh token", "refresh_token"),
        header="x-amz-access-token",
        prefix="",
        basic_client_auth=False,
        transport=transport,
        where=f"the refresh token of orders provider {config.name!r}",
        sleep=sleep,
    )


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _order_2026(order: Any, number: str) -> FetchedOrder:
    package = _last_package(dig(order, "packages"))
    items = listed(dig(order, "orderItems"))
    total = amount(dig(order, "proceeds", "grandTotal", "amount"))
    currency = text(dig(order, "proceeds", "grandTotal", "currencyCode"))
    if total is None:  # proceeds left out: the items at their unit prices
        total = _items_total(items)
    currency = currency or text(dig(items, 0, "product", "price", "unitPrice", "currencyCode"))
    return FetchedOrder(
        provider="amazon",
        order_number=text(dig(order, "orderId")) or number,
        placed_at=when(dig(order, "createdTime")),
        status=status_label(dig(order, "fulfillment", "fulfillmentStatus")),
        total=total,
        currency=currency,
        items=tuple(
            OrderLine(
                title=text(dig(item, "product", "title")) or "",
                sku=text(dig(item, "product", "sellerSku")) or "",
                quantity=count(dig(item, "quantityOrdered")),
                price=_unit_2026(item),
            )
            for item in items
            if text(dig(item, "product", "title"))
        ),
        carrier=text(dig(package, "carrier")),
        tracking_number=text(dig(package, "trackingNumber")),
        shipped_at=when(dig(package, "shipTime")),
        buyer_email=text(dig(order, "buyer", "buyerEmail")),
        buyer_name=text(dig(order, "buyer", "buyerName")),
        data=order if isinstance(order, dict) else {},
    )


def _items_total(items: list[Any]) -> float | None:
    total = 0.0
    for item in items:
        price = _unit_2026(item)
        if price is None:
            return None
        total += price * count(dig(item, "quantityOrdered"))
    return total if items else None


def _unit_2026(item: Any) -> float | None:
    return amount(dig(item, "product", "price", "unitPrice", "amount"))


def _last_package(packages: Any) -> Any:
    if not isinstance(packages, list):
        return None
    tracked = [p for p in packages if text(dig(p, "trackingNumber"))]
    return tracked[-1] if tracked else None


def _order_v0(payload: Any, items: list[Any], number: str) -> FetchedOrder:
    lines = []
    for item in items:
        quantity = count(dig(item, "QuantityOrdered"))
        line_total = amount(dig(item, "ItemPrice", "Amount"))  # v0: unit price × quantity
        if text(dig(item, "Title")):
            lines.append(
                OrderLine(
                    title=text(dig(item, "Title")) or "",
                    sku=text(dig(item, "SellerSKU")) or "",
                    quantity=quantity,
                    price=line_total / quantity if line_total is not None and quantity else None,
                )
            )
    return FetchedOrder(
        provider="amazon",
        order_number=text(dig(payload, "AmazonOrderId")) or number,
        placed_at=when(dig(payload, "PurchaseDate")),
        status=status_label(dig(payload, "OrderStatus")),
        total=amount(dig(payload, "OrderTotal", "Amount")),
        currency=text(dig(payload, "OrderTotal", "CurrencyCode")),
        items=tuple(lines),
        buyer_email=text(dig(payload, "BuyerInfo", "BuyerEmail")),
        buyer_name=text(dig(payload, "BuyerInfo", "BuyerName")),
        data={"order": payload, "items": items} if isinstance(payload, dict) else {},
    )

"""A loopback eBay: Commerce Message API, Fulfillment API orders, Identity, and the token endpoint.

It follows the published contract (paths, query parameters, field names, paging with
total/next/prev, error bodies) and rejects what breaks it: no bearer token, a missing
`conversation_type`, `limit` above 50, `messageText` above 2,000 characters. State is in
memory; a sent message is in the next GET. Assumptions where eBay's documentation is silent:
`start_time`/`end_time` filter on a conversation's latest message, conversations are listed
newest first, and a conversation's messages oldest first.
"""

from __future__ import annotations

import base64
import itertools
import re
import threading
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from tests.servers import LoopbackServer, Reply, Request

MESSAGE_API = "/commerce/message/v1"
ORDER_API = "/sell/fulfillment/v1/order"
TOKEN_PATH = "/identity/v1/oauth2/token"
IDENTITY_PATH = "/commerce/identity/v1/user/"
MAX_TEXT = 2000


def ebay_time(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def error(
    status: int, message: str, *, error_id: int = 355001, domain: str = "API_MESSAGE"
) -> Reply:
    category = "REQUEST" if status < 500 else "APPLICATION"
    return Reply(
        status,
        {
            "errors": [
                {"errorId": error_id, "domain": domain, "category": category, "message": message}
            ]
        },
    )


class EbayServer(LoopbackServer):
    def __init__(
        self,
        seller: str = "anatolia_textiles",
        *,
        client_id: str = "app-id",
        client_secret: str = "cert-secret",
        refresh_token: str = "v^1.1#refresh",
    ) -> None:
        super().__init__()
        self.seller = seller
        self.client_id, self.client_secret, self.refresh_token = (
            client_id,
            client_secret,
            refresh_token,
        )
        self.conversations: dict[str, dict[str, Any]] = {}
        self.orders: list[dict[str, Any]] = []
        self.tokens: set[str] = set()
        self.tokens_issued = 0
        self.refresh_revoked = False
        self.send_returns_id = True  # False: send_message answers 201 without the new messageId
        self.lose_next_send_answer = False  # store the next sent message, then answer 500
        self.read_updates: list[dict[str, Any]] = []  # update_conversation bodies, in order
        # A Message API whose paging cannot be trusted, in the listing named by `lying`
        # ("conversations" or a conversation's "messages"):
        self.lying = "conversations"
        self.claimed_total: int | None = None  # `total` says this instead of the truth
        self.page_cap: int | None = None  # short pages: at most this many, whatever `limit` says
        self.ignore_offset = False  # every page is the first one: the listing repeats itself
        self._ids = itertools.count(1)
        self._clock = datetime.now(UTC) - timedelta(days=1)
        self._state = threading.RLock()

    # -- setting up state ---------------------------------------------------------------
    def issue_token(self) -> str:
        with self._state:
            self.tokens_issued += 1
            token = f"v^1.1#access-{self.tokens_issued}"
            self.tokens.add(token)
            return token

    def expire_tokens(self) -> None:
        with self._state:
            self.tokens.clear()

    def revoke_refresh_token(self) -> None:
        self.refresh_revoked = True

    def tick(self, seconds: float = 1.0) -> datetime:
        """The time of a new record: now, and always later than the one before."""
        with self._state:
            self._clock = max(datetime.now(UTC), self._clock + timedelta(seconds=seconds))
            return self._clock

    def add_conversation(
        self,
        buyer: str,
        title: str = "About your item",
        *,
        conversation_type: str = "FROM_MEMBERS",
        item_id: str | None = "315123456789",
        messages: list[str] | None = None,
    ) -> str:
        with self._state:
            conversation_id = f"{1000000 + next(self._ids)}"
            self.conversations[conversation_id] = {
                "conversationId": conversation_id,
                "conversationType": conversation_type,
                "conversationStatus": "ACTIVE",
                "conversationTitle": title,
                "createdDate": ebay_time(self.tick()),
                "referenceId": item_id,
                "referenceType": "LISTING" if item_id else None,
                "buyer": buyer,
                "messages": [],
            }
        for text in messages or []:
            self.add_message(conversation_id, buyer, text)
        return conversation_id

    def add_message(
        self,
        conversation_id: str,
        sender: str,
        text: str,
        *,
        read: bool | None = None,
        media: list[dict[str, str]] | None = None,
    ) -> str:
        with self._state:
            conversation = self.conversations[conversation_id]
            other = conversation["buyer"] if sender == self.seller else self.seller
            message_id = f"{5000000000 + next(self._ids)}"
            conversation["messages"].append(
                {
                    "messageId": message_id,
                    "messageBody": text,
                    "senderUsername": sender,
                    "recipientUsername": other,
                    "createdDate": ebay_time(self.tick()),
                    "messageMedia": media or [],
                    "readStatus": (sender == self.seller) if read is None else read,
                    "subject": conversation["conversationTitle"],
                }
            )
            return message_id

    def add_order(self, order_id: str, buyer: str, **fields: Any) -> dict[str, Any]:
        with self._state:
            now = ebay_time(self.tick())
            order = {
                "orderId": order_id,
                "creationDate": fields.pop("creationDate", now),
                "lastModifiedDate": fields.pop("lastModifiedDate", now),
                "orderFulfillmentStatus": fields.pop("status", "NOT_STARTED"),
                "orderPaymentStatus": "PAID",
                "buyer": {"username": buyer},
                "pricingSummary": {
                    "total": {"value": fields.pop("total", "25.00"), "currency": "USD"}
                },
                "lineItems": fields.pop(
                    "lineItems",
                    [
                        {
                            "lineItemId": f"{order_id}-1",
                            "title": "Handwoven kilim cushion",
                            "sku": "KC-01",
                            "quantity": 1,
                            "lineItemCost": {"value": "25.00", "currency": "USD"},
                        }
                    ],
                ),
                "fulfillmentHrefs": [],
                "fulfillments": fields.pop("fulfillments", []),
            }
            if order["fulfillments"]:
                order["fulfillmentHrefs"] = [
                    f"{ORDER_API}/{order_id}/shipping_fulfillment/{f['fulfillmentId']}"
                    for f in order["fulfillments"]
                ]
            order.update(fields)
            self.orders.append(order)
            return order

    def messages(self, conversation_id: str) -> list[dict[str, Any]]:
        with self._state:
            return [dict(m) for m in self.conversations[conversation_id]["messages"]]

    # -- the contract --------------------------------------------------------------------
    def handle(self, request: Request) -> Reply:
        if request.path == TOKEN_PATH and request.method == "POST":
            return self._token(request)
        token = request.headers.get("authorization", "")
        with self._state:
            valid = token.startswith("Bearer ") and token[7:] in self.tokens
        if not valid:
            return Reply(
                401,
                {
                    "errors": [
                        {
                            "errorId": 1001,
                            "domain": "OAuth",
                            "category": "REQUEST",
                            "message": "Invalid access token",
                            "longMessage": "Invalid access token. Check the value of the"
                            " Authorization HTTP request header.",
                        }
                    ]
                },
            )
        with self._state:
            return self._route(request)

    def _route(self, request: Request) -> Reply:
        path, method = request.path, request.method
        if path == IDENTITY_PATH and method == "GET":
            return Reply(200, {"userId": "u-" + self.seller, "username": self.seller})
        if path == f"{MESSAGE_API}/conversation" and method == "GET":
            return self._conversations(request)
        match = re.fullmatch(rf"{MESSAGE_API}/conversation/([^/]+)", path)
        if match and method == "GET":
            return self._conversation(request, match.group(1))
        if path == f"{MESSAGE_API}/send_message" and method == "POST":
            return self._send(request)
        if path == f"{MESSAGE_API}/update_conversation" and method == "POST":
            return self._update(request)
        if path == ORDER_API and method == "GET":
            return self._orders(request)
        match = re.fullmatch(rf"{ORDER_API}/([^/]+)/shipping_fulfillment", path)
        if match and method == "GET":
            return self._fulfillments(match.group(1))
        return error(404, f"No resource at {method} {path}", error_id=2002, domain="API")

    def _token(self, request: Request) -> Reply:
        expected = (
            "Basic " + base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        )
        if request.headers.get("authorization") != expected:
            return Reply(
                401,
                {"error": "invalid_client", "error_description": "client authentication failed"},
            )
        form = request.form()
        if form.get("grant_type") != "refresh_token":
            return Reply(
                400,
                {
                    "error": "unsupported_grant_type",
                    "error_description": "grant type not supported",
                },
            )
        if form.get("refresh_token") != self.refresh_token or self.refresh_revoked:
            return Reply(
                400,
                {
                    "error": "invalid_grant",
                    "error_description": "the provided authorization refresh token is invalid"
                    " or was issued to another client",
                },
            )
        return Reply(
            200,
            {
                "access_token": self.issue_token(),
                "expires_in": 7200,
                "token_type": "User Access Token",
            },
        )

    def _paging(self, request: Request, maximum: int, default: int) -> tuple[int, int] | Reply:
        try:
            limit = int(request.arg("limit", str(default)) or default)
            offset = int(request.arg("offset", "0") or 0)
        except ValueError:
            return error(400, "The value of limit or offset is invalid.", error_id=355002)
        if not 1 <= limit <= maximum:
            return error(400, f"The limit must be between 1 and {maximum}.", error_id=355002)
        if offset < 0:
            return error(400, "The offset must not be negative.", error_id=355002)
        return limit, offset

    def _page(self, request: Request, items: list[Any], limit: int, offset: int, key: str) -> Reply:
        base = f"{self.url}{request.path}"
        query = {k: v[-1] for k, v in request.query.items() if k not in ("limit", "offset")}

        def href(at: int) -> str:
            return base + "?" + urlencode({**query, "limit": limit, "offset": at})

        total, shown = len(items), limit
        if key == self.lying:
            offset = 0 if self.ignore_offset else offset
            total = len(items) if self.claimed_total is None else self.claimed_total
            shown = min(limit, self.page_cap or limit)
        body: dict[str, Any] = {
            "href": href(offset),
            "limit": limit,
            "offset": offset,
            "total": total,
            key: items[offset : offset + shown],
        }
        if offset + limit < total:
            body["next"] = href(offset + limit)
        if offset > 0:
            body["prev"] = href(max(0, offset - limit))
        return Reply(200, body)

    def _type(self, request: Request) -> str | Reply:
        kind = request.arg("conversation_type")
        if not kind:
            return error(400, "The conversation_type query parameter is required.", error_id=355010)
        if kind not in ("FROM_MEMBERS", "FROM_EBAY"):
            return error(400, f"The conversation_type {kind} is not valid.", error_id=355010)
        return kind

    def _conversations(self, request: Request) -> Reply:
        kind = self._type(request)
        if isinstance(kind, Reply):
            return kind
        paging = self._paging(request, 50, 25)
        if isinstance(paging, Reply):
            return paging
        start, end = request.arg("start_time"), request.arg("end_time")
        status = request.arg("conversation_status")
        found = []
        for conversation in self.conversations.values():
            if conversation["conversationType"] != kind or not conversation["messages"]:
                continue
            latest = conversation["messages"][-1]
            when = parse_time(latest["createdDate"])
            if start and when < parse_time(start) or end and when > parse_time(end):
                continue
            unread = sum(
                1
                for m in conversation["messages"]
                if not m["readStatus"] and m["senderUsername"] != self.seller
            )
            if status == "UNREAD" and not unread or status == "READ" and unread:
                continue
            summary = {k: v for k, v in conversation.items() if k not in ("messages", "buyer")}
            summary["latestMessage"] = dict(latest)
            summary["unreadCount"] = unread
            found.append((when, summary))
        found.sort(key=lambda pair: pair[0], reverse=True)
        limit, offset = paging
        return self._page(request, [s for _, s in found], limit, offset, "conversations")

    def _conversation(self, request: Request, conversation_id: str) -> Reply:
        kind = self._type(request)
        if isinstance(kind, Reply):
            return kind
        paging = self._paging(request, 50, 25)
        if isinstance(paging, Reply):
            return paging
        conversation = self.conversations.get(conversation_id)
        if conversation is None or conversation["conversationType"] != kind:
            return error(404, f"The conversation {conversation_id} was not found.", error_id=355020)
        limit, offset = paging
        reply = self._page(
            request, [dict(m) for m in conversation["messages"]], limit, offset, "messages"
        )
        for key in (
            "conversationId",
            "conversationType",
            "conversationStatus",
            "conversationTitle",
            "createdDate",
        ):
            reply.body[key] = conversation[key]
        return reply

    def _send(self, request: Request) -> Reply:
        body = request.json()
        if not isinstance(body, dict):
            return error(400, "The request body is not valid JSON.", error_id=355030)
        text = body.get("messageText")
        if not isinstance(text, str) or not text.strip():
            return error(400, "The messageText field is required.", error_id=355031)
        if len(text) > MAX_TEXT:
            return error(400, f"The messageText exceeds {MAX_TEXT} characters.", error_id=355032)
        conversation_id = body.get("conversationId")
        if conversation_id is None:
            other = body.get("otherPartyUsername")
            if not other:
                return error(
                    400, "Either conversationId or otherPartyUsername is required.", error_id=355033
                )
            conversation_id = self.add_conversation(other, "Message from the seller")
        if conversation_id not in self.conversations:
            return error(404, f"The conversation {conversation_id} was not found.", error_id=355020)
        message_id = self.add_message(conversation_id, self.seller, text)
        if self.lose_next_send_answer:
            self.lose_next_send_answer = False
            return error(
                500, "There was a problem with an eBay internal system or process.", error_id=355000
            )
        message = next(
            m
            for m in self.conversations[conversation_id]["messages"]
            if m["messageId"] == message_id
        )
        if not self.send_returns_id:
            return Reply(201, None)
        return Reply(201, {**message, "conversationId": conversation_id})

    def _update(self, request: Request) -> Reply:
        body = request.json()
        if not isinstance(body, dict) or not body.get("conversationId"):
            return error(400, "The conversationId field is required.", error_id=355040)
        if body.get("conversationType") not in ("FROM_MEMBERS", "FROM_EBAY"):
            return error(400, "The conversationType field is required.", error_id=355041)
        conversation = self.conversations.get(body["conversationId"])
        if conversation is None or conversation["conversationType"] != body["conversationType"]:
            return error(
                404, f"The conversation {body['conversationId']} was not found.", error_id=355020
            )
        self.read_updates.append(body)
        if "read" in body:
            for message in conversation["messages"]:
                if message["senderUsername"] != self.seller:
                    message["readStatus"] = bool(body["read"])
        elif body.get("conversationStatus"):
            conversation["conversationStatus"] = body["conversationStatus"]
        return Reply(204, None)

    def _orders(self, request: Request) -> Reply:
        paging = self._paging(request, 200, 50)
        if isinstance(paging, Reply):
            return paging
        orders = list(self.orders)
        ids = request.arg("orderIds")
        if ids:
            wanted = set(ids.split(","))
            if len(wanted) > 50:
                return error(
                    400,
                    "At most 50 orderIds are allowed.",
                    error_id=30700,
                    domain="API_FULFILLMENT",
                )
            orders = [o for o in orders if o["orderId"] in wanted]
        flt = request.arg("filter")
        if flt:
            match = re.fullmatch(
                r"(lastmodifieddate|creationdate):\[([^.\]]*(?:\.\d+Z)?)\.\.([^\]]*)\]", flt
            )
            if not match:
                return error(
                    400, f"The filter {flt} is not valid.", error_id=30800, domain="API_FULFILLMENT"
                )
            field = "lastModifiedDate" if match.group(1) == "lastmodifieddate" else "creationDate"
            low = parse_time(match.group(2)) if match.group(2) else None
            high = parse_time(match.group(3)) if match.group(3) else None
            orders = [
                o
                for o in orders
                if (low is None or parse_time(o[field]) >= low)
                and (high is None or parse_time(o[field]) <= high)
            ]
        orders.sort(key=lambda o: o["creationDate"], reverse=True)
        shown = [{k: v for k, v in o.items() if k != "fulfillments"} for o in orders]
        limit, offset = paging
        return self._page(request, shown, limit, offset, "orders")

    def _fulfillments(self, order_id: str) -> Reply:
        order = next((o for o in self.orders if o["orderId"] == order_id), None)
        if order is None:
            return error(
                404,
                f"The order {order_id} was not found.",
                error_id=32100,
                domain="API_FULFILLMENT",
            )
        return Reply(
            200, {"fulfillments": order["fulfillments"], "total": len(order["fulfillments"])}
        )

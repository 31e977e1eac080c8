"""eBay: the API client of an `ebay` source, sending replies (EbayTransport) and orders (EbayOrders).

Syncing messages lives in ebay_sync.py, the eBay-message-as-mail conversion in ebay_mail.py.
"""

from __future__ import annotations

import email.parser
import email.policy
import email.utils
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx

from inbox_tui.channels.ebay import MAX_TEXT
from inbox_tui.channels.ebay.mail import parse_ebay_time
from inbox_tui.config import EbaySourceConfig
from inbox_tui.domain.orders import FetchedOrder, OrderLine, OrderQuery
from inbox_tui.domain.replies import (
    MaybeSent,
    OutgoingReply,
    PermanentFailure,
    SentCopy,
    TemporaryFailure,
    Unreachable,
)
from inbox_tui.marketplaces.http import ApiClient, ApiError, Auth, OAuthRefresh, StaticAuth
from inbox_tui.marketplaces.paging import Listing, Page, page_of, read_listing
from inbox_tui.sanitize import clean_line
from inbox_tui.secrets import SecretError, read_secret, section_secret
from inbox_tui.store.conversations import (
    account_username,
    conversation_of_ticket,
    conversation_type,
    known_messages,
    save_account_username,
)
from inbox_tui.store.db import Store

MESSAGE_API = "/commerce/message/v1"
ORDER_API = "/sell/fulfillment/v1/order"
IDENTITY_API = "/commerce/identity/v1/user/"
SCOPES = " ".join(
    "https://api.ebay.com/oauth/api_scope/" + scope
    for scope in ("commerce.message", "sell.fulfillment.readonly")
)
PAGE = 50  # the Message API's largest page
MAX_LIST_PAGES = 1000  # conversations listed per type and sync: 50,000 at most
MAX_MESSAGE_PAGES = 100  # messages read of one conversation: 5,000 at most
ORDER_PAGE = 200
ORDER_LOOKBACK_DAYS = 90  # orders of a buyer are looked for this far back
ORDER_MAX_PAGES = 10


def source_key(config: EbaySourceConfig) -> str:
    return f"ebay:{config.name}"


def ebay_auth(config: EbaySourceConfig, transport: httpx.BaseTransport | None = None) -> Auth:
    """The source's credentials: a ready token, or a refresh token renewed at token_url.
    Raises SecretError (one line) when a secret cannot be read."""
    name = config.name
    if config.access_token_env is not None:
        token = read_secret(name, "access token", env=config.access_token_env)
        return StaticAuth({"Authorization": f"Bearer {token}"})
    secret = section_secret(config, "client_secret", "client secret")
    refresh = section_secret(config, "refresh_token", "refresh token")
    assert config.client_id is not None  # the config's validator sees to it
    return OAuthRefresh(
        name,
        config.effective_token_url,
        client_id=config.client_id,
        client_secret=secret,
        refresh_token=refresh,
        scope=SCOPES,
        where=_refresh_token_place(config),
        transport=transport,
    )


def _refresh_token_place(config: EbaySourceConfig) -> str:
    for key in ("refresh_token_command", "refresh_token_env", "refresh_token_keyring"):
        value = getattr(config, key)
        if value is not None:
            return f"{key} of source {config.name} ({value})"
    return f"refresh_token of source {config.name}"


def ebay_client(
    config: EbaySourceConfig, transport: httpx.BaseTransport | None = None
) -> ApiClient:
    """An ApiClient for the source, its rate capped at max_per_second. Raises SecretError."""
    return ApiClient(
        config.name,
        config.base_url,
        auth=ebay_auth(config, transport),
        max_per_second=config.max_per_second,
        transport=transport,
    )


def seller_username(store: Store, config: EbaySourceConfig, client: ApiClient) -> str:
    """The seller's eBay user name: from the config, else asked from eBay once and kept."""
    if config.username:
        return config.username
    source = source_key(config)
    known = account_username(store, source)
    if known:
        return known
    try:
        answer = client.get_json(IDENTITY_API)
    except ApiError as exc:
        if exc.offline or exc.auth_failed or exc.status in (None, 429) or exc.status >= 500:
            raise
        raise ApiError(
            f"{config.name}: cannot ask eBay for your user name ({exc.status}); set `username`"
            " in the source's config",
            status=exc.status,
        ) from None
    name = clean_line(str(answer.get("username") or "")) if isinstance(answer, dict) else ""
    if not name:
        raise ApiError(
            f"{config.name}: eBay did not tell your user name; set `username` in the source's config"
        )
    with store.transaction():
        save_account_username(store, source, name)
    return name


def message_page(
    client: ApiClient, conversation_id: str, conversation_type_: str, offset: int = 0
) -> Page:
    """One page of a conversation's messages."""
    body = client.get_json(
        f"{MESSAGE_API}/conversation/{conversation_id}",
        params={"conversation_type": conversation_type_, "limit": PAGE, "offset": offset},
    )
    if not isinstance(body, dict):
        raise ApiError(f"{client.service}: eBay answered a conversation with something else")
    return page_of(body, "messages")


def conversation_messages(
    client: ApiClient,
    conversation_id: str,
    conversation_type_: str,
    *,
    start: int = 0,
    first: Page | None = None,
    enough: Callable[[list[dict[str, Any]]], bool] | None = None,
) -> Listing:
    """A conversation's messages from offset `start` on (see read_listing for `first`, `enough`
    and where paging stops)."""
    return read_listing(
        lambda offset: message_page(client, conversation_id, conversation_type_, offset),
        message_key,
        what=f"eBay's message list of conversation {conversation_id}",
        page_size=PAGE,
        max_pages=MAX_MESSAGE_PAGES,
        start=start,
        first=first,
        enough=enough,
    )


def message_key(message: dict[str, Any]) -> str:
    return str(message.get("messageId") or "")


def all_messages(
    client: ApiClient, conversation_id: str, conversation_type_: str
) -> list[dict[str, Any]]:
    return conversation_messages(client, conversation_id, conversation_type_).items


class EbayTransport:
    """Replies to eBay tickets go out through send_message (the outbox's Transport)."""

    def __init__(
        self,
        source_config: EbaySourceConfig,
        store: Store,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.config = source_config
        self.store = store
        self.source = source_key(source_config)
        try:
            self.client = ebay_client(source_config, transport)
        except SecretError as exc:
            raise TemporaryFailure(str(exc)) from None

    def _conversation(self, reply: OutgoingReply) -> tuple[str, str]:
        conversation_id = conversation_of_ticket(self.store, self.source, reply.ticket_id)
        if conversation_id is None:
            raise PermanentFailure(
                f"{self.config.name}: this ticket has no eBay conversation to answer in"
            )
        kind = conversation_type(self.store, self.source, conversation_id) or "FROM_MEMBERS"
        return conversation_id, kind

    def send(self, reply: OutgoingReply) -> SentCopy | None:
        text = reply.text.strip()
        if not text:
            raise PermanentFailure(f"{self.config.name}: the reply is empty")
        if len(text) > MAX_TEXT:
            raise PermanentFailure(
                f"{self.config.name}: the reply has {len(text):,} characters and eBay takes at"
                f" most {MAX_TEXT:,}; shorten it and send again"
            )
        conversation_id, _ = self._conversation(reply)
        try:
            answer = self.client.post_json(
                f"{MESSAGE_API}/send_message",
                {"conversationId": conversation_id, "messageText": text},
                expect=(200, 201),
            )
        except ApiError as exc:
            raise _failure(exc) from None
        message_id = answer.get("messageId") if isinstance(answer, dict) else None
        if message_id:
            return SentCopy(self.source, conversation_id, str(message_id))
        found = self._find(reply, conversation_id, text)
        return found if isinstance(found, SentCopy) else None

    def was_sent(self, reply: OutgoingReply) -> SentCopy | bool:
        conversation_id, _ = self._conversation(reply)
        return self._find(reply, conversation_id, reply.text.strip())

    def _find(self, reply: OutgoingReply, conversation_id: str, text: str) -> SentCopy | bool:
        """A message from the seller with this text, created after the reply was queued and not
        already stored as another message: the reply got through."""
        kind = conversation_type(self.store, self.source, conversation_id) or "FROM_MEMBERS"
        try:
            seller = seller_username(self.store, self.config, self.client).casefold()
            messages = all_messages(self.client, conversation_id, kind)
        except ApiError as exc:
            raise (Unreachable if exc.offline else TemporaryFailure)(str(exc)) from None
        stored = known_messages(self.store, self.source, conversation_id)
        queued = _queued_at(reply.raw)
        for message in reversed(messages):
            created = parse_ebay_time(message.get("createdDate"))
            if (
                str(message.get("senderUsername") or "").casefold() == seller
                and str(message.get("messageBody") or "").strip() == text
                and str(message.get("messageId")) not in stored
                and (queued is None or created is None or created >= queued)
            ):
                return SentCopy(self.source, conversation_id, str(message["messageId"]))
        return False

    def close(self) -> None:
        self.client.close()


def _failure(exc: ApiError) -> Exception:
    """A send that may have arrived (5xx, lost answer) is looked for before the next try; no
    network, 429 and refused credentials get better by themselves or by the seller fixing the
    token: try later. Any other refusal is about this reply: give up."""
    status = exc.status
    if exc.maybe_done:
        return MaybeSent(str(exc))
    if exc.offline:
        return Unreachable(str(exc))
    if status is None or status == 429 or status >= 500 or exc.auth_failed:
        return TemporaryFailure(str(exc))
    return PermanentFailure(str(exc))


def _queued_at(raw: bytes) -> datetime | None:
    """The reply's Date header, set when it was queued (a little slack for clock skew)."""
    headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)
    try:
        when = email.utils.parsedate_to_datetime(headers.get("Date", ""))
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when - timedelta(minutes=5)


class EbayOrders:
    """Order context from the Fulfillment API (the orders engineer's registry makes one per
    ebay source): by order numbers, or a buyer's orders of the last 90 days."""

    def __init__(
        self, source_config: EbaySourceConfig, *, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.name = source_config.name
        self.config = source_config
        self._transport = transport
        self._client: ApiClient | None = None

    @property
    def client(self) -> ApiClient:
        if self._client is None:  # secrets are read on first use, not at start-up
            try:
                self._client = ebay_client(self.config, self._transport)
            except SecretError as exc:
                raise ApiError(str(exc)) from None
        return self._client

    def orders_for(self, query: OrderQuery) -> list[FetchedOrder]:
        """The buyer's orders of the last 90 days (by user name) and the orders named, older
        ones included."""
        raw: list[dict[str, Any]] = []
        if query.username:
            wanted = query.username.casefold()
            raw = [
                order
                for order in self._recent()
                if str((order.get("buyer") or {}).get("username") or "").casefold() == wanted
            ]
        found = {str(order.get("orderId")) for order in raw}
        missing = tuple(n for n in query.order_numbers if n not in found)
        if missing:
            raw += self._by_ids(missing)
        orders = [self._order(order) for order in raw if order.get("orderId")]
        orders.sort(key=lambda o: o.placed_at or datetime.min.replace(tzinfo=UTC), reverse=True)
        return orders

    def _by_ids(self, numbers: tuple[str, ...]) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for start in range(0, len(numbers), 50):
            chunk = ",".join(numbers[start : start + 50])
            found.extend(self._pages({"orderIds": chunk}))
        return found

    def _recent(self) -> list[dict[str, Any]]:
        since = datetime.now(UTC) - timedelta(days=ORDER_LOOKBACK_DAYS)
        stamp = since.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        return self._pages({"filter": f"lastmodifieddate:[{stamp}..]"})

    def _pages(self, params: dict[str, str]) -> list[dict[str, Any]]:
        orders: list[dict[str, Any]] = []
        offset = 0
        for _ in range(ORDER_MAX_PAGES):
            page = self.client.get_json(
                ORDER_API, params={**params, "limit": ORDER_PAGE, "offset": offset}
            )
            batch = page.get("orders") if isinstance(page, dict) else None
            if not isinstance(batch, list) or not batch:
                break
            orders.extend(o for o in batch if isinstance(o, dict))
            offset += len(batch)
            total = page.get("total")
            if not isinstance(total, int) or offset >= total:
                break
        return orders

    def _order(self, order: dict[str, Any]) -> FetchedOrder:
        total = (order.get("pricingSummary") or {}).get("total") or {}
        tracking = self._tracking(order)
        buyer = order.get("buyer") or {}
        return FetchedOrder(
            provider="ebay",
            order_number=clean_line(str(order["orderId"])),
            placed_at=parse_ebay_time(order.get("creationDate")),
            status=clean_line(str(order.get("orderFulfillmentStatus") or "")) or None,
            total=_amount(total.get("value")),
            currency=clean_line(str(total.get("currency") or "")) or None,
            items=tuple(
                _line(item) for item in order.get("lineItems") or [] if isinstance(item, dict)
            ),
            carrier=tracking.get("carrier"),
            tracking_number=tracking.get("number"),
            shipped_at=parse_ebay_time(tracking.get("shipped")),
            buyer_username=clean_line(str(buyer.get("username") or "")) or None,
            buyer_name=clean_line(
                str(((buyer.get("buyerRegistrationAddress") or {}).get("fullName")) or "")
            )
            or None,
            data=order,
        )

    def _tracking(self, order: dict[str, Any]) -> dict[str, str]:
        """The newest shipment's carrier and tracking number (one more call, only for shipped
        orders)."""
        if not order.get("fulfillmentHrefs"):
            return {}
        try:
            answer = self.client.get_json(f"{ORDER_API}/{order['orderId']}/shipping_fulfillment")
        except ApiError as exc:
            if exc.offline:
                raise
            return {}  # the order itself is still worth showing
        shipments = answer.get("fulfillments") if isinstance(answer, dict) else None
        if not isinstance(shipments, list) or not shipments:
            return {}
        latest = max(
            (s for s in shipments if isinstance(s, dict)),
            key=lambda s: str(s.get("shippedDate") or ""),
            default={},
        )
        return {
            "carrier": clean_line(str(latest.get("shippingCarrierCode") or "")),
            "number": clean_line(str(latest.get("shipmentTrackingNumber") or "")),
            "shipped": str(latest.get("shippedDate") or ""),
        }

    def close(self) -> None:
        if self._client is not None:
            self._client.close()


def _line(item: dict[str, Any]) -> OrderLine:
    cost = item.get("lineItemCost") or {}
    quantity = item.get("quantity")
    quantity = quantity if isinstance(quantity, int) and quantity > 0 else 1
    price = _amount(cost.get("value"))
    return OrderLine(
        title=clean_line(str(item.get("title") or "")),
        sku=clean_line(str(item.get("sku") or "")),
        quantity=quantity,
        price=price / quantity if price is not None else None,
    )


def _amount(value: Any) -> float | None:
    try:
        return float(Decimal(str(value))) if value is not None else None
    except (InvalidOperation, ValueError):
        return None

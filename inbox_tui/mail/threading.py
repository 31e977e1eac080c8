"""Which ticket a message belongs to: pure functions of parsed messages, no I/O.

Threading follows JWZ's idea without his tree: every Message-ID a message carries or
references (its own, In-Reply-To, References) links it to every other message carrying the
same id, and a ticket is a connected group. Missing parents are fine: two replies to a message
we never saw still share its id. Marketplace relay mail, where headers are unreliable, is
grouped by a `thread_key` (Amazon: order number + buyer relay address). A subject match is the
last resort, only for a message with no threading headers whose subject says it is a reply.

The store applies these rules incrementally (store/ingest.py); `group_messages` applies them
to a whole set at once, and tests check the two always agree, whatever the arrival order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from inbox_tui.channels.registry import channel as channel_named
from inbox_tui.channels.registry import channel_of
from inbox_tui.domain.messages import (
    Address,
    ParsedMessage,
    ThreadHints,
    normalize_subject,
    synthetic_message_id,
)

_REPLY_PREFIX = re.compile(
    r"^\s*(?:re|aw|ynt|cvp|sv|vs|antw|rv)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]", re.I
)
AMAZON_ORDER = re.compile(r"(?<!\d)(\d{3}-\d{7}-\d{7})(?!\d)")
# Relays dress the buyer's name: "Jane Doe - Amazon Marketplace", "Megan Patel via Etsy".
_RELAY_NAME_SUFFIX = re.compile(
    r"\s*-\s*Amazon Marketplace\s*$|\s+via (?:Amazon|Etsy|eBay)\s*$", re.I
)

# Notification senders that relay a customer's words, naming the customer in Reply-To.
_NOTIFIERS = re.compile(
    r"^(?:mailer|no-?reply|notifications?|store\+\d+)@(?:[a-z0-9-]+\.)*shopify(?:email)?\.com$"
)


def is_reply_subject(subject: str) -> bool:
    return bool(_REPLY_PREFIX.match(subject))


def _customer(msg: ParsedMessage, direction: str) -> Address | None:
    if direction == "out":
        return msg.to[0] if msg.to else None
    sender = msg.from_
    if sender is not None and _NOTIFIERS.match(sender.addr) and msg.reply_to:
        return msg.reply_to[0]  # a contact-form mail: the customer is in Reply-To
    return sender


def _clean_customer(address: Address | None) -> Address | None:
    if address is None or not address.name:
        return address
    return Address(_RELAY_NAME_SUFFIX.sub("", address.name), address.addr)


def thread_hints(msg: ParsedMessage, raw: bytes, seller_emails: frozenset[str]) -> ThreadHints:
    sender = msg.from_.addr if msg.from_ else ""
    direction = "out" if sender and sender in seller_emails else "in"
    customer = _customer(msg, direction)
    # The channel is read off the sending side for inbound mail (a Shopify notification names
    # the customer in Reply-To, but it is still a Shopify message) and off the customer for replies.
    channel = channel_of(sender if direction == "in" else (customer.addr if customer else ""))
    customer = _clean_customer(customer)

    links: list[str] = []
    for ref in (msg.in_reply_to, *msg.references):
        if ref and ref not in links:
            links.append(ref)
    message_id = msg.message_id or synthetic_message_id(raw)

    order = AMAZON_ORDER.search(msg.subject)
    order_number = order.group(1) if order else None
    thread_key = None
    found = channel_named(channel)
    if found is not None and found.threads_by_order and customer is not None:
        thread_key = f"{channel}:{order_number or '-'}:{customer.addr}"

    subject_key = None
    if not links and thread_key is None and is_reply_subject(msg.subject):
        subject_key = normalize_subject(msg.subject) or None
    return ThreadHints(
        message_id=message_id,
        links=tuple(links),
        thread_key=thread_key,
        subject_key=subject_key,
        channel=channel,
        direction=direction,
        customer=customer,
        order_number=order_number,
    )


def group_messages(hints: Sequence[ThreadHints]) -> list[set[int]]:
    """Group messages (by index) the way the store threads them, all at once.

    Union-find over shared ids and thread keys. Subject fallback is not included: it depends
    on what came before, by design (it only ever attaches a reply to an existing ticket).
    """
    parent = list(range(len(hints)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for index, hint in enumerate(hints):
        keys: Iterable[str] = (hint.message_id, *hint.links)
        if hint.thread_key:
            keys = (*keys, "key:" + hint.thread_key)
        for key in keys:
            if key in owner:
                parent[find(index)] = find(owner[key])
            else:
                owner[key] = index
    groups: dict[int, set[int]] = {}
    for index in range(len(hints)):
        groups.setdefault(find(index), set()).add(index)
    return list(groups.values())

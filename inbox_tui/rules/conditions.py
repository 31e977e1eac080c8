"""A rule's conditions that need nothing but the ticket's facts: pure, and checked first (the
search, the order and the topic cost a query or the suggester and come after)."""

from __future__ import annotations

from datetime import datetime

from inbox_tui.config.rules import RuleCondition
from inbox_tui.sla import BusinessHours, parse_duration
from inbox_tui.store.rules import TicketFacts


def waiting_since(facts: TicketFacts) -> datetime | None:
    """Since when the customer waits for an answer (their newest message after the seller's
    last one), or None when the seller wrote last."""
    inbound, outbound = facts.last_inbound_at, facts.last_outbound_at
    if inbound is None or (outbound is not None and outbound >= inbound):
        return None
    return inbound


def cheap_holds(
    condition: RuleCondition,
    facts: TicketFacts,
    *,
    now: datetime,
    since: int,
    hours: BusinessHours,
) -> bool:
    """Whether the conditions read from `facts` alone hold. `since`: the last message id from
    before this run (a ticket whose first message is after it is new)."""
    if condition.new is not None and (facts.first_message_id > since) != condition.new:
        return False
    least, most = condition.customer_messages_at_least, condition.customer_messages_at_most
    if least is not None and facts.customer_messages < least:
        return False
    if most is not None and facts.customer_messages > most:
        return False
    outside = condition.outside_business_hours
    if outside is not None and hours.contains(facts.received) == outside:
        return False
    if condition.no_reply_for is not None:
        waiting = waiting_since(facts)
        if waiting is None or now - waiting < parse_duration(condition.no_reply_for):
            return False
    if condition.due_within is not None:
        if facts.status != "open" or facts.due_at is None:
            return False
        if facts.due_at > now + parse_duration(condition.due_within):
            return False
    return True

"""`rules:` and `auto_reply:`: what the inbox does by itself when mail arrives, and when time
passes (docs/rules.md). The models' descriptions are the reference; inbox_tui/rules/ runs them."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from inbox_tui.config.fields import Duration, SearchQuery, _Section, describe

ORDER_STATES = ("unshipped", "shipped", "delivered", "refunded", "cancelled")  # suggest.py's
OrderState = Literal["unshipped", "shipped", "delivered", "refunded", "cancelled"]

_RULE_NAME = re.compile(r"[A-Za-z0-9_-]+")


def _one_or_many(value: Any) -> Any:
    """`tag: returns` and `tag: [returns, urgent]` both."""
    return [value] if isinstance(value, str) else value


Names = Annotated[list[str], BeforeValidator(_one_or_many)]


class RuleCondition(_Section):
    """When a rule acts: every key given must hold (no key: always). Cheap checks run first;
    the topic (the suggester reading the conversation) only when everything else holds."""

    search: SearchQuery | None = Field(
        None,
        description="A search the ticket must match, in the language of `/` (docs/search.md):"
        " 'channel:amazon subject:return', 'from:@bigcustomer.com', '-tag:vip is:unread'.",
    )
    new: bool | None = Field(
        None,
        strict=True,
        description="true: only a new ticket (all its mail came in with this sync or import);"
        " false: only a follow-up in a ticket you had before.",
    )
    customer_messages_at_least: int | None = Field(
        None, ge=1, le=1000, strict=True, description="The customer wrote at least this often."
    )
    customer_messages_at_most: int | None = Field(
        None, ge=1, le=1000, strict=True, description="The customer wrote at most this often."
    )
    outside_business_hours: bool | None = Field(
        None,
        strict=True,
        description="true: the customer's message came outside `sla.business_hours` (in"
        " `seller.timezone`); false: inside them.",
    )
    no_reply_for: Duration | None = Field(
        None,
        description="The customer's newest message has waited this long without an answer"
        " (e.g. '20h'). Checked at every sync (the TUI's and `inbox-tui sync`), not only when"
        " mail arrives.",
    )
    due_within: Duration | None = Field(
        None,
        description="The ticket is open and its answer is due within this time, or late (the"
        " Due view's time: `sla.targets`). Checked at every sync, like `no_reply_for`.",
    )
    order: OrderState | None = Field(
        None,
        description="The ticket's order is in this state, as its shop reports it (`orders:`):"
        " unshipped, shipped, delivered, refunded, cancelled. A ticket without a known order"
        " never matches.",
    )
    topic: str | None = Field(
        None,
        min_length=1,
        description="The template topic the suggester reads in the conversation: a template"
        " key ('wismo', 'cancel'; a language version counts as its topic) or a topic's name.",
    )
    confidence: float = Field(
        0.6,
        ge=0.0,
        le=1.0,
        description="With `topic`: how sure the suggester must be, 0-1 (its best topic's share"
        " of the evidence against the runner-up).",
    )

    @property
    def timed(self) -> bool:
        """Whether time alone can make it hold (checked on a schedule, not only on arrival)."""
        return self.no_reply_for is not None or self.due_within is not None


class RuleActions(_Section):
    """What a rule does, in this order. Each change is an event with the rule's name, shown in
    the thread and undone with `u` there."""

    tag: Names = Field(default_factory=list, description="Tags to add.")
    untag: Names = Field(default_factory=list, description="Tags to take off.")
    priority: int | None = Field(
        None, ge=0, le=9, strict=True, description="Set the priority (0-9; higher is sooner)."
    )
    flag: bool | None = Field(None, strict=True, description="Flag (true) or unflag (false).")
    status: Literal["open", "pending", "closed"] | None = Field(
        None, description="Set the status: open, pending or closed."
    )
    snooze: Duration | None = Field(
        None, description="Snooze the ticket for this long (e.g. '2d'); a reply wakes it."
    )
    reply: str | None = Field(
        None,
        min_length=1,
        description="Answer with this template (its key) through the outbox, with"
        " `Auto-Submitted: auto-replied`, at most once per ticket and once per customer in"
        " `auto_reply.customer_window`, never to automatic mail (docs/rules.md#safety). A"
        " reply with a missing value is not sent: it becomes the ticket's draft and the"
        " ticket is flagged.",
    )

    @model_validator(mode="after")
    def _does_something(self) -> RuleActions:
        if not any(getattr(self, name) not in (None, []) for name in type(self).model_fields):
            raise PydanticCustomError(
                "at_key",
                "a rule must do something (tag, untag, priority, flag, status, snooze or reply)",
                {"key": ""},
            )
        return self


class RuleConfig(_Section):
    """One rule: a name, when it acts (`when`), what it does (`then`). Rules run in order."""

    name: str = Field(
        min_length=1,
        description="The rule's name (letters, digits, - and _): shown in the thread"
        ' ("tagged returns by rule returns") and searched with `rule:NAME`.',
    )
    when: RuleCondition = Field(
        default_factory=RuleCondition, description="When it acts (see below); empty: always."
    )
    then: RuleActions = Field(description="What it does (see below).")
    stop: bool = Field(
        False, strict=True, description="When this rule acts, the rules after it do not."
    )
    once: Literal["message", "ticket"] = Field(
        "message",
        description="`message`: act on each new message of the customer that matches;"
        " `ticket`: at most once in a ticket's life.",
    )
    enabled: bool = Field(True, strict=True, description="false: kept, but never run.")

    @field_validator("name")
    @classmethod
    def _plain_name(cls, name: str) -> str:
        if not _RULE_NAME.fullmatch(name):
            raise PydanticCustomError(
                "at_key",
                "a rule name is letters, digits, - and _ (it is searched as rule:NAME), got {got}",
                {"got": describe(name), "key": ""},
            )
        return name


class AutoReplyConfig(_Section):
    """Limits on the replies rules send by themselves (RFC 3834), besides the ones always on:
    never to automatic mail, mailing lists, no-reply senders or your own addresses."""

    customer_window: Duration = Field(
        "7d",
        description="At most one automatic reply to the same address in this time, over all"
        " its tickets.",
    )
    max_age: Duration = Field(
        "2d",
        description="Answer automatically only a message received this recently: importing"
        " an old mailbox never acknowledges last year's mail.",
    )


def unique_rule_names(rules: list[RuleConfig]) -> list[RuleConfig]:
    first: dict[str, int] = {}
    for index, rule in enumerate(rules):
        if rule.name in first:
            raise PydanticCustomError(
                "at_key",
                "duplicate rule name {got} (also rules[{first}])",
                {"got": repr(rule.name), "first": first[rule.name], "key": index},
            )
        first[rule.name] = index
    return rules

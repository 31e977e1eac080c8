"""A ticket's statuses, a reply's statuses in the outbox, and what the store asks of an SLA
policy to keep a ticket's due time."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

TICKET_STATUSES: tuple[str, ...] = ("open", "pending", "snoozed", "closed")
"""Every status a ticket can have; `snoozed` comes with a time (store/actions.snooze)."""

SETTABLE_STATUSES: tuple[str, ...] = ("open", "pending", "closed")
"""What a reply (or a template) may leave a ticket in: snoozing needs a time."""

OUTBOX_STATUSES: tuple[str, ...] = ("queued", "sending", "sent", "failed")
"""A reply's life in the outbox (store/outbox.py)."""


class DuePolicy(Protocol):
    """What the store needs of an SLA policy (sla.SlaPolicy is one)."""

    @property
    def wake_on_reply(self) -> bool:
        """A customer's new message wakes a snoozed ticket."""
        ...

    def due(self, channel: str, waiting_since: datetime) -> datetime:
        """When a customer of `channel` waiting since then must have been answered."""
        ...

    @property
    def fingerprint(self) -> str:
        """Everything `due` depends on, as one string: stored due times made under another
        fingerprint are made anew (store.due.settle_due)."""
        ...

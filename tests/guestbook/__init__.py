"""A whole channel in one small package, to prove what adding one takes (docs/architecture.md).

A shop's guestbook: each visitor's message is a JSON file in a folder ({"id", "name", "email",
"text", "date"}); the seller's answer is a JSON file in its `replies/` subfolder. The folder is
the "server", real files on disk. Registering this package (`registry.register(guestbook)`) is
the only line outside it: sync, intake, threading, SLA, reply rules, queue and send follow.
"""

from __future__ import annotations

import json
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from inbox_tui.channels.base import Channel, SourceKind, Transport
from inbox_tui.domain.messages import IncomingMessage
from inbox_tui.domain.replies import OutgoingReply, PermanentFailure, RuleProblem, SentCopy
from inbox_tui.intake import Intake
from inbox_tui.sla import SlaPolicy
from inbox_tui.store.db import Store
from inbox_tui.syncing import FolderProgress, SourceOutcome

MAX_TEXT = 500


class GuestbookConfig(BaseModel):
    """A guestbook folder: its visitors' messages, and a `replies/` folder for the answers."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["guestbook"]
    name: str
    path: Path


def short_enough(text: str) -> list[RuleProblem]:
    if len(text) <= MAX_TEXT:
        return []
    return [RuleProblem(f"a guestbook answer takes {MAX_TEXT} characters", MAX_TEXT, len(text))]


class GuestbookTransport:
    def __init__(self, config: GuestbookConfig) -> None:
        self.config = config

    def _file(self, reply: OutgoingReply) -> Path:
        return self.config.path / "replies" / f"{reply.message_id}.json"

    def was_sent(self, reply: OutgoingReply) -> SentCopy | bool:
        return self._file(reply).exists()

    def send(self, reply: OutgoingReply) -> SentCopy | None:
        if not reply.to:
            raise PermanentFailure("nobody to answer")
        self._file(reply).parent.mkdir(exist_ok=True)
        self._file(reply).write_text(json.dumps({"to": reply.to[0], "text": reply.text}))
        return None  # the reply is stored in its ticket from the outbox's own copy

    def close(self) -> None:
        pass


class GuestbookSource(SourceKind):
    kind = "guestbook"
    transport = "guestbook"

    def config_model(self) -> type[BaseModel]:
        return GuestbookConfig

    def sync(
        self,
        store: Store,
        config: Any,
        *,
        seller_emails: frozenset[str],
        sla: SlaPolicy,
        progress: FolderProgress | None,
    ) -> SourceOutcome:
        outcome = SourceOutcome(config.name)
        intake = Intake(store, seller_emails=seller_emails)
        with store.transaction():
            intake.begin_batch()
            for file in sorted(config.path.glob("*.json")):
                taken = intake.take(_message(config.name, json.loads(file.read_text())))
                outcome.intake.count(taken)
        intake.settle(sla)
        outcome.new = outcome.intake.added
        outcome.lines.append((f"{config.name}: {outcome.new} new", False))
        return outcome

    def open_transport(self, config: Any, store: Store) -> Transport:
        return GuestbookTransport(config)


def _message(source: str, entry: dict[str, str]) -> IncomingMessage:
    mail = EmailMessage()
    mail["From"] = f"{entry['name']} <{entry['email'].replace('@', '.')}@guestbook.invalid>"
    mail["Subject"] = "Guestbook"
    mail["Date"] = format_datetime(parsedate_to_datetime(entry["date"]))
    mail["Message-ID"] = f"<{entry['id']}@guestbook.invalid>"
    mail.set_content(entry["text"])
    return IncomingMessage(mail.as_bytes(), f"guestbook:{source}", "", entry["id"])


CHANNELS = (
    Channel(
        "guestbook",
        "Guestbook",
        timedelta(hours=12),
        "a guestbook visitor",
        addresses=r"@guestbook\.invalid$",
        reply_rules=short_enough,
    ),
)
SOURCES = (GuestbookSource(),)

"""What every message source hands to the store: raw bytes plus where they were found."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    raw: bytes
    source: str  # "maildir:/abs/path", "mbox:/abs/path", "imap:shop"
    folder: str  # "" for a single-folder source
    uid: str  # stable id of the message inside (source, folder)
    received_at: datetime | None = None  # delivery time, used when the Date header is unusable
    seen: bool = False
    answered: bool = False
    flagged: bool = False

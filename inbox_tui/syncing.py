"""Syncing every configured source once: the one routine behind `inbox-tui sync` and the TUI.

Each source is synced on its own; one that fails is reported and the others go on. A source
that cannot be reached at all (refused, no answer, no DNS) counts as "offline", which the TUI
shows without alarm: the seller keeps working and the next round tries again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from inbox_tui.channels.registry import source_kind
from inbox_tui.intake import IntakeResult
from inbox_tui.sla import SlaPolicy
from inbox_tui.store.db import Store

FolderProgress = Callable[[str, str, int, int | None], None]  # source, folder, done, total


@dataclass
class SourceOutcome:
    name: str
    lines: list[tuple[str, bool]] = field(default_factory=list)  # (summary, failed) per folder
    problems: list[str] = field(default_factory=list)  # single messages that failed
    failed: str | None = None  # why the source (or a folder of it) could not be synced
    offline: bool = False  # the server could not be reached at all
    new: int = 0
    # what came in (new tickets, each new customer message): where rules act
    intake: IntakeResult = field(default_factory=IntakeResult)


def sync_one(
    store: Store,
    source: Any,
    *,
    seller_emails: frozenset[str],
    sla: SlaPolicy,
    progress: FolderProgress | None = None,
) -> SourceOutcome:
    """Sync one configured source through its kind (channels/registry.py); never raises for a
    source's trouble."""
    kind = source_kind(source.kind)
    if kind is None:  # the config admits only registered kinds
        return SourceOutcome(source.name, failed=f"unknown source kind {source.kind!r}")
    return kind.sync(store, source, seller_emails=seller_emails, sla=sla, progress=progress)


def add_folders(outcome: SourceOutcome, name: str, results: list[Any]) -> SourceOutcome:
    """One summary line per folder (IMAP) or conversation type (eBay), counts added up."""
    for result in results:
        stopped = getattr(result, "stopped", None)  # a listing that ended early (eBay)
        outcome.lines.append((f"{name}/{result.summary()}", bool(result.failed or stopped)))
        outcome.problems.extend(result.problems)
        outcome.new += result.new
        outcome.intake.add(result.intake)
        if result.failed or result.errors or stopped:
            errors = _errors(result) if result.errors else None
            outcome.failed = outcome.failed or result.failed or errors or stopped
    return outcome


def _errors(result: Any) -> str:
    """What the status line says of a source whose messages failed: those not stored (yet)
    first, since they wait for the next sync and the seller should know they exist."""
    errors, unstored = result.errors, result.unstored
    if not unstored:
        return f"{errors} errors"
    text = f"{unstored} {'message' if unstored == 1 else 'messages'} not stored yet (tried again at each sync)"
    return text if errors == unstored else f"{text}, {errors - unstored} other errors"

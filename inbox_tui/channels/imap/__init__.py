"""IMAP: a mailbox on a server, synced both ways; replies to its mail go out through its SMTP
server (the `smtp:` section), copied to its Sent folder."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from inbox_tui.channels.base import SourceKind, Transport

if TYPE_CHECKING:
    from pydantic import BaseModel

    from inbox_tui.sla import SlaPolicy
    from inbox_tui.store.db import Store
    from inbox_tui.syncing import FolderProgress, SourceOutcome


class ImapSource(SourceKind):
    kind = "imap"
    transport = "smtp"
    answers_any_ticket = True  # the seller's mail account can answer a ticket from an import

    def config_model(self) -> type[BaseModel]:
        from inbox_tui.config.sources import ImapSourceConfig

        return ImapSourceConfig

    def sync(
        self,
        store: Store,
        config: Any,
        *,
        seller_emails: frozenset[str],
        sla: SlaPolicy,
        progress: FolderProgress | None,
    ) -> SourceOutcome:
        from inbox_tui.channels.imap.session import ImapSyncError, ImapUnreachable
        from inbox_tui.channels.imap.sync import sync_source
        from inbox_tui.syncing import SourceOutcome, add_folders

        def folder_progress(folder: str, done: int, total: int | None) -> None:
            if progress:
                progress(config.name, folder, done, total)

        outcome = SourceOutcome(config.name)
        try:
            results = sync_source(
                store, config, seller_emails=seller_emails, progress=folder_progress, sla=sla
            )
        except ImapSyncError as exc:
            outcome.failed = str(exc)
            outcome.offline = isinstance(exc, ImapUnreachable)
            return outcome
        return add_folders(outcome, config.name, results)

    def cannot_send(self, config: Any) -> str | None:
        return None if config.smtp is not None else f"source {config.name!r} has no `smtp:` section"

    def open_transport(self, config: Any, store: Store) -> Transport:
        from inbox_tui.channels.imap.smtp import SmtpTransport

        return SmtpTransport(config, store)

    def watched_folders(self, config: Any) -> list[str]:
        return list(config.folders)

    def watch(
        self, config: Any, folder: str, announced: Callable[[], None], stop: threading.Event
    ) -> None:
        from inbox_tui.channels.imap.idle import IdleWatcher

        IdleWatcher(config, folder, announced).run(stop)


SOURCES = (ImapSource(),)

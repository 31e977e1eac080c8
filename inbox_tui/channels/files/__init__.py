"""Local files: a Maildir folder or an mbox file, imported (again and again, idempotently)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from inbox_tui.channels.base import SourceKind

if TYPE_CHECKING:
    from pydantic import BaseModel

    from inbox_tui.importer import ImportResult
    from inbox_tui.sla import SlaPolicy
    from inbox_tui.store.db import Store
    from inbox_tui.syncing import FolderProgress, SourceOutcome


class _FileSource(SourceKind):
    def sync(
        self,
        store: Store,
        config: Any,
        *,
        seller_emails: frozenset[str],
        sla: SlaPolicy,
        progress: FolderProgress | None,
    ) -> SourceOutcome:
        from inbox_tui.importer import NotAMailbox
        from inbox_tui.syncing import SourceOutcome

        outcome = SourceOutcome(config.name)
        try:
            result = self.run(store, config.path, seller_emails=seller_emails, sla=sla)
        except NotAMailbox as exc:
            outcome.failed = str(exc)
            return outcome
        outcome.lines.append((f"{config.name}: {result.summary()}", False))
        outcome.problems.extend(result.problems)
        outcome.new = result.added
        outcome.intake.add(result)
        if result.failed:
            outcome.failed = f"{result.failed} messages not stored yet (tried again at each sync)"
        return outcome

    def run(self, store: Store, path: Any, **options: Any) -> ImportResult:
        raise NotImplementedError


class MaildirSource(_FileSource):
    kind = "maildir"

    def config_model(self) -> type[BaseModel]:
        from inbox_tui.config.sources import MaildirSourceConfig

        return MaildirSourceConfig

    def run(self, store: Store, path: Any, **options: Any) -> ImportResult:
        from inbox_tui.importer import import_maildir

        return import_maildir(store, path, **options)


class MboxSource(_FileSource):
    kind = "mbox"

    def config_model(self) -> type[BaseModel]:
        from inbox_tui.config.sources import MboxSourceConfig

        return MboxSourceConfig

    def run(self, store: Store, path: Any, **options: Any) -> ImportResult:
        from inbox_tui.importer import import_mbox

        return import_mbox(store, path, **options)


SOURCES = (MaildirSource(), MboxSource())

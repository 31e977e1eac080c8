"""The inbox app: the composition root that wires the store to the screens."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App
from textual.screen import Screen

from inbox_tui.sla import DEFAULT_POLICY, SlaPolicy
from inbox_tui.store.db import Store
from inbox_tui.tui.commands import KeymapCommands
from inbox_tui.tui.keymap import bindings
from inbox_tui.tui.screens.help import HelpScreen
from inbox_tui.tui.screens.main import MainScreen
from inbox_tui.tui.ticket_views import SavedSearch, wake_snoozed
from inbox_tui.tui.widgets.status_line import SyncReport

if TYPE_CHECKING:
    from inbox_tui.syncing import SourceOutcome

WAKE_EVERY = 60.0  # seconds between looks for snoozed tickets whose time has come
STATUS_EVERY = 30.0  # seconds between redraws of the status line ("synced 3m ago")


class UnknownTheme(ValueError):
    """The configured theme is not one Textual knows."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


class InboxApp(App[None]):
    """A keyboard-driven inbox over one store."""

    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {KeymapCommands}
    BINDINGS = bindings("app")

    def __init__(
        self,
        store: Store,
        *,
        title: str = "inbox-tui",
        theme: str = "textual-dark",
        page_size: int = 200,
        now: Callable[[], datetime] = _utc_now,
        tz: tzinfo = UTC,
        sla: SlaPolicy = DEFAULT_POLICY,
        sources: Sequence[Any] = (),
        seller_emails: frozenset[str] = frozenset(),
        sync_every: float = 0.0,
        saved_searches: Sequence[Any] = (),
    ) -> None:
        super().__init__()
        self.sla = sla  # first-response targets: due times and their colours
        self.sources = list(sources)  # synced in a worker at start and every `sync_every` s
        self.seller_emails = seller_emails
        self.sync_every = sync_every
        self.sync_report = SyncReport()
        # searches from the config (anything with .name and .query), each a view of its own
        self.saved_searches = [SavedSearch(s.name, s.query) for s in saved_searches]
        self.store = store
        self.page_size = page_size
        self.now = now  # injectable clock: ages in the list are relative to it
        self.tz = tz  # the seller's time zone: snooze presets ("tomorrow 9:00") are in it
        self.title = title
        if theme not in self.available_themes:
            choices = ", ".join(sorted(self.available_themes))
            raise UnknownTheme(f"unknown theme {theme!r}; choose one of: {choices}")
        self.theme = theme

    def get_default_screen(self) -> Screen:
        return MainScreen(
            self.store,
            now=self.now,
            page_size=self.page_size,
            tz=self.tz,
            sla=self.sla,
            saved_searches=self.saved_searches,
        )

    def on_mount(self) -> None:
        self.wake_snoozed()
        self.set_interval(WAKE_EVERY, self.wake_snoozed)
        self.set_interval(STATUS_EVERY, self._show_status)
        self._show_status()
        if self.synced_sources:
            self.sync_now()
            if self.sync_every > 0:
                self.set_interval(self.sync_every, self.sync_now)

    @property
    def main_screen(self) -> MainScreen | None:
        main = self.screen_stack[0] if self.screen_stack else None
        return main if isinstance(main, MainScreen) and main.is_mounted else None

    @property
    def synced_sources(self) -> int:
        """How many sources the worker syncs (none for a store that lives only in memory)."""
        return len(self.sources) if self.store.path is not None else 0

    def _show_status(self) -> None:
        if (main := self.main_screen) is not None:
            main.show_status()

    def sync_now(self) -> None:
        """Sync every source in a worker thread; keys keep working while it runs."""
        self.sync_report.syncing()
        self._show_status()
        self._sync_worker()

    @work(thread=True, exclusive=True, group="sync", exit_on_error=False)
    def _sync_worker(self) -> None:
        # A connection of its own: SQLite connections are not shared between threads, and
        # WAL lets the UI read while this one writes.
        from inbox_tui.syncing import sync_all  # the parser and IMAP only once a sync runs

        assert self.store.path is not None
        store = Store.open(self.store.path)
        try:
            outcomes = sync_all(store, self.sources, seller_emails=self.seller_emails, sla=self.sla)
        finally:
            store.close()
        self.call_from_thread(self._synced, outcomes)

    def _synced(self, outcomes: list[SourceOutcome]) -> None:
        self.sync_report.synced(outcomes, self.now())
        if (main := self.main_screen) is not None:
            main.refresh_after_sync()

    def wake_snoozed(self) -> list[int]:
        """Open snoozed tickets whose time has come and show them; their ids."""
        woken = wake_snoozed(self.store, self.now(), self.sla)
        main = self.screen_stack[0] if self.screen_stack else None
        if woken and isinstance(main, MainScreen) and main.is_mounted:
            current = main.ticket_list.ticket
            main.reload(
                keep_ticket=current.id if current else None,
                fallback_index=main.ticket_list.cursor,
            )
        return woken

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())


def run_tui(store: Store, **kw: Any) -> None:
    """Run the inbox on the terminal until the user quits."""
    InboxApp(store, **kw).run()

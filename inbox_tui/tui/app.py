"""The inbox app: the composition root that wires the store to the screens."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Any, Literal

from textual import events, on, work
from textual.app import App
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import WorkerFailed

from inbox_tui.channels.base import SourceKind
from inbox_tui.channels.registry import source_kind
from inbox_tui.config_cache import StartConfig, whole
from inbox_tui.crash import record as record_crash
from inbox_tui.sla import SlaPolicy
from inbox_tui.store.db import Store, checkpoint
from inbox_tui.store.outbox import outbox_counts
from inbox_tui.tui.commands import KeymapCommands
from inbox_tui.tui.composer_ahead import AHEAD_AFTER, ComposerAhead
from inbox_tui.tui.gc_pacing import GcPacer
from inbox_tui.tui.keymap import bindings, configure, key_hint
from inbox_tui.tui.messages import (
    AttachmentsRequested,
    CustomerPanelToggled,
    Fact,
    OutboxChanged,
    OutboxEdited,
    ReplyRequested,
    ResendRequested,
    StatusChanged,
    SyncFinished,
    TicketsChanged,
    TicketsWoken,
    TriageRequested,
)
from inbox_tui.tui.order_refresh import OrderRefresh
from inbox_tui.tui.screens.main import MainScreen
from inbox_tui.tui.start_and_quit import StartAndQuit
from inbox_tui.tui.theme_memory import ThemeMemory
from inbox_tui.tui.ticket_views import SavedSearch, due_settled, settle_due, wake_snoozed
from inbox_tui.tui.trend_watch import TrendPace, TrendWatch
from inbox_tui.tui.ui_state import remember_panel, remembered_panel
from inbox_tui.tui.widgets.status_line import OutboxReport, SyncReport

if TYPE_CHECKING:
    from textual.theme import Theme

    from inbox_tui.config import Config
    from inbox_tui.marketplaces.orders import OrderRefresher
    from inbox_tui.syncing import SourceOutcome
    from inbox_tui.templates import Template
    from inbox_tui.tui.css_cache import CssCache

WAKE_EVERY = 60.0  # seconds between looks for snoozed tickets whose time has come
STATUS_EVERY = 30.0  # seconds between redraws of the status line ("synced 3m ago")
SEND_EVERY = 60.0  # seconds between looks for queued replies whose (re)try time has come
HELD_SLACK = 0.3  # seconds after a reply's undo hold ends before the sender looks
GC_TICK = 0.1  # seconds between looks for a quiet moment to collect garbage (gc_pacing)
CHECKPOINT_EVERY = 5.0  # seconds between WAL checkpoints, in a worker thread (not in a key)
IDLE_FOLDERS = 3  # folders per IMAP source watched with IDLE (one connection each)


class UnknownTheme(ValueError):
    """The configured theme is not one Textual knows."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


class InboxApp(StartAndQuit, TrendWatch, OrderRefresh, App[None]):
    """A keyboard-driven inbox over one store."""

    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {KeymapCommands}
    BINDINGS = bindings("app")

    def __init__(
        self,
        store: Store,
        config: Config | StartConfig | None = None,
        *,
        title: str = "inbox-tui",
        now: Callable[[], datetime] = _utc_now,
        sync: bool = False,
        # what a test gives instead of the config's (None: the config's)
        theme: str | None = None,
        page_size: int | None = None,
        tz: tzinfo | None = None,
        sla: SlaPolicy | None = None,
        sources: Sequence[Any] | None = None,
        seller_emails: frozenset[str] | None = None,
        sync_every: float | None = None,
        saved_searches: Sequence[Any] | None = None,
    ) -> None:
        """The inbox over `store`, as `config` says (`InboxApp(store, config)`): a validated
        `Config`, or the CLI's `StartConfig` (config_cache.py: what the first frame reads, the
        whole config built beside the UI after it). `sync`: sync the config's sources at
        start, every `sync.interval_minutes` and when IMAP announces mail (the CLI's inbox;
        tests and the demo leave it off: their sources only say how replies go out). The
        keywords after it stand in for parts of the config in tests."""
        super().__init__()
        self.crashed: str | None = None  # the line saying what stopped the app (crash.py)
        self.css_cache: CssCache | None = None  # Textual's parsed CSS across starts (the CLI's)
        if config is None:
            from inbox_tui.config import Config

            config = Config()
        # the first frame reads ui, seller, sla, snooze and sync, which both kinds have
        self._settings: Config | StartConfig = config
        theme = theme if theme is not None else config.ui.theme
        page_size = page_size if page_size is not None else config.ui.page_size
        tz = tz if tz is not None else config.seller.tzinfo
        sla = sla if sla is not None else SlaPolicy.from_config(config)
        # the sources themselves (hosts, secrets' names) only in the workers, after the frame
        self._sources = list(sources) if sources is not None else None
        if sources is not None:
            self.source_kinds = tuple(getattr(s, "kind", "") for s in sources)
        elif not sync:
            self._sources, self.source_kinds = [], ()
        elif isinstance(config, StartConfig):
            self.source_kinds = config.source_kinds
        else:
            self.source_kinds = tuple(source.kind for source in config.sources)
        if seller_emails is None:
            seller_emails = frozenset(email.lower() for email in config.seller.emails)
        if sync_every is None:
            sync_every = config.sync.interval_minutes * 60.0 if sync else 0.0
        if saved_searches is None:
            saved_searches = config.ui.saved_searches
        self._templates: list[Template] | None = None  # loaded at the first reply
        self._templates_lock = threading.Lock()  # held while they load (start_and_quit.py)
        self.composer_ahead = ComposerAhead(self)  # the next `r`'s composer, built beside the list
        self.trend_pace = TrendPace()  # the trends worker waits while the seller types
        self.outbox_report = OutboxReport()
        self._send_again = False  # a send was asked for while one ran: run once more after it
        self._held_timer: Timer | None = None  # sends a reply when its undo hold ends
        self._send_lock = threading.Lock()  # held while a send runs: quitting waits for it
        self.hung_up = False  # set by hang_up: the terminal went away (start_and_quit.py)
        self._quitting = False  # set by end_sending: no send starts any more (start_and_quit.py)
        self.sla = sla  # first-response targets: due times and their colours
        self.seller_emails = seller_emails
        self.sync_every = sync_every
        self.sync_report = SyncReport()
        self._syncing = False
        self._sync_again = False  # new mail was announced during a sync: run once more after it
        self._stop_watching = threading.Event()  # tells the IDLE watchers to log out
        self._shown = threading.Event()  # the first frame is up: the workers may start
        # searches from the config (anything with .name and .query), each a view of its own
        self.saved_searches = [SavedSearch(s.name, s.query) for s in saved_searches]
        self.store = store
        # the shops' orders for the customer panel: made from the config at the first ticket
        # opened (order_refresh.py), unless given (a test's)
        self.order_refresher: OrderRefresher | None = None
        self.gc_pacer = GcPacer()
        self.page_size = page_size
        self.now = now  # injectable clock: ages in the list are relative to it
        self.tz = tz  # the seller's time zone: snooze presets ("tomorrow 9:00") are in it
        self.title = title
        if theme not in self.available_themes:
            choices = ", ".join(sorted(self.available_themes))
            raise UnknownTheme(f"unknown theme {theme!r}; choose one of: {choices}")
        self.theme_memory = ThemeMemory(theme)  # the palette's choice wins at the next start
        self.theme = self.theme_memory.start(self.available_themes)
        # the seller's keys (ui.keys), checked against the table before the terminal is taken
        self.set_keymap(configure(self._settings.ui.keys))

    def _theme_chosen(self, theme: Theme) -> None:
        if (problem := self.theme_memory.chosen(theme.name)) is not None:
            self.notify(problem, severity="warning", markup=False)

    def get_default_screen(self) -> Screen:
        return MainScreen(
            self.store,
            now=self.now,
            page_size=self.page_size,
            tz=self.tz,
            sla=self.sla,
            saved_searches=self.saved_searches,
            start_view=self._settings.ui.start_view,
            customer_panel=remembered_panel(),
            sync_report=self.sync_report,
            outbox_report=self.outbox_report,
            synced_sources=self.synced_sources,
        )

    @on(CustomerPanelToggled)
    def _panel_toggled(self, intent: CustomerPanelToggled) -> None:
        if (problem := remember_panel(intent.shown)) is not None:
            self.notify(problem, severity="warning", markup=False)

    def on_load(self) -> None:
        # Before Textual takes stdout and stderr (Load comes first): multiprocessing starts its
        # resource tracker with stderr's file descriptor, and Textual's stand-in has none
        # (fileno() is -1), so a big IMAP sync's worker processes (channels/imap/parallel.py)
        # failed inside the app with "ValueError: bad value(s) in fds_to_keep". Started now,
        # the tracker keeps the terminal's stderr and every worker process finds it running.
        if self.synced_sources and "imap" in self.source_kinds:
            from multiprocessing import resource_tracker

            resource_tracker.ensure_running()

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._theme_chosen)
        # full garbage collections between keys, from a second after start (see gc_pacing)
        self.set_interval(GC_TICK, self.gc_pacer.tick)
        if not self.store.in_memory:  # the log goes back into the file from a worker
            self.store.defer_checkpoints()
            self.set_interval(CHECKPOINT_EVERY, self._checkpoint)
        if not due_settled(self.store, self.sla):  # `sla:` or the time zone changed
            self._settle_due()
        self.wake_snoozed()
        self.set_interval(WAKE_EVERY, self.wake_snoozed)
        self.set_interval(STATUS_EVERY, self._show_status)
        self._show_status()
        self.call_after_refresh(self._first_frame_shown)
        if self.synced_sources:
            self.sync_now()
            if self.sync_every > 0:
                self.set_interval(self.sync_every, self.sync_now)
            self._watch_for_mail()  # a worker: the sources are read after the first frame
        if self.reaches_out:
            self.set_interval(SEND_EVERY, self.send_waiting)
            self.send_waiting()
        self.set_timer(self.trends_after, self.look_for_trends)

    @property
    def main_screen(self) -> MainScreen | None:
        main = self.screen_stack[0] if self.screen_stack else None
        return main if isinstance(main, MainScreen) and main.is_mounted else None

    @property
    def settings(self) -> Config | StartConfig:
        """The config as the first frame reads it: from the CLI, the start cache's settings
        (no pydantic; `whole` or `config` validates the rest), else the whole `Config`."""
        return self._settings

    @property
    def config(self) -> Config:
        """The whole validated config (seller, signature, templates, sources, rules, orders):
        from the CLI, built at the first use (StartConfig.full), which the preparation beside
        the UI makes once the composer is prepared (start_and_quit.py), or a sync before it."""
        return whole(self._settings)

    @property
    def sources(self) -> list[Any]:
        """The sources the worker syncs (their config sections), read at the first sync."""
        if self._sources is None:
            self._sources = list(self.config.sources)
        return self._sources

    @property
    def reaches_out(self) -> bool:
        """Whether the app syncs and sends: never into or from a store only in memory (a
        test's throwaway inbox, whose config may still name the seller's servers)."""
        return not self.store.in_memory

    @property
    def synced_sources(self) -> int:
        """How many sources the worker syncs (none for a store that lives only in memory)."""
        return len(self.source_kinds) if self.reaches_out else 0

    def tell(self, fact: Callable[..., Fact], *args: Any) -> None:
        """Post a fact to every screen that is up; each shows what concerns it (messages.py)."""
        for screen in self.screen_stack:
            if screen.is_mounted:
                screen.post_message(fact(*args))

    def _show_status(self) -> None:
        self.tell(StatusChanged)

    def sync_now(self) -> None:
        """Sync every source in a worker thread; keys keep working while it runs. Asked while
        a sync runs, it runs once more after that one (never two at once)."""
        if self._syncing:
            self._sync_again = True
            return
        self._syncing = True
        self.sync_report.syncing()
        self._show_status()
        self._sync_worker()

    @work(thread=True, exclusive=True, group="sync", exit_on_error=False)
    def _sync_worker(self) -> None:
        # A connection of its own: SQLite connections are not shared between threads, and
        # WAL lets the UI read while this one writes.
        self._after_first_frame()
        from inbox_tui import replies  # parser and IMAP only now
        from inbox_tui.syncing import SourceOutcome

        try:
            with self.store.for_thread() as store:
                outcomes = replies.sync(
                    store, self.sources, seller_emails=self.seller_emails, sla=self.sla
                )
                # the rules on what came in, and the timed ones (escalations) at every round
                rules = replies.run_rules(store, self.config, now=self.now())
                if rules.failures:
                    first = rules.failures[0]
                    outcomes.append(
                        SourceOutcome(
                            "rules",
                            failed=f"{len(rules.failures)} failed, first: rule {first.rule}"
                            f" on ticket {first.ticket_id}: {first.outcome}"[:200],
                        )
                    )
        except Exception as exc:  # a bug, not a source's trouble: say so, keep syncing later
            outcomes = [SourceOutcome("sync", failed=f"{type(exc).__name__}: {exc}"[:200])]
        self.call_from_thread(self._synced, outcomes)

    def _synced(self, outcomes: list[SourceOutcome]) -> None:
        self._syncing = False
        self.sync_report.synced(outcomes, self.now())
        self.tell(SyncFinished)
        self.send_waiting()  # the network may be back: replies waiting in the outbox go now
        if any(outcome.new for outcome in outcomes):
            self.look_for_trends()
        if self._sync_again:
            self._sync_again = False
            self.sync_now()

    @work(thread=True, group="idle", exit_on_error=False)
    def _watch_for_mail(self) -> None:
        """IMAP folders announce new mail with IDLE: a sync starts within seconds of it,
        not at the next `sync.interval_minutes`. (A worker: the sources are read after the
        first frame, when the config is validated in full.)"""
        self._after_first_frame()
        self.call_from_thread(self._watch_folders, self.sources)

    def _watch_folders(self, sources: list[Any]) -> None:
        for source in sources:
            kind = source_kind(source.kind)
            for folder in kind.watched_folders(source)[:IDLE_FOLDERS] if kind else []:
                self._idle_worker(kind, source, folder)

    @work(thread=True, group="idle", exit_on_error=False)
    def _idle_worker(self, kind: SourceKind, source: Any, folder: str) -> None:
        self._after_first_frame()

        def announced() -> None:
            if not self._stop_watching.is_set():
                self.call_from_thread(self.sync_now)

        kind.watch(source, folder, announced, self._stop_watching)

    def on_unmount(self) -> None:
        self._shown.set()  # workers still waiting for a first frame need not
        self.trend_pace.stop()  # the trends worker stops at its next step
        self._stop_watching.set()  # the watchers notice within a second (inbox-tui itself ends
        # sooner: start_and_quit.py)
        self.gc_pacer.stop()
        if not self.store.in_memory:
            self.store.defer_checkpoints(False)

    @work(thread=True, group="due", exit_on_error=False)
    def _settle_due(self) -> None:
        """Every open ticket's due time anew, beside the UI (2 s for 26,000 open tickets)."""
        if settle_due(self.store, self.sla):
            self.call_from_thread(self.tell, TicketsChanged)

    @work(thread=True, group="checkpoint", exclusive=True, exit_on_error=False)
    def _checkpoint(self) -> None:
        """The WAL back into the database file, beside the UI (see Store.defer_checkpoints)."""
        if self.store.path is not None:
            checkpoint(self.store.path)

    def _handle_exception(self, error: Exception) -> None:
        """An error nothing handled stops the app, as in Textual; but Textual then prints a
        traceback with every frame's locals (the typed search, a customer's mail, a password)
        to the terminal. Here it goes to crash.log without them, and run_tui prints one line."""
        if self.crashed is None:  # a worker's error comes wrapped: the error is what it raised
            self.crashed = record_crash(error.error if isinstance(error, WorkerFailed) else error)
        self._return_code = 1
        if self._exception is None:  # what Pilot raises again when a test ends (run_test)
            self._exception = error
            self._exception_event.set()
        self._close_messages_no_wait()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self.gc_pacer.key_pressed()  # no collection until the keys pause
        if isinstance(event, events.Key | events.MouseEvent):
            self.composer_ahead.acted(event)  # the next composer is made in a quiet moment
            self.trend_pace.acted(event)  # the trends worker waits meanwhile
        await super().on_event(event)

    # --- replies: the composer and the sender worker --------------------------------------------

    @property
    def templates(self) -> list[Template]:
        """The reply templates (shipped plus the seller's), loaded once; a broken file of the
        seller's is reported in one line and the shipped library used meanwhile."""
        if self._templates is None:
            from inbox_tui.templates import TemplateError, shipped_templates

            try:
                self._templates = self.load_template_library()
            except TemplateError as exc:
                message = f"templates: {exc}; using the shipped ones"
                self.notify(message, severity="error", markup=False)  # a file's text: not markup
                self._templates = shipped_templates()
        return self._templates

    @property
    def loaded_templates(self) -> list[Template] | None:
        """The templates if they are loaded (else None: nothing is loaded now)."""
        return self._templates

    # --- intents: what the screens ask for ----------------------------------------------------

    @on(ReplyRequested)
    def _reply_requested(self, intent: ReplyRequested) -> None:
        self.open_composer(intent.ticket_id)

    @on(ResendRequested)
    def _resend_requested(self, intent: ResendRequested) -> None:
        self.resend_failed(intent.ticket_id)

    @on(AttachmentsRequested)
    def _attachments_requested(self, intent: AttachmentsRequested) -> None:
        self.save_attachments(intent.ticket_id)

    @on(TriageRequested)
    def _triage_requested(self, intent: TriageRequested) -> None:
        """The full-screen thread's triage keys: the main screen acts (one place for every
        action, its notice and its undo); a screen still up over it shows the change."""
        if (main := self.main_screen) is None:
            return
        main.act_on(intent.ticket_ids, intent.action)
        if self.screen is not main:
            self.screen.post_message(TicketsChanged(intent.ticket_ids))

    def open_composer(self, ticket_id: int) -> None:
        """Reply to a ticket: the composer opens under its thread (the one made ahead when it
        is ready: composer_ahead.py)."""
        composer = self.composer_ahead.take(ticket_id)
        if composer is None:
            from inbox_tui.tui.screens.composer import ComposerScreen

            # the start's settings: the whole config is validated when the reply needs it
            composer = ComposerScreen(
                self.store, ticket_id, config=self.settings, templates=self.templates, now=self.now
            )
        elif composer.ready:  # filled in first: its title and focus are in its first frame
            composer.open(ticket_id)
        self.push_screen(composer, self._composer_closed)

    def clear_selection(self) -> None:
        """Clear the text selected on the shown screen, except while a composer made ahead
        mounts: Textual's Input and TextArea clear the app's selection as they mount, wherever
        they are, and the composer's, mounting off screen, ended a mouse drag over the thread
        that began just after it was made."""
        if not self.composer_ahead.mounting:
            super().clear_selection()

    def make_composer_ahead(self) -> None:
        """Build the next `r`'s composer beside the list (composer_ahead.py), unless one is
        open: its closing asks again (built now, it would take the CPU from that composer's
        first frame)."""
        from inbox_tui.tui.screens.composer import ComposerScreen

        if not any(isinstance(screen, ComposerScreen) for screen in self.screen_stack):
            self.composer_ahead.make()

    def _composer_closed(self, outbox_id: int | None) -> None:
        self.set_timer(AHEAD_AFTER, self.make_composer_ahead)  # the next reply's
        self.tell(TicketsChanged)  # the row's draft or outbox mark, its status and tags
        if outbox_id is None:
            return
        self.notify(self._queued_line(), timeout=5, markup=False)
        self.send_now()

    def _queued_line(self) -> str:
        """What the seller reads once a reply is queued: how long `u` can take it back."""
        if self.store.demo:
            from inbox_tui.outbox.queue import DEMO_NO_SERVER

            return f"Reply queued: {DEMO_NO_SERVER}"
        hold = self.config.outbox.undo_seconds
        if not hold:
            return "Reply queued in the outbox"
        undo, outbox = key_hint("main.undo"), key_hint("main.app.outbox")
        return f"Reply goes in {hold}s · {undo} undoes the send · {outbox} shows the outbox"

    @on(OutboxEdited)
    def _outbox_edited(self) -> None:
        """A reply was taken back or resent (outbox view, undo): count again, send what is due."""
        self.tell(OutboxChanged)
        self.send_waiting()

    def action_outbox(self) -> None:
        """The outbox view: waiting, failed and recently sent replies."""
        from inbox_tui.tui.screens.outbox import OutboxScreen  # after the first frame

        if not isinstance(self.screen, OutboxScreen):
            self.push_screen(OutboxScreen(self.store, now=self.now, tz=self.tz))

    def _send_when_held_ends(self) -> None:
        """A reply held for undo goes when its hold ends, not at the next minute's round."""
        from inbox_tui.store.db import parse_time
        from inbox_tui.store.outbox import next_attempt

        if self._held_timer is not None:
            self._held_timer.stop()
            self._held_timer = None
        when = next_attempt(self.store)
        if when is None:
            return
        wait = (parse_time(when) - self.now()).total_seconds()
        if 0 < wait < SEND_EVERY:
            self._held_timer = self.set_timer(wait + HELD_SLACK, self.send_waiting)

    def resend_failed(self, ticket_id: int) -> bool:
        """Put `ticket_id`'s newest failed reply back in the outbox, with its Message-ID, and
        send it now; one line says what happened. False when there was nothing to resend."""
        from inbox_tui import replies

        try:
            resent = replies.resend_newest_failed(self.store, ticket_id)
        except replies.ReplyRefused as refused:
            self.notify(str(refused), severity="warning", markup=False)
            return False
        kept = (
            f"; your edited draft stays ({key_hint('composer.discard')} in the composer drops it)"
        )
        message = f"Reply #{resent.outbox_id} is back in the outbox: sending it again"
        self.notify(message + (kept if resent.draft_kept else ""), timeout=5, markup=False)
        self.tell(TicketsChanged, [ticket_id])  # the list's ✗ becomes ◷, the thread's reply
        self.send_now()
        return True

    def send_waiting(self) -> None:
        """Run the sender if any reply waits in the outbox (after a sync, and on a timer)."""
        counts = outbox_counts(self.store)
        self.outbox_report.counts = counts
        if counts["queued"] or counts["sending"]:
            self.send_now()
        else:
            self._show_status()

    def send_now(self) -> None:
        """Send what is due in a worker thread, one run at a time (a second run could race the
        first for the same reply); nothing is sent from a store only in memory (reaches_out)."""
        if not self.reaches_out:
            self._show_status()
            return
        if self.outbox_report.busy:
            self._send_again = True
            return
        self.outbox_report.sending()
        self._show_status()
        self._send_worker()

    @work(thread=True, group="send", exit_on_error=False)
    def _send_worker(self) -> None:
        self._after_first_frame()
        from inbox_tui import replies  # SMTP and the APIs only once a send runs

        with self._send_lock:
            if self._quitting:
                return
            report: Any = None
            failure: str | None = None
            with self.store.for_thread() as store:
                try:
                    report = replies.send(store, self.config, now=self.now())
                except Exception as exc:  # a bug must not leave "sending…" up: say it in a line
                    failure = " ".join(f"{type(exc).__name__}: {exc}".split())
                finally:
                    counts = outbox_counts(store)
        self.call_from_thread(self._sent, report, failure, counts)

    def _sent(self, report: Any, failure: str | None, counts: dict[str, int]) -> None:
        self.outbox_report.sent(report, failure, counts)
        self.tell(OutboxChanged)
        self._send_when_held_ends()
        if self._send_again:
            self._send_again = False
            self.send_now()

    def wake_snoozed(self) -> list[int]:
        """Open snoozed tickets whose time has come and show them; their ids."""
        woken = wake_snoozed(self.store, self.now(), self.sla)
        if woken:
            self.tell(TicketsWoken, woken)
        return woken

    def action_stats(self) -> None:
        from inbox_tui.tui.screens.stats import StatsScreen

        if not isinstance(self.screen, StatsScreen):
            screen = StatsScreen(
                self.store,
                now=self.now(),
                sla=self.sla,
                templates=self.templates,
                tz=self.tz,
                waited_for=self.gc_pacer.waiting,
            )
            self.push_screen(screen)

    def save_attachments(self, ticket_id: int) -> None:
        """Every attachment of the ticket into `ui.attachments_dir` (default ~/Downloads/…), in
        a worker: a slow or odd folder never holds up the keys. One line says what happened."""
        self._save_worker(ticket_id)

    @work(thread=True, group="attachments")
    def _save_worker(self, ticket_id: int) -> None:
        with self.store.for_thread() as store:
            outcome = self._save(store, ticket_id)
        self.call_from_thread(self._show_saved, *outcome)

    def _save(self, store: Store, ticket_id: int) -> tuple[str, bool]:
        from inbox_tui.attachments import save_and_report
        from inbox_tui.paths import downloads_dir

        return save_and_report(store, ticket_id, self.config.ui.attachments_dir or downloads_dir())

    def _show_saved(self, line: str, failed: bool) -> None:
        severity: Literal["warning", "information"] = "warning" if failed else "information"
        self.notify(line, severity=severity, timeout=5, markup=False)  # names: not markup

    def action_help(self) -> None:
        from inbox_tui.tui.screens.help import HelpScreen  # after the first frame

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())


def run_tui(store: Store, config: Config, *, title: str) -> str | None:
    """Run the inbox on the terminal until the user quits, syncing the config's sources; the
    line to print if it crashed. A quit ends the process at once (what it waits for, and what
    it need not: start_and_quit.py)."""
    from inbox_tui.tui.css_cache import CssCache
    from inbox_tui.tui.start_and_quit import exit_now, run_on_own_loop

    app = InboxApp(store, config, title=title, sync=True)
    app.css_cache = CssCache(app.stylesheet)  # the CSS parsed at the last start, read back
    run_on_own_loop(app)
    if app.crashed:
        return app.crashed
    exit_now(app, store)

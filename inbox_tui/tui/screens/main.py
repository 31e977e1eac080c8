"""The main screen: the views (sidebar or bar), the ticket list, the selected ticket's thread
and, when the seller switches it on, the customer panel (who writes, their orders)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Container, Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static

from inbox_tui.sla import DEFAULT_POLICY, SlaPolicy
from inbox_tui.store import actions
from inbox_tui.store.db import Store
from inbox_tui.store.outbox import outbox_counts
from inbox_tui.store.saved_searches import forget_search, keep_search, kept_searches
from inbox_tui.store.views import list_tags, outbox_waiting, tag_counts, ticket_states
from inbox_tui.times import moment_label
from inbox_tui.tui.breakpoints import preset_width_classes
from inbox_tui.tui.keymap import bindings, key_hint
from inbox_tui.tui.messages import (
    AttachmentsRequested,
    CustomerPanelToggled,
    OutboxChanged,
    OutboxEdited,
    ReplyRequested,
    ResendRequested,
    SearchAsked,
    StatusChanged,
    SyncFinished,
    TicketsChanged,
    TicketsWoken,
    TrendsFound,
    TrendsSeen,
)
from inbox_tui.tui.ticket_views import (
    SAVED_VIEW,
    VIEW_NAMES,
    SavedSearch,
    Search,
    SearchFailed,
    ViewEntry,
    check_search,
    refresh_due,
    search_cap,
    view_entries,
)
from inbox_tui.tui.widgets.customer_panel import CustomerPanel
from inbox_tui.tui.widgets.header import InboxHeader
from inbox_tui.tui.widgets.key_footer import KeyFooter
from inbox_tui.tui.widgets.sidebar import Sidebar
from inbox_tui.tui.widgets.status_line import OutboxReport, StatusLine, SyncReport
from inbox_tui.tui.widgets.thread_view import ThreadView
from inbox_tui.tui.widgets.ticket_list import TicketList
from inbox_tui.tui.widgets.trend_line import TrendLine
from inbox_tui.tui.widgets.view_bar import ViewBar

if TYPE_CHECKING:
    from inbox_tui.stats.unusual import Unusual

SEARCH_DELAY = 0.15  # seconds of quiet typing before a search runs
SEARCH_HINT = 'search: words, "a phrase", from: tag: channel: status: order: is: before: after:'
SIDEBAR_MIN_WIDTH = 120  # from this many columns the sidebar replaces the one-line view bar
SIDEBAR_WIDTH = 28  # app.tcss: Sidebar { width }
PANEL_WIDTH = 40  # app.tcss: the customer panel's grid column, its lines included
PREVIEW_MIN_WIDTH = 44  # narrower than this, the customer panel takes the preview's place
EMPTY_STORE = "No tickets yet — run `inbox-tui import maildir PATH` or `inbox-tui demo`."


def panel_beside_preview(width: int) -> bool:
    """Whether the customer panel fits beside the preview at a terminal `width` (the panel
    puts the list over the two, at any width); else it takes the preview's place."""
    content = width - (SIDEBAR_WIDTH if width >= SIDEBAR_MIN_WIDTH else 0)
    return content - PANEL_WIDTH >= PREVIEW_MIN_WIDTH


class MainScreen(Screen):
    """List on top (left when wide), thread below (right); the cursor drives the thread. With
    the customer panel (`i`) the list sits over the thread and the panel, at any width."""

    BINDINGS = bindings("main")
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (140, "-wide")]
    # the list has the focus from the start (Textual's "*" gave it to the sidebar first, and
    # each focus change restyles the widget)
    AUTO_FOCUS = "#tickets"

    def __init__(
        self,
        store: Store,
        *,
        now: Callable[[], datetime],
        page_size: int,
        tz: tzinfo = UTC,
        sla: SlaPolicy = DEFAULT_POLICY,
        saved_searches: Sequence[SavedSearch] = (),
        start_view: str = "due",
        customer_panel: bool = False,
        sync_report: SyncReport | None = None,
        outbox_report: OutboxReport | None = None,
        synced_sources: int = 0,
    ) -> None:
        super().__init__()
        self.customer_shown = customer_panel  # the panel beside list+preview (remembered)
        # the app's reports, which its workers keep up to date: the status line reads them
        self.sync_report = sync_report
        self.outbox_report = outbox_report
        self.synced_sources = synced_sources
        self.saved_searches = {search.name: search for search in saved_searches}
        self.store = store
        self.now = now
        self.tz = tz
        self.sla = sla
        self.page_size = page_size
        self.view = start_view  # ui.start_view: Due unless the seller said otherwise
        self.counts: dict[str, int] = dict.fromkeys(VIEW_NAMES, 0)
        self.entries: list[ViewEntry] = []  # every view in sidebar (and number key) order
        self.search: Search | None = None  # the search whose results the list shows
        self.found = 0
        self._search_timer: Timer | None = None
        self.search_label = ""  # what a search opened from the stats is about
        self.kept: set[str] = set()  # the saved searches kept with `v` (in the store)
        self._resumed = False  # shown once: later resumes restyle (another screen was over it)

    def compose(self) -> ComposeResult:
        width = self.app.size.width
        preset_width_classes(self, {"-sidebar": width >= SIDEBAR_MIN_WIDTH, **self._panel(width)})
        yield InboxHeader()
        yield ViewBar(id="views")
        with Horizontal(id="body"):
            yield Sidebar(id="sidebar")
            with Vertical(id="content"):
                with Vertical(id="search-box"):
                    yield Input(placeholder=SEARCH_HINT, id="search")
                    yield Static(Text(""), id="search-error")
                with Container(id="panes"):
                    yield TicketList(
                        self.store,
                        now=self.now,
                        page_size=self.page_size,
                        sla=self.sla,
                        tz=self.tz,
                        id="tickets",
                    )
                    yield ThreadView(
                        self.store, now=self.now, tz=self.tz, sla=self.sla, id="thread"
                    )
                    with VerticalScroll(id="customer-box"):
                        yield CustomerPanel(self.store, now=self.now, tz=self.tz, id="customer")
                yield Static(Text(EMPTY_STORE), id="empty")
        yield StatusLine(id="status")
        yield TrendLine(id="trend")
        yield KeyFooter()

    @property
    def ticket_list(self) -> TicketList:
        return self.query_one("#tickets", TicketList)

    @property
    def thread(self) -> ThreadView:
        return self.query_one("#thread", ThreadView)

    @property
    def sidebar(self) -> Sidebar:
        return self.query_one("#sidebar", Sidebar)

    async def on_mount(self) -> None:
        # the focus now, not after the next refresh: the footer's hints follow from it
        self.set_focus(self.ticket_list)
        for name, query in kept_searches(self.store):  # the config's win a clash of names
            if name not in self.saved_searches:
                self.saved_searches[name] = SavedSearch(name, query)
                self.kept.add(name)
        self.reload(sidebar_now=True)
        self.show_status()
        # the key hints in the first frame, with the list (Textual's Footer makes them after it)
        await self.query_one(KeyFooter).compose_now()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """The first resume restyles nothing: every widget was styled as it mounted, a moment
        before (Textual restyles the whole screen at every resume: a second style pass over
        it on the way to the first frame). Runs before Textual's own handler."""
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    @property
    def customer_panel(self) -> CustomerPanel:
        return self.query_one("#customer", CustomerPanel)

    def on_resize(self, event: events.Resize) -> None:
        self._fit_sidebar(event.size.width)
        self._fit_panel(event.size.width)

    def _fit_sidebar(self, width: int) -> None:
        wide = width >= SIDEBAR_MIN_WIDTH
        self.set_class(wide, "-sidebar")
        if not wide and self.focused is self.sidebar:
            self.ticket_list.focus()

    # --- the customer panel ------------------------------------------------------------------

    def _panel(self, width: int) -> dict[str, bool]:
        """The screen's classes for the panel at `width`: shown, and whether it takes the
        preview's place."""
        shown = self.customer_shown
        return {"-customer": shown, "-customer-only": shown and not panel_beside_preview(width)}

    def _fit_panel(self, width: int) -> None:
        self.update_classes(self._panel(width))
        customer = self.query_one("#customer-box")
        if self.focused is self.thread and self.has_class("-customer-only"):
            customer.focus()  # the preview it was in gave its place to the panel
        elif self.focused is customer and not self.customer_shown:
            self.ticket_list.focus()

    def action_toggle_customer(self) -> None:
        """Show or hide the customer and their orders beside the preview (in its place when
        the terminal is narrow); the choice is kept for the next start."""
        self.customer_shown = not self.customer_shown
        self._fit_panel(self.size.width or self.app.size.width)
        if self.customer_shown:
            self._show_customer(at_once=True)
        self.post_message(CustomerPanelToggled(self.customer_shown))

    def _show_customer(self, *, at_once: bool = False) -> None:
        """The panel follows the list's cursor (read once the cursor rests: j/k stay fast)."""
        if self.customer_shown:
            ticket = self.ticket_list.ticket
            self.customer_panel.follow(ticket.id if ticket else None, at_once=at_once)

    @property
    def status(self) -> StatusLine:
        return self.query_one("#status", StatusLine)

    def show_status(self) -> None:
        status = self.status
        status.sources = self.synced_sources
        if (report := self.sync_report) is not None:
            status.report = report
        status.outbox = outbox_waiting(self.store)
        if (outbox := self.outbox_report) is not None:
            outbox.counts = outbox_counts(self.store)  # a GROUP BY over the small outbox table
            status.outbox_report = outbox
        status.show(self.now())

    @property
    def trend_line(self) -> TrendLine:
        return self.query_one("#trend", TrendLine)

    def show_trends(self, trends: Sequence[Unusual]) -> None:
        """The unusual trends the seller has not seen yet, most surprising first (one line)."""
        self.trend_line.show(trends)

    def forget_trends(self, seen: frozenset[str]) -> None:
        self.trend_line.forget(seen)

    @on(StatusChanged)
    def _status_changed(self) -> None:
        self.show_status()

    @on(TrendsFound)
    def _trends_found(self, fact: TrendsFound) -> None:
        self.show_trends(fact.trends)

    @on(TrendsSeen)
    def _trends_seen(self, fact: TrendsSeen) -> None:
        self.forget_trends(fact.trends)

    @on(SearchAsked)
    def _search_asked(self, fact: SearchAsked) -> None:
        self.show_search(fact.query, fact.label)

    @on(SyncFinished)
    @on(OutboxChanged)
    @on(TicketsChanged)
    def _tickets_changed(self) -> None:
        self.refresh_after_sync()

    @on(TicketsWoken)
    def _tickets_woken(self) -> None:
        current = self.ticket_list.ticket
        self.reload(
            keep_ticket=current.id if current else None, fallback_index=self.ticket_list.cursor
        )

    def refresh_after_sync(self) -> None:
        """New mail arrived: re-read the list where the cursor is; the selection stays."""
        current = self.ticket_list.ticket
        self.reload(
            keep_ticket=current.id if current else None, fallback_index=self.ticket_list.cursor
        )
        self.thread.refresh_ticket()
        self._show_customer(at_once=True)
        self.show_status()

    def reload(
        self,
        *,
        keep_ticket: int | None = None,
        fallback_index: int = 0,
        recount: bool = True,
        sidebar_now: bool = False,
    ) -> None:
        """Re-read the current view (and, with `recount`, every view's count) from the store;
        the sidebar follows in the next frame, or in this one with `sidebar_now` (the first)."""
        if recount or not self.entries:
            saved = list(self.saved_searches.values())
            self.entries = view_entries(self.store, saved, self.now())
            self.counts = {entry.view: entry.count for entry in self.entries}
        empty_store = self.counts["all"] == 0
        self.set_class(empty_store, "-empty")
        if self.view == "all":
            self.ticket_list.empty_text = ""
        elif self.view in VIEW_NAMES:
            self.ticket_list.empty_text = f"No {self.view} tickets."
        elif problem := self._entry_problem(self.view):
            self.ticket_list.empty_text = (
                f"The saved search {self.view_label} cannot run: {problem}"
            )
        else:
            self.ticket_list.empty_text = f"No tickets in {self.view_label}."
        self.ticket_list.load(
            self._list_source(), keep_ticket=keep_ticket, fallback_index=fallback_index
        )
        if self.search is not None:
            self.found = self.ticket_list.count
        else:  # the list has just counted the view shown: that count is the freshest
            self._note_count(self.view, self.ticket_list.count)
        self.query_one(ViewBar).show(self.counts, self.view, self.view_label)
        self._show_subtitle()
        if sidebar_now:
            self.sidebar.show(self.entries, self.view)
        else:  # the list is what the key was for: its frame goes first, the sidebar's follows
            self.call_after_refresh(self.sidebar.show, self.entries, self.view)

    def _note_count(self, view: str, count: int) -> None:
        self.counts[view] = count
        self.entries = [
            replace(entry, count=count) if entry.view == view else entry for entry in self.entries
        ]

    def _list_source(self) -> str | Search:
        """What the list shows: the `/` search, a saved search, or a view of the store."""
        if self.search is not None:
            return self.search
        if self.view.startswith(SAVED_VIEW):
            saved = self.saved_searches.get(self.view.removeprefix(SAVED_VIEW))
            return Search(saved.query if saved else "", self.now())
        return self.view

    def _entry_problem(self, view: str) -> str:
        entry = next((entry for entry in self.entries if entry.view == view), None)
        return entry.problem if entry is not None else ""

    @property
    def view_label(self) -> str:
        """The current view's name as the sidebar shows it ("Open", "Amazon", a tag …)."""
        entry = next((entry for entry in self.entries if entry.view == self.view), None)
        if entry is not None:
            return entry.label
        return self.view.partition(":")[2] or self.view.capitalize()

    def _show_subtitle(self) -> None:
        """The header's line, e.g. "Open · 12 of 6,789": the view, where the cursor is in it
        (the list has no scrollbar: drawing one cost a quarter of a view switch's frame), and
        how many tickets are selected."""
        tickets = self.ticket_list
        selected = len(tickets.selected)
        at = f"{tickets.cursor + 1:,} of " if tickets.count else ""
        if self.search is not None:
            more = "+" if self.found and self.found == search_cap() else ""
            shown = f"Search · {at}{self.found:,}{more} found"
        else:
            shown = f"{self.view_label} · {at}{tickets.count:,}"
        self.query_one(InboxHeader).show_sub_title(
            shown + (f" · {selected:,} selected" if selected else "")
        )

    # --- search -------------------------------------------------------------------------------

    @property
    def search_input(self) -> Input:
        return self.query_one("#search", Input)

    def action_search(self) -> None:
        self.add_class("-searching")
        self.search_input.focus()

    @on(Input.Changed, "#search")
    def _typed(self, event: Input.Changed) -> None:
        if not self.has_class("-searching"):
            return
        self.search_label = ""  # typed: no longer the stats line it came from
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY, lambda: self.run_search(event.value))

    @on(Input.Submitted, "#search")
    def _submitted(self, event: Input.Submitted) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        if self.run_search(event.value):
            self.ticket_list.focus()

    def run_search(self, text: str) -> bool:
        """Show the tickets matching `text` (or the view again when it is blank); False when
        the query is malformed, with the reason shown under the input."""
        text = text.strip()
        if not text:
            self._show_search_error(None)
            if self.search is not None:
                self.search = None
                self.reload(fallback_index=0)
            return True
        search = Search(text, self.now())
        try:
            found = check_search(self.store, search)
        except SearchFailed as failure:
            self._show_search_error(failure)
            return False
        self._show_search_error(None)
        self.search, self.found = search, found
        self.ticket_list.load(search, count=found)
        self._show_subtitle()
        return True

    def show_search(self, query: str, label: str = "") -> None:
        """Show what `query` finds, in the search box as if typed (a line of the stats);
        `label` names it when the seller keeps it as a view (`v`)."""
        self.add_class("-searching")
        with self.search_input.prevent(Input.Changed):
            self.search_input.value = query
        if self.run_search(query):
            self.search_label = label
            self.ticket_list.focus()
            self.notify("v keeps this search as a view", timeout=4)

    def action_keep_view(self) -> None:
        """Keep the search shown as a view of its own; on a kept view, remove it."""
        if self.search is not None:
            self._keep(self.search_label or self.search.query, self.search.query)
            return
        name = self.view.removeprefix(SAVED_VIEW)
        if not self.view.startswith(SAVED_VIEW):
            self.notify("Search first (/, or Enter on a line of the stats); v keeps it as a view")
        elif name not in self.kept:
            self.notify(f"{name} is a saved search of the config (ui.saved_searches)")
        else:
            forget_search(self.store, name)
            self.kept.discard(name)
            self.saved_searches.pop(name, None)
            self.view = "all"
            self.reload()
            self.notify(f"Removed the view {name}", markup=False)

    def _keep(self, name: str, query: str) -> None:
        name = " ".join(name.split())[:40]
        if name in self.saved_searches and name not in self.kept:
            name = f"{name} (kept)"
        keep_search(self.store, name, query, at=self.now())
        self.saved_searches[name] = SavedSearch(name, query)
        self.kept.add(name)
        self.search = None
        self.action_clear_search()
        self.view = SAVED_VIEW + name
        self.reload()
        self.notify(f"Kept the view {name} · v on it removes it", timeout=4, markup=False)

    def _show_search_error(self, failure: SearchFailed | None) -> None:
        error = self.query_one("#search-error", Static)
        self.set_class(failure is not None, "-search-error")
        if failure is None:
            error.update(Text(""))
            return
        # a caret under the spot in the query, then the reason (plain Text: the query is typed);
        # a spot far along a long query would push the reason off the line: the reason alone
        fits = failure.position + len(str(failure)) // 2 < (error.size.width or 80)
        caret = " " * max(0, failure.position) + "^ " if fits else ""
        error.update(Text(caret + str(failure), no_wrap=True, overflow="ellipsis"))

    def action_clear_search(self) -> None:
        if not self.has_class("-searching"):
            return
        if self._search_timer is not None:
            self._search_timer.stop()
        self.remove_class("-searching")
        self._show_search_error(None)
        self.search_label = ""
        self.search_input.value = ""
        self.ticket_list.focus()
        if self.search is not None:
            current = self.ticket_list.ticket
            self.search = None
            self.reload(keep_ticket=current.id if current else None)

    def action_next_result(self) -> None:
        self._step_result(1)

    def action_previous_result(self) -> None:
        self._step_result(-1)

    def _step_result(self, step: int) -> None:
        if self.search is None:
            self.notify("No search yet: press / to search")
            return
        self.ticket_list.focus()
        self.ticket_list.cursor += step

    # --- ticket actions: on the selection, or else the cursor ticket ------------------------

    def targets(self, ids: list[int] | None = None) -> list[int]:
        """The tickets an action works on: `ids` when given (act_on), else the selected ones,
        else the one under the cursor."""
        if ids is not None:
            return list(ids)
        tickets = self.ticket_list
        if tickets.selected:
            return sorted(tickets.selected)
        ticket = tickets.ticket
        return [ticket.id] if ticket else []

    def _apply(
        self,
        ids: list[int],
        change: Callable[[list[int]], object],
        done: str,
        said: Callable[[], str] | None = None,
    ) -> None:
        """Run one store action on `ids`, then clear the selection and show the result.

        The cursor stays on its ticket; when the ticket left the view (closed in Open), it
        lands on the ticket that took its place, so triage keeps its rhythm.
        """
        if not ids:
            return
        tickets = self.ticket_list
        above = [i for i, at in tickets.cached_indices(set(ids)).items() if at < tickets.cursor]
        try:
            change(ids)
        except ValueError as error:
            self.notify(str(error), severity="error")
            return
        refresh_due(self.store, ids, self.sla)  # a reopened or undone ticket waits again
        current = tickets.ticket
        if set(ids) == tickets.selected:
            tickets.clear_selection()
        # tickets above the cursor that left the view move the next one up by as many rows
        fallback = tickets.cursor - self._left_view(above)
        self.reload(keep_ticket=current.id if current else None, fallback_index=fallback)
        self.thread.refresh_ticket()
        self._show_customer(at_once=True)
        if said is not None:  # the action says itself what it did (undo)
            self.notify(said(), timeout=5, markup=False)
            return
        what = "1 ticket" if len(ids) == 1 else f"{len(ids):,} tickets"
        undo = key_hint("main.undo")
        self.notify(f"{done} {what} · {undo} to undo", timeout=3, markup=False)

    def _left_view(self, ids: list[int]) -> int:
        """How many of `ids` the current view no longer holds (0 for a search: unknown)."""
        if self.search is not None or self.view == "all" or not ids:
            return 0
        if self.view not in VIEW_NAMES:
            return 0  # channel, tag and saved-search views: the list finds its place itself
        wanted = "open" if self.view == "due" else self.view
        return sum(state.status != wanted for state in ticket_states(self.store, ids).values())

    def act_on(self, ids: list[int], action: str) -> None:
        """Run ticket action `action` (e.g. "close_tickets") on `ids` instead of the selection or
        the cursor ticket: the full-screen thread acts on its own ticket through this (the app
        calls it for the thread's TriageRequested)."""
        getattr(self, f"action_{action}")(ids)

    def _set_status(self, status: str, done: str, ids: list[int] | None) -> None:
        def change(ids: list[int]) -> None:
            actions.set_status(self.store, ids, status, at=self.now())

        self._apply(self.targets(ids), change, done)

    def action_close_tickets(self, ids: list[int] | None = None) -> None:
        """Close; a ticket whose reply is still a draft asks first (closing sends nothing)."""
        from inbox_tui.tui.screens.confirm import ConfirmScreen, unsent_drafts_question

        ids = self.targets(ids)
        question = unsent_drafts_question(self.store, ids)
        if question is None:
            self._set_status("closed", "Closed", ids)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.act_on(ids, "close_tickets_anyway")

        self.app.push_screen(ConfirmScreen(question, yes="Close", no="Keep open"), answered)

    def action_close_tickets_anyway(self, ids: list[int] | None = None) -> None:
        """Close without asking (the seller answered the question about the draft)."""
        self._set_status("closed", "Closed", ids)

    def action_reopen_tickets(self, ids: list[int] | None = None) -> None:
        self._set_status("open", "Reopened", ids)

    def action_pending_tickets(self, ids: list[int] | None = None) -> None:
        self._set_status("pending", "Marked pending", ids)

    def action_snooze_tickets(self, ids: list[int] | None = None) -> None:
        from inbox_tui.tui.screens.snooze import SnoozeScreen

        ids = self.targets(ids)
        if not ids:
            return

        def snoozed(until: datetime | None) -> None:
            if until is not None:
                self._apply(
                    ids,
                    lambda ids: actions.snooze(self.store, ids, until, at=self.now()),
                    f"Snoozed until {moment_label(until, self.tz)}:",
                )

        self.app.push_screen(SnoozeScreen(now=self.now(), tz=self.tz, count=len(ids)), snoozed)

    def action_tag_tickets(self, ids: list[int] | None = None) -> None:
        from inbox_tui.tui.screens.tag_picker import TagPicker

        ids = self.targets(ids)
        if not ids:
            return

        def picked(name: str | None) -> None:
            if not name:
                return
            have = tag_counts(self.store, ids)
            carried = sum(n for tag, n in have.items() if tag.casefold() == name.casefold())
            if carried >= len(ids):
                self._apply(
                    ids,
                    lambda ids: actions.remove_tag(self.store, ids, name, at=self.now()),
                    f"Removed #{name} from",
                )
            else:
                self._apply(
                    ids,
                    lambda ids: actions.add_tag(self.store, ids, name, at=self.now()),
                    f"Tagged #{name}:",
                )

        picker = TagPicker(list_tags(self.store), tag_counts(self.store, ids), targets=len(ids))
        self.app.push_screen(picker, picked)

    def action_toggle_flag(self, ids: list[int] | None = None) -> None:
        ids = self.targets(ids)
        states = ticket_states(self.store, ids)
        flag = not all(state.flagged for state in states.values())

        def change(ids: list[int]) -> None:
            actions.set_flag(self.store, ids, flag, at=self.now())

        self._apply(ids, change, "Flagged" if flag else "Unflagged")

    def action_toggle_read(self, ids: list[int] | None = None) -> None:
        ids = self.targets(ids)
        states = ticket_states(self.store, ids)
        read = any(state.unread_count for state in states.values())

        def change(ids: list[int]) -> None:
            actions.mark_read(self.store, ids, read, at=self.now())

        self._apply(ids, change, "Marked read:" if read else "Marked unread:")

    def action_cycle_priority(self, ids: list[int] | None = None) -> None:
        ids = self.targets(ids)
        states = ticket_states(self.store, ids)
        priority = (max((s.priority for s in states.values()), default=0) + 1) % 3

        def change(ids: list[int]) -> None:
            actions.set_priority(self.store, ids, priority, at=self.now())

        self._apply(ids, change, f"Priority {priority}:")

    def action_undo(self, ids: list[int] | None = None) -> None:
        """Undo the last action; a reply it queued and that is still held goes back to draft.
        In a ticket's own thread (`ids` one ticket), the last change to that ticket, a rule's
        as well as the seller's."""
        if ids is not None and len(ids) == 1:
            batch = actions.last_batch_on(self.store, ids[0])
        else:
            batch = actions.last_batch(self.store)
        if batch is None:
            self.notify("Nothing to undo")
            return
        from inbox_tui import replies  # the outbox's modules only once something is undone

        undone: list[replies.Undone | None] = []

        def change(_: list[int]) -> None:
            undone.append(replies.undo_last(self.store, at=self.now(), batch=batch))

        def said() -> str:
            return undone[0].line if undone and undone[0] else "Nothing to undo"

        self._apply(actions.batch_tickets(self.store, batch), change, "Undid", said)
        if any(u and u.taken_back for u in undone):
            self.post_message(OutboxEdited())

    def action_reply(self) -> None:
        """Answer the ticket under the cursor (a reply goes to one customer, not a selection)."""
        ticket = self.ticket_list.ticket
        if ticket is None:
            return
        self.post_message(ReplyRequested(ticket.id))

    def action_resend(self) -> None:
        """Send the failed reply of the ticket under the cursor again (its row shows ✗)."""
        if (ticket := self.ticket_list.ticket) is not None:
            self.post_message(ResendRequested(ticket.id))

    def action_save_attachments(self) -> None:
        if (ticket := self.ticket_list.ticket) is not None:
            self.post_message(AttachmentsRequested(ticket.id))

    def on_ticket_list_selection_changed(self, event: TicketList.SelectionChanged) -> None:
        self._show_subtitle()

    def action_show_view(self, view: str) -> None:
        if view not in VIEW_NAMES and view not in self.counts:
            return
        keep = self.ticket_list.ticket
        if self.has_class("-searching"):
            self.search = None  # a view key leaves the search
            self.action_clear_search()
        self.view = view
        # switching views changes no count: only actions, sync and wake-ups recount
        self.reload(keep_ticket=keep.id if keep else None, recount=False)

    def action_view_number(self, number: int) -> None:
        """Show the `number`-th view of the sidebar (1-based), if there is one."""
        if 1 <= number <= len(self.entries):
            self.action_show_view(self.entries[number - 1].view)

    def action_pick_view(self) -> None:
        """Every view by name (channels, tags and saved searches past 9 too), fuzzily."""
        from inbox_tui.tui.screens.view_picker import ViewPicker

        def picked(view: str | None) -> None:
            if view is not None:
                self.action_show_view(view)
                self.ticket_list.focus()

        self.app.push_screen(ViewPicker(self.entries, self.view), picked)

    def action_step_view(self, step: int) -> None:
        """Show the view before (-1) or after (1) the current one, in sidebar order."""
        views = [entry.view for entry in self.entries]
        if not views:
            return
        at = views.index(self.view) if self.view in views else -step
        self.action_show_view(views[(at + step) % len(views)])

    @on(Sidebar.ViewChosen)
    def _view_chosen(self, event: Sidebar.ViewChosen) -> None:
        self.action_show_view(event.view)
        self.ticket_list.focus()

    def action_toggle_focus(self) -> None:
        """Tab: list, thread, the customer panel and the sidebar, those shown, and round again."""
        customer = self.query_one("#customer-box")
        order = [
            self.ticket_list,
            *([] if self.has_class("-customer-only") else [self.thread]),
            *([customer] if self.customer_shown else []),
            *([self.sidebar] if self.has_class("-sidebar") else []),
        ]
        at = order.index(self.focused) if self.focused in order else -1
        order[(at + 1) % len(order)].focus()

    def on_ticket_list_highlighted(self, event: TicketList.Highlighted) -> None:
        self.thread.show_ticket(event.ticket.id if event.ticket else None)
        if self.customer_shown:
            self.customer_panel.follow(event.ticket.id if event.ticket else None)
        self._show_subtitle()  # the cursor's position

    def on_ticket_list_opened(self, event: TicketList.Opened) -> None:
        from inbox_tui.tui.screens.thread import ThreadScreen

        ticket = event.ticket
        if ticket.unread_count:
            # actor "view", not "user": `u` undoes what the seller did, not what reading did
            actions.mark_read(self.store, [ticket.id], True, actor="view", at=self.now())
            self.reload(keep_ticket=ticket.id, fallback_index=self.ticket_list.cursor)
        thread = ThreadScreen(self.store, ticket.id, now=self.now, tz=self.tz, sla=self.sla)
        self.app.push_screen(thread)

"""The main screen: views bar, the ticket list and the selected ticket's thread."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Container
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from inbox_tui.store.db import Store
from inbox_tui.store.views import VIEWS, count_by_view
from inbox_tui.tui.keymap import bindings
from inbox_tui.tui.screens.thread import ThreadScreen
from inbox_tui.tui.widgets.thread_view import ThreadView
from inbox_tui.tui.widgets.ticket_list import TicketList
from inbox_tui.tui.widgets.view_bar import ViewBar

EMPTY_STORE = "No tickets yet — run `inbox-tui import maildir PATH` or `inbox-tui demo`."


class MainScreen(Screen):
    """List on top (left when wide), thread below (right); the cursor drives the thread."""

    BINDINGS = bindings("main")
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (140, "-wide")]

    def __init__(self, store: Store, *, now: Callable[[], datetime], page_size: int) -> None:
        super().__init__()
        self.store = store
        self.now = now
        self.page_size = page_size
        self.view = VIEWS[0]
        self.counts: dict[str, int] = dict.fromkeys(VIEWS, 0)

    def compose(self) -> ComposeResult:
        yield Header()
        yield ViewBar(id="views")
        with Container(id="panes"):
            yield TicketList(self.store, now=self.now, page_size=self.page_size, id="tickets")
            yield ThreadView(self.store, now=self.now, id="thread")
        yield Static(Text(EMPTY_STORE), id="empty")
        yield Footer()

    @property
    def ticket_list(self) -> TicketList:
        return self.query_one("#tickets", TicketList)

    @property
    def thread(self) -> ThreadView:
        return self.query_one("#thread", ThreadView)

    def on_mount(self) -> None:
        self.ticket_list.focus()
        self.reload()

    def reload(self, *, keep_ticket: int | None = None) -> None:
        """Re-read counts and the current view from the store."""
        self.counts = count_by_view(self.store)
        empty_store = self.counts["all"] == 0
        self.set_class(empty_store, "-empty")
        self.ticket_list.empty_text = f"No {self.view} tickets." if self.view != "all" else ""
        self.ticket_list.load(self.view, keep_ticket=keep_ticket)
        self.query_one(ViewBar).show(self.counts, self.view)
        self.sub_title = f"{self.view.capitalize()} · {self.counts[self.view]:,}"

    def action_show_view(self, view: str) -> None:
        if view not in VIEWS:
            return
        keep = self.ticket_list.ticket
        self.view = view
        self.reload(keep_ticket=keep.id if keep else None)

    def action_toggle_focus(self) -> None:
        if self.focused is self.ticket_list:
            self.thread.focus()
        else:
            self.ticket_list.focus()

    def on_ticket_list_highlighted(self, event: TicketList.Highlighted) -> None:
        self.thread.show_ticket(event.ticket.id if event.ticket else None)

    def on_ticket_list_opened(self, event: TicketList.Opened) -> None:
        self.app.push_screen(ThreadScreen(self.store, event.ticket.id, now=self.now))

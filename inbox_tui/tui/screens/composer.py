"""The composer: a reply to one ticket, written under its thread.

A template picker (fuzzy, the three best suggestions one key away), the reply's text in a
TextArea, and a live preview that highlights what still blocks sending: a value a template
could not fill, or a channel rule. The text is saved as a draft half a second after the last
key and whenever the composer closes; sending queues it in the outbox (which deletes the draft
in the same transaction) and the app's sender worker takes it from there.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, on
from textual.actions import SkipAction
from textual.app import ComposeResult, SuspendNotSupported
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static, TextArea
from textual.widgets.input import Selection as SubjectSelection

from inbox_tui import replies
from inbox_tui.config_cache import whole
from inbox_tui.outbox.message import reply_subject, with_signature
from inbox_tui.outbox.queue import ReplyRefused, check_reply, files_refused
from inbox_tui.sanitize import readable_line
from inbox_tui.store import drafts, reply_files
from inbox_tui.store.db import Store
from inbox_tui.store.orders import orders_for_ticket
from inbox_tui.store.outbox import Inbound, last_inbound
from inbox_tui.store.reply_context import conversation, last_inbound_text
from inbox_tui.store.views import TicketRow, get_ticket
from inbox_tui.suggest import Said, detect_language, order_state, suggest_for_thread
from inbox_tui.templates import Template, TemplateError
from inbox_tui.tui.breakpoints import preset_width_classes
from inbox_tui.tui.editor import EditorFailed, edit_text
from inbox_tui.tui.keymap import bindings, key_hint
from inbox_tui.tui.reply_checks import (
    Problem,
    fill_in,
    missing_values,
    next_gap,
    reply_preview,
    rule_problems,
    template_preview,
)
from inbox_tui.tui.screens.attach import AttachScreen
from inbox_tui.tui.typed_first import after_typed_keys
from inbox_tui.tui.widgets.header import InboxHeader
from inbox_tui.tui.widgets.key_footer import KeyFooter
from inbox_tui.tui.widgets.reply_text import ReplyText
from inbox_tui.tui.widgets.template_picker import TemplatePicker
from inbox_tui.tui.widgets.thread_view import ThreadView

if TYPE_CHECKING:
    from inbox_tui.config import Config

SAVE_DELAY = 0.5  # seconds after the last key before the draft is written


def recipients(inbound: Inbound | None) -> list[str]:
    """Who the reply goes to, as the queue addresses it (outbox.queue: Reply-To, else From)."""
    if inbound is None:
        return []
    pairs = [(n, a) for n, a in json.loads(inbound.reply_to) if a]
    if not pairs and inbound.from_addr:
        pairs = [(inbound.from_name, inbound.from_addr)]
    pairs = [(readable_line(name), addr) for name, addr in pairs]  # as the thread shows them
    return [f"{name} <{addr}>" if name else addr for name, addr in pairs]


def suggestion_input(store: Store, ticket_id: int) -> tuple[list[Said], str | None]:
    """What the template suggestions read: the conversation, and the state of its order."""
    messages = conversation(store, ticket_id)
    thread = [Said(text, subject, customer=way == "in") for way, subject, text in messages]
    orders = orders_for_ticket(store, ticket_id, limit=1)
    if not orders:
        return thread, None
    shipped = bool(orders[0].shipped_at or orders[0].tracking_number)
    return thread, order_state(orders[0].status, shipped=shipped)


class ComposerScreen(Screen[int | None]):
    """Writing a reply; answers with the outbox id once it is queued (None when closed)."""

    BINDINGS = bindings("composer")
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    AUTO_FOCUS = ""  # `open` sets the focus (Textual's "*" focused the subject first: a restyle)

    def __init__(
        self,
        store: Store,
        ticket_id: int | None,
        *,
        config: Any,
        templates: Sequence[Template],
        now: Callable[[], datetime],
    ) -> None:
        super().__init__()
        self.store = store
        # None: made ahead, before the seller asks for it (tui/composer_ahead.py); `open` says
        # which ticket once it is shown
        self.ticket_id: int = 0 if ticket_id is None else ticket_id
        self.made_ahead = ticket_id is None
        self.ready = False  # made ahead and mounted, its filter focused: `open` fills it in
        # a validated Config, or the CLI's start settings (config_cache.StartConfig): the
        # composer opens from their seller; sending and attaching take the whole `config`
        self.settings = config
        self.now = now
        self.ticket: TicketRow | None = None
        self.templates: list[Template] = []  # those for this ticket's channel
        self.template: Template | None = None  # the template the text started from
        self.context: dict[str, Any] = {}
        self.problems: list[Problem] = []
        self._all_templates = list(templates)
        self._signature: str = config.seller.signature
        self._inbound: Inbound | None = None  # the customer's message the reply answers
        self._default_subject = ""
        self._save_timer: Timer | None = None
        self._dirty = False
        self._finished = False  # queued or discarded: nothing is left to save
        self._problems_shown = ""
        self.picking = False  # the picker's filter has focus: its list shows, the preview follows
        self._title = ""
        self._body = ReplyText(id="reply-body")
        # no select-all on focus: the first key would wipe the subject (a gap is selected instead)
        self._subject = Input(id="reply-subject", select_on_focus=False)
        self._picker = TemplatePicker(id="template-picker")
        self._resumed = False  # shown once: later resumes restyle (a dialog was over it)

    # --- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        preset_width_classes(self)
        yield InboxHeader()
        yield ThreadView(
            self.store, now=self.now, tz=self.settings.seller.tzinfo, id="composer-thread"
        )
        with Vertical(id="composer"):
            yield Static(Text(""), id="reply-to")
            with Horizontal(id="subject-row"):
                yield Static(Text("Subject "), id="subject-label")
                yield self._subject
            yield Static(Text(""), id="reply-files")
            yield self._picker
            with Horizontal(id="reply-panes"):
                yield self._body
                with VerticalScroll(id="reply-preview-box"):
                    yield Static(Text(""), id="reply-preview")
            yield Static(Text(""), id="reply-problems")
        yield KeyFooter()

    # The editing widgets are held, not queried: the draft is saved once more as the screen
    # unmounts, when they are already out of the DOM (their text is still there).

    @property
    def config(self) -> Config:
        """The whole validated config (its sources, outbox and attachment settings): from the
        start's settings, validated at the first send or file (the app does it beside the UI
        once the composer is prepared, well before)."""
        return whole(self.settings)

    @property
    def body(self) -> ReplyText:
        return self._body

    @property
    def subject(self) -> Input:
        return self._subject

    @property
    def picker(self) -> TemplatePicker:
        return self._picker

    def _tell(self, message: str, *, error: bool = False, timeout: float | None = None) -> None:
        """A notification as plain text: it may quote the reply or a template, never markup."""
        self.notify(
            message, severity="error" if error else "information", timeout=timeout, markup=False
        )

    # --- opening -------------------------------------------------------------------------------

    def on_mount(self) -> None:
        if self.made_ahead:
            # focused now as `_restore` focuses a reply without a draft (the only ones a
            # composer made ahead opens): its Focus is handled before the first frame, not
            # after it (the filter's cursor was missing from it)
            self.set_focus(self.picker.filter)
            self.ready = True
        else:
            self.open(self.ticket_id)

    def open_on_mount(self, ticket_id: int) -> None:
        """Made ahead but still composing: it opens for `ticket_id` as it mounts, as a
        composer built at `r` does."""
        self.ticket_id = ticket_id
        self.made_ahead = False

    def open(self, ticket_id: int) -> None:
        """Fill the composer in for `ticket_id`: as it mounts, or (made ahead) just before it
        is pushed (tui/composer_ahead.py)."""
        self.ticket_id = ticket_id
        ticket = get_ticket(self.store, self.ticket_id)
        if ticket is None:
            self._finished = True
            self._tell(f"ticket {self.ticket_id} is gone", error=True)
            self.dismiss(None)
            return
        self.ticket = ticket
        self._title = f"Reply to ticket #{ticket.id} · {ticket.channel}"
        self.sub_title = self._title
        self.context = replies.context_for(self.store, self.settings, ticket.id, now=self.now())
        text = last_inbound_text(self.store, ticket.id)
        language = detect_language(text) or "en"  # the customer's language lists first
        self.templates = sorted(
            (t for t in self._all_templates if t.applies_to(ticket.channel)),
            key=lambda t: t.language != language,
        )
        thread, order = suggestion_input(self.store, ticket.id)
        suggested = suggest_for_thread(self.templates, thread, channel=ticket.channel, order=order)
        self._inbound = last_inbound(self.store, ticket.id)
        self._default_subject = reply_subject(
            readable_line(self._inbound.subject if self._inbound else ticket.subject)
        )
        self._show_thread()
        self._show_recipients()
        self.picker.show(self.templates, suggested)
        if self.picking:  # made ahead: the preview follows the list now, not after its frame
            self._preview_template(self.picker.shown[0] if self.picker.shown else None)
        self._restore()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """The first resume restyles nothing: every widget was styled as it mounted, a moment
        before (Textual restyles the whole screen at every resume: ~20 ms of the first frame).
        Runs before Textual's own handler."""
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    def _show_thread(self) -> None:
        thread = self.query_one("#composer-thread", ThreadView)
        thread.show_ticket(self.ticket_id, immediately=True)
        thread.call_after_refresh(thread.scroll_end, animate=False)

    def _show_recipients(self) -> None:
        to = recipients(self._inbound)
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append("To ", "bold")
        line.append(", ".join(to) or "(nobody yet: the customer has not written in this ticket)")
        line.append("  Cc ", "bold")
        line.append("none", "dim")
        self.query_one("#reply-to", Static).update(line)

    def _restore(self) -> None:
        """Open on the ticket's draft, if it has one; else on a blank reply with the picker.

        Focus is set now, not after the next refresh (`widget.focus()`): the first frame shows
        the composer ready, and a key pressed as soon as it shows goes where it should."""
        draft = drafts.get_draft(self.store, self.ticket_id)
        if draft is None:
            self._set_body("", undoable=False)
            self.subject.value = self._default_subject
            self.set_focus(self.picker.filter)
        else:
            keys = {t.key: t for t in self._all_templates}
            self.template = keys.get(draft.template_key or "")
            self._set_body(draft.body, undoable=False)
            self.subject.value = draft.subject or self._default_subject
            self.set_focus(self.body)
        self._dirty = False
        self._show_files()
        self.refresh_checks()

    # --- files ---------------------------------------------------------------------------------

    def _show_files(self) -> None:
        files = reply_files.draft_files(self.store, self.ticket_id)
        line = Text(no_wrap=True, overflow="ellipsis")
        if files:
            line.append("Files ", "bold")
            line.append(", ".join(readable_line(f.filename) for f in files))
            line.append(f"  ({key_hint('composer.remove_file')} removes the last)", "dim")
        shown = self.query_one("#reply-files", Static)
        shown.update(line)
        shown.display = bool(files)

    def action_attach(self) -> None:
        """Attach a file by its path (the dialog completes it): e-mail sends it as a MIME part;
        a channel whose API takes no files (eBay) says so now, not at sending."""
        refused = files_refused(self.store, self.config, self.ticket_id)
        if refused:
            self._tell(f"cannot attach: {refused}", error=True)
            return
        names = [f.filename for f in reply_files.draft_files(self.store, self.ticket_id)]

        def attach(path: str | None) -> None:
            if not path:
                return
            self.save_draft()
            try:
                line = replies.attach_file(
                    self.store, self.config, self.ticket_id, path, at=self.now()
                )
            except ReplyRefused as exc:
                self._tell(str(exc), error=True)
                return
            self._keep_draft()
            self._tell(line, timeout=3)
            self._show_files()
            self.refresh_checks()

        self.app.push_screen(AttachScreen(names), attach)

    def action_remove_file(self) -> None:
        files = reply_files.draft_files(self.store, self.ticket_id)
        if not files:
            self._tell("no file is attached")
            return
        with self.store.transaction():
            reply_files.remove_draft_file(self.store, self.ticket_id, files[-1].id)
        self._tell(f"Removed {files[-1].filename}", timeout=3)
        self._show_files()
        self.refresh_checks()

    def _keep_draft(self) -> None:
        """A file belongs to the draft: the draft must exist even before a word is typed."""
        if drafts.get_draft(self.store, self.ticket_id) is None:
            subject = self.subject.value
            drafts.save_draft(
                self.store,
                self.ticket_id,
                self.body.text,
                subject=None if subject == self._default_subject else subject,
                template_key=self.template.key if self.template else None,
                at=self.now(),
            )

    # --- picking a template --------------------------------------------------------------------

    @on(TemplatePicker.Highlighted)
    def _highlighted(self, event: TemplatePicker.Highlighted) -> None:
        if self.picking:
            self._preview_template(event.template)

    @on(TemplatePicker.Chosen)
    def _chosen(self, event: TemplatePicker.Chosen) -> None:
        self.use_template(event.template)

    @after_typed_keys
    def action_use_suggestion(self, number: int) -> None:
        """1/2/3 in the template filter (keymap's "picker"): while it is empty, the suggestion;
        else the digit is typed into it."""
        if self.picker.filter.value:
            raise SkipAction()
        template = self.picker.suggestion(number)
        if template is None:
            self._tell(f"no suggestion {number} for this ticket")
        else:
            self.use_template(template)

    @after_typed_keys
    def action_write_own(self) -> None:
        """Tab in the filter: on to the text (Textual's next focus would skip it while the
        list takes its room at narrow widths)."""
        self.set_focus(self.body)

    @after_typed_keys
    def action_pick_template(self) -> None:
        self.set_focus(self.picker.filter)

    def action_option_down(self) -> None:
        if self.picking:
            self.picker.cursor_down()

    def action_option_up(self) -> None:
        if self.picking:
            self.picker.cursor_up()

    def _fill_in(self, template: Template) -> tuple[str, str | None] | None:
        """The template filled in for this ticket, or None (and a one-line error)."""
        try:
            return fill_in(template, self.context)
        except TemplateError as exc:
            self._tell(str(exc), error=True)
            return None

    def use_template(self, template: Template) -> None:
        """Put the filled-in template in the body (undoable) and go to the body to edit it."""
        result = self._fill_in(template)
        if result is None:
            return
        body, subject = result
        self.template = template
        self._set_body(body, undoable=True)
        self.subject.value = subject.strip() if subject else self._default_subject
        self.picker.filter.value = ""
        self.set_focus(self.body)
        self.body.move_cursor((0, 0))
        self._changed()
        gaps = sorted(self._missing(), key=lambda gap: gap.part != "body")
        if gaps:  # straight to the body's first gap, selected: typing replaces it
            self._go_to(gaps[0])

    # --- the text ------------------------------------------------------------------------------

    def _set_body(self, text: str, *, undoable: bool) -> None:
        if undoable:
            self.body.replace(text, (0, 0), self.body.document.end)
        else:
            self.body.load_text(text)

    @on(TextArea.Changed, "#reply-body")
    @on(Input.Changed, "#reply-subject")
    def _edited(self) -> None:
        self._changed()

    def _changed(self) -> None:
        self._dirty = True
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY, self.save_draft)
        self.refresh_checks()

    def refresh_checks(self) -> None:
        """Find what blocks sending in the current text, and show it and the preview."""
        text = self.final_text
        subject = self.subject.value
        try:
            found: list[Any] = check_reply(self.store, self.ticket_id, text)
        except ReplyRefused as exc:  # the ticket is gone (merged into another by a sync)
            found = [Problem(str(exc), 0, 0, 1, "body", "rule")]
        self.problems = [
            *missing_values(subject, "subject"),
            *missing_values(text),
            *rule_problems(text, found),
        ]
        self._show_problems()
        if not self.picking:
            self._preview_text()

    @property
    def final_text(self) -> str:
        """The text as the customer will read it: the body, then the signature (which the
        outbox adds unless the body already ends with it, as the shipped templates do)."""
        return with_signature(self.body.text, self._signature)

    def _label(self, problem: Problem) -> str:
        if problem.part == "body" and problem.start >= len(self.body.text.rstrip("\n")):
            return f"in your signature (seller.signature): {problem.message}"
        return problem.label()

    def _missing(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.kind == "missing"]

    def _show_problems(self) -> None:
        line = Text()
        for problem in self.problems:
            if line:
                line.append("\n")
            line.append("✗ ", "bold red")
            line.append(self._label(problem))
        if not self.problems and not self.body.text.strip():
            line.append("✎ ", "bold")
            templates = key_hint("composer.pick_template")
            line.append(f"write your reply, or pick a template ({templates})", "dim")
        elif not self.problems:
            line.append("✓ ", "bold green")
            line.append(self._after_sending())
        if line.plain != self._problems_shown:  # most keys change nothing here: no re-layout
            had_missing = "is missing" in self._problems_shown
            self._problems_shown = line.plain
            self.query_one("#reply-problems", Static).update(line)
            if had_missing != bool(self._missing()):
                self.refresh_bindings()  # the footer shows "Next missing value" only when needed

    def _after_sending(self) -> str:
        """What the send keys will do besides sending: the template's status and tags."""
        status = self.template.status if self.template else None
        then = f"the ticket becomes {status}" if status else "the ticket keeps its status"
        tags = " ".join(f"#{tag}" for tag in self.template.tags) if self.template else ""
        send, close = key_hint("composer.send"), key_hint("composer.send('closed')")
        tagged = f", tagged {tags}" if tags else ""
        return f"{send} sends; {then}{tagged} · {close} sends and closes it"

    def _preview_text(self) -> None:
        preview = reply_preview(self.subject.value, self.final_text, self.problems)
        self.query_one("#reply-preview", Static).update(preview)

    def _preview_template(self, template: Template | None) -> None:
        """While picking: the highlighted template, filled in for this ticket."""
        if template is None:
            preview = Text("no template matches the filter", "dim")
        elif (result := self._fill_in(template)) is None:
            preview = Text("")
        else:
            body, subject = result
            final = with_signature(body, self._signature)
            preview = template_preview(template, subject or self._default_subject, final)
        self.query_one("#reply-preview", Static).update(preview)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        picking = event.widget is self.picker.filter
        if picking != self.picking:
            self.picking = picking
            # display set directly: a class on the screen would restyle every widget (~40 ms)
            self.picker.options.display = picking
            self.body.display = not (picking and self.has_class("-narrow"))
            if picking:
                self.picker.refill()  # the preview follows the list's cursor again
            else:
                self._preview_text()

    # --- drafts --------------------------------------------------------------------------------

    def save_draft(self) -> None:
        """Write the draft now (an untouched blank reply is no draft: it is deleted)."""
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        if self._finished or not self._dirty or self.ticket is None:
            return
        text = self.body.text
        subject = self.subject.value
        if (
            not text.strip()
            and self.template is None
            and subject == self._default_subject
            and not reply_files.draft_files(self.store, self.ticket_id)  # files keep the draft
        ):
            drafts.delete_draft(self.store, self.ticket_id)
            self._dirty = False
            return
        saved = drafts.save_draft(
            self.store,
            self.ticket_id,
            text,
            subject=None if subject == self._default_subject else subject,
            template_key=self.template.key if self.template else None,
            at=self.now(),
        )
        if not saved:  # the ticket went (merged into another by a sync) while the seller wrote
            self._tell(
                f"ticket {self.ticket_id} is gone (merged into another): copy your text", error=True
            )
            return
        self._dirty = False
        self.sub_title = f"{self._title} · draft saved"

    def on_unmount(self) -> None:
        self.save_draft()  # quitting the app with the composer open keeps the text

    def action_close(self) -> None:
        self.save_draft()
        self.dismiss(None)

    def action_discard(self) -> None:
        self._finished = True
        if self._save_timer is not None:
            self._save_timer.stop()
        had = drafts.delete_draft(self.store, self.ticket_id)
        self._tell("Draft discarded" if had else "Nothing saved to discard", timeout=3)
        self.dismiss(None)

    # --- the editor ----------------------------------------------------------------------------

    @after_typed_keys
    def action_edit_externally(self) -> None:
        """Hand the text to $EDITOR with the terminal, then show what it saved."""
        self.save_draft()
        failure: EditorFailed | None = None
        edited: str | None = None
        try:
            with self.app.suspend():
                try:  # an exception must not leave the suspend block: the app would not resume
                    edited = edit_text(self.body.text)
                except EditorFailed as exc:
                    failure = exc
        except SuspendNotSupported:
            self._tell("$EDITOR needs a real terminal; this one cannot be handed over", error=True)
            return
        if failure is not None:
            self._tell(str(failure), error=True)
            return
        if edited is not None and edited != self.body.text:
            self._set_body(edited, undoable=True)
            self._changed()
            self.save_draft()
        self.set_focus(self.body)

    # --- sending -------------------------------------------------------------------------------

    @after_typed_keys
    def action_send(self, status: str | None = None) -> None:
        """Queue the reply (then closed / pending when asked, else as the template says)."""
        text = self.body.text
        if not text.strip():
            self._tell("the reply is empty: write something or pick a template", error=True)
            return
        self.refresh_checks()
        if self.problems:
            first = self.problems[0]
            more = f" (+{len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
            self._tell(f"not sent: {self._label(first)}{more}", error=True)
            self._go_to(first)
            return
        subject = self.subject.value.strip()
        try:
            outbox_id = replies.queue(
                self.store,
                self.config,
                self.ticket_id,
                body=text,
                subject=None if subject == self._default_subject or not subject else subject,
                template=self.template,
                status=status,
                at=self.now(),
            )
        except ReplyRefused as exc:
            self._tell(f"not sent: {exc}", error=True)
            return
        self._finished = True
        if self._save_timer is not None:
            self._save_timer.stop()
        self.dismiss(outbox_id)

    # --- missing values ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_missing":
            return bool(self._missing())  # hidden from the footer when nothing is missing
        return True

    @after_typed_keys
    def action_next_missing(self) -> None:
        """Select the next missing value after the cursor, the subject's before the body's,
        round to the first again: typing replaces it."""
        if self.focused is self.subject:
            gap = next_gap(self._missing(), "subject", min(self.subject.selection))
        else:
            gap = next_gap(self._missing(), "body", self.body.offset_at_cursor)
        if gap is not None:
            self._go_to(gap)

    def _go_to(self, problem: Problem) -> None:
        """Focus where `problem` is; a missing value is selected, so typing replaces it."""
        missing = problem.kind == "missing"
        if problem.part == "subject":
            self.set_focus(self.subject)
            if missing:
                self.subject.selection = SubjectSelection(problem.start, problem.end)
            return
        self.set_focus(self.body)
        if problem.start < len(self.body.text):
            self.body.select_span(problem.start, problem.end if missing else problem.start)

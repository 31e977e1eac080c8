"""The composer: `r`, a suggested template filled in, edits, blocks, drafts, $EDITOR, sending.

Real parts: mail imported through the import path, the real template library and outbox queue,
Textual's Pilot for the keys, a real editor process for the hand-off.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inbox_tui.config import Config, parse_config
from inbox_tui.importer import import_maildir
from inbox_tui.store import Store
from inbox_tui.store.drafts import (
    delete_draft,
    get_draft,
    move_draft,
    save_draft,
    tickets_with_drafts,
)
from inbox_tui.store.orders import link_ticket_order, upsert_order
from inbox_tui.store.outbox import outbox_for_ticket
from inbox_tui.store.views import get_ticket
from inbox_tui.templates import MISSING_MARK, Template, shipped_templates
from inbox_tui.tui.app import InboxApp
from inbox_tui.tui.commands import KeymapCommands
from inbox_tui.tui.editor import EditorFailed, edit_text, editor_command
from inbox_tui.tui.keymap import KEYMAP
from inbox_tui.tui.reply_checks import Problem, fill_in, highlighted, line_of, missing_values
from inbox_tui.tui.screens.composer import ComposerScreen
from inbox_tui.tui.screens.help import help_text
from inbox_tui.tui.screens.main import MainScreen
from inbox_tui.tui.screens.thread import ThreadScreen
from inbox_tui.tui.widgets.template_picker import filter_templates
from tests.mailgen import make_mail, write_maildir
from tests.test_tui import screen_text
from tests.waiting import until, workers_settled

pytest_plugins = ["tests.smtp_sink"]  # the real SMTP server

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
SELLER = "hello@shop.example"
SIZE = (120, 40)

CONFIG = f"""
seller:
  name: Anatolia Textiles
  emails: [{SELLER}]
  signature: |
    --
    Anatolia Textiles
sources:
  - name: shop
    kind: imap
    host: 127.0.0.1
    port: 1
    tls: none
    username: {SELLER}
    password_env: SHOP_PASSWORD
    smtp: {{host: 127.0.0.1, port: 1, tls: none}}
"""

# The newest mail is at the top of the list: wismo, then amazon, then refund.
MAILS = {
    "wismo": dict(
        subject="Where is my order?",
        sender=("Ayşe Yılmaz", "ayse@example.com"),
        body="Hello, my package has not arrived yet. Where is my order? "
        "Can you send me the tracking number?",
        message_id="<wismo@example.com>",
        date=NOW - timedelta(hours=1),
    ),
    "amazon": dict(
        subject="Return request for order 303-1234567-7654321",
        sender=("Jane Doe - Amazon Marketplace", "9x8y7z@marketplace.amazon.com"),
        body="Hi, how do I return this? It does not fit.",
        message_id="<amazon@example.com>",
        date=NOW - timedelta(hours=2),
    ),
    "refund": dict(
        subject="Refund please",
        sender=("Bob Stone", "bob@example.com"),
        body="I want a refund, when do I get my money back?",
        message_id="<refund@example.com>",
        date=NOW - timedelta(hours=3),
    ),
}


def build_inbox(path: Path | str, mail: Path | None = None) -> tuple[Store, dict[str, int]]:
    """Three tickets through the real import path; the wismo one has its order, tracked. The
    mail is written to `mail` (default: beside the database file)."""
    store = Store.open(path)
    box = write_maildir(
        mail or Path(str(path) + ".maildir"),
        [make_mail(to=("Shop", SELLER), **mail) for mail in MAILS.values()],
    )
    import_maildir(store, box, seller_emails=frozenset({SELLER}))
    ids = {
        name: store.conn.execute(
            "SELECT ticket_id FROM messages WHERE message_id = ?", (mail["message_id"].strip("<>"),)
        ).fetchone()[0]
        for name, mail in MAILS.items()
    }
    order = upsert_order(
        store,
        provider="shopify",
        order_number="1042",
        customer_email="ayse@example.com",
        placed_at=NOW - timedelta(days=4),
        total=49.9,
        currency="EUR",
        items=[{"title": "Linen towel", "quantity": 2}],
        carrier="DHL",
        tracking_number="JD0123456789",
        tracking_url="https://track.example/JD0123456789",
    )
    link_ticket_order(store, ids["wismo"], order)
    return store, ids


@pytest.fixture
def config(monkeypatch: pytest.MonkeyPatch) -> Config:
    monkeypatch.setenv("SHOP_PASSWORD", "secret")
    return parse_config(CONFIG)


@pytest.fixture
def inbox(tmp_path: Path) -> tuple[Store, dict[str, int]]:
    store, ids = build_inbox(":memory:", tmp_path / "Mail")
    yield store, ids
    store.close()


def make_app(store: Store, config: Config) -> InboxApp:
    return InboxApp(store, now=lambda: NOW, config=config)


def composer(app: InboxApp) -> ComposerScreen:
    assert isinstance(app.screen, ComposerScreen), type(app.screen).__name__
    return app.screen


def problems_shown(app: InboxApp) -> str:
    return str(composer(app).query_one("#reply-problems").render())


def notices(app: InboxApp) -> list[str]:
    return [notification.message for notification in app._notifications]


async def open_on(pilot, app: InboxApp, ticket_id: int) -> ComposerScreen:
    """Put the list's cursor on the ticket and press r, as the seller does."""
    tickets = app.screen.ticket_list
    while tickets.ticket is None or tickets.ticket.id != ticket_id:
        await pilot.press("j")
    await pilot.press("r")
    await pilot.pause()
    return composer(app)


# --- drafts in the store -------------------------------------------------------------------


def test_drafts_are_one_per_ticket_and_overwritten(inbox) -> None:
    store, ids = inbox
    assert get_draft(store, ids["wismo"]) is None
    save_draft(store, ids["wismo"], "first", at=NOW)
    save_draft(store, ids["wismo"], "second", subject="Re: x", template_key="wismo", at=NOW)
    draft = get_draft(store, ids["wismo"])
    assert draft is not None
    assert (draft.body, draft.subject, draft.template_key) == ("second", "Re: x", "wismo")
    assert draft.updated_at == "2026-11-30T12:00:00Z"
    assert tickets_with_drafts(store, ids.values()) == {ids["wismo"]}
    assert delete_draft(store, ids["wismo"]) is True
    assert delete_draft(store, ids["wismo"]) is False
    assert tickets_with_drafts(store, ids.values()) == set()
    assert save_draft(store, 999, "a ticket merged away meanwhile") is False


def test_a_merged_tickets_draft_moves_with_it(inbox) -> None:
    store, ids = inbox
    save_draft(store, ids["refund"], "Bob, about your refund", at=NOW)
    with store.transaction():  # inside the merge's transaction (store/ingest.merge_tickets)
        move_draft(store, ids["refund"], ids["wismo"])
    assert get_draft(store, ids["refund"]) is None
    assert get_draft(store, ids["wismo"]).body == "Bob, about your refund"
    save_draft(store, ids["amazon"], "Jane, the label", at=NOW + timedelta(minutes=1))
    move_draft(store, ids["amazon"], ids["wismo"])
    kept = get_draft(store, ids["wismo"])
    assert kept.body == "Bob, about your refund\n\nJane, the label"  # both texts kept
    assert kept.updated_at == "2026-11-30T12:01:00Z"
    assert get_draft(store, ids["amazon"]) is None
    move_draft(store, ids["amazon"], ids["wismo"])  # no draft: nothing happens
    assert get_draft(store, ids["wismo"]) == kept


# --- pure parts --------------------------------------------------------------------------------


def test_missing_marks_are_found_with_their_line() -> None:
    mark = MISSING_MARK.format(name="order.number")
    text = f"Hi Ayşe,\nyour order {mark} is on its way.\n{mark}"
    found = missing_values(text)
    assert [(p.line, p.message.split()[0]) for p in found] == [
        (2, "order.number"),
        (3, "order.number"),
    ]
    assert text[found[0].start : found[0].end] == mark
    assert found[0].label().startswith("line 2: order.number is missing")
    assert line_of(text, 0) == 1 and line_of(text, len(text)) == 3
    # the preview highlights the span, and data is never read as markup
    shown = highlighted("[bold]x[/bold] " + mark, missing_values("[bold]x[/bold] " + mark))
    assert shown.plain.startswith("[bold]x[/bold]")
    assert any(span.start == len("[bold]x[/bold] ") for span in shown.spans)
    assert missing_values("no marks [missing:] here [missing x]") == []


_NAMES = st.sampled_from(["order.number", "customer.first_name", "order.tracking_url"])
_PLAIN = st.text(st.characters(blacklist_characters="[]"), max_size=40)


@given(st.lists(st.tuples(_PLAIN, _NAMES), max_size=5), _PLAIN)
def test_every_missing_mark_is_found_where_it_is(pieces, tail) -> None:
    text, expected = "", []
    for plain, name in pieces:
        text += plain
        expected.append((name, len(text), line_of(text, len(text))))
        text += MISSING_MARK.format(name=name)
    text += tail
    found = missing_values(text)
    assert [(p.message.split()[0], p.start, p.line) for p in found] == expected
    for problem in found:
        assert text[problem.start : problem.end].startswith("[missing: ")


def test_a_template_that_stops_early_still_shows_what_is_missing() -> None:
    template = Template(key="t", name="T", body="Total: {{ order.total + 1 }} EUR\nThanks")
    body, subject = fill_in(template, {"customer": {"name": "Ayşe"}})
    assert subject is None
    assert [p.message.split()[0] for p in missing_values(body)] == ["order.total"]
    assert fill_in(
        Template(key="t", name="T", body="Hi {{ customer.name }}"), {"customer": {"name": "Ayşe"}}
    ) == ("Hi Ayşe", None)


def test_the_picker_ranks_an_exact_key_first() -> None:
    library = shipped_templates()
    assert [t.key for t in filter_templates(library, "refund")][0] == "refund"
    assert filter_templates(library, "") == library
    assert "wismo" in [t.key for t in filter_templates(library, "where order")][:3]
    assert filter_templates(library, "zzzzqqq") == []


def test_rule_problem_spans_are_kept_inside_the_text() -> None:
    from inbox_tui.tui.reply_checks import rule_problems

    class Found:
        message, start, end = "too long", 5, 99

    (problem,) = rule_problems("abcdefgh", [Found()])
    assert (problem.start, problem.end, problem.kind) == (5, 8, "rule")
    assert isinstance(problem, Problem)


def test_the_status_line_reads_the_outbox_states() -> None:
    from inbox_tui.tui.widgets.status_line import OutboxReport

    class Offline:
        offline = "connection refused by 127.0.0.1:587"

    report = OutboxReport()
    assert report.text().plain == "outbox 0"
    report.sending()
    assert report.text().plain == "outbox: sending…"
    report.sent(Offline(), None, {"queued": 2, "sending": 0, "sent": 5, "failed": 1})
    assert (
        report.text().plain == "outbox: 2 queued · 1 failed · offline: replies wait in the outbox"
    )
    report.sent(None, "OperationalError: disk I/O error", {"queued": 0, "failed": 1})
    assert (
        report.text().plain == "outbox: 1 failed · sending failed: OperationalError: disk I/O error"
    )


def test_editor_hand_off_runs_a_real_editor_process(tmp_path: Path) -> None:
    # a real process that rewrites the file it is given, as an editor does
    environ = {**os.environ, "EDITOR": 'sh -c \'printf "edited by hand" > "$1"\' sh'}
    environ.pop("VISUAL", None)
    assert edit_text("draft text", environ=environ) == "edited by hand"
    # the editor sees what the composer had
    seen = tmp_path / "seen.txt"
    environ["EDITOR"] = f"sh -c 'cp \"$1\" {seen}' sh"
    assert edit_text("Merhaba Ayşe\n", environ=environ) == "Merhaba Ayşe\n"
    assert seen.read_text(encoding="utf-8") == "Merhaba Ayşe\n"


def test_editor_failures_are_one_line(tmp_path: Path) -> None:
    environ = {"PATH": str(tmp_path)}  # no vi here
    with pytest.raises(EditorFailed, match=r"editor 'vi' not found \(\$EDITOR is not set\)"):
        edit_text("x", environ=environ)
    with pytest.raises(EditorFailed, match="'/no/such/editor' not found"):
        edit_text("x", environ={**os.environ, "EDITOR": "/no/such/editor"})
    failing = {**os.environ, "EDITOR": "sh -c 'exit 3' sh"}
    failing.pop("VISUAL", None)
    with pytest.raises(EditorFailed, match="exited with status 3; the draft is unchanged"):
        edit_text("x", environ=failing)
    assert editor_command({"VISUAL": "code --wait", "EDITOR": "nano"}) == ["code", "--wait"]
    assert editor_command({}) == ["vi"]
    for error in (EditorFailed("x"),):
        assert "\n" not in str(error)


# --- the composer in the TUI ---------------------------------------------------------------


async def test_reply_with_the_suggested_template_queues_it(inbox, config) -> None:
    store, ids = inbox
    app = make_app(store, config)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_on(pilot, app, ids["wismo"])
        text = screen_text(app)
        assert "To Ayşe Yılmaz <ayse@example.com>" in text
        assert "Subject Re: Where is my order?" in text
        assert "suggested  1 Where is my order" in text  # the best suggestion, one key away
        assert screen.focused is screen.picker.filter

        await pilot.press("1")
        body = screen.body.text
        assert body.startswith("Hi Ayşe,")
        assert "Your order 1042 is on its way" in body
        assert "tracking number JD0123456789" in body
        assert screen.focused is screen.body
        preview = str(screen.query_one("#reply-preview").render())
        assert "Hi Ayşe," in preview and "1042" in preview
        assert "Subject: Your order 1042" in preview  # the template's subject
        assert "the ticket becomes pending, tagged #shipping" in problems_shown(app)

        await pilot.press(*"Merhaba! ")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)

    (entry,) = outbox_for_ticket(store, ids["wismo"])
    assert entry.status == "queued"
    assert entry.text.startswith("Merhaba! Hi Ayşe,")
    assert "Your order 1042 is on its way" in entry.text
    assert entry.text.count("Anatolia Textiles") == 1  # the template's signature, not twice
    assert entry.to == ("ayse@example.com",)
    assert get_draft(store, ids["wismo"]) is None
    ticket = get_ticket(store, ids["wismo"])
    assert ticket is not None and ticket.status == "pending" and "shipping" in ticket.tags


async def test_a_missing_value_blocks_sending_until_it_is_typed_in(inbox, config) -> None:
    store, ids = inbox
    app = make_app(store, config)
    mark = MISSING_MARK.format(name="order.number")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_on(pilot, app, ids["refund"])
        await pilot.press(*"refund", "enter")  # the fuzzy picker: the key matches first
        assert screen.template is not None and screen.template.key == "refund"
        shown = problems_shown(app)
        line = next(n for n, text in enumerate(screen.body.text.splitlines(), 1) if mark in text)
        assert f"line {line}: order.number is missing" in shown
        assert "subject: order.number is missing" in shown

        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen  # still composing
        assert any("not sent: subject: order.number is missing" in n for n in notices(app))
        assert outbox_for_ticket(store, ids["refund"]) == []

        # the cursor waits at the gap in the body: the seller types the number over it
        await pilot.press("tab", "shift+tab")  # subject and back: the cursor stays in the body
        screen.body.focus()
        location = screen.body.document.get_location_from_index(screen.body.text.index(mark))
        screen.body.move_cursor(location)
        await pilot.press(*["delete"] * len(mark), *"A-77")
        screen.subject.focus()
        await pilot.press("end", *["backspace"] * len(mark), *"A-77")
        assert "order.number" not in problems_shown(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)

    (entry,) = outbox_for_ticket(store, ids["refund"])
    assert "for order A-77." in entry.text and "missing" not in entry.text
    ticket = get_ticket(store, ids["refund"])
    assert ticket is not None and ticket.status == "closed"  # the template's status


async def test_an_amazon_reply_with_a_link_is_blocked_with_its_span(inbox, config) -> None:
    store, ids = inbox
    app = make_app(store, config)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_on(pilot, app, ids["amazon"])
        await pilot.press("tab")  # from the picker to the body: write your own
        assert screen.focused is screen.body
        await pilot.press(*"Please see https://shop.example/returns for the label.")
        shown = problems_shown(app)
        assert "line 1: Amazon replies may not contain a link: 'https://shop.example/returns'" in (
            shown
        )
        (problem,) = screen.problems
        assert screen.final_text[problem.start : problem.end] == "https://shop.example/returns"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert outbox_for_ticket(store, ids["amazon"]) == []

        await pilot.press("f7", *"Please use Return items in Your Orders on Amazon.")
        assert "✓" in problems_shown(app)
        await pilot.press("ctrl+o")  # send and close
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    (entry,) = outbox_for_ticket(store, ids["amazon"])
    assert entry.text.startswith("Please use Return items")
    assert entry.text.rstrip().endswith("Anatolia Textiles")  # the signature, added once
    assert get_ticket(store, ids["amazon"]).status == "closed"


async def test_send_and_mark_pending_overrides_and_free_text_needs_no_template(
    inbox, config
) -> None:
    store, ids = inbox
    app = make_app(store, config)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_on(pilot, app, ids["refund"])
        await pilot.press("ctrl+s")  # nothing written yet
        assert app.screen is screen
        assert any("the reply is empty" in n for n in notices(app))
        await pilot.press("tab", *"We are looking into it, Bob.", "ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    (entry,) = outbox_for_ticket(store, ids["refund"])
    assert entry.text == "We are looking into it, Bob.\n\n--\nAnatolia Textiles\n"
    ticket = get_ticket(store, ids["refund"])
    assert ticket.status == "pending" and ticket.tags == ()


async def test_a_reply_nothing_can_send_is_refused_in_one_line_and_kept(inbox) -> None:
    store, ids = inbox
    app = make_app(store, parse_config("seller:\n  name: Anatolia Textiles\n"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_on(pilot, app, ids["wismo"])
        await pilot.press("1", "ctrl+s")
        await pilot.pause()
        assert app.screen is screen  # still there, with the text
        (refusal,) = [n for n in notices(app) if n.startswith("not sent:")]
        assert "cannot be answered from here" in refusal and "\n" not in refusal
        assert outbox_for_ticket(store, ids["wismo"]) == []
        await pilot.press("escape")
        await pilot.pause()
    draft = get_draft(store, ids["wismo"])
    assert draft is not None and "Your order 1042" in draft.body and draft.template_key == "wismo"


async def test_the_draft_survives_quitting_and_a_new_app(tmp_path: Path, config) -> None:
    store, ids = build_inbox(tmp_path / "inbox.db")
    app = make_app(store, config)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_on(pilot, app, ids["wismo"])
        await pilot.press("tab", *"Dear Ayşe, half a reply")

        def on_disk() -> str | None:  # what a crash now would leave on disk
            other = Store.open(tmp_path / "inbox.db")
            try:
                return getattr(get_draft(other, ids["wismo"]), "body", None)
            finally:
                other.close()

        # saved half a second after the last key (a busy machine saves "Dear A" before that,
        # and the header says "draft saved" already then: the text on disk is what to wait for)
        await until(pilot, lambda: on_disk() == "Dear Ayşe, half a reply", "the whole draft saved")
        other = Store.open(tmp_path / "inbox.db")  # what a crash now would leave on disk
        draft = get_draft(other, ids["wismo"])
        other.close()
        assert draft is not None and draft.body == "Dear Ayşe, half a reply"
        assert screen.sub_title.endswith("· draft saved")
        await pilot.press(*" and more")
        assert screen.is_mounted
    # quitting with the composer open, inside the half second, keeps the last keys too
    store.close()

    store = Store.open(tmp_path / "inbox.db")
    app = make_app(store, config)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_on(pilot, app, ids["wismo"])
        assert screen.body.text == "Dear Ayşe, half a reply and more"
        assert screen.focused is screen.body
        await pilot.press("escape")  # closes, keeps the draft
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert get_draft(store, ids["wismo"]) is not None
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("f8")  # discard
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert get_draft(store, ids["wismo"]) is None
        assert "Draft discarded" in notices(app)
    store.close()


async def test_reply_from_the_thread_screen(inbox, config) -> None:
    store, ids = inbox
    app = make_app(store, config)
    async with app.run_test(size=SIZE) as pilot:
        while app.screen.ticket_list.ticket.id != ids["wismo"]:  # Due: the oldest waiting first
            await pilot.press("j")
        await pilot.press("enter")  # the wismo ticket, full screen
        await pilot.pause()
        assert isinstance(app.screen, ThreadScreen)
        await pilot.press("r")
        await pilot.pause()
        screen = composer(app)
        assert screen.ticket_id == ids["wismo"]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ThreadScreen)
        # nothing typed, nothing kept
        assert get_draft(store, ids["wismo"]) is None


async def test_ctrl_e_without_a_real_terminal_says_so_and_keeps_the_text(inbox, config) -> None:
    # Pilot's headless driver cannot hand the terminal over (App.suspend is not supported
    # there); the hand-off itself is tested above with a real editor process.
    store, ids = inbox
    app = make_app(store, config)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_on(pilot, app, ids["wismo"])
        await pilot.press("tab", *"keep me", "ctrl+e")
        await pilot.pause()
        assert screen.body.text == "keep me"
        assert any("$EDITOR needs a real terminal" in n for n in notices(app))


async def test_composer_keys_are_in_help_and_the_palette(inbox, config) -> None:
    store, ids = inbox
    descriptions = {k.description for k in KEYMAP if k.scope == "composer"}
    assert {"Send", "Send and close", "Send, mark pending", "Discard draft", "$EDITOR"} <= (
        descriptions
    )
    assert "Reply composer" in help_text().plain
    app = make_app(store, config)
    async with app.run_test(size=SIZE) as pilot:
        await open_on(pilot, app, ids["wismo"])
        provider = KeymapCommands(app.screen)
        entries = [key.description for key, _ in provider._targets()]
        assert {"Send", "Send and close", "Discard draft", "Templates"} <= set(entries)
        await pilot.press("escape")
        await pilot.pause()
        entries = [key.description for key, _ in KeymapCommands(app.screen)._targets()]
        assert "Reply" in entries


def test_the_recipient_shown_is_the_one_queued(inbox, config) -> None:
    from inbox_tui.store.outbox import last_inbound
    from inbox_tui.tui.screens.composer import recipients

    store, ids = inbox
    assert recipients(last_inbound(store, ids["wismo"])) == ["Ayşe Yılmaz <ayse@example.com>"]
    row = store.conn.execute(
        "SELECT reply_to FROM messages WHERE ticket_id = ?", (ids["wismo"],)
    ).fetchone()
    assert json.loads(row[0]) == []


# --- sending from the TUI: offline, then the server is back ---------------------------------


async def test_a_reply_waits_offline_then_goes_out_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, start_sink, closed_port: int
) -> None:
    from tests.smtp_sink import PASSWORD, USERNAME

    monkeypatch.setenv("SHOP_PASSWORD", "unused")
    monkeypatch.setenv("SHOP_SMTP_PASSWORD", PASSWORD)
    port = closed_port  # nothing listens here yet: the shop's Wi-Fi is down
    config = parse_config(
        CONFIG.replace(
            "smtp: {host: 127.0.0.1, port: 1, tls: none}",
            f"smtp: {{host: 127.0.0.1, port: {port}, tls: none, username: {USERNAME},"
            " password_env: SHOP_SMTP_PASSWORD}",
        )
    )
    store, ids = build_inbox(tmp_path / "inbox.db")
    clock = [NOW]
    app = InboxApp(store, now=lambda: clock[0], config=config)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_on(pilot, app, ids["wismo"])
        await pilot.press("1", "ctrl+s")
        await pilot.pause()
        await workers_settled(app)
        await pilot.pause()
        clock[0] = NOW + timedelta(seconds=config.outbox.undo_seconds)  # the undo hold is over
        app.send_waiting()
        await workers_settled(app)
        await pilot.pause()
        line = app.screen.status.text(clock[0]).plain
        assert "outbox: 1 queued · offline: replies wait in the outbox" in line
        assert isinstance(app.screen, MainScreen) and screen is not app.screen

        sink = start_sink(port)  # the network is back
        clock[0] = NOW + timedelta(minutes=1)  # past the first retry's wait
        app.send_waiting()
        await workers_settled(app)
        await pilot.pause()
        assert "outbox 0" in app.screen.status.text(clock[0]).plain
        app.send_waiting()  # nothing waits: nothing is sent again
        await workers_settled(app)

    assert len(sink.accepted) == 1
    assert sink.accepted[0].recipients == ["ayse@example.com"]
    assert b"Your order 1042 is on its way" in sink.accepted[0].raw
    (entry,) = outbox_for_ticket(store, ids["wismo"])
    assert entry.status == "sent"
    store.close()


# --- looks -------------------------------------------------------------------------------------


def test_snapshot_composer_100x30(snap_compare, config, tmp_path: Path) -> None:
    store, _ = build_inbox(":memory:", tmp_path / "Mail")

    # the picker open on its suggestions, the preview showing the first one filled in (no key
    # edits the text, so no draft is saved on a timer while the picture is taken)
    async def open_composer(pilot) -> None:
        await pilot.press("r")
        await pilot.pause()
        # The focused filter's cursor blinks every 0.5 s: on a busy machine the picture was
        # taken as often with it hidden as shown. Still, it is always drawn (as on the screen
        # the moment the composer opens).
        for field in pilot.app.screen.query("Input, TextArea"):
            field.cursor_blink = False

    app = make_app(store, config)
    assert snap_compare(app, run_before=open_composer, terminal_size=(100, 30))

"""ctrl+e in a real terminal: the composer hands the draft to $EDITOR (App.suspend) and shows
what the editor saved. Pilot's headless driver cannot suspend; tmux is a real terminal."""

from __future__ import annotations

import shlex
from email import message_from_bytes, policy
from pathlib import Path

from inbox_tui.store import Store
from inbox_tui.store.drafts import get_draft
from tests.test_composer import CONFIG, build_inbox
from tests.test_tmux import Terminal, inbox_tui_command, tmux  # noqa: F401  (tmux: a fixture)

EDITOR = 'sh -c \'printf "Edited in a real editor, %s" "$(cat "$1")" > "$1"\' sh'


def test_ctrl_e_hands_the_draft_to_the_editor_and_back(tmux: str, tmp_path: Path) -> None:  # noqa: F811
    db = tmp_path / "inbox.db"
    store, ids = build_inbox(db)
    store.close()
    config = tmp_path / "config.yaml"
    config.write_text(  # on All: the newest ticket (wismo) first, whatever is due
        "seller:\n  name: Anatolia Textiles\n  emails: [hello@shop.example]\n"
        "ui:\n  start_view: all\n"
    )
    command = f"EDITOR={shlex.quote(EDITOR)} " + shlex.join(
        [str(inbox_tui_command()), "--config", str(config), "--db", str(db)]
    )
    terminal = Terminal(tmux, tmp_path)
    try:
        terminal.start(command)
        terminal.wait_for("the ticket list", lambda s: "Where is my order?" in s and "Reply" in s)
        terminal.keys("r")
        terminal.wait_for("the composer", lambda s: "wismo · en" in s and "To Ayşe" in s)
        terminal.keys("Tab")
        # the template list shows only while the picker has focus: gone, the body has it
        terminal.wait_for("the body", lambda s: "wismo · en" not in s)
        terminal.keys("first words", "C-e")
        screen = terminal.wait_for(
            "the edited text", lambda s: "Edited in a real editor, first words" in s
        )
        assert "$EDITOR needs a real terminal" not in screen
        terminal.keys("Escape")
        terminal.wait_for("the list again", lambda s: "Quit" in s and "suggested" not in s)
        terminal.keys("q")
        terminal.wait_for(
            "the app to quit", lambda s: terminal.exit_status() is not None, quitting=True
        )
        assert terminal.exit_status() == "0"
    finally:
        terminal.kill()
    store = Store.open(db)
    draft = get_draft(store, ids["wismo"])
    store.close()
    assert draft is not None and draft.body == "Edited in a real editor, first words"


def test_the_demo_never_sends_through_the_sellers_own_server(tmux: str, tmp_path: Path) -> None:  # noqa: F811
    # The seller's real config names an SMTP server; the demo's made-up customers must not be
    # mailed through it: a reply in the demo waits in the outbox, which has no mail server.
    config = tmp_path / "config.yaml"
    config.write_text(
        "seller:\n  name: Anatolia Textiles\n  emails: [hello@shop.example]\n"
        "sources:\n  - name: shop\n    kind: imap\n    host: 127.0.0.1\n    port: 9\n"
        "    tls: none\n    username: hello@shop.example\n    password_env: SHOP_PASSWORD\n"
        "    smtp: {port: 9, tls: none}\n"
    )
    db = tmp_path / "demo.db"
    command = "SHOP_PASSWORD=x " + shlex.join(
        [str(inbox_tui_command()), "--config", str(config), "demo", "--db", str(db)]
    )
    terminal = Terminal(tmux, tmp_path)
    try:
        terminal.start(command)
        terminal.wait_for("the demo list", lambda s: "2 All" in s and "Reply" in s, timeout=60)
        terminal.keys("r")
        terminal.wait_for("the composer", lambda s: " · en · " in s or " · de · " in s)
        # write a reply of one's own (the demo's first ticket may have no suggestion) and send
        terminal.keys("Tab")
        terminal.keys("Thank you for waiting.")
        terminal.keys("C-s")
        screen = terminal.wait_for("the explanation", lambda s: "Reply queued: the demo" in s)
        assert "smtp" not in screen.lower()  # no error pointing at an `smtp:` section
    finally:
        terminal.kill()
    store = Store.open(db)
    rows = store.conn.execute("SELECT transport, status FROM outbox").fetchall()
    assert [tuple(row) for row in rows] == [("demo", "queued")]  # never the seller's server
    store.close()


OWN_WISMO = """\
- key: wismo
  name: Our parcel answer
  keywords: [where, where is my order, parcel, tracking, arrived]
  examples: [Where is my order?, My parcel has not arrived]
  body: |
    Hi {{ customer.first_name }}, order {{ order.number }} is with {{ order.carrier }}.
"""


def test_r_typed_as_the_list_shows_opens_the_sellers_templates_and_the_reply_goes_out(
    tmux: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    # A seller opens the app to answer the first ticket at once. The composer then opens from
    # the config's start cache (no pydantic yet: config_cache.py), before the preparation
    # beside the list is done: it must still offer the seller's own templates (`templates:`,
    # here replacing a shipped one), suggest the right one, and queue the reply.
    db = tmp_path / "inbox.db"
    store, ids = build_inbox(db)
    store.close()
    (tmp_path / "own.yaml").write_text(OWN_WISMO, encoding="utf-8")
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG + "ui:\n  start_view: all\ntemplates: own.yaml\n")
    command = "SHOP_PASSWORD=x " + shlex.join(
        [str(inbox_tui_command()), "--config", str(config), "--db", str(db)]
    )
    terminal = Terminal(tmux, tmp_path)
    try:
        listed = "Where is my order?"
        terminal.start(command)  # the first start writes the config's start cache
        terminal.wait_for("the list", lambda s: listed in s and "Reply" in s)
        terminal.quit()
        terminal.kill()
        terminal.start(command)  # this one reads it
        terminal.wait_for("the list again", lambda s: listed in s and "Reply" in s)
        terminal.keys("r")  # at once: the list has just shown
        terminal.wait_for(
            "the composer with the seller's template suggested",
            lambda s: "Our parcel answer" in s and "wismo · en" in s and "To Ayşe" in s,
        )
        terminal.keys("Enter")
        terminal.wait_for("the template's text", lambda s: "order 1042 is with DHL" in s)
        terminal.keys("C-s")
        terminal.wait_for(
            "the reply queued", lambda s: "Reply goes in" in s and "IN THE OUTBOX" in s
        )
        terminal.keys("q")
        terminal.wait_for("a quit", lambda s: terminal.exit_status() is not None, quitting=True)
        assert terminal.exit_status() == "0"
    finally:
        terminal.kill()
    store = Store.open(db)
    raws = store.conn.execute("SELECT raw FROM outbox WHERE ticket_id = ?", (ids["wismo"],))
    bodies = [message_from_bytes(raw, policy=policy.default) for (raw,) in raws.fetchall()]
    store.close()
    assert len(bodies) == 1
    text = bodies[0].get_body(("plain",))
    assert text is not None and "Hi Ayşe, order 1042 is with DHL." in text.get_content()

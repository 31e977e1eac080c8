"""Hostile mail end to end: raw bytes → import → store → TUI and export, never markup or control."""

from __future__ import annotations

import base64
import io
import re

from inbox_tui.export import export_jsonl
from inbox_tui.importer import import_maildir
from inbox_tui.tui.app import InboxApp
from inbox_tui.tui.widgets.ticket_list import TicketList
from tests.mailgen import write_maildir
from tests.test_tui import screen_text

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _word(text: str) -> str:
    return "=?utf-8?b?" + base64.b64encode(text.encode()).decode() + "?="


SUBJECT = "\x1b]8;;https://evil.example\x1b\\Refund\x1b]8;;\x1b\\ [@click=app.quit]now[/] \x1b[2J"
NAME = "\u202eMallory\x1b[31m [b]Boss[/b]"
BODY = "Hello\x1b[2J\x1b[H\n\u009b31mred [bold]not bold[/bold] \x07bell\nbye\x1bP+q\x1b\\"

HOSTILE = (
    f"From: {_word(NAME)} <mallory@example.com>\r\n"
    "To: hello@shop.example\r\n"
    f"Subject: {_word(SUBJECT)}\r\n"
    "Message-ID: <hostile@example.com>\r\n"
    "Date: Sun, 29 Nov 2026 10:00:00 +0000\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(BODY.encode()).decode()
).encode()


def test_nothing_hostile_reaches_the_store(store, tmp_path):
    import_maildir(store, write_maildir(tmp_path / "Mail", [HOSTILE]))
    row = store.conn.execute("SELECT subject, from_name, text, snippet FROM messages").fetchone()
    for value in row:
        assert not CONTROL.search(value), repr(value)
    assert row["subject"] == "Refund [@click=app.quit]now[/]"
    assert row["from_name"] == "Mallory [b]Boss[/b]"
    assert "[bold]not bold[/bold]" in row["text"] and "red" in row["text"]
    customer = store.conn.execute("SELECT name FROM customers").fetchone()[0]
    assert not CONTROL.search(customer)


def test_export_carries_hostile_text_as_plain_data(store, tmp_path):
    import_maildir(store, write_maildir(tmp_path / "Mail", [HOSTILE]))
    out = io.StringIO()
    export_jsonl(store, out)
    assert "\\u001b" not in out.getvalue() and "\x1b" not in out.getvalue()


async def test_hostile_mail_is_shown_literally_and_clicking_it_does_nothing(store, tmp_path):
    import_maildir(store, write_maildir(tmp_path / "Mail", [HOSTILE]))
    app = InboxApp(store)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "[@click=app.quit]now[/]" in text
        assert "[bold]not bold[/bold]" in text
        assert not CONTROL.search(text)
        await pilot.click(TicketList, offset=(40, 0))
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running and app.return_code is None


DISGUISED = (
    f"From: {_word('Pay' + chr(0x200B) + 'Pal Sec' + chr(0x2060) + 'urity')} <service@paypa1.example>\r\n"
    "To: hello@shop.example\r\n"
    f"Subject: {_word('Your acc' + chr(0xAD) + 'ount is lim' + chr(0xFEFF) + 'ited 👩' + chr(0x200D) + '💻')}\r\n"
    "Message-ID: <zw@example.com>\r\n"
    "\r\n"
    "Hello\u200b there 👩\u200d💻\r\n"
).encode()
ZERO_WIDTH = re.compile("[\u00ad\u200b\u2060\ufeff]")


def outside_bodies(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if "Hello" not in line)  # bodies keep them


def test_zero_width_characters_do_not_reach_a_name_or_subject(store, tmp_path):
    """`pay\\u200bpal` was stored and shown as it came: it reads "paypal" and is not."""
    import_maildir(store, write_maildir(tmp_path / "Mail", [DISGUISED]))
    row = store.conn.execute("SELECT subject, from_name, text FROM messages").fetchone()
    assert row["from_name"] == "PayPal Security"
    assert row["subject"] == "Your account is limited 👩\u200d💻"  # the emoji stays whole
    assert row["text"] == "Hello\u200b there 👩\u200d💻"  # a body is kept as written
    assert store.conn.execute("SELECT name FROM customers").fetchone()[0] == "PayPal Security"


async def test_a_store_from_before_shows_names_and_subjects_without_them(store, tmp_path):
    """A store filled by an older version keeps the characters; the list, the thread, the
    customer panel and the composer show the names and subjects without them."""
    import_maildir(store, write_maildir(tmp_path / "Mail", [DISGUISED]))
    with store.transaction() as conn:  # as an older version stored them
        conn.execute("UPDATE customers SET name = 'Pay\u200bPal Sec\u2060urity'")
        conn.execute("UPDATE tickets SET subject = 'Your acc\u00adount is lim\ufeffited'")
        conn.execute("UPDATE messages SET from_name = 'Pay\u200bPal', subject = 'Acc\u200bount'")
    app = InboxApp(store)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        text = outside_bodies(screen_text(app))
        assert "PayPal Security" in text and "Your account is limited" in text
        assert not ZERO_WIDTH.search(text)
        await pilot.press("enter")  # the thread and the customer panel
        await pilot.pause()
        text = outside_bodies(screen_text(app))
        assert "PayPal <service@paypa1.example>" in text and "Subject: Account" in text
        assert "PayPal Security" in text and not ZERO_WIDTH.search(text)
        await pilot.press("r")  # the composer: To and Subject
        await pilot.pause()
        text = outside_bodies(screen_text(app))
        assert "Re: Account" in text and "PayPal <service@paypa1.example>" in text
        assert not ZERO_WIDTH.search(text)

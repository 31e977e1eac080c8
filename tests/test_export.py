"""Export: JSON Lines and CSV are a stable contract for scripts."""

from __future__ import annotations

import csv
import io
import json

from inbox_tui.export import CSV_COLUMNS, export_csv, export_jsonl
from inbox_tui.importer import import_maildir
from tests.mailgen import make_mail, thread, write_maildir

SELLER = frozenset({"hello@shop.example"})

TICKET_KEYS = [
    "id", "channel", "status", "tags", "customer", "subject", "order_number", "priority", "flagged",
    "created_at", "last_message_at", "message_count", "unread_count", "messages",
]  # fmt: skip
MESSAGE_KEYS = [
    "message_id",
    "from",
    "to",
    "cc",
    "date",
    "direction",
    "subject",
    "text",
    "parse_error",
    "flags",
    "gone",
]


def _fill(store, tmp_path):
    mails = thread(3, prefix="e") + [
        make_mail(
            message_id="<h@x>",
            subject='Hostile "quotes", commas and [bold]markup[/]',
            body="line1\nline2",
        ),
    ]
    import_maildir(store, write_maildir(tmp_path / "Mail", mails), seller_emails=SELLER)
    ticket = store.conn.execute("SELECT id FROM tickets WHERE message_count = 3").fetchone()[0]
    store.conn.execute("INSERT INTO tags (name) VALUES ('shipping'), ('vip')")
    store.conn.execute(
        "INSERT INTO ticket_tags (ticket_id, tag_id, created_at) SELECT ?, id, '2026-10-01T00:00:00Z' FROM tags",
        (ticket,),
    )
    return mails


def test_jsonl_round_trips_every_ticket_and_message(store, tmp_path):
    mails = _fill(store, tmp_path)
    out = io.StringIO()
    assert export_jsonl(store, out) == 2
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [list(r) for r in records] == [TICKET_KEYS, TICKET_KEYS]
    assert [r["id"] for r in records] == sorted(r["id"] for r in records)

    conversation = next(r for r in records if r["message_count"] == 3)
    assert conversation["tags"] == ["shipping", "vip"]
    assert conversation["customer"] == {"name": "Ayşe Yılmaz", "email": "e@example.com"}
    assert [list(m) for m in conversation["messages"]] == [MESSAGE_KEYS] * 3
    assert [m["message_id"] for m in conversation["messages"]] == [
        "e-0@example.com",
        "e-1@example.com",
        "e-2@example.com",
    ]
    assert [m["direction"] for m in conversation["messages"]] == ["in", "out", "in"]
    assert conversation["messages"][1]["to"] == [{"name": "Ayşe Yılmaz", "email": "e@example.com"}]
    assert conversation["messages"][2]["text"] == "message 2 of e"

    total = sum(len(r["messages"]) for r in records)
    assert total == len(mails)


def test_csv_has_one_row_per_ticket_and_survives_hostile_subjects(store, tmp_path):
    _fill(store, tmp_path)
    out = io.StringIO()
    assert export_csv(store, out) == 2
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == list(CSV_COLUMNS)
    hostile = next(r for r in rows if r["message_count"] == "1")
    assert hostile["subject"] == 'Hostile "quotes", commas and [bold]markup[/]'
    tagged = next(r for r in rows if r["message_count"] == "3")
    assert tagged["tags"] == "shipping;vip"


def test_empty_store_exports_nothing_but_the_header(store):
    out = io.StringIO()
    assert export_jsonl(store, out) == 0 and out.getvalue() == ""
    out = io.StringIO()
    export_csv(store, out)
    assert out.getvalue().strip() == ",".join(CSV_COLUMNS)

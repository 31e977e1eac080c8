"""Saving a ticket's attachments: hostile names stay inside the folder, nothing is overwritten."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from inbox_tui.attachments import safe_filename, save_attachments
from inbox_tui.importer import import_maildir
from inbox_tui.store import Store
from inbox_tui.store.attachments import ticket_attachments
from tests.mailgen import write_maildir


def mail_with(files: list[tuple[str | None, bytes, str]]) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Ayşe <ayse@example.com>"
    msg["To"] = "hello@shop.example"
    msg["Subject"] = "Photos of the damage"
    msg["Message-ID"] = "<photos@example.com>"
    msg.set_content("Please see the photos.")
    for name, content, kind in files:
        main, sub = kind.split("/")
        msg.add_attachment(content, maintype=main, subtype=sub, filename=name)
    return bytes(msg)


def store_with(tmp_path: Path, files) -> tuple[Store, int]:
    store = Store.open(tmp_path / "inbox.db")
    import_maildir(store, write_maildir(tmp_path / "Mail", [mail_with(files)]))
    ticket = store.conn.execute("SELECT id FROM tickets").fetchone()[0]
    return store, ticket


def test_saves_every_attachment_with_its_content(tmp_path: Path) -> None:
    store, ticket = store_with(tmp_path, [("box.jpg", b"\xff\xd8jpeg", "image/jpeg"),
                                          ("Fatura Ekim.pdf", b"%PDF-1.4", "application/pdf")])  # fmt: skip
    assert [a.filename for a in ticket_attachments(store, ticket)] == ["box.jpg", "Fatura Ekim.pdf"]
    folder = tmp_path / "out"
    saved = save_attachments(store, ticket, folder)
    assert [p.name for p in saved] == ["box.jpg", "Fatura Ekim.pdf"]
    assert saved[0].read_bytes() == b"\xff\xd8jpeg" and saved[1].read_bytes() == b"%PDF-1.4"
    again = save_attachments(store, ticket, folder)  # saved twice: kept apart, not replaced
    assert [p.name for p in again] == ["box (2).jpg", "Fatura Ekim (2).pdf"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["box.jpg", "Fatura Ekim.pdf", "box (2).jpg", "Fatura Ekim (2).pdf"]
    )  # no temporary files left


def test_hostile_names_stay_in_the_folder(tmp_path: Path) -> None:
    store, ticket = store_with(tmp_path, [("../../etc/passwd", b"x", "text/plain"),
                                          ("\x1b[31mred.txt", b"y", "text/plain"),
                                          ("CON", b"z", "text/plain")])  # fmt: skip
    folder = tmp_path / "out"
    saved = save_attachments(store, ticket, folder)
    for path in saved:
        assert path.parent == folder and not path.name.startswith(".")
        assert "\x1b" not in path.name
    assert not (tmp_path / "etc").exists()


@given(st.text(max_size=300))
def test_any_name_is_a_plain_name(name: str) -> None:
    safe = safe_filename(name)
    assert safe and "/" not in safe and "\\" not in safe and "\x00" not in safe
    assert safe not in (".", "..") and not safe.startswith(".")
    assert len(safe) <= 140
    assert all(ord(c) >= 32 for c in safe)


def test_a_nameless_attachment_gets_a_name_from_its_type() -> None:
    assert safe_filename("", "application/pdf", 3) == "attachment-3.pdf"

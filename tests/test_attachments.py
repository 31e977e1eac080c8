"""Saving a ticket's attachments: hostile names stay inside the folder, nothing is overwritten."""

from __future__ import annotations

import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

import pytest
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
    saved = save_attachments(store, ticket, folder).saved
    assert [p.name for p in saved] == ["box.jpg", "Fatura Ekim.pdf"]
    assert saved[0].read_bytes() == b"\xff\xd8jpeg" and saved[1].read_bytes() == b"%PDF-1.4"
    again = save_attachments(store, ticket, folder).saved  # saved twice: kept apart, not replaced
    assert [p.name for p in again] == ["box (2).jpg", "Fatura Ekim (2).pdf"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["box.jpg", "Fatura Ekim.pdf", "box (2).jpg", "Fatura Ekim (2).pdf"]
    )  # no temporary files left


def test_hostile_names_stay_in_the_folder(tmp_path: Path) -> None:
    store, ticket = store_with(tmp_path, [("../../etc/passwd", b"x", "text/plain"),
                                          ("\x1b[31mred.txt", b"y", "text/plain"),
                                          ("CON", b"z", "text/plain")])  # fmt: skip
    folder = tmp_path / "out"
    saved = save_attachments(store, ticket, folder).saved
    for path in saved:
        assert path.parent == folder and not path.name.startswith(".")
        assert "\x1b" not in path.name
    assert not (tmp_path / "etc").exists()


@given(st.text(max_size=300))
def test_any_name_is_a_plain_name(name: str) -> None:
    safe = safe_filename(name)
    assert safe and "/" not in safe and "\\" not in safe and "\x00" not in safe
    assert safe not in (".", "..") and not safe.startswith(".")
    assert len(safe.encode()) <= 245  # bytes, as file systems count (255 with " (9999)")
    assert all(ord(c) >= 32 for c in safe)


def test_a_nameless_attachment_gets_a_name_from_its_type() -> None:
    assert safe_filename("", "application/pdf", 3) == "attachment-3.pdf"


def saved_names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


@pytest.mark.timeout(30)
def test_a_dangling_symlink_with_the_same_name_is_neither_followed_nor_waited_on(
    tmp_path: Path,
) -> None:
    store, ticket = store_with(tmp_path, [("invoice.pdf", b"%PDF", "application/pdf")])
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "invoice.pdf").symlink_to(tmp_path / "nowhere" / "target.pdf")
    (folder / "invoice (2).pdf").symlink_to(tmp_path / "victim.pdf")  # would be followed
    started = time.monotonic()
    report = save_attachments(store, ticket, folder)
    assert time.monotonic() - started < 5  # it looped for ever on the first name
    assert [path.name for path in report.saved] == ["invoice (3).pdf"] and not report.failed
    assert (folder / "invoice (3).pdf").read_bytes() == b"%PDF"
    assert not (tmp_path / "nowhere").exists() and not (tmp_path / "victim.pdf").exists()
    assert (folder / "invoice.pdf").is_symlink() and (folder / "invoice (2).pdf").is_symlink()
    assert saved_names(folder) == ["invoice (2).pdf", "invoice (3).pdf", "invoice.pdf"]  # no .part


def test_a_name_of_130_emoji_is_cut_to_what_the_file_system_takes(tmp_path: Path) -> None:
    files = [("📦" * 130 + ".jpg", b"emoji", "image/jpeg")]
    files += [(f"photo-{n}.jpg", bytes([n]), "image/jpeg") for n in range(12)]
    store, ticket = store_with(tmp_path, files)
    folder = tmp_path / "out"
    report = save_attachments(store, ticket, folder)
    assert not report.failed and len(report.saved) == 13  # it stopped at the first, 0 of 13
    first = report.saved[0]
    assert first.name.startswith("📦" * 40) and first.suffix == ".jpg"
    assert len(first.name.encode()) <= 255 and first.read_bytes() == b"emoji"
    assert [path.read_bytes() for path in report.saved[1:]] == [bytes([n]) for n in range(12)]
    again = save_attachments(store, ticket, folder)  # and its " (2)" fits too
    assert len(again.saved[0].name.encode()) <= 255 and again.saved[0].name.endswith(" (2).jpg")


SAVE_UNDER_A_SIZE_LIMIT = """
import resource, signal, sys
from pathlib import Path
from inbox_tui.attachments import save_attachments
from inbox_tui.store import Store

store = Store.open(Path(sys.argv[1]))  # before the limit: opening writes to the store
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))
report = save_attachments(store, int(sys.argv[2]), Path(sys.argv[3]))
print(report.summary(Path(sys.argv[3])))
"""


def test_one_attachment_that_cannot_be_written_does_not_stop_the_others(tmp_path: Path) -> None:
    files = [("small-1.txt", b"a", "text/plain"), ("big.bin", b"x" * 5000, "application/zip"),
             ("small-2.txt", b"b", "text/plain")]  # fmt: skip
    store, ticket = store_with(tmp_path, files)
    store.close()
    folder = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-c", SAVE_UNDER_A_SIZE_LIMIT, str(tmp_path / "inbox.db"), str(ticket),
         str(folder)],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert done.stdout.strip() == (
        f"Saved 2 attachments to {folder}; 1 failed: big.bin: File too large"
    )
    assert saved_names(folder) == ["small-1.txt", "small-2.txt"]  # no .part of big.bin left

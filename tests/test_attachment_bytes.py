"""An attachment's bytes are kept once: a photo lives in its raw message only, and every
attachment still gives back exactly the bytes the parser decoded, from a new import, from a
store upgraded to schema 12 (even one killed halfway through the upgrade), and when `s` saves it.
"""

from __future__ import annotations

import base64
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import inbox_tui.store.attachments as attachments_module
import inbox_tui.store.ingest as ingest_module
from benchmarks.corpus import generate
from benchmarks.photo import photo
from inbox_tui.config import parse_config
from inbox_tui.domain.raw_spans import BASE64, decode_span, find_in_raw
from inbox_tui.importer import import_maildir
from inbox_tui.mail.parse import parse_message
from inbox_tui.store import Store
from inbox_tui.store.attachments import attachment_content
from inbox_tui.store.schema import SCHEMA_VERSION
from tests.mailgen import write_maildir
from tests.test_attachments import mail_with
from tests.test_fast_parse import FIXTURES
from tests.test_fast_parse import message as generated_mime
from tests.test_tui import make_app
from tests.waiting import workers_settled

ROOT = Path(__file__).resolve().parent.parent


@cache
def seller_mail() -> list[bytes]:
    """Phone photos among seller mail, and the parser tests' fixtures (hostile, broken,
    CPython's corpus: quoted-printable, attached messages, delivery reports, uuencode)."""
    return list(generate(120, photos=True)) + [param.values[0] for param in FIXTURES]


def imported(tmp_path: Path, mails: list[bytes], name: str = "inbox.db") -> Store:
    store = Store.open(tmp_path / name)
    import_maildir(store, write_maildir(tmp_path / f"Mail-{name}", mails), workers=0)
    return store


def parsed_bytes(store: Store) -> dict[int, bytes]:
    """Attachment id -> the bytes the parser decodes from its message's raw bytes today."""
    found: dict[int, bytes] = {}
    for message_id, raw in store.conn.execute("SELECT message_id, raw FROM message_raw"):
        ids = [
            row[0]
            for row in store.conn.execute(
                "SELECT id FROM attachments WHERE message_id = ? ORDER BY id", (message_id,)
            )
        ]
        contents = [a.content for a in parse_message(bytes(raw)).attachments]
        assert len(ids) == len(contents)
        found.update(zip(ids, contents, strict=True))
    return found


def stored_bytes(store: Store) -> dict[int, bytes]:
    return {row[0]: attachment_content(store, row[0]) for row in store.conn.execute(
        "SELECT id FROM attachments")}  # fmt: skip


def file_size(store: Store) -> int:
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return Path(str(store.path)).stat().st_size


# --- a new import ------------------------------------------------------------------------------


def test_every_attachment_gives_back_what_the_parser_decoded(tmp_path: Path) -> None:
    store = imported(tmp_path, seller_mail())
    expected = parsed_bytes(store)
    assert len(expected) > 50
    assert stored_bytes(store) == expected
    # the photos are in their raw message only; what is kept is what no span gives back
    photos, kept = store.conn.execute(
        "SELECT sum(content_type = 'image/jpeg' AND content IS NULL),"
        " sum(content IS NOT NULL AND length(content) > 0) FROM attachments"
    ).fetchone()
    assert (
        photos
        == store.conn.execute(
            "SELECT count(*) FROM attachments WHERE content_type = 'image/jpeg'"
        ).fetchone()[0]
    )
    assert 0 < kept < 10  # delivery reports and attached messages put back together


def test_seller_mail_with_photos_takes_far_less_room(tmp_path: Path) -> None:
    mails = seller_mail()[:120]
    once = imported(tmp_path, mails)
    with pytest.MonkeyPatch.context() as patch:  # as before schema 12: every content stored
        patch.setattr(ingest_module, "find_in_raw", lambda raw, content: None)
        twice = imported(tmp_path, mails, "twice.db")
    assert stored_bytes(once) == stored_bytes(twice)
    mail = sum(map(len, mails))
    empty = file_size(Store.open(tmp_path / "empty.db"))  # the schema's own pages
    assert file_size(twice) - empty > 1.8 * mail  # the photos twice: raw base64 and decoded
    assert file_size(once) - empty < 1.35 * mail  # the raw mail, its text and index
    assert file_size(once) < 0.75 * file_size(twice)


async def test_s_saves_photos_read_from_their_raw_message(tmp_path: Path) -> None:
    shots = [photo(random.Random(n), "2026:11:30 10:00:00") for n in range(3)]
    files = [(f"damage-{n}.jpg", shot, "image/jpeg") for n, shot in enumerate(shots)]
    files.append(("note.txt", b"Box crushed on the left side.\n", "text/plain"))
    store = imported(tmp_path, [mail_with(files)])
    kept = store.conn.execute("SELECT count(*) FROM attachments WHERE content IS NOT NULL")
    assert kept.fetchone()[0] == 0  # every one of them is read from the raw message
    folder = tmp_path / "saved"
    app = make_app(store, config=parse_config(f"ui:\n  attachments_dir: {folder}\n"))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("s")
        await workers_settled(app)
        await pilot.pause()
        assert [n.message for n in app._notifications] == [f"Saved 4 attachments to {folder}"]
    for name, content, _ in files:
        assert (folder / name).read_bytes() == content


def test_raw_bytes_changed_by_hand_are_reported_not_saved_wrong(tmp_path: Path) -> None:
    from inbox_tui.attachments import save_attachments

    shot = photo(random.Random(7), "2026:11:30 10:00:00")
    store = imported(tmp_path, [mail_with([("damage.jpg", shot, "image/jpeg")])])
    start, end = store.conn.execute("SELECT raw_start, raw_end FROM attachments").fetchone()
    raw = bytes(store.conn.execute("SELECT raw FROM message_raw").fetchone()[0])
    store.conn.execute(  # someone cut the message short with sqlite3
        "UPDATE message_raw SET raw = ?", (raw[: (start + end) // 2],)
    )
    ticket = store.conn.execute("SELECT id FROM tickets").fetchone()[0]
    report = save_attachments(store, ticket, tmp_path / "saved")
    assert report.saved == [] and report.failed[0][0] == "damage.jpg"
    assert "not readable from its message" in report.failed[0][1]


# --- the upgrade of a store from schema 11 ---------------------------------------------------


# What schema 13 added, taken away again (a store as schema 11 left it has none of it).
SCHEMA_13_UNDONE = """
DROP TRIGGER order_products_insert; DROP TRIGGER order_products_delete;
DROP TRIGGER order_products_update; DROP TABLE order_products;
DROP INDEX orders_by_placed; DROP INDEX tickets_unread; DROP INDEX tickets_flagged;
"""


def as_schema_11(store: Store, *, altered: int | None = None) -> dict[int, bytes]:
    """The store as schema 11 kept it: every attachment's bytes in `content`. `altered`: that
    attachment's stored bytes differ from what its raw message gives (as a part the parser put
    back together does). What each attachment holds, by id."""
    held = stored_bytes(store)
    if altered is not None:
        held[altered] = held[altered][:-1] + b"!"
    store.conn.executemany(
        "UPDATE attachments SET content = ? WHERE id = ?", [(v, k) for k, v in held.items()]
    )
    for column in ("raw_start", "raw_end", "raw_encoding"):
        store.conn.execute(f"ALTER TABLE attachments DROP COLUMN {column}")
    store.conn.executescript(SCHEMA_13_UNDONE)
    store.conn.execute("PRAGMA user_version = 11")
    store.close()
    return held


def test_an_upgraded_store_keeps_every_attachment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(attachments_module, "UPGRADE_BATCH", 7)  # many batches
    store = imported(tmp_path, seller_mail())
    photo_id = store.conn.execute(
        "SELECT min(id) FROM attachments WHERE content_type = 'image/jpeg'"
    ).fetchone()[0]
    held = as_schema_11(store, altered=photo_id)
    path = tmp_path / "inbox.db"
    old_size = path.stat().st_size
    upgraded = Store.open(path)
    assert upgraded.schema_version == SCHEMA_VERSION
    assert stored_bytes(upgraded) == held
    kept = {row[0] for row in upgraded.conn.execute(
        "SELECT id FROM attachments WHERE content IS NOT NULL AND length(content) > 0")}  # fmt: skip
    assert photo_id in kept and 0 < len(kept) < 10  # the altered photo keeps its own bytes
    upgraded.conn.execute("VACUUM")  # what docs/schema.md tells the seller to do
    photos = sum(len(v) for k, v in held.items() if k != photo_id and v[:2] == b"\xff\xd8")
    assert file_size(upgraded) < old_size - 0.9 * photos


KILLED_UPGRADE = """
import os, sys, time
import inbox_tui.store.attachments as attachments
from inbox_tui.store import Store

found = attachments.find_in_raw
calls = 0

def slow(raw, content):
    global calls
    calls += 1
    if calls == 20:  # well inside the upgrade: tell the test, and wait for kill -9
        print("halfway", flush=True)
        time.sleep(60)
    return found(raw, content)

attachments.find_in_raw = slow
Store.open(sys.argv[1])
"""


@pytest.mark.timeout(120)
def test_an_upgrade_killed_halfway_loses_nothing_and_runs_again(tmp_path: Path) -> None:
    store = imported(tmp_path, seller_mail())
    held = as_schema_11(store)
    path = tmp_path / "inbox.db"
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(KILLED_UPGRADE), str(path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == "halfway\n"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait()
    conn = sqlite3.connect(path)  # as the kill left it: schema 11, every byte where it was
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 11
    assert dict(conn.execute("SELECT id, content FROM attachments")) == held
    conn.close()
    upgraded = Store.open(path)
    assert upgraded.schema_version == SCHEMA_VERSION
    assert stored_bytes(upgraded) == held
    assert (
        upgraded.conn.execute(
            "SELECT count(*) FROM attachments WHERE content_type = 'image/jpeg' AND content IS NOT NULL"
        ).fetchone()[0]
        == 0
    )


# --- the spans themselves ----------------------------------------------------------------------


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated_mime())
def test_a_span_of_generated_mime_gives_back_exactly_the_parsed_bytes(raw: bytes) -> None:
    for attachment in parse_message(raw).attachments:
        span = find_in_raw(raw, attachment.content)
        if span is not None:
            assert decode_span(raw[span.start : span.end], span.encoding) == attachment.content


@settings(max_examples=300, deadline=None)
@given(
    content=st.binary(min_size=1, max_size=3000),
    width=st.integers(1, 19).map(lambda n: n * 4),
    eol=st.sampled_from([b"\n", b"\r\n"]),
    before=st.binary(max_size=200),
    after=st.sampled_from([b"", b"\n", b"\r\n--XX--\r\n", b"=\n"]),
)
def test_base64_in_lines_of_a_mailers_width_is_found(
    content: bytes, width: int, eol: bytes, before: bytes, after: bytes
) -> None:
    encoded = base64.b64encode(content)
    lines = [encoded[i : i + width] for i in range(0, len(encoded), width)]
    raw = before + b"\n" + eol.join(lines) + after
    span = find_in_raw(raw, content)
    if width >= 64 or len(encoded) <= width:  # a mailer's width (76, 72, 64), or one line
        assert span is not None
        assert span.encoding == BASE64 or content in raw  # or by chance verbatim
    if span is not None:
        assert decode_span(raw[span.start : span.end], span.encoding) == content


@given(raw=st.binary(max_size=500), content=st.binary(max_size=60))
def test_any_span_found_gives_back_the_content(raw: bytes, content: bytes) -> None:
    span = find_in_raw(raw, content)
    if span is not None:
        assert decode_span(raw[span.start : span.end], span.encoding) == content


def test_lines_of_uneven_width_keep_their_bytes() -> None:
    content = os.urandom(300)
    encoded = base64.b64encode(content)
    lines = [encoded[:76], encoded[76:140], encoded[140:]]
    raw = b"\n" + b"\n".join(lines) + b"\n--XX--\n"
    assert find_in_raw(raw, content) is None  # not a span to trust: stored as it is

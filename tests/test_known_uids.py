"""A re-import skips the files it has recorded, found by a walk beside the sorted listing (no set
of every recorded uid): it leaves exactly the files the set of known uids left."""

from __future__ import annotations

import os
from operator import itemgetter

from hypothesis import given, settings
from hypothesis import strategies as st

from inbox_tui.channels.files.maildir import MaildirReader, _key
from inbox_tui.domain.messages import IncomingMessage
from inbox_tui.importer import import_messages
from inbox_tui.sanitize import escape_undecodable
from inbox_tui.store import Store
from inbox_tui.store.ingest import known_uids, not_recorded
from tests.mailgen import make_mail

# uids as a Maildir's names or an mbox's digests give them, and the text around them: any
# character SQLite can store, near neighbours ("a", "a\x00", "ab", "é") included
UIDS = st.text(st.characters(blacklist_categories=("Cs",)), max_size=6)
SOURCE, FOLDER = "maildir:/mail", ".Sent"


@st.composite
def recorded_and_listed(draw):
    recorded = draw(st.lists(UIDS, unique=True, max_size=30))
    elsewhere = draw(st.lists(st.tuples(st.sampled_from(["maildir:/other", SOURCE]), UIDS)))
    pick = st.sampled_from(recorded) if recorded else UIDS
    uids = draw(st.lists(st.one_of(pick, UIDS), max_size=40))  # repeats: new/ and cur/
    listing = [(uid, f"cur/{index}") for index, uid in enumerate(uids)]
    if draw(st.booleans()):
        listing.sort()  # as MaildirReader.listing gives it; unsorted, the set must decide
    return recorded, elsewhere, listing


def test_not_recorded_leaves_what_the_set_of_known_uids_leaves() -> None:
    store = Store.open(":memory:")
    import_messages(store, [IncomingMessage(raw=make_mail(), source="x", folder="", uid="1")])

    @settings(max_examples=300, deadline=None)
    @given(recorded_and_listed())
    def check(case: tuple[list[str], list[tuple[str, str]], list[tuple[str, str]]]) -> None:
        recorded, elsewhere, listing = case
        with store.transaction():
            store.conn.execute("DELETE FROM message_locations WHERE source != 'x'")
            store.conn.executemany(
                "INSERT OR IGNORE INTO message_locations (source, folder, uid, message_id)"
                " VALUES (?, ?, ?, 1)",
                [(SOURCE, FOLDER, uid) for uid in recorded]
                + [(source, "" if source == SOURCE else FOLDER, uid) for source, uid in elsewhere],
            )
        known = known_uids(store, SOURCE, FOLDER)
        assert not_recorded(store, SOURCE, FOLDER, listing, itemgetter(0)) == [
            entry for entry in listing if entry[0] not in known
        ]

    check()


def test_a_maildir_is_listed_by_uid_then_path_as_before(tmp_path) -> None:
    """The listing's order is the import's (and so the ids it gives): by uid, then by path, as
    the (uid, path) pairs it listed before sorted; uids that begin others, one uid in new/ and
    cur/ or under two names, flags after ':' or '!', and bytes that are no UTF-8 included."""
    names = ["a:2,S", "a.b:2,S", "a!2,RS", "a", "ab", "a-1:2,", "bé:2,S", "z.host:2,RS"]
    names += ["z.host:2,S", os.fsdecode(b"\xffraw:2,S"), os.fsdecode(b"\xff:2,")]
    box = tmp_path / "Mail"
    for sub, some in (("cur", names), ("new", names[::3]), ("tmp", [])):
        (box / sub).mkdir(parents=True)
        for name in some:
            (box / sub / name).write_bytes(b"Subject: x\n\nx\n")
    reader = MaildirReader(box)

    pairs = [
        (escape_undecodable(_key(entry.name)), entry.path)
        for sub in ("new", "cur")
        for entry in os.scandir(box / sub)
    ]
    listing = reader.listing("")
    assert [(reader.uid_of(e), reader.path_of("", e)) for e in listing] == sorted(pairs)

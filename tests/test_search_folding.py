"""Search as German and Turkish sellers type: without umlauts, ß, dotted or dotless i (issue 11,
item 14), and degenerate queries (`*`, `((`) as one-line errors rather than every ticket."""

from __future__ import annotations

import shlex
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inbox_tui.domain.folding import fold_for_search
from inbox_tui.importer import import_maildir
from inbox_tui.search import SearchError, parse_query
from inbox_tui.store import Store
from inbox_tui.store.search import count_search, search_tickets
from tests.mailgen import BASE_TIME, make_mail, write_maildir
from tests.test_cli import assert_one_line_error, run
from tests.test_tmux import Terminal, inbox_tui_command, tmux  # noqa: F401  (tmux: a fixture)
from tests.test_tui import make_app, screen_text, ticket_list
from tests.waiting import until

SELLER = frozenset({"hello@shop.example"})

# subject → body: what German and Turkish customers write, each spelling a ticket of its own
MAILS = {
    "Falsche Größe": "Der Bademantel ist eine Größe zu klein.",
    "Groesse M": "Ich brauche die Groesse M, bitte.",
    "Grosse Handtuecher": "Sind die grossen Handtücher noch da?",
    "Rücksendung": "Wie funktioniert die Rücksendung?",
    "Ruecksendung angemeldet": "Ruecksendung ist unterwegs.",
    "Neue Adresse": "Meine neue Straße ist die Hauptstraße 5.",
    "Strasse": "Lieferung an Bahnhofstrasse 3",
    "Şikâyet": "Ürün çok kötü, İADE istiyorum. Değiştirme mümkün mü?",
    "YILMAZ": "Sipariş ılık suyla yıkanınca küçüldü.",
    "Toe box": "The toe box is narrow.",
    "Due date": "When is it due to arrive?",
    "Frage": "Kannst du mir sagen, wann es ankommt?",
}


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("folding")
    mails = [
        make_mail(
            subject=subject,
            sender=("Kunde", f"kunde{n}@example.de"),
            body=body,
            message_id=f"<m{n}@example.de>",
            date=BASE_TIME + timedelta(hours=n),
        )
        for n, (subject, body) in enumerate(MAILS.items())
    ]
    store = Store.open(root / "inbox.db")
    import_maildir(store, write_maildir(root / "Mail", mails), seller_emails=SELLER)
    yield store, root
    store.close()


def subjects(store: Store, query: str) -> set[str]:
    return {row.subject for row in search_tickets(store, query)}


GROESSE = {"Falsche Größe", "Groesse M", "Grosse Handtuecher"}
RUECKSENDUNG = {"Rücksendung", "Ruecksendung angemeldet"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("grosse ", GROESSE),  # "grossen" is another word
        ("groesse ", GROESSE),
        ("GROESSE ", GROESSE),
        ("Größe ", GROESSE),  # and the other way round: the umlaut finds oe and o
        ("große ", GROESSE),
        ("gro", GROESSE),  # while typing, whichever spelling comes
        ("groe", GROESSE),
        ("groes", GROESSE),
        ("grö", GROESSE),
        ("ruecksendung ", RUECKSENDUNG),
        ("Rücksendung ", RUECKSENDUNG),
        ("rucksendung ", RUECKSENDUNG),
        ("ruecks", RUECKSENDUNG),
        ("handtucher ", {"Grosse Handtuecher"}),
        ("strasse ", {"Neue Adresse", "Strasse"}),  # not Bahnhofstrasse: one word
        ("hauptstrasse ", {"Neue Adresse"}),
        ("bahnhofstraße ", {"Strasse"}),
        ("subject:strasse ", {"Strasse"}),
        ('"eine groesse zu klein"', {"Falsche Größe"}),
        ("sikayet ", {"Şikâyet"}),
        ("iade ", {"Şikâyet"}),  # İADE
        ("İade ", {"Şikâyet"}),
        ("degistirme ", {"Şikâyet"}),  # ğ, ş
        ("cok kotu urun", {"Şikâyet"}),  # ç, ö, ü
        ("yilmaz ", {"YILMAZ"}),
        ("yılmaz ", {"YILMAZ"}),
        ("ilik ", {"YILMAZ"}),  # ılık
        ("yikaninca ", {"YILMAZ"}),  # yıkanınca
        ("kucul*", {"YILMAZ"}),  # küçüldü, by an explicit prefix
        ("toe ", {"Toe box"}),  # short English words are not German: toe is not "to"
        ("due ", {"Due date"}),  # nor due "du"
        ("du ", {"Frage"}),
        ("neue ", {"Neue Adresse"}),  # ue after a vowel is not ü
    ],
)
def test_german_and_turkish_spelled_without_their_letters(shop, query, expected) -> None:
    store, _ = shop
    assert subjects(store, query) == expected
    assert count_search(store, query) == len(expected)


def test_from_and_to_fold_too(tmp_path: Path) -> None:
    mails = [
        make_mail(
            subject="Bestellung",
            sender=("Jürgen Weiß", "juergen@example.de"),
            to=("Shop Groß", "hello@shop.example"),
            message_id="<weiss@example.de>",
        )
    ]
    store = Store.open(tmp_path / "inbox.db")
    import_maildir(store, write_maildir(tmp_path / "Mail", mails), seller_emails=frozenset())
    try:
        for query in ("from:weiss", "from:juergen", "from:jurgen", "to:gross", "to:groß"):
            assert subjects(store, query) == {"Bestellung"}, query
    finally:
        store.close()


# --- folding as a function ------------------------------------------------------------------


@given(st.text())
def test_folding_is_idempotent(text: str) -> None:
    once = fold_for_search(text)
    assert fold_for_search(once) == once
    typing = fold_for_search(text, short_words=True)
    assert fold_for_search(typing, short_words=True) == typing


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Größe", "grösse"),  # the tokenizer takes the accent off: grosse
        ("Groesse", "grosse"),
        ("Straße", "strasse"),
        ("Ruecksendung", "rucksendung"),
        ("Yılmaz", "yilmaz"),
        ("queue Bauer neue Feuer", "queue bauer neue feuer"),  # not umlauts
        ("toe due Öl", "toe due öl"),  # too short to tell
        ("Tuer", "tur"),
    ],
)
def test_what_folding_does(typed: str, folded: str) -> None:
    assert fold_for_search(typed) == folded


# Words as German and Turkish spell them: consonants and vowels taking turns, so that every
# ae/oe/ue of a typed spelling stands for an umlaut (q never comes before ü).
CONSONANTS = st.sampled_from(list("bcdfghklmnprstvwzßşğç") + ["sch", "ch", "st", "ck"])
VOWELS = st.sampled_from(list("aeiouäöüıİ"))
WORDS = (
    st.lists(st.tuples(CONSONANTS, VOWELS), min_size=2, max_size=5)
    .map(lambda pairs: "".join(c + v for c, v in pairs))
    .filter(lambda word: len(word) >= 4)
)
ASCII = {"ä": ["ae", "a"], "ö": ["oe", "o"], "ü": ["ue", "u"], "ß": ["ss"], "ı": ["i"]}
ASCII.update({"İ": ["I", "i"], "ş": ["s"], "ğ": ["g"], "ç": ["c"]})


@st.composite
def spelled(draw: st.DrawFn) -> tuple[str, str]:
    """A word, and the same word as someone types it without a German or Turkish keyboard."""
    word = draw(WORDS)
    if draw(st.booleans()):
        word = word.capitalize()
    typed = "".join(draw(st.sampled_from(ASCII.get(char, [char]))) for char in word)
    return word, typed


@pytest.fixture(scope="module")
def one_ticket():
    store = Store.open(":memory:")
    store.conn.execute(
        "INSERT INTO tickets (id, channel, subject, created_at, last_message_at)"
        " VALUES (1, 'email', 'x', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z')"
    )
    yield store
    store.close()


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(spelled())
def test_a_word_typed_in_ascii_finds_the_original(one_ticket: Store, case) -> None:
    word, typed = case
    store = one_ticket
    store.conn.execute(
        "INSERT INTO messages (id, ticket_id, message_id, raw_sha256, content_key, direction,"
        " channel, subject, date, text, imported_at) VALUES (1, 1, 'm', 's', 'c', 'in',"
        " 'email', 'Frage', '2026-11-01T00:00:00Z', ?, '2026-11-01T00:00:00Z')",
        (f"Guten Tag, {word} bitte.",),
    )
    try:
        assert [row.id for row in search_tickets(store, typed + " ")] == [1], (word, typed)
        for end in range(2, len(typed) + 1):  # and as it is being typed
            assert [row.id for row in search_tickets(store, typed[:end])] == [1], typed[:end]
    finally:
        store.conn.execute("DELETE FROM messages WHERE id = 1")
    assert search_tickets(store, typed + " ") == []  # the delete trigger took its words out


# --- an older store gets its index folded ---------------------------------------------------


def _store_before_folding(path: Path) -> sqlite3.Connection:
    from inbox_tui.domain.subjects import customer_subject
    from inbox_tui.store.db import _split_script
    from inbox_tui.store.schema import MIGRATIONS

    folding = next(n for n, script in enumerate(MIGRATIONS) if "search_fold(" in script)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.create_function("customer_subject", 2, customer_subject)
    for script in MIGRATIONS[:folding]:
        for statement in _split_script(script):
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {folding}")
    return conn


def test_an_older_store_is_folded_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = _store_before_folding(path)
    conn.execute(
        "INSERT INTO tickets (id, channel, subject, created_at, last_message_at)"
        " VALUES (1, 'email', 'Falsche Größe', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z')"
    )
    conn.execute(
        "INSERT INTO messages (id, ticket_id, message_id, raw_sha256, content_key, direction,"
        " channel, from_name, from_addr, to_addrs, subject, date, text, imported_at) VALUES"
        " (1, 1, 'm1', 's1', 'c1', 'in', 'email', 'Jürgen', 'j@example.de',"
        " '[[\"Laden Groß\", \"hello@shop.example\"]]', 'Falsche Größe', '2026-11-01T00:00:00Z',"
        " 'Die Rücksendung ist unterwegs.', '2026-11-01T00:00:00Z')"
    )
    assert conn.execute("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'groesse'")
    conn.close()

    store = Store.open(path)
    try:
        for query in ("groesse", "ruecksendung", "from:juergen", "to:gross", "Größe"):
            assert [row.id for row in search_tickets(store, query)] == [1], query
        store.conn.execute("UPDATE messages SET text = 'Danke' WHERE id = 1")  # kept current
        assert search_tickets(store, "ruecksendung") == []
        assert [row.id for row in search_tickets(store, "danke")] == [1]
        store.conn.execute("INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')")
        store.conn.execute("DELETE FROM messages WHERE id = 1")
        assert search_tickets(store, "groesse") == []
        assert search_tickets(store, "to:gross") == []
    finally:
        store.close()


def test_a_migration_stopped_halfway_changes_nothing_and_runs_again(tmp_path, monkeypatch) -> None:
    """The index is refilled in the migration's one transaction: stopped on the 500th message
    (here by an error; a kill or a power cut rolls back the same way), the store is as it was,
    its search works as before, and the next open migrates it."""
    from inbox_tui.store import StoreError
    from inbox_tui.store import db as store_db

    path = tmp_path / "old.db"
    conn = _store_before_folding(path)
    conn.execute(
        "INSERT INTO tickets (id, channel, subject, created_at, last_message_at)"
        " VALUES (1, 'email', 'Größe', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z')"
    )
    conn.executemany(
        "INSERT INTO messages (id, ticket_id, message_id, raw_sha256, content_key, direction,"
        " channel, subject, date, text, imported_at) VALUES (?, 1, ?, ?, ?, 'in', 'email',"
        " 'Größe', '2026-11-01T00:00:00Z', ?, '2026-11-01T00:00:00Z')",
        [(n, f"m{n}", f"s{n}", f"c{n}", f"Nachricht {n}: die Größe") for n in range(1, 1001)],
    )
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    conn.close()
    folded = 0

    def fold_until_the_500th(value):
        nonlocal folded
        folded += 1
        if folded == 500 * 4:  # four columns a message
            raise RuntimeError("stopped")
        return store_db.fold_for_search(value) if isinstance(value, str) else value

    monkeypatch.setattr(store_db, "_search_fold", fold_until_the_500th)
    with pytest.raises(StoreError):
        Store.open(path)
    monkeypatch.undo()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == version
    assert conn.execute("SELECT count(*) FROM messages").fetchone()[0] == 1000
    found = "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'nachricht'"
    assert conn.execute(found).fetchone()[0] == 1000  # the old index, whole
    conn.close()

    store = Store.open(path)
    try:
        assert store.schema_version > version
        assert count_search(store, "groesse", cap=0) == 1
        assert store.conn.execute(found).fetchone()[0] == 1000
    finally:
        store.close()


# --- degenerate queries ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("*", "'*' at 0 must end a word", 0),
        ("refund *", "'*' at 7 must end a word", 7),
        ("-*", "'*' at 0 must end a word", 0),
        ("((", "'((' at 0: parentheses do not group", 0),
        ("refund ( size )", "'(' at 7: parentheses do not group", 7),
        ('"', "unclosed quote at 0", 0),
        ('refund "wrong size', "unclosed quote at 7", 7),
        ('""', "nothing to search for in '\"\"' at 0", 0),
        ('"*"', "nothing to search for in '\"*\"' at 0", 0),
        ("- & --", "nothing to search for in '- & --' at 0", 0),
        ("  %", "nothing to search for in '%' at 2", 2),
        ("r*", "'r*' at 0 is too short a prefix", 0),
    ],
)
def test_degenerate_queries_are_errors_not_every_ticket(text, message, position) -> None:
    with pytest.raises(SearchError) as caught:
        parse_query(text)
    assert str(caught.value).startswith(message)
    assert caught.value.position == position


def test_a_star_ends_a_prefix(shop) -> None:
    store, _ = shop
    assert subjects(store, "rucks* -angemeldet") == {"Rücksendung"}
    assert subjects(store, "subject:grö* klein") == {"Falsche Größe"}
    assert subjects(store, "-gro* -rucks*") == set(MAILS) - GROESSE - RUECKSENDUNG


# --- the CLI --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "fragment"),
    [("*", "'*' at 0 must end a word"), ("((", "parentheses do not group")],
)
def test_the_cli_says_what_is_wrong_with_a_search(shop, query: str, fragment: str) -> None:
    _, root = shop
    result = run("--db", str(root / "inbox.db"), "search", query)
    assert_one_line_error(result, "search: ", fragment)
    assert result.stdout == ""


def test_the_cli_searches_with_folding(shop) -> None:
    _, root = shop
    result = run("--db", str(root / "inbox.db"), "search", "groesse")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert {line.split("\t")[-1] for line in lines} == GROESSE
    assert all(line.startswith("#") for line in lines)
    nothing = run("--db", str(root / "inbox.db"), "search", "zebra")
    assert nothing.returncode == 0 and nothing.stdout == ""
    assert "no ticket matches 'zebra'" in nothing.stderr


def test_a_saved_search_with_a_lone_star_is_a_config_error(shop, tmp_path: Path) -> None:
    _, root = shop
    config = tmp_path / "config.yaml"
    config.write_text('ui:\n  saved_searches:\n    - {name: Alles, query: "*"}\n')
    result = run("--config", str(config), "--db", str(root / "inbox.db"), "stats")
    assert_one_line_error(result, "line 3: ui.saved_searches[0].query", "'*' at 0 must end")


# --- the TUI --------------------------------------------------------------------------------


async def settled(pilot, ready, what: str) -> None:
    """Pause until `ready()` (the list loads its rows in a worker)."""
    await until(pilot, ready, what, every=0.05)


async def test_the_search_bar_finds_groesse_and_refuses_a_star(shop) -> None:
    store, _ = shop
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash", *"groesse", "enter")
        await settled(
            pilot,
            lambda: all(subject in screen_text(app) for subject in GROESSE),
            "the three tickets of Größe",
        )
        assert ticket_list(app).count == 3
        assert "Rücksendung" not in screen_text(app)
        # (not ctrl+u first: the empty field would show every ticket while `*` is typed, on a
        # slow machine before the error)
        await pilot.press("slash", "end", "space", "asterisk", "enter")
        await settled(pilot, lambda: "must end a word" in screen_text(app), "the error")
        assert "'*' at 8 must end a word" in screen_text(app)
        assert ticket_list(app).count == 3  # the list keeps what it showed, not every ticket


def test_slash_groesse_in_a_real_terminal(tmux: str, shop, tmp_path: Path) -> None:  # noqa: F811
    _, root = shop
    command = shlex.join([str(inbox_tui_command()), "--db", str(root / "inbox.db")])
    terminal = Terminal(tmux, tmp_path)
    try:
        terminal.start(command, size=(80, 24))
        terminal.wait_for("the ticket list", lambda s: "/ Search" in s and "Şikâyet" in s)
        terminal.keys("/")
        for char in "groesse":
            terminal.keys(char)
        terminal.keys("Enter")
        screen = terminal.wait_for(
            "the three tickets of Größe, and only those",
            lambda s: all(subject in s for subject in GROESSE) and "Rücksendung" not in s,
        )
        assert "Şikâyet" not in screen and "groesse" in screen  # the query stays in its bar
        terminal.quit()
    finally:
        terminal.kill()

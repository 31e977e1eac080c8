"""Running a search: a parsed `Query` → SQL over tickets, tags, orders and messages_fts.

Text terms (words, phrases, from:, subject:, to:) become one FTS5 MATCH (every term quoted as
an FTS5 string, so nothing typed is FTS syntax); filters become indexed lookups on tickets.
docs/search.md explains the language.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from inbox_tui.domain.folding import fold_for_search
from inbox_tui.search import Query, SearchError, Term, has_words, parse_query, time_bound
from inbox_tui.store.db import Store, format_time
from inbox_tui.store.trends import ORDER_ITEMS, PRODUCT_KEY
from inbox_tui.store.views import TicketRow, page_rows

__all__ = ["COUNT_CAP", "SearchError", "count_search", "search_tickets", "to_sql"]

COUNT_CAP = 1_000
"""count_search stops counting here: the TUI shows "1000+" rather than wait for the rest (at
100k tickets, counting every ticket that mentions a common word costs 50–150 ms)."""

# FTS5 column filters per field; bare words search every column of messages_fts. Recipients
# (to:) have an index of their own, messages_fts_to: in messages_fts they would need a column
# filter on every bare word, which costs 3× on a common prefix (docs/search.md).
_COLUMNS = {"text": "", "from": "{from_name from_addr} : ", "subject": "subject : "}

# Tickets whose messages match one FTS5 expression, three ways to the same set; which is
# fastest depends on how many messages match (chosen by search_tickets and count_search with
# a capped probe, _matches; docs/search.md has the numbers):
_PLANS = {
    # few matches: start from the matching messages and look up their tickets
    "rare": """t.id IN (
    SELECT m.ticket_id FROM messages m
    WHERE m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?))""",
    # many: walk tickets (newest first for a page) and test each one's messages against the
    # match set, built once; a page or a capped count stops early
    "walk": """EXISTS (
    SELECT 1 FROM messages m
    WHERE m.ticket_id = t.id
      AND m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?))""",
    # in between, for counting: one sequential pass over messages_by_ticket beats a seek per
    # ticket when the count will not stop early
    "scan": """t.id IN (
    SELECT m.ticket_id FROM messages m INDEXED BY messages_by_ticket
    WHERE m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?))""",
    # most messages match (a two-letter prefix such as "re"): walk tickets and ask the index
    # about each message by rowid, rather than build a set of most of the messages first
    "probe": """EXISTS (
    SELECT 1 FROM messages m
    WHERE m.ticket_id = t.id
      AND EXISTS (SELECT 1 FROM messages_fts f WHERE messages_fts MATCH ? AND f.rowid = m.id))""",
}

_WORDS_ONLY_TICKETS = """SELECT DISTINCT m.ticket_id FROM messages m INDEXED BY messages_by_ticket
    WHERE m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?)"""

# A capped count of the tickets of the matching messages, read in the index's order: it stops
# as soon as `cap` tickets are found, however many messages match.
_MATCHED_TICKETS = """SELECT DISTINCT m.ticket_id
    FROM messages_fts f CROSS JOIN messages m ON m.id = f.rowid
    WHERE messages_fts MATCH ?"""

RARE_MATCHES = 1_000
"""Up to this many matching messages, a search starts from them rather than from the tickets."""

DENSE_FACTOR = 4
"""From cap × this many matching messages on, a capped count walks tickets: it reaches the cap
soon; below, one pass over the matching messages is cheaper."""

PROBE_SHARE = 4
"""When more than 1/this of the newest messages match one short word or prefix, pages and
counts ask the index about each message (the "probe" plan): 5 ms instead of 40–140 for "re" at
300k messages. For rarer or longer terms the probe loses (a prefix of 4+ letters merges every
word it begins on each probe), so they keep the set."""

PROBE_SAMPLE = 1_000
"""How many of the newest messages (by rowid) the density check counts matches in: ~0.2 ms,
where counting a quarter of all matches would take 10–20 ms. The newest messages are where a
page's walk starts."""

PROBE_PREFIX = 3
"""The longest prefix the index keeps (`prefix='2 3'` in the schema): a probe reads it in one
lookup."""

PREFIX_INDEXES = {"messages_fts": (2, 3), "messages_fts_to": (2, 3, 4, 5, 6, 7, 8)}
"""The prefix lengths each index keeps (its `prefix=` in the schema): a prefix of one of these
lengths is one lookup FTS5 reads lazily."""

EXPAND_WORDS = 64
"""A longer prefix (`sipa`, `refun`) is asked as the words it begins (`"siparis" OR
"siparisim" …`, listed from the index's vocabulary) when it begins no more than this many:
FTS5 merges the doclists of every word a prefix begins before its first row, on every query
(~100 ms for a common word at 1M messages), where an OR of words reads lazily and seeks."""

WALK_MATCHES = 20_000
"""From this many matching messages on, a page (and a capped count with filters) walks the
tickets newest first in batches and asks the index only about the batch's messages, by
ranges of rowids (`_walk`): it reads what the page needs, where building the set of every
match costs ~1 µs a match (0.1-0.5 s at 1M messages). Below, the set is cheap and a walk
might read many tickets before it finds a page."""

WALK_SAMPLE = 10_000
"""How many of the newest messages (by rowid) `_many` counts the words' matches in, to
estimate whether more than WALK_MATCHES match in all: ~1 ms, where counting up to 20,000
matches read a word's whole doclist (5-10 ms at 100k messages)."""

WALK_FIRST = 200
"""Tickets in the walk's first batch; each next one doubles, up to WALK_MOST."""
WALK_MOST = 3_200

WALK_BUDGET = 10_000
"""A walk gives up after this many tickets (plus 20 for each one wanted) and the SQL plan
runs instead: words common in the store but rare among the filtered tickets."""

WINDOW_GAP = 256
"""Message ids closer than this are asked in one range (`rowid BETWEEN`): one query reads
the matches between them, where a query per id would seek every word again."""

WINDOWS_MOST = 40
"""After this many ranges for one condition (the walked tickets' messages scattered over the
years: tickets of long ago still open, or unread), the walk gives up for the SQL plan, which
builds the match set once: a query per range would cost more (0.3-0.7 s for a capped count of
`is:unread where is` at 1M messages)."""

GATHER_SHARE = 2
"""A capped count with filters, excluded words or recipients first gathers the tickets of the
words' matching messages, newest message first (`_gather`), and tests only those: it reaches
the cap after about cap ÷ (the share that passes) tickets, where a walk of the filtered
tickets reads every ticket in between (the ~9 in 10 without the words: 150-210 ms at 1M
messages for `refund -towel`). It gives up for the walk after GATHER_SHARE × cap tickets, or
as soon as the share passing so far would not reach the cap within them (the filters select
few of the words' tickets: `status:open refu`)."""
GATHER_FIRST = 250
"""Matching messages read in the gather's first batch; each next one doubles, up to WALK_MOST."""
GATHER_JUDGED = 250
"""The gather judges the share of tickets passing from this many tickets tested on."""

KEPT_CHUNK = 200
"""A batch's messages are read this many tickets at a time: when a part's messages alone need
more ranges than WINDOWS_MOST allows (tickets scattered over the years: the ones still open
at a decade), the walk gives up before reading the rest of a batch of up to 3,200 tickets
(the give-up cost `status:open refu` 30-60 ms at 1M messages before the SQL plan)."""

_PLAIN = re.compile(r"[a-z0-9]+(?:[\x20-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]+[a-z0-9]+)*")
"""A folded prefix whose words the tokenizer keeps as they are (ASCII letters and digits,
nothing to lower-case or strip), between ASCII spaces and punctuation (which it drops):
`hello@shop.exam`. The index's vocabulary can be read for the words its last word begins."""
_LAST_WORD = re.compile(r"[a-z0-9]+$")


def search_tickets(
    store: Store,
    query: str | Query,
    *,
    offset: int = 0,
    limit: int = 100,
    now: datetime | None = None,
) -> list[TicketRow]:
    """A window of the tickets matching `query`, newest `last_message_at` first (ties: id)."""
    parsed = _parsed(query)
    with _refused_as_search_error():
        return _page(store, parsed, offset, limit, now)


def _page(
    store: Store, parsed: Query, offset: int, limit: int, now: datetime | None
) -> list[TicketRow]:
    words = _Words.of(store, parsed)
    if _matches(store, parsed, RARE_MATCHES, words.phrase) <= RARE_MATCHES:
        plan = "rare"
    else:
        if words.walkable(parsed) and _many(store, parsed, words):
            walked = _walk(store, parsed, words, now, max(0, offset) + max(0, limit))
            if walked is not None:
                page = walked[max(0, offset) : max(0, offset) + max(0, limit)]
                return page_rows(
                    store,
                    "SELECT value AS id FROM json_each(?)",
                    (json.dumps(page),),
                    "t.last_message_at DESC, t.id DESC",
                )
        plan = "probe" if _dense(store, parsed, words.phrase) else "walk"
    where, params = to_sql(parsed, now, plan=plan, phrase=words.phrase)
    return page_rows(
        store,
        f"""SELECT t.id FROM {_tickets(parsed)} {where}
            ORDER BY t.last_message_at DESC, t.id DESC LIMIT ? OFFSET ?""",
        (*params, max(0, limit), max(0, offset)),
        "t.last_message_at DESC, t.id DESC",
    )


def count_search(
    store: Store, query: str | Query, now: datetime | None = None, *, cap: int = COUNT_CAP
) -> int:
    """How many tickets match `query`, counting no further than `cap` (a result equal to cap
    means "cap or more"). cap=0 counts them all, however long that takes."""
    parsed = _parsed(query)
    with _refused_as_search_error():
        return _count(store, parsed, now, cap)


def _count(store: Store, parsed: Query, now: datetime | None, cap: int) -> int:
    words = _Words.of(store, parsed)
    dense = max(RARE_MATCHES, DENSE_FACTOR * cap)
    matches = _matches(store, parsed, dense, words.phrase)
    words_only = all(_in_fts(term) and not term.negated for term in parsed.terms)
    if matches <= RARE_MATCHES:
        plan = "rare"
    elif matches > dense and cap > 0:
        if not words_only and words.walkable(parsed) and _many(store, parsed, words):
            gathered = _gather(store, parsed, words, now, cap)
            if gathered is not None:
                return gathered
            walked = _walk(store, parsed, words, now, cap)
            if walked is not None:
                return min(len(walked), cap)
        plan = "probe" if _dense(store, parsed, words.phrase) else "walk"
    else:
        plan = "scan"
    where, params = to_sql(parsed, now, plan=plan, phrase=words.phrase)
    sql = f"SELECT t.id FROM {_tickets(parsed)} {where}"
    if plan != "rare" and words_only and params:
        # the matching messages' tickets, no need to join tickets; a capped count stops early
        sql = _MATCHED_TICKETS if cap > 0 else _WORDS_ONLY_TICKETS
    if cap > 0:
        return int(
            store.conn.execute(f"SELECT count(*) FROM ({sql} LIMIT ?)", (*params, cap)).fetchone()[
                0
            ]
        )
    return int(store.conn.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0])


# What SQLite says of a statement it will not run, as opposed to a store it cannot use (locked,
# read-only, damaged, disk full): a query can still reach a limit parse_query does not know.
_REFUSED = ("SQLITE_ERROR", "SQLITE_TOOBIG")


@contextmanager
def _refused_as_search_error() -> Iterator[None]:
    """A search SQLite refuses (an expression too large, an FTS5 limit) becomes a SearchError,
    shown under the search box like a typing mistake, never an unexpected error."""
    try:
        yield
    except (sqlite3.OperationalError, sqlite3.DataError) as error:
        if getattr(error, "sqlite_errorname", "SQLITE_ERROR") not in _REFUSED:
            raise
        raise SearchError(
            f"the store cannot run this search ({error}); try fewer terms", 0
        ) from None


def to_sql(
    query: Query,
    now: datetime | None = None,
    *,
    plan: str = "walk",
    phrase: Callable[[Term], str] | None = None,
) -> tuple[str, list[object]]:
    """The WHERE clause (alias `t` for tickets) and its parameters selecting `query`'s tickets.

    `plan` picks how the words are matched (a key of _PLANS); the tickets are the same.
    `phrase` gives a word's FTS5 expression (default `_fts_phrase`; a search passes one with
    long prefixes spelled out as the words they begin, which matches the same messages)."""
    now = now or datetime.now(UTC)
    phrase = phrase or _fts_phrase
    clauses: list[str] = []
    params: list[object] = []
    expression = _fts_expression(query, phrase)
    if expression:
        clauses.append(_PLANS[plan])
        params.append(expression)
    excluded = _excluded(query, phrase)
    if excluded:  # a ticket with a message matching any excluded word: one match set for all
        clauses.append(f"NOT {_PLANS['walk']}")
        params.append(excluded)
    for term in query.terms:
        if _in_fts(term):
            continue
        clause, values = _filter(term, now, plan, phrase)
        clauses.append(f"NOT ({clause})" if term.negated else clause)
        params.extend(values)
    return ("WHERE " + "\n AND ".join(clauses) if clauses else ""), params


def _tickets(query: Query) -> str:
    """The tickets table, read through a partial index of the few when is:unread/is:flagged
    select (tickets_unread, tickets_flagged; schema 13): newest first, so a page stops early.
    is:overdue alone reads the table in rowid order: walking the time index to find a few
    unindexed tickets reads rows in random order (~250 ms at 100k tickets against ~20 ms for
    one sequential pass and a sort)."""
    wanted = {term.value for term in query.terms if term.field == "is" and not term.negated}
    if "unread" in wanted:  # to_sql ANDs `t.unread_count > 0`: the index applies
        return "tickets t INDEXED BY tickets_unread"
    if "flagged" in wanted:
        return "tickets t INDEXED BY tickets_flagged"
    if wanted:
        return "tickets t NOT INDEXED"
    return "tickets t"


def _fts_expression(query: Query, phrase: Callable[[Term], str] | None = None) -> str:
    """The FTS5 expression a matching message must satisfy: every positive word term, ANDed."""
    phrase = phrase or _fts_phrase
    return " AND ".join(phrase(term) for term in query.terms if _in_fts(term) and not term.negated)


def _excluded(query: Query, phrase: Callable[[Term], str]) -> str:
    """One FTS5 expression for every excluded word (`-towel -damaged`): any of them."""
    return " OR ".join(
        f"({phrase(term)})" for term in query.terms if _in_fts(term) and term.negated
    )


def _matches(
    store: Store, query: Query, limit: int, phrase: Callable[[Term], str] | None = None
) -> int:
    """How many messages the query's words match, counting no further than limit + 1 (cheap:
    FTS5 reads doclists only). A query without words counts as matching more than limit."""
    phrase = phrase or _fts_phrase
    expression = _fts_expression(query, phrase)
    if not expression:  # to: alone: as rare as its rarest recipient
        rarest = _rarest_recipient(store, query, phrase, limit)
        return limit + 1 if rarest is None else rarest
    if any(term.prefix for term in query.terms):
        # A prefix merges the doclists of every word it begins before the first row (~20 ms for
        # a common one at 300k messages); the whole word alone matches no more, and often
        # already more than enough.
        exact = Query(tuple(replace(term, prefix=False) for term in query.terms), query.text)
        found = _count_matches(store, _fts_expression(exact), limit)
        if found > limit:
            return found
    return _count_matches(store, expression, limit)


def _dense(store: Store, query: Query, phrase: Callable[[Term], str] | None = None) -> bool:
    """Whether the query's words are one short word or prefix that most messages match, so
    that probing the index message by message beats building the set of matches."""
    words = [term for term in query.terms if _in_fts(term) and not term.negated]
    if len(words) != 1:
        return False
    (term,) = words
    if (term.prefix and len(term.value) > PROBE_PREFIX) or " " in term.value.strip():
        return False
    sampled, newest = _among_newest(store, _fts_expression(query, phrase), PROBE_SAMPLE)
    return bool(sampled * PROBE_SHARE > min(PROBE_SAMPLE, newest))


def _many(store: Store, query: Query, words: _Words) -> bool:
    """Whether more than WALK_MATCHES messages match the query's words (estimated from the
    newest WALK_SAMPLE messages), or its rarest recipient (counted); a query of filters and
    excluded words alone: yes."""
    expression = _fts_expression(query, words.phrase)
    if not expression:
        rarest = _rarest_recipient(store, query, words.phrase, WALK_MATCHES)
        return rarest is None or rarest > WALK_MATCHES
    sampled, newest = _among_newest(store, expression, WALK_SAMPLE)
    return bool(sampled * newest > WALK_MATCHES * min(WALK_SAMPLE, newest))


def _rarest_recipient(
    store: Store, query: Query, phrase: Callable[[Term], str], limit: int
) -> int | None:
    """The messages its rarest `to:` term matches, counting no further than limit + 1; None
    for a query without one."""
    recipients = [term for term in query.terms if term.field == "to" and not term.negated]
    if not recipients:
        return None
    return min(
        _count_matches(store, phrase(term), limit, table="messages_fts_to") for term in recipients
    )


def _among_newest(store: Store, expression: str, sample: int) -> tuple[int, int]:
    """How many of the newest `sample` messages (by id) match `expression`, and the newest id."""
    newest = store.conn.execute("SELECT max(id) FROM messages").fetchone()[0] or 0
    sampled = store.conn.execute(
        "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ? AND rowid > ?",
        (expression, newest - sample),
    ).fetchone()[0]
    return sampled, newest


@dataclass
class _Words:
    """A query's word terms as FTS5 expressions, long prefixes spelled out as the words they
    begin (EXPAND_WORDS), read from the index's vocabulary once per search."""

    expressions: dict[Term, str]
    lazy: bool  # no prefix is left for FTS5 to merge: every expression reads lazily and seeks

    @classmethod
    def of(cls, store: Store, query: Query) -> _Words:
        expressions: dict[Term, str] = {}
        lazy = True
        for term in query.terms:
            if not (_in_fts(term) or term.field == "to") or term in expressions:
                continue
            table = "messages_fts_to" if term.field == "to" else "messages_fts"
            expression, spelled = _spelled_out(store, term, table)
            expressions[term] = expression
            lazy = lazy and spelled
        return cls(expressions, lazy)

    def phrase(self, term: Term) -> str:
        return self.expressions.get(term) or _fts_phrase(term)

    def walkable(self, query: Query) -> bool:
        """Whether `_walk` can answer: it asks the index range by range, which a prefix FTS5
        merges whole on every query would make dearer than the set."""
        return self.lazy and any(_in_fts(term) or term.field == "to" for term in query.terms)


def _spelled_out(store: Store, term: Term, table: str) -> tuple[str, bool]:
    """`_fts_phrase(term)` with each prefix spelling longer than the index's prefixes written
    as the words of the index it begins; and whether every prefix was (or was short)."""
    if not term.prefix:
        return _fts_phrase(term), True
    parts: list[str] = []
    spelled = True
    for spelling in _spellings(term):
        last = _LAST_WORD.search(spelling) if _PLAIN.fullmatch(spelling) else None
        indexed = len(last.group() if last else spelling) in PREFIX_INDEXES[table]
        if indexed and (last or all(has_words(char) for char in spelling)):
            parts.append(_quoted(spelling) + "*")  # read from a prefix index
            continue
        words = _words_beginning(store, table, last.group()) if last else None
        if last is None or words is None:
            parts.append(_quoted(spelling) + "*")
            spelled = False
        elif words:  # the phrase's words before the last, then each word the last begins
            parts.extend(_quoted(spelling[: last.start()] + word) for word in words)
        else:  # no word begins so: the whole word is not in the index either
            parts.append(_quoted(spelling))
    expression = parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"
    return _COLUMNS.get(term.field, "") + expression, spelled


def _words_beginning(store: Store, table: str, prefix: str) -> list[str] | None:
    """The index's words that begin with `prefix` (ASCII letters and digits), or None when
    more than EXPAND_WORDS do. Read from an `fts5vocab` table of kind 'instance' (a temporary
    one of this connection), one word a query: a seek to the first word at or after the last
    one found, where its kind 'row' would read every word's whole doclist to count it."""
    assert table in ("messages_fts", "messages_fts_to")  # a name, never a value from a query
    vocabulary = f"{table}_words"
    store.conn.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{vocabulary}"
        f" USING fts5vocab(main, {table}, instance)"
    )
    # Every word beginning with prefix sorts between these (byte order, as FTS5 keeps its
    # terms): no word holds U+10FFFF (not a letter) nor \x01 (a word is letters and digits).
    sql = f"SELECT term FROM temp.{vocabulary} WHERE term >= ? AND term <= ? LIMIT 1"
    last = prefix + "\U0010ffff"
    words: list[str] = []
    start = prefix
    while (row := store.conn.execute(sql, (start, last)).fetchone()) is not None:
        if len(words) == EXPAND_WORDS:
            return None
        words.append(row[0])
        start = row[0] + "\x01"
    return words


def _walk(
    store: Store, query: Query, words: _Words, now: datetime | None, wanted: int
) -> list[int] | None:
    """The first `wanted` tickets matching `query`, newest first (fewer when fewer match), or
    None when the walk read more than its budget of tickets (or asked too many ranges).

    The tickets the filters select come newest first from one statement, in batches; each
    batch's messages (`messages_by_ticket`) are asked against each word condition only in the
    ranges of rowids they fall in (`_kept`), so the index reads the matches near the page,
    never the whole set. The same tickets as the SQL plans, in the same order."""
    conn = store.conn
    where, params = to_sql(_filters(query), now)
    checks = _checks(query, words)
    budget = WALK_BUDGET + 20 * wanted
    cursor = conn.execute(
        f"SELECT t.id FROM {_tickets(query)} {where} ORDER BY t.last_message_at DESC, t.id DESC",
        params,
    )
    found: list[int] = []
    walked = 0
    size = WALK_FIRST
    asked: dict[int, int] = {}  # ranges asked per condition
    try:
        while len(found) < wanted:
            batch = [row[0] for row in cursor.fetchmany(size)]
            if not batch:
                break
            walked += len(batch)
            if walked > budget:
                return None
            size = min(2 * size, WALK_MOST)
            kept = _kept(store, checks, batch, asked)
            if kept is None:
                return None
            found.extend(kept)
    finally:
        cursor.close()
    return found[:wanted]


def _gather(
    store: Store, query: Query, words: _Words, now: datetime | None, cap: int
) -> int | None:
    """How many tickets match `query`, counting no further than `cap`, found from the messages
    its words match, newest first: each batch's tickets not seen yet are tested against the
    filters (one statement) and the other conditions (excluded words, recipients: `_kept`).
    Exact when every matching message was read. None (the caller walks instead) for a query
    without words, or when the tickets passing so far would not reach the cap within
    GATHER_SHARE × cap tickets (or too many ranges were asked)."""
    expression = _fts_expression(query, words.phrase)
    if not expression or cap <= 0:
        return None
    conn = store.conn
    where, params = to_sql(_filters(query), now)
    test = (
        "SELECT t.id FROM json_each(?) j CROSS JOIN tickets t ON t.id = j.value "
        + where.replace("WHERE ", "WHERE (", 1)
        + ")"
        if where
        else ""
    )
    checks = _checks(query, words)[1:]  # the words' own: every gathered ticket has it
    budget = GATHER_SHARE * cap
    cursor = conn.execute(
        """SELECT m.ticket_id FROM messages_fts f CROSS JOIN messages m ON m.id = f.rowid
            WHERE messages_fts MATCH ? ORDER BY f.rowid DESC""",
        (expression,),
    )
    seen: set[int] = set()
    found = tested = 0
    size = GATHER_FIRST
    asked: dict[int, int] = {}
    try:
        while found < cap:
            rows = cursor.fetchmany(size)
            if not rows:
                return found  # every matching message read: the exact count
            size = min(2 * size, WALK_MOST)
            batch = [t for t in dict.fromkeys(row[0] for row in rows) if t not in seen]
            if not batch:
                continue
            seen.update(batch)
            tested += len(batch)
            if test:
                batch = [row[0] for row in conn.execute(test, (json.dumps(batch), *params))]
            kept = _kept(store, checks, batch, asked) if checks and batch else batch
            if kept is None:
                return None
            found += len(kept)
            if found < cap and tested >= GATHER_JUDGED and found * budget < cap * tested:
                return None  # at this share the cap lies beyond the budget
    finally:
        cursor.close()
    return cap


def _filters(query: Query) -> Query:
    """The query's ticket-level filters alone (no words, no recipients)."""
    return Query(
        tuple(term for term in query.terms if not (_in_fts(term) or term.field == "to")),
        query.text,
    )


def _checks(query: Query, words: _Words) -> list[tuple[str, str, bool]]:
    """What a ticket's messages must (True) or must not (False) match, index by index: the
    words (first, when there are any), each recipient, the excluded words, excluded recipients."""
    checks: list[tuple[str, str, bool]] = []
    expression = _fts_expression(query, words.phrase)
    if expression:
        checks.append(("messages_fts", expression, True))
    for term in query.terms:
        if term.field == "to" and not term.negated:
            checks.append(("messages_fts_to", words.phrase(term), True))
    excluded = _excluded(query, words.phrase)
    if excluded:
        checks.append(("messages_fts", excluded, False))
    for term in query.terms:
        if term.field == "to" and term.negated:
            checks.append(("messages_fts_to", words.phrase(term), False))
    return checks


def _kept(
    store: Store, checks: list[tuple[str, str, bool]], batch: list[int], asked: dict[int, int]
) -> list[int] | None:
    """The tickets of `batch` whose messages pass every check (in batch order), asking each
    index only in the ranges of rowids the messages fall in; None once a check has been asked
    more than WINDOWS_MOST ranges in all (`asked` counts them across batches)."""
    messages: list[tuple[int, int]] = []
    for start in range(0, len(batch), KEPT_CHUNK):  # scattered tickets: give up at the first
        chunk = store.conn.execute(
            "SELECT ticket_id, id FROM messages WHERE ticket_id IN"
            " (SELECT value FROM json_each(?))",
            (json.dumps(batch[start : start + KEPT_CHUNK]),),
        ).fetchall()
        if checks and asked.get(0, 0) + len(_ranges([row[1] for row in chunk])) > WINDOWS_MOST:
            return None
        messages += chunk
    kept = batch
    for index, (table, check, wanted_match) in enumerate(checks):
        ranges = _ranges([message[1] for message in messages])
        asked[index] = asked.get(index, 0) + len(ranges)
        if asked[index] > WINDOWS_MOST:
            return None
        hits = _hits(store, table, check, ranges)
        matched = {ticket_id for ticket_id, message_id in messages if message_id in hits}
        kept = [ticket_id for ticket_id in kept if (ticket_id in matched) == wanted_match]
        if len(kept) < len(batch):
            still = set(kept)
            messages = [message for message in messages if message[0] in still]
    return kept


def _ranges(ids: list[int]) -> list[tuple[int, int]]:
    """The ranges of rowids that cover `ids`, ids closer than WINDOW_GAP in one."""
    ranges: list[tuple[int, int]] = []
    for message_id in sorted(set(ids)):
        if ranges and message_id - ranges[-1][1] <= WINDOW_GAP:
            ranges[-1] = (ranges[-1][0], message_id)
        else:
            ranges.append((message_id, message_id))
    return ranges


def _hits(store: Store, table: str, expression: str, ranges: list[tuple[int, int]]) -> set[int]:
    """The message ids in `ranges` that match `expression` in `table`, a query a range."""
    assert table in ("messages_fts", "messages_fts_to")  # a name, never a value from a query
    sql = f"SELECT rowid FROM {table} WHERE {table} MATCH ? AND rowid BETWEEN ? AND ?"
    hits: set[int] = set()
    for start, end in ranges:
        hits.update(row[0] for row in store.conn.execute(sql, (expression, start, end)))
    return hits


def _count_matches(
    store: Store, expression: str, limit: int, *, table: str = "messages_fts"
) -> int:
    assert table in ("messages_fts", "messages_fts_to")  # a name, never a value from a query
    return int(
        store.conn.execute(
            f"SELECT count(*) FROM (SELECT rowid FROM {table} WHERE {table} MATCH ? LIMIT ?)",
            (expression, limit + 1),
        ).fetchone()[0]
    )


def _parsed(query: str | Query) -> Query:
    return parse_query(query) if isinstance(query, str) else query


def _in_fts(term: Term) -> bool:
    return term.field in _COLUMNS


def _fts_phrase(term: Term) -> str:
    """The term as FTS5 strings (quotes doubled), with its column filter and prefix star.

    The index holds folded words (domain/folding.py), so the term is folded the same way: a
    word being typed also as if it will grow past the digraph limit (`groe` → `gro`)."""
    star = "*" if term.prefix else ""
    phrases = [_quoted(spelling) + star for spelling in _spellings(term)]
    expression = phrases[0] if len(phrases) == 1 else "(" + " OR ".join(phrases) + ")"
    return _COLUMNS.get(term.field, "") + expression


def _spellings(term: Term) -> list[str]:
    """The term folded as the index is, and a prefix also as if it grows past the digraph
    limit; each once."""
    spellings = [fold_for_search(term.value) or ""]
    if term.prefix:
        spellings.append(fold_for_search(term.value, short_words=True) or "")
    return list(dict.fromkeys(spellings))


def _quoted(text: str) -> str:
    """An FTS5 string: quotes doubled; a NUL (FTS5 reads its query as a C string: it would end
    it mid-quote) a space."""
    return '"' + text.replace(chr(0), " ").replace(chr(34), chr(34) * 2) + '"'


# A ticket's products: those of its linked orders (or the order its number names); a ticket
# with none takes the product its first message names (message_topics, as the stats found it).
_ORDER_LINES = f"""(SELECT tor.ticket_id, tor.order_id FROM ticket_orders tor
      UNION SELECT o2t.id, o.id FROM tickets o2t JOIN orders o ON o.order_number = o2t.order_number
      WHERE o2t.order_number IS NOT NULL) x JOIN orders o ON o.id = x.order_id, {ORDER_ITEMS}"""
_PRODUCT = f"""(t.id IN (SELECT x.ticket_id FROM {_ORDER_LINES}
      WHERE {PRODUCT_KEY} = ? COLLATE NOCASE)
   OR t.id IN (SELECT m.ticket_id FROM message_topics mt JOIN messages m ON m.id = mt.message_id
      WHERE mt.product = ? COLLATE NOCASE
        AND NOT EXISTS (SELECT 1 FROM {_ORDER_LINES} WHERE x.ticket_id = m.ticket_id)))"""


def _filter(
    term: Term, now: datetime, plan: str, phrase: Callable[[Term], str] = _fts_phrase
) -> tuple[str, list[object]]:
    """SQL for one ticket-level filter (never negated here; the caller wraps NOT). `plan` says
    whether to: starts from its matching messages ("rare") or tests each ticket's messages."""
    field, value = term.field, term.value
    if field in ("channel", "status"):
        return f"t.{field} = ?", [value]
    if field == "is":
        if value == "overdue":
            return "t.status = 'open' AND t.due_at IS NOT NULL AND t.due_at < ?", [format_time(now)]
        return ("t.unread_count > 0", []) if value == "unread" else ("t.flagged <> 0", [])
    if field == "tag":
        return (
            "t.id IN (SELECT tt.ticket_id FROM ticket_tags tt"
            " JOIN tags g ON g.id = tt.tag_id WHERE g.name = ?)",
            [value],
        )
    if field == "to":
        # the recipients' own index (a ticket-level filter: any message sent there)
        recipients = "SELECT rowid FROM messages_fts_to WHERE messages_fts_to MATCH ?"
        if plan == "rare":
            sql = f"t.id IN (SELECT m.ticket_id FROM messages m WHERE m.id IN ({recipients}))"
        else:
            sql = f"EXISTS (SELECT 1 FROM messages m WHERE m.ticket_id = t.id AND m.id IN ({recipients}))"
        return sql, [phrase(term)]
    if field == "order":
        return (
            "(t.order_number = ? OR t.id IN (SELECT tor.ticket_id FROM ticket_orders tor"
            " JOIN orders o ON o.id = tor.order_id WHERE o.order_number = ?))",
            [value, value],
        )
    if field == "topic":  # as the stats worked it out (store/trends.py keeps it per message)
        return (
            "t.id IN (SELECT m.ticket_id FROM message_topics mt JOIN messages m"
            " ON m.id = mt.message_id WHERE mt.topic = ? COLLATE NOCASE)",
            [value],
        )
    if field == "product":
        return _PRODUCT, [value, value]
    if field == "rule":  # a rule acted on the ticket (events.rule, schema 11)
        return "t.id IN (SELECT e.ticket_id FROM events e WHERE e.rule = ?)", [value]
    if field in ("before", "after"):
        bound = format_time(time_bound(value, now))
        return (f"t.last_message_at {'<' if field == 'before' else '>='} ?", [bound])
    raise AssertionError(f"unhandled field {field}")  # parse_query admits only FIELDS

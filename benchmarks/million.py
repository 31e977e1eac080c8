"""A decade of mail (issue 12 item 4): a store of 1,000,000 messages, built fast, and measured
against a year of the same seller's mail (100,000 messages) in the same run.

    .venv/bin/python benchmarks/million.py build [--messages 1000000] [--years 10] [--out DIR]
    .venv/bin/python benchmarks/million.py measure [--only paint,jk,search,stats,size,import]
        [--code DIR --code DIR2] [--work DIR]

`build` writes a store straight into the real schema (`Store.open`: the real migrations,
triggers and connection functions) under `benchmarks/out/million/` (git-ignored), once; a
kept store with the right counts is reused. The mix is a seller's: tickets of 1-6 messages
(~3 a ticket), customers writing several times, channels as tui.py's (email, Amazon, eBay,
Etsy, Shopify, Walmart), Amazon tickets with order numbers and ~1 customer in 4 with shop
orders; statuses dealt as tui.py's (58 % closed), then `age`: tickets quiet for 90 days
closed but one in 50, as a seller's backlog is the last weeks'; each message has its raw bytes (`message_raw`, MIME as the corpus
writes it: 60 % text/plain, 30 % multipart/alternative, 10 % HTML-only), a Maildir location
and its threading refs, as the importer stores them. Text as corpus.py's and tui.py's: a
topic's opening sentence, 15-60 words of a 30,000-word made-up vocabulary, an order number, a
signature. Tickets come at the same pace in both stores (the 100k store is the last year of
the 1M store's decade), so a month of mail is the same size in both.

Speed: rows are generated in chunks of 20,000 tickets and written with executemany in one
transaction per chunk, with a 1 GB page cache and checkpoints deferred. The search indexes
are the store's own contentless FTS5 tables, filled with `search_fold()` exactly as their
insert trigger fills them (same rowids, same folded columns) — but in one pass per chunk
after the rows (INSERT … SELECT … ORDER BY id), the trigger dropped for the build and made
again from its own stored SQL; `--index trigger` builds through the trigger instead (the
equality of the two is checked by tests/test_bench_million.py on a small store).

`measure` runs, on copies, in fresh processes, for both stores: first paint (tui.py), j/k
(tui.py), search p95 over words, prefixes and filters (search.py's query set), the stats
screen (stats.py), the store size per message (and per table with `dbstat`), and the import
of import.py's 10,000-message corpus into a copy of each store and into an empty one.
Prints one JSON object; benchmarks/README.md keeps the last results.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import tui  # noqa: E402

OUT = ROOT / "benchmarks" / "out" / "million"
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)  # the newest message of every built store
TICKETS_PER_YEAR = 33_334  # 100,000 messages a year at ~3 a ticket
CHUNK = 20_000  # tickets per transaction
SOURCE = "maildir:/bench/million/Maildir"
HTML_WRAP = "<html><body><div><p>{}</p></div></body></html>"


def _lengths(rnd: random.Random, statuses: list[str], messages: int) -> list[int]:
    """Messages per ticket (as tui.py's mix: 1-6, ticket 1 has 50), summing to `messages`."""
    tickets = len(statuses)
    lengths = [tui.BIG_THREAD] + [rnd.choice(tui.LENGTHS) for _ in range(tickets - 1)]
    for i in range(1, tickets):  # an open ticket usually waits for the seller: odd length
        if statuses[i] == "open" and lengths[i] % 2 == 0 and rnd.random() < 0.85:
            lengths[i] -= 1
    total = sum(lengths)
    while total != messages:
        i = rnd.randrange(1, tickets)
        if statuses[i] == "open":
            continue
        if total < messages and lengths[i] < 8:
            lengths[i] += 1
            total += 1
        elif total > messages and lengths[i] > 1:
            lengths[i] -= 1
            total -= 1
    return lengths


def _raw(
    kind: int,
    sender: tuple[str, str],
    to: tuple[str, str],
    subject: str,
    date: str,
    ident: str,
    refs: list[str],
    text: str,
) -> bytes:
    """The message's bytes as the corpus writes them (headers, then one of three MIME shapes)."""
    head = (
        f"From: {sender[0]} <{sender[1]}>\r\nTo: {to[0]} <{to[1]}>\r\nSubject: {subject}\r\n"
        f"Date: {date}\r\nMessage-ID: <{ident}>\r\n"
    )
    if refs:
        head += f"In-Reply-To: <{refs[-1]}>\r\nReferences: " + " ".join(f"<{r}>" for r in refs[-8:])
        head += "\r\n"
    head += "MIME-Version: 1.0\r\n"
    body = text.replace("\n", "\r\n")
    if kind < 6:
        return (
            head + "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n" + body + "\r\n"
        ).encode()
    html = HTML_WRAP.format(body.replace("\r\n", "<br>"))
    if kind < 9:
        return (
            head + 'Content-Type: multipart/alternative; boundary="==b"\r\n\r\n'
            "--==b\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n" + body + "\r\n"
            "--==b\r\nContent-Type: text/html; charset=utf-8\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n" + html + "\r\n--==b--\r\n"
        ).encode()
    return (
        head + "Content-Type: text/html; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n" + html + "\r\n"
    ).encode()


FTS_INSERT = """
    INSERT INTO messages_fts(rowid, subject, from_name, from_addr, text)
        SELECT id, search_fold(subject), search_fold(from_name), search_fold(from_addr),
               search_fold(text)
        FROM messages WHERE id BETWEEN ? AND ? ORDER BY id"""
FTS_TO_INSERT = """
    INSERT INTO messages_fts_to(rowid, to_addrs)
        SELECT id, search_fold(to_addrs) FROM messages WHERE id BETWEEN ? AND ? ORDER BY id"""


def build(
    db: Path,
    messages: int,
    *,
    years: float | None = None,
    index: str = "after",
    seed: int = tui.SEED,
    progress: bool = True,
) -> dict[str, object]:
    """A store of `messages` messages (~messages/3 tickets) in `db`, its newest at NOW; `years`
    of mail (default: at TICKETS_PER_YEAR). `index`: "after" fills the search indexes per chunk
    in one INSERT … SELECT (the insert trigger dropped meanwhile), "trigger" through the
    trigger. Returns what was built and what it cost."""
    from inbox_tui.sla import DEFAULT_POLICY
    from inbox_tui.store import Store
    from inbox_tui.store.due import settle_due

    started, cpu = time.perf_counter(), time.process_time()
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    store = Store.open(db)
    conn = store.conn
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -1000000")  # 1 GB while building
    store.defer_checkpoints()
    trigger_sql = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'messages_fts_insert'"
    ).fetchone()[0]
    if index == "after":
        conn.execute("DROP TRIGGER messages_fts_insert")

    rnd = random.Random(seed)
    vocab = tui._vocabulary(rnd, 30_000)
    tickets = max(2, round(messages / 3))
    years = years if years is not None else tickets / TICKETS_PER_YEAR
    span = timedelta(days=365.25 * years) / tickets
    imported = tui._iso(NOW)
    statuses = ["open"] + [rnd.choice(tui.STATUSES) for _ in range(tickets - 1)]
    lengths = _lengths(rnd, statuses, messages)
    customers = max(1, tickets * 2 // 5)
    names = [f"{rnd.choice(tui.FIRST)} {rnd.choice(tui.LAST)}" for _ in range(customers)]
    tags = ["refund", "damaged", "wrong-size", "vip", "wholesale", "exchange", "late"]
    tags += ["return", "question", "review", "gift", "urgent"]
    seller = tui.SELLER
    with store.transaction():
        conn.executemany(
            "INSERT INTO customers (id, email, name, channel, created_at) VALUES (?, ?, ?, ?, ?)",
            (
                (c, f"customer{c}@example.com", names[c - 1], "email", imported)
                for c in range(1, customers + 1)
            ),
        )
        conn.executemany("INSERT INTO tags (id, name) VALUES (?, ?)", enumerate(tags, start=1))

    message_id = order_id = 0
    for first in range(1, tickets + 1, CHUNK):
        ticket_rows, message_rows, raw_rows, locations, refs_rows = [], [], [], [], []
        tag_rows, order_rows, ticket_orders = [], [], []
        first_id = message_id + 1
        for i in range(first, min(first + CHUNK, tickets + 1)):
            n = lengths[i - 1]
            channel = "email" if i == 1 else rnd.choice(tui.CHANNELS)
            status = statuses[i - 1]
            topic, opener = (
                tui.TOPICS[i % len(tui.TOPICS)]
                if i != 1
                else ("Wholesale order: 50 messages", "We would like to order 400 towels.")
            )
            customer = rnd.randint(1, customers)
            customer_addr = (names[customer - 1], f"customer{customer}@example.com")
            last = NOW - span * i - timedelta(seconds=rnd.randint(0, 200))
            if i == 1:
                last = NOW - timedelta(minutes=1)
            dates, moment = [], last
            for _ in range(n):
                dates.append(moment)
                moment -= timedelta(hours=rnd.uniform(0.5, 30))
            dates.reverse()
            order = (
                f"114-{rnd.randint(0, 9_999_999):07d}-{rnd.randint(0, 9_999_999):07d}"
                if channel == "amazon"
                else None
            )
            last_in = last_out = None
            unread = 0
            ids: list[str] = []
            for k, moment in enumerate(dates):
                message_id += 1
                inbound = k % 2 == 0
                words = " ".join(rnd.choices(vocab, k=250 if i == 1 else rnd.randint(15, 60)))
                if rnd.random() < 0.001:
                    words += " zipper"
                said = opener if inbound else rnd.choice(tui.REPLIES)
                text = f"{said}\n\n{words}\n\nOrder {order or i:0>7}\n-- \n"
                text += customer_addr[0] if inbound else "Anatolia Textiles"
                sender, to = (customer_addr, seller) if inbound else (seller, customer_addr)
                seen = 1 if (not inbound or k < n - 1 or status != "open" or i == 1) else 0
                unread += 1 - seen
                if inbound:
                    last_in = moment
                else:
                    last_out = moment
                ident = f"bench-{message_id}@example.com"
                subject = topic if k == 0 else "Re: " + topic
                when = tui._iso(moment)
                message_rows.append(
                    (
                        message_id,
                        i,
                        ident,
                        f"sha-{message_id}",
                        f"ck-{message_id}",
                        "in" if inbound else "out",
                        channel,
                        sender[0],
                        sender[1],
                        json.dumps([list(to)], ensure_ascii=False),
                        subject,
                        when,
                        f"<{ids[-1]}>" if ids else None,
                        json.dumps(ids[-8:]),
                        text,
                        text[:120].replace("\n", " "),
                        seen,
                        imported,
                    )
                )
                raw_rows.append(
                    (
                        message_id,
                        _raw(message_id % 10, sender, to, subject, when, ident, ids, text),
                    )
                )
                locations.append((SOURCE, "", f"{message_id:09d}.bench:2,S", message_id))
                refs_rows.append((ident, i))
                ids.append(ident)
            snoozed = (
                tui._iso(NOW + timedelta(days=rnd.uniform(7, 60))) if status == "snoozed" else None
            )
            ticket_rows.append(
                (
                    i,
                    channel,
                    status,
                    topic,
                    customer,
                    order,
                    rnd.choice((0, 0, 0, 0, 0, 0, 1, 2)),
                    int(rnd.random() < 0.05),
                    snoozed,
                    tui._iso(dates[0]),
                    tui._iso(last),
                    tui._iso(last_in) if last_in else None,
                    tui._iso(last_out) if last_out else None,
                    n,
                    unread,
                    message_rows[-1][15],
                )
            )
            if rnd.random() < 0.2:
                for tag in rnd.sample(range(1, len(tags) + 1), rnd.randint(1, 2)):
                    tag_rows.append((i, tag, imported))
            if order or rnd.random() < 0.25:  # the shop's order behind the question
                order_id += 1
                number = order or f"#{100000 + order_id}"
                order_rows.append(
                    (
                        order_id,
                        "amazon" if order else "shopify",
                        number,
                        customer,
                        tui._iso(dates[0] - timedelta(days=rnd.uniform(2, 20))),
                        rnd.choice(("shipped", "delivered", "fulfilled")),
                        round(rnd.uniform(15, 240), 2),
                        "EUR",
                        json.dumps([{"title": "Linen towel set", "quantity": 1}]),
                        "DHL",
                        f"JD{order_id:012d}",
                        imported,
                    )
                )
                ticket_orders.append((i, order_id))
        with store.transaction():
            conn.executemany(
                "INSERT INTO tickets (id, channel, status, subject, customer_id, order_number,"
                " priority, flagged, snoozed_until, created_at, last_message_at,"
                " last_inbound_at, last_outbound_at, message_count, unread_count, snippet)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                ticket_rows,
            )
            conn.executemany(
                "INSERT INTO messages (id, ticket_id, message_id, raw_sha256, content_key,"
                " direction, channel, from_name, from_addr, to_addrs, subject, date,"
                " in_reply_to, refs, text, snippet, seen, imported_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                message_rows,
            )
            conn.executemany("INSERT INTO message_raw (message_id, raw) VALUES (?, ?)", raw_rows)
            conn.executemany(
                "INSERT INTO message_locations (source, folder, uid, message_id)"
                " VALUES (?, ?, ?, ?)",
                locations,
            )
            conn.executemany(
                "INSERT INTO thread_refs (ref, ticket_id) VALUES (?, ?)", sorted(refs_rows)
            )
            conn.executemany(
                "INSERT INTO ticket_tags (ticket_id, tag_id, created_at) VALUES (?, ?, ?)",
                tag_rows,
            )
            conn.executemany(
                "INSERT INTO orders (id, provider, order_number, customer_id, placed_at,"
                " status, total, currency, items, carrier, tracking_number, fetched_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                order_rows,
            )
            conn.executemany(
                "INSERT INTO ticket_orders (ticket_id, order_id) VALUES (?, ?)", ticket_orders
            )
            if index == "after":  # what the trigger would have written, in one pass
                conn.execute(FTS_INSERT, (first_id, message_id))
                conn.execute(FTS_TO_INSERT, (first_id, message_id))
        if progress:
            elapsed = time.perf_counter() - started
            print(
                f"  {message_id:,} messages, {elapsed:.0f} s, {message_id / elapsed:,.0f} msg/s",
                file=sys.stderr,
            )
    if index == "after":
        conn.execute(trigger_sql)
    settle_due(store, DEFAULT_POLICY)  # every due time, and the store says which policy
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    built = {
        "tickets": conn.execute("SELECT count(*) FROM tickets").fetchone()[0],
        "messages": conn.execute("SELECT count(*) FROM messages").fetchone()[0],
        "years": round(years, 2),
        "index": index,
        "build_wall_s": round(time.perf_counter() - started, 1),
        "build_cpu_s": round(time.process_time() - cpu, 1),
    }
    store.close()
    return built


def age(db: Path) -> dict[str, object]:
    """Close what a seller has long closed: tickets quiet for AGED_DAYS, all but one in 50
    (forgotten ones stay as they were), their messages read. The build deals statuses alike
    over every age, which would leave 42 % of a decade's tickets open; a seller's backlog is
    the last weeks'. Marks the store (store_info 'bench_aged')."""
    from inbox_tui.store import Store

    started = time.perf_counter()
    store = Store.open(db)
    conn = store.conn
    cutoff = tui._iso(NOW - timedelta(days=AGED_DAYS))
    old = "last_message_at < ? AND status <> 'closed' AND id % 50 <> 0"
    with store.transaction():
        conn.execute(
            "UPDATE messages SET seen = 1 WHERE seen = 0 AND ticket_id IN"
            f" (SELECT id FROM tickets WHERE {old})",
            (cutoff,),
        )
        closed = conn.execute(
            "UPDATE tickets SET status = 'closed', snoozed_until = NULL, unread_count = 0"
            f" WHERE {old}",
            (cutoff,),
        ).rowcount
        conn.execute(
            "INSERT OR REPLACE INTO store_info (key, value) VALUES ('bench_aged', ?)", (cutoff,)
        )
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return {"aged_closed": closed, "age_s": round(time.perf_counter() - started, 1)}


AGED_DAYS = 90


def kept(db: Path, messages: int, *, aged: bool = True) -> bool:
    """A built store of `messages` messages is there (the build finished: due times settled;
    and `aged`)."""
    if not db.exists():
        return False
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        count = conn.execute("SELECT count(*) FROM messages").fetchone()[0]
        trigger = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'messages_fts_insert'"
        ).fetchone()
        marked = conn.execute("SELECT 1 FROM store_info WHERE key = 'bench_aged'").fetchone()
        return count == messages and trigger is not None and (marked is not None or not aged)
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def store_path(messages: int, out: Path = OUT) -> Path:
    return out / f"store-{messages // 1000}k.db"


def ensure(messages: int, out: Path = OUT, **options: object) -> tuple[Path, dict[str, object]]:
    db = store_path(messages, out)
    if kept(db, messages):  # brought to this inbox-tui's schema: no measured process migrates
        return db, {"reused": True, "migrated_s": tui.migrate(db)}
    built: dict[str, object] = {"reused": True}
    if not kept(db, messages, aged=False):
        out.mkdir(parents=True, exist_ok=True)
        built = build(db, messages, **options)  # type: ignore[arg-type]
    return db, {**built, **age(db)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("build", "measure"))
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--anchor", type=int, default=100_000, help="messages of the anchor")
    parser.add_argument("--years", type=float, help="default: 100,000 messages a year")
    parser.add_argument("--index", choices=("after", "trigger"), default="after")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--only", default="size,paint,jk,search,stats,import")
    parser.add_argument("--stores", default="anchor,million", help="measure these (or one)")
    parser.add_argument(
        "--code",
        action="append",
        type=Path,
        help="measure the search with this checkout's code (repeat: each on the same copy,"
        " e.g. a `git archive` of main as the before); default: this one",
    )
    parser.add_argument(
        "--work", type=Path, help="put the measured copies here (default: next to the stores)"
    )
    args = parser.parse_args()
    if args.what == "build":
        load = os.getloadavg()[0]
        db, built = ensure(args.messages, args.out, years=args.years, index=args.index)
        built["mb"] = round(db.stat().st_size / 2**20, 1)
        built["load_avg_1m_before_after"] = [round(load, 2), round(os.getloadavg()[0], 2)]
        print(json.dumps(built))
        return
    from benchmarks.million_measure import measure_all

    print(json.dumps(measure_all(args), ensure_ascii=False))


if __name__ == "__main__":
    main()

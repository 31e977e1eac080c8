"""TUI speed at 100,000 tickets / 300,000 messages, headless.

    .venv/bin/python benchmarks/tui.py [--keep DIR] [--size 160x48] [--rebuild] [--only views,jk]
        [--terminal-runs 10] [--compare DIR] [--demo-only]
        [--sessions a,b] [--at-once-delay S]

Builds (or reuses) a store of 100,000 tickets and 300,000 messages under `benchmarks/out/`
by inserting rows straight into the real schema (`Store.open`; the FTS index is filled by its
triggers; due times by `store.due.refresh_due`), copies it (the run closes and undoes tickets
and must not change the kept store), then measures in fresh processes:

- first paint: a new Python process opens the store and runs `InboxApp` headless; the time
  from just before the process is spawned (interpreter start and imports included) and from
  the end of the imports, to the first frame that shows the ticket list (5 runs);
- keystroke → frame: a key event is handed to the driver exactly as a terminal's input would
  be (`driver.send_message(events.Key)`), and the time until the next frame the compositor
  produces (`App._display`, with the frame turned into terminal bytes as a real terminal
  driver does; headless only skips the write) is taken. "first" is the first frame after the
  key; "settled" is the last frame before the app goes quiet (the preview pane redrawn too).
  Each key is sent on an idle app, so Textual's 60 fps frame pacing adds nothing; "cpu" is
  the process's CPU time from the key to quiet (steadier than wall time on a busy machine);
- j/k (200), view switch 1–6 (36), Enter on a 50-message thread and Escape back (20 each),
  search as you type (6-letter words typed letter by letter, each letter given time for its
  search), a bulk close of 1,000 selected tickets and its undo (5 each); peak RSS;
- j/k with the customer panel beside the list on and off (`--only panel`, 100 keys each, in
  alternating blocks; orders added to the run's copy), at two paces: ratios on/off.

- in a real terminal (`--only terminal`): `inbox-tui` spawned in a pseudo-terminal on the demo
  store and on the 100k store, 10 rounds; exec → the first frame with the list (the header's
  "· 1 of N" read from the terminal's output), after a second's pause `r` → the composer showing
  its templates, Escape, `q` → the process has exited; in the same rounds, as anchors,
  `python -c pass` and a bare Textual app (one Static; its start and its ctrl+q); a first
  round warms up untimed, and `demo_config_uncached` starts the demo with the config's start
  cache (inbox_tui/config_cache.py) emptied each time; `hints`: exec → the footer's key
  hints drawn as well (the whole first screen); `demo_r_at_once`: `r` typed the moment the
  list shows (`composer_at_once`: the composer then waits for what the app still prepares).

Prints one JSON object (milliseconds); benchmarks/README.md keeps the last results.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# TUI_BENCH_SCALE=3.3334 builds and measures 333,340 tickets / 1,000,020 messages instead
# (issue 12: a decade of mail); keep such a store in its own folder (--keep).
SCALE = float(os.environ.get("TUI_BENCH_SCALE", "1"))
TICKETS = round(100_000 * SCALE)
MESSAGES = 3 * TICKETS
BIG_THREAD = 50  # ticket 1 (the newest) has this many messages
SELLER = ("Anatolia Textiles", "hello@shop.example")
SEED = 20261130

CHANNELS = ["email"] * 40 + ["amazon"] * 25 + ["ebay"] * 15 + ["etsy"] * 10
CHANNELS += ["shopify"] * 5 + ["walmart"] * 5
STATUSES = ["closed"] * 58 + ["open"] * 25 + ["pending"] * 10 + ["snoozed"] * 7
LENGTHS = [1] * 25 + [2] * 25 + [3] * 20 + [4] * 15 + [5] * 10 + [6] * 5
FIRST = ["Ayşe", "Mehmet", "Lena", "Jonas", "Emily", "James", "Zeynep", "Can", "Sophie", "Oliver"]
LAST = ["Yılmaz", "Kaya", "Müller", "Schmidt", "Smith", "Brown", "Demir", "Öztürk", "Weber"]
TOPICS = [
    (
        "Where is my order?",
        "Hello, I ordered a towel set two weeks ago and the parcel has not arrived.",
    ),
    ("Siparişim nerede?", "Merhaba, iki hafta önce sipariş verdim ama kargo hâlâ gelmedi."),
    (
        "Falsche Größe geliefert",
        "Guten Tag, ich habe die falsche Größe bekommen, bitte umtauschen.",
    ),
    ("Refund request", "Hi, the item arrived broken and I would like a refund please."),
    ("İade talebi", "Ürün hasarlı geldi, iade etmek istiyorum, yardımcı olur musunuz?"),
    ("Rücksendung", "Ich möchte den Artikel zurücksenden, bitte ein Rücksendeetikett."),
    ("Colour not as pictured", "The colour is much darker than on the photo, can I return it?"),
    ("Damaged in transit", "The box was damaged and one towel has a hole, please advise."),
    ("Question about sizes", "Do you have the bathrobe in XL, and how long is delivery?"),
]
REPLIES = [
    "Thank you for your message. We are sorry about this and will send a replacement today.",
    "Merhaba, yaşadığınız sorun için özür dileriz; iade etiketiniz ektedir.",
    "Vielen Dank für Ihre Nachricht, wir erstatten den Betrag innerhalb von zwei Tagen.",
    "Your parcel is with the carrier; the tracking number is in your order page.",
]
SEARCH_WORDS = ["refund", "parcel", "broken", "zipper", "quartz"]  # common … rare, absent


def _vocabulary(rnd: random.Random, size: int) -> list[str]:
    """Made-up words, so the FTS index has a realistic number of distinct terms."""
    syllables = [c + v for c in "bcdfghklmnprstvyz" for v in "aeiouäöüı"]
    words = {"".join(rnd.choices(syllables, k=rnd.randint(2, 4))) for _ in range(size)}
    return sorted(words)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def build_store(db: Path) -> dict[str, object]:
    """TICKETS tickets / MESSAGES messages (100k / 300k) straight into the schema; returns what
    was built."""
    from inbox_tui.sla import DEFAULT_POLICY
    from inbox_tui.store import Store
    from inbox_tui.store.due import settle_due

    started = time.perf_counter()
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    store = Store.open(db)
    conn = store.conn
    conn.execute("PRAGMA synchronous = OFF")
    rnd = random.Random(SEED)
    vocab = _vocabulary(rnd, 30_000)
    now = datetime.now(UTC).replace(microsecond=0)
    imported = _iso(now)

    # messages per ticket: ticket 1 has BIG_THREAD, the rest average ~2.75, then nudged to 300k
    # an open ticket usually waits for the seller: the customer wrote last (odd length)
    statuses = ["open"] + [rnd.choice(STATUSES) for _ in range(TICKETS - 1)]
    lengths = [BIG_THREAD] + [rnd.choice(LENGTHS) for _ in range(TICKETS - 1)]
    for i in range(1, TICKETS):
        if statuses[i] == "open" and lengths[i] % 2 == 0 and rnd.random() < 0.85:
            lengths[i] -= 1
    while (total := sum(lengths)) != MESSAGES:
        i = rnd.randrange(1, TICKETS)
        if statuses[i] == "open":
            continue
        if total < MESSAGES and lengths[i] < 8:
            lengths[i] += 1
        elif total > MESSAGES and lengths[i] > 1:
            lengths[i] -= 1

    customers = TICKETS * 2 // 5
    with store.transaction():
        conn.executemany(
            "INSERT INTO customers (id, email, name, channel, created_at) VALUES (?, ?, ?, ?, ?)",
            (
                (
                    c,
                    f"customer{c}@example.com",
                    f"{rnd.choice(FIRST)} {rnd.choice(LAST)}",
                    "email",
                    imported,
                )
                for c in range(1, customers + 1)
            ),
        )
        tags = ["refund", "damaged", "wrong-size", "vip", "wholesale", "exchange", "late"]
        tags += ["return", "question", "review", "gift", "urgent"]
        conn.executemany(
            "INSERT INTO tags (id, name) VALUES (?, ?)", list(enumerate(tags, start=1))
        )

    message_id = 0
    span = timedelta(days=365) / TICKETS  # ticket i is about i * 5 minutes old
    chunk = 10_000
    for first in range(1, TICKETS + 1, chunk):
        tickets, messages, ticket_tags = [], [], []
        for i in range(first, min(first + chunk, TICKETS + 1)):
            n = BIG_THREAD if i == 1 else lengths[i - 1]
            channel = "email" if i == 1 else rnd.choice(CHANNELS)
            status = statuses[i - 1]
            topic, opener = (
                TOPICS[i % len(TOPICS)]
                if i != 1
                else ("Wholesale order: 50 messages", "We would like to order 400 towels.")
            )
            customer = rnd.randint(1, customers)
            last = now - span * i - timedelta(seconds=rnd.randint(0, 200))
            if i == 1:
                last = now - timedelta(minutes=1)
            gaps = [timedelta(hours=rnd.uniform(0.5, 30)) for _ in range(n)]
            dates = []
            moment = last
            for k in range(n):
                dates.append(moment)
                moment -= gaps[k]
            dates.reverse()
            last_in = last_out = None
            unread = 0
            for k, moment in enumerate(dates):
                message_id += 1
                inbound = k % 2 == 0
                words = " ".join(rnd.choices(vocab, k=rnd.randint(15, 60)))
                if rnd.random() < 0.001:
                    words += " zipper"
                if i == 1:  # the long thread: longer bodies
                    words = " ".join(rnd.choices(vocab, k=250))
                text = (opener if inbound else rnd.choice(REPLIES)) + "\n\n" + words
                text += "\n\n" + ("Best regards" if inbound else "Anatolia Textiles")
                sender = (
                    (f"Customer {customer}", f"customer{customer}@example.com")
                    if inbound
                    else SELLER
                )
                to = SELLER if not inbound else sender
                seen = 1 if (not inbound or k < n - 1 or status != "open" or i == 1) else 0
                unread += 1 - seen
                if inbound:
                    last_in = moment
                else:
                    last_out = moment
                messages.append(
                    (
                        message_id,
                        i,
                        f"bench-{message_id}@example.com",
                        f"sha-{message_id}",
                        f"ck-{message_id}",
                        "in" if inbound else "out",
                        channel,
                        sender[0],
                        sender[1],
                        json.dumps([list(to)]),
                        topic if k == 0 else "Re: " + topic,
                        _iso(moment),
                        text,
                        text[:120].replace("\n", " "),
                        seen,
                        imported,
                    )
                )
            snoozed = (
                _iso(now + timedelta(days=rnd.uniform(7, 60))) if status == "snoozed" else None
            )
            order = (
                f"114-{rnd.randint(0, 9_999_999):07d}-{rnd.randint(0, 9_999_999):07d}"
                if channel == "amazon"
                else None
            )
            tickets.append(
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
                    _iso(dates[0]),
                    _iso(last),
                    _iso(last_in) if last_in else None,
                    _iso(last_out) if last_out else None,
                    n,
                    unread,
                    messages[-1][13],
                )
            )
            if rnd.random() < 0.2:
                for tag in rnd.sample(range(1, len(tags) + 1), rnd.randint(1, 2)):
                    ticket_tags.append((i, tag, imported))
        with store.transaction():
            conn.executemany(
                "INSERT INTO tickets (id, channel, status, subject, customer_id, order_number,"
                " priority, flagged, snoozed_until, created_at, last_message_at,"
                " last_inbound_at, last_outbound_at, message_count, unread_count, snippet)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                tickets,
            )
            conn.executemany(
                "INSERT INTO messages (id, ticket_id, message_id, raw_sha256, content_key,"
                " direction, channel, from_name, from_addr, to_addrs, subject, date, text,"
                " snippet, seen, imported_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                messages,
            )
            conn.executemany(
                "INSERT INTO ticket_tags (ticket_id, tag_id, created_at) VALUES (?, ?, ?)",
                ticket_tags,
            )
        print(f"  {first + chunk - 1:,} tickets, {message_id:,} messages", file=sys.stderr)
    settle_due(store, DEFAULT_POLICY)  # every due time, and the store says which policy made them
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    built = {
        "tickets": conn.execute("SELECT count(*) FROM tickets").fetchone()[0],
        "messages": conn.execute("SELECT count(*) FROM messages").fetchone()[0],
        "build_s": round(time.perf_counter() - started, 1),
    }
    store.close()
    return built


# --- first paint, in a fresh process ------------------------------------------------------

PAINT = """
import sys, time
imports_started = time.time()
import asyncio, json, resource
from inbox_tui.store import Store
from inbox_tui.tui.app import InboxApp
from inbox_tui.tui.screens.main import MainScreen
imported = time.time()

painted = None

async def main():
    app = InboxApp(Store.open(sys.argv[1]))
    display = app._display

    def _display(screen, renderable):  # on the instance: a subclass would move CSS_PATH
        global painted
        if (painted is None and renderable is not None and not app._batch_count
                and isinstance(screen, MainScreen) and screen.ticket_list.count):
            renderable.render_segments(app.console)  # the bytes a terminal would be sent
            painted = time.time()
        display(screen, renderable)

    app._display = _display
    async with app.run_test(size=(int(sys.argv[3]), int(sys.argv[4]))) as pilot:
        await pilot.pause()
        rows = app.screen.ticket_list.pages_fetched
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    spawned = float(sys.argv[2])
    print(json.dumps({"from_spawn": painted - spawned,
                      "interpreter": imports_started - spawned,
                      "imports": imported - imports_started,
                      "after_imports": painted - imported,
                      "pages": rows, "rss_mb": rss}))
asyncio.run(main())
"""


def first_paint(db: Path, size: tuple[int, int], runs: int) -> dict[str, object]:
    results = []
    for _ in range(runs):
        spawned = time.time()
        out = subprocess.run(
            [sys.executable, "-c", PAINT, str(db), repr(spawned), str(size[0]), str(size[1])],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        )
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    ms = {key: [r[key] * 1000 for r in results] for key in ("from_spawn", "after_imports")}
    return {
        "runs": runs,
        "from_process_start_ms": _stats(ms["from_spawn"]),
        "after_imports_ms": _stats(ms["after_imports"]),
        "interpreter_start_ms": round(
            statistics.median(r["interpreter"] for r in results) * 1000, 1
        ),
        "imports_ms": round(statistics.median(r["imports"] for r in results) * 1000, 1),
        "peak_rss_mb": round(max(r["rss_mb"] for r in results), 1),
    }


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)

    return {"p50": at(0.5), "p95": at(0.95), "max": round(ordered[-1], 2), "n": len(ordered)}


# --- interaction, in a fresh process --------------------------------------------------------

KEY_CHARS = {"enter": "\r", "escape": "\x1b", "slash": "/", "tab": "\t"}


PARTS = ("jk", "views", "thread", "search", "bulk", "panel")


def measure(db: Path, size: tuple[int, int], parts: tuple[str, ...] = PARTS) -> dict[str, object]:
    """Run the app headless on `db` and time keys; returns the numbers (milliseconds).
    `parts` picks what to time (all of PARTS by default; a subset for a quick look)."""
    from textual import events

    from inbox_tui.store import Store, actions
    from inbox_tui.tui import app as app_module
    from inbox_tui.tui.screens import main as main_module
    from inbox_tui.tui.screens.main import MainScreen
    from inbox_tui.tui.screens.thread import ThreadScreen

    class Frames:
        """Times of the frames the app produces; set on the app instance (a subclass would
        resolve the app's CSS_PATH next to this file)."""

        def __init__(self, app) -> None:
            self.app = app
            self.times: list[float] = []
            self.event = asyncio.Event()
            self.display = app._display
            app._display = self

        def __call__(self, screen, renderable) -> None:
            if renderable is not None and not self.app._batch_count:
                renderable.render_segments(self.app.console)  # what a terminal driver writes
                self.times.append(time.perf_counter())
                self.event.set()
            self.display(screen, renderable)

    spent: dict[str, list[float]] = {"set_status": [], "refresh_due": [], "reload": []}

    def timed(name, function):
        def wrapper(*args, **kw):
            started = time.perf_counter()
            try:
                return function(*args, **kw)
            finally:
                spent[name].append((time.perf_counter() - started) * 1000)

        return wrapper

    actions.set_status = timed("set_status", actions.set_status)
    main_module.refresh_due = timed("refresh_due", main_module.refresh_due)

    store = Store.open(db)
    if "panel" in parts:
        _orders_for_panel(store)
    app = app_module.InboxApp(store)
    frames = Frames(app)
    results: dict[str, object] = {}

    async def run() -> None:
        async with app.run_test(size=size) as pilot:

            async def settle(quiet: float = 0.05) -> None:
                while True:
                    seen = len(frames.times)
                    await pilot._wait_for_screen()
                    await asyncio.sleep(quiet)
                    if len(frames.times) == seen:
                        return

            def send(key: str) -> float:
                char = KEY_CHARS.get(key, key if len(key) == 1 else None)
                event = events.Key(key, char)
                event.set_sender(app)
                frames.event.clear()
                started = time.perf_counter()
                app._driver.send_message(event)
                return started

            async def next_frame(after: int) -> float:
                while len(frames.times) <= after:
                    frames.event.clear()
                    await asyncio.wait_for(frames.event.wait(), 30)
                return frames.times[after]

            async def key(name: str, quiet: float = 0.05) -> tuple[float, float, float]:
                """(first frame, settled frame, CPU time) after `name`, in ms. The CPU time is
                this process's, from the key to quiet: what the app spent on the key, which
                other processes on a busy machine do not inflate as they do the wall times.
                `quiet`: how long no frame must come for the app to count as settled."""
                await settle()
                before = len(frames.times)
                cpu = time.process_time()
                started = send(name)
                first = await next_frame(before)
                await settle(quiet)
                cpu = time.process_time() - cpu
                return (first - started) * 1000, (frames.times[-1] - started) * 1000, cpu * 1000

            async def keys(names: list[str]) -> dict[str, object]:
                timings = [await key(name) for name in names]
                return {
                    "first_frame": _stats([t[0] for t in timings]),
                    "settled": _stats([t[1] for t in timings]),
                    "cpu": _stats([t[2] for t in timings]),
                }

            await settle()
            main = app.screen
            assert isinstance(main, MainScreen)
            tickets = main.ticket_list

            if "jk" in parts:
                # j/k: down 100 rows (the list scrolls), back up 100
                results["jk"] = await keys(["j"] * 100 + ["k"] * 100)

            if "views" in parts:
                # view switch: every view from every other (Due, All, Open, Pending, Snoozed, Closed)
                order = ["2", "1", "3", "4", "5", "6"] * 6
                results["view_switch"] = await keys(order)
                results["view_counts"] = dict(main.counts)

            if "thread" in parts:
                # open the 50-message thread (ticket 1, top of All) and go back
                await key("2")
                await key("g")
                assert tickets.ticket is not None and tickets.ticket.id == 1, tickets.ticket
                opened, back = [], []
                for _ in range(20):
                    opened.append(await key("enter"))
                    assert isinstance(app.screen, ThreadScreen), app.screen
                    back.append(await key("escape"))
                results["open_thread_50"] = {
                    "first_frame": _stats([t[0] for t in opened]),
                    "settled": _stats([t[1] for t in opened]),
                    "cpu": _stats([t[2] for t in opened]),
                    "back_settled": _stats([t[1] for t in back]),
                    "back_cpu": _stats([t[2] for t in back]),
                    "messages": tickets.ticket.message_count,
                }

            if "search" in parts:
                # search as you type: each letter gets time for its (debounced) search to run
                calls: list[tuple[float, float]] = []
                original = main.run_search

                def run_search(text: str) -> bool:
                    started = time.perf_counter()
                    try:
                        return original(text)
                    finally:
                        calls.append((started, time.perf_counter()))

                main.run_search = run_search
                echo, search, total, found = [], [], [], {}
                prefixes: list[tuple[str, float]] = []

                for word in SEARCH_WORDS:
                    await key("slash")
                    for position, letter in enumerate(word):
                        await settle()
                        before, searches = len(frames.times), len(calls)
                        started = send(letter)
                        echo.append((await next_frame(before) - started) * 1000)
                        deadline = time.perf_counter() + 10
                        while len(calls) == searches and time.perf_counter() < deadline:
                            await asyncio.sleep(0.005)
                        began, ended = calls[-1]
                        after = (
                            next(i for i, t in enumerate(frames.times) if t >= ended)
                            if (frames.times[-1] >= ended)
                            else len(frames.times)
                        )
                        shown = await next_frame(after)
                        search.append((shown - began) * 1000)
                        prefixes.append((word[: position + 1], round(search[-1], 1)))
                        total.append((shown - started) * 1000)
                    found[word] = main.found
                    await key("escape")
                main.run_search = original
                results["search_as_you_type"] = {
                    "words": SEARCH_WORDS,
                    "found": found,
                    "echo_first_frame": _stats(echo),
                    "search_to_frame": _stats(search),
                    "key_to_list_frame_incl_debounce": _stats(total),
                    "debounce_ms": main_module.SEARCH_DELAY * 1000,
                    "slowest_prefixes": sorted(prefixes, key=lambda p: -p[1])[:6],
                }

            if "bulk" in parts:
                # bulk close of 1,000 selected open tickets (Open view), then undo: 3 rounds
                await key("3")
                ids = [
                    row[0]
                    for row in store.conn.execute(
                        "SELECT id FROM tickets WHERE status = 'open'"
                        " ORDER BY last_message_at DESC, id DESC LIMIT 1000"
                    )
                ]
                main.reload = timed("reload", main.reload)
                closes, undos = [], []
                for _ in range(5):
                    tickets.selected = set(
                        ids
                    )  # the list's selection, as 1,000 presses of x leave it
                    for name in spent:
                        spent[name].clear()
                    closes.append(await key("e"))
                    closed = store.conn.execute(
                        f"SELECT count(*) FROM tickets WHERE status = 'closed' AND id IN"
                        f" ({','.join(map(str, ids))})"
                    ).fetchone()[0]
                    assert closed == 1000, closed
                    close_parts = {name: round(sum(v), 1) for name, v in spent.items()}
                    app.clear_notifications()
                    undos.append(await key("u"))
                    app.clear_notifications()
                results["bulk_close_1000"] = {
                    "settled": _stats([t[1] for t in closes]),
                    "first_frame": _stats([t[0] for t in closes]),
                    "rounds_settled": [round(t[1], 1) for t in closes],
                    "last_round_parts_ms": close_parts,
                }
                results["bulk_undo_1000"] = {
                    "settled": _stats([t[1] for t in undos]),
                    "rounds_settled": [round(t[1], 1) for t in undos],
                }
            if "panel" in parts:
                # j/k with the customer panel beside the list (i) and without it, in blocks of
                # 20 keys taken in turn (a busy machine's load falls on both alike). "as_jk":
                # each key timed as in "jk" (the next comes 50 ms after the last frame, before
                # the panel's rest delay: keys pressed at a typing pace); "rested": each key
                # settles for 0.25 s, past the delay, so the panel's read in its worker and its
                # frame count in "settled" and "cpu"
                from inbox_tui.tui.widgets.customer_panel import FOLLOW_DELAY

                await key("2")
                await key("g")
                paces = {"as_jk": 0.05, "rested": FOLLOW_DELAY + 0.13}
                taken: dict[tuple[str, bool], list[tuple[float, float, float]]] = {
                    (pace, shown): [] for pace in paces for shown in (False, True)
                }
                for _ in range(5):
                    for shown in (False, True):
                        if main.customer_shown != shown:
                            await key("i", quiet=0.25)
                        for pace, quiet in paces.items():
                            for name in ["j"] * 10 + ["k"] * 10:
                                taken[pace, shown].append(await key(name, quiet=quiet))
                assert "Orders" in str(main.customer_panel.render())
                for pace in paces:
                    figures = {
                        label: {
                            "first_frame": _stats([t[0] for t in taken[pace, shown]]),
                            "settled": _stats([t[1] for t in taken[pace, shown]]),
                            "cpu": _stats([t[2] for t in taken[pace, shown]]),
                        }
                        for label, shown in (("off", False), ("on", True))
                    }
                    results[f"jk_panel_{pace}"] = {
                        **figures,
                        "ratio_on_off": {
                            f"{what}_{q}": round(
                                figures["on"][what][q] / max(figures["off"][what][q], 0.01), 2
                            )
                            for what in ("first_frame", "settled", "cpu")
                            for q in ("p50", "p95")
                        },
                    }
            await settle()

    asyncio.run(run())
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    store.close()
    return results


def _orders_for_panel(store) -> None:
    """Orders for the customers of the newest 300 tickets (the built store has none), two
    each with items and tracking, so the panel's reads are those of a shop's inbox."""
    from inbox_tui.store.orders import upsert_order

    customers = [
        row[0]
        for row in store.conn.execute(
            "SELECT DISTINCT customer_id FROM (SELECT customer_id FROM tickets"
            " ORDER BY last_message_at DESC LIMIT 300)"
        )
    ]
    placed = datetime(2026, 11, 20, tzinfo=UTC)
    with store.transaction():
        for customer in customers:
            for n in range(2):
                upsert_order(
                    store,
                    provider="shopify",
                    order_number=f"#{customer}-{n}",
                    customer_id=customer,
                    placed_at=placed - timedelta(days=30 * n),
                    status=("fulfilled", "delivered")[n],
                    total=49.9 + n,
                    currency="EUR",
                    items=[{"title": f"Linen towel {i}", "quantity": 1} for i in range(3)],
                    carrier="DHL",
                    tracking_number=f"JD{customer:010d}{n}",
                )


# --- start, composer and quit in a real terminal ---------------------------------------------

# the footer's last hint: drawn, the first screen is whole (Textual's Footer drew its hints
# ~0.4 s of CPU after the list until issue 12's branch startfirst)
HINTS = re.compile(r"\? Help")
# the composer's key hints ("^o Send+close"): drawn, the composer is whole (on main at 39ce8ab
# a frame or more after its first, which already names the suggested templates)
COMPOSER_HINTS = re.compile(r"Send\+close")
COMPOSER_TITLE = re.compile(r"Reply to ticket #\d+")  # the composer's header

AT_ONCE = ("demo_r_at_once", "demo_r_at_once_compared")  # sessions whose `r` comes at once

BARE_APP = """
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static("bare textual app ready")

Bare().run()
"""


def _terminal_env(home: Path) -> dict[str, str]:
    """A clean environment: no config of the user's (all defaults), a common terminal."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
    }


def time_session(
    argv: Sequence[str],
    env: dict[str, str],
    size: tuple[int, int],
    *,
    ready: str | re.Pattern[str],
    quit_keys: bytes,
    composer: re.Pattern[str] | None = None,
    hints: re.Pattern[str] | None = None,
    idle: float = 1.0,
    at_once: bool = False,
    at_once_delay: float = 0.0,
) -> dict[str, float]:
    """One start of `argv` in a terminal: exec → `ready` shown, then (after `idle` s of quiet,
    as a person reads) `r` → `composer` shown and Escape back, then `quit_keys` → exit.
    Milliseconds, each from the write of the key to the arrival of the bytes (or the exit);
    `*_cpu`: the CPU time the program spent meanwhile (10 ms steps, from /proc and wait4),
    which other programs on a shared machine inflate far less than the wall times."""
    from tests.pty_terminal import Terminal

    terminal = Terminal(argv, env, size)
    try:
        times = {"start": (terminal.wait_for(ready) - terminal.spawned) * 1000}
        times["start_cpu"] = terminal.cpu_ms() or 0.0
        if at_once and composer is not None:
            # `r` typed as soon as the list shows (a seller who opens the app to answer the
            # first ticket): the composer then waits for whatever the app still prepares
            cpu, shown = times["start_cpu"], len(terminal.text)
            if at_once_delay:  # a person's reaction to the list, rather than at once
                time.sleep(at_once_delay)
            typed = terminal.send(b"r")
            # the rest of the list's frame may still be arriving, with subjects that name a
            # template: a name counts once the composer's title is out
            titled = re.compile(COMPOSER_TITLE.pattern + "[\\s\\S]*(?:" + composer.pattern + ")")
            times["composer_at_once"] = (terminal.wait_for(titled, after=shown) - typed) * 1000
            times["composer_at_once_cpu"] = (terminal.cpu_ms() or 0.0) - cpu
            whole_at = terminal.wait_for(COMPOSER_HINTS, after=shown)
            times["composer_whole_at_once"] = (whole_at - typed) * 1000
            times["composer_whole_at_once_cpu"] = (terminal.cpu_ms() or 0.0) - cpu
            terminal.quiet(idle / 2)
            back = len(terminal.text)
            terminal.send(b"\x1b")
            terminal.wait_for(ready, after=back)
            terminal.quiet(idle / 2)
            composer = None  # the later `r`s are the other sessions'
        if hints is not None:  # the whole first screen: the footer's key hints drawn too
            times["hints"] = (terminal.wait_for(hints) - terminal.spawned) * 1000
            times["hints_cpu"] = terminal.cpu_ms() or 0.0
        terminal.quiet(idle)
        if composer is not None:
            # the first `r`, and (`_again`) one more after the list has been read 1.5 s: the
            # first comes ~1 s after the start, often while the app still prepares replies
            # beside the list (start_and_quit.py); the second shows the composer's own cost
            for again in ("", "_again"):
                shown, cpu = len(terminal.text), terminal.cpu_ms() or 0.0
                typed = terminal.send(b"r")
                shown_at = terminal.wait_for(composer, after=shown)
                times[f"composer{again}"] = (shown_at - typed) * 1000
                times[f"composer{again}_cpu"] = (terminal.cpu_ms() or 0.0) - cpu
                # the whole composer: its key hints too (a frame or more after its first)
                whole_at = terminal.wait_for(COMPOSER_HINTS, after=shown)
                times[f"composer_whole{again}"] = (whole_at - typed) * 1000
                times[f"composer_whole{again}_cpu"] = (terminal.cpu_ms() or 0.0) - cpu
                terminal.quiet(idle / 2)
                back = len(terminal.text)
                terminal.send(b"\x1b")
                terminal.wait_for(ready, after=back)  # the list again: q quits, not types
                terminal.quiet(idle / 2 if again else idle * 1.5)
        cpu = terminal.cpu_ms() or 0.0
        typed = terminal.send(quit_keys)
        times["quit"] = (terminal.wait_exit() - typed) * 1000
        times["quit_cpu"] = (terminal.cpu_at_exit or 0.0) - cpu
        if terminal.process.returncode:
            raise RuntimeError(f"{argv[0]} exited {terminal.process.returncode}")
        return times
    finally:
        terminal.close()


def in_terminal(
    db: Path | None,
    size: tuple[int, int],
    runs: int,
    work: Path,
    compare: Path | None = None,
    *,
    only_sessions: Sequence[str] = (),
    at_once_delay: float = 0.0,
) -> dict[str, object]:
    """exec → painted list, `r` → composer with its templates, `q` → exit, in a real pty, on the
    demo store and on `db` (100k; None: the demo alone), beside two anchors timed in the same rounds: `python -c
    pass` and a bare Textual app (one Static; ctrl+q quits it). With `compare`, a checkout of
    another inbox-tui (e.g. `git archive main`), that one is timed in the same rounds too."""
    from inbox_tui.templates import shipped_templates
    from tests.pty_terminal import LIST_SHOWN

    names = sorted({t.name for t in shipped_templates()}, key=len, reverse=True)
    composer = re.compile("|".join(re.escape(name) for name in names))
    bin_dir = Path(sys.executable).parent
    home = work / "home"
    env = _terminal_env(home)
    demo = work / "demo.db"
    if not demo.exists():
        subprocess.run(
            [bin_dir / "inbox-tui", "demo", "--db", demo, "--no-tui"],
            env=env,
            check=True,
            capture_output=True,
        )
    sessions = {
        "python_pass": ([sys.executable, "-c", "pass"], None, None),
        "bare_textual": ([sys.executable, "-c", BARE_APP], "bare textual app ready", b"\x11"),
        "demo": ([bin_dir / "inbox-tui", "demo", "--db", demo], LIST_SHOWN, b"q"),
        "store_100k": ([bin_dir / "inbox-tui", "--db", db], LIST_SHOWN, b"q"),
    }
    if compare is not None:  # its own entry point, its modules first on the path
        entry = "launch" if (compare / "inbox_tui" / "launch.py").exists() else "cli"
        code = f"import sys; sys.path.insert(0, {str(compare)!r}); "
        code += f"from inbox_tui.{entry} import main; main()"
        other = [sys.executable, "-c", code]
        # a copy of each store of its own: what one checkout keeps in a store (topics matched
        # by the trends worker, due times) must not make the other's sessions cheaper
        other_demo = work / "demo-compared.db"
        other_db = db.with_name(f"{db.stem}-compared.db") if db is not None else None
        for source, copy in ((demo, other_demo), (db, other_db)):
            if source is None or copy is None:
                continue
            for suffix in ("", "-wal", "-shm"):
                Path(f"{copy}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(source, copy)
        sessions["demo_compared"] = ([*other, "demo", "--db", other_demo], LIST_SHOWN, b"q")
        sessions["store_100k_compared"] = ([*other, "--db", other_db], LIST_SHOWN, b"q")
    if db is None:
        sessions = {name: s for name, s in sessions.items() if not name.startswith("store_")}
    # the config's cache (config_cache.py) emptied before each of these: a start as after
    # an edit of the config, or the first one ever (they validate the file with pydantic)
    uncached_home = work / "home-uncached"
    uncached_env = {**_terminal_env(uncached_home), "XDG_CACHE_HOME": str(uncached_home / "cache")}
    sessions["demo_config_uncached"] = (sessions["demo"][0], LIST_SHOWN, b"q")
    # `r` typed the moment the list shows (the seller opens the app to answer at once)
    sessions["demo_r_at_once"] = (sessions["demo"][0], LIST_SHOWN, b"q")
    if compare is not None:
        sessions["demo_r_at_once_compared"] = (sessions["demo_compared"][0], LIST_SHOWN, b"q")
    if only_sessions:  # the anchors always
        keep = {"python_pass", "bare_textual", *only_sessions}
        sessions = {name: s for name, s in sessions.items() if name in keep}
    samples: dict[str, dict[str, list[float]]] = {name: {} for name in sessions}
    load = [round(os.getloadavg()[0], 2)]
    for round_number in range(runs + 1):  # round by round: a busy moment touches every kind alike
        for name, (argv, ready, quit_keys) in sessions.items():
            argv = [str(part) for part in argv]
            env = uncached_env if name == "demo_config_uncached" else _terminal_env(home)
            shutil.rmtree(uncached_home / "cache", ignore_errors=True)
            if ready is None:
                started = time.perf_counter()
                subprocess.run(argv, env=env, check=True)
                times = {"start": (time.perf_counter() - started) * 1000}
            else:
                times = time_session(
                    argv,
                    env,
                    size,
                    ready=ready,
                    quit_keys=quit_keys,
                    composer=composer if name != "bare_textual" else None,
                    hints=HINTS if name not in ("bare_textual", *AT_ONCE) else None,
                    at_once=name in AT_ONCE,
                    at_once_delay=at_once_delay,
                )
            if round_number == 0:  # a round to warm up: the page cache, the config's cache
                continue
            for key, ms in times.items():
                samples[name].setdefault(key, []).append(ms)
    load.append(round(os.getloadavg()[0], 2))
    results: dict[str, object] = {
        name: {key: _stats(values) for key, values in measures.items()}
        for name, measures in samples.items()
    }
    # each inbox-tui figure over the bare Textual app's in the same rounds (wall and CPU; the
    # whole first screen, hints, over the bare app's start: it has no footer)
    results["ratios_p50_to_bare_textual"] = {
        f"{name}_{key}": round(
            statistics.median(samples[name][key])
            / max(1.0, statistics.median(samples["bare_textual"][key.replace("hints", "start")])),
            2,
        )
        for name in sessions
        if name not in ("python_pass", "bare_textual")
        for key in ("start", "start_cpu", "hints", "hints_cpu", "quit", "quit_cpu")
        if key in samples[name]
    }
    results["load_avg_1m_before_after"] = load
    return results


# --- main -----------------------------------------------------------------------------------


def migrate(db: Path) -> float:
    """Bring a kept store to this inbox-tui's schema and due times (seconds it took; 0 when
    current), so that no measured process pays for a migration or a settling of due times."""
    from inbox_tui.sla import DEFAULT_POLICY
    from inbox_tui.store import Store
    from inbox_tui.store.due import settle_due

    started = time.perf_counter()
    store = Store.open(db)
    settle_due(store, DEFAULT_POLICY)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return round(time.perf_counter() - started, 1)


def _store_ok(db: Path) -> bool:
    if not db.exists():
        return False
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tickets = conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
        messages = conn.execute("SELECT count(*) FROM messages").fetchone()[0]
        return (tickets, messages) == (TICKETS, MESSAGES)
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, default=ROOT / "benchmarks" / "out" / "tui-100k")
    parser.add_argument("--size", default="160x48", help="terminal size, COLSxROWS")
    parser.add_argument("--rebuild", action="store_true", help="build the store even if kept")
    parser.add_argument("--paint-runs", type=int, default=5)
    parser.add_argument("--terminal-runs", type=int, default=10)
    parser.add_argument(
        "--compare", type=Path, help="terminal: also time the inbox-tui checked out in this folder"
    )
    parser.add_argument(
        "--only",
        default=",".join(("paint", "terminal", *PARTS)),
        help="what to time, comma-separated: paint, terminal, "
        + ", ".join(PARTS)
        + " (default: all)",
    )
    parser.add_argument(
        "--demo-only",
        action="store_true",
        help="terminal: the demo store alone (no 100k store built, copied or timed)",
    )
    parser.add_argument(
        "--sessions",
        default="",
        help="terminal: only these sessions (comma-separated, e.g. demo_r_at_once,"
        "demo_r_at_once_compared; the two anchors always)",
    )
    parser.add_argument(
        "--at-once-delay",
        type=float,
        default=0.0,
        help="terminal: seconds between the list shown and the `r` of demo_r_at_once",
    )
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    size = tuple(int(n) for n in args.size.lower().split("x"))
    only = tuple(part.strip() for part in args.only.split(",") if part.strip())
    if unknown := set(only) - {"paint", "terminal", *PARTS}:
        parser.error(f"--only: unknown part(s) {', '.join(sorted(unknown))}")

    if args.measure:
        print(json.dumps(measure(args.measure, size, tuple(p for p in only if p in PARTS))))
        return

    args.keep.mkdir(parents=True, exist_ok=True)
    if args.demo_only:
        if set(only) != {"terminal"}:
            parser.error("--demo-only: only with --only terminal")
        work = args.keep.parent / "terminal"
        work.mkdir(parents=True, exist_ok=True)
        terminal = in_terminal(
            None,
            size,
            args.terminal_runs,
            work,
            args.compare,
            only_sessions=[name for name in args.sessions.split(",") if name],
            at_once_delay=args.at_once_delay,
        )
        terminal["at_once_delay_s"] = args.at_once_delay
        print(json.dumps(_report(args.size, {"demo_only": True}, {}, terminal, {})))
        return
    db = args.keep / "bench.db"
    built: dict[str, object] = {"reused": True}
    if args.rebuild or not _store_ok(db):
        built = build_store(db)
    else:
        built["migrated_s"] = migrate(db)
    run_db = args.keep / "run.db"  # a copy: the run closes and undoes tickets
    for suffix in ("", "-wal", "-shm"):
        Path(str(run_db) + suffix).unlink(missing_ok=True)
    shutil.copyfile(db, run_db)
    try:
        paint = first_paint(run_db, size, args.paint_runs) if "paint" in only else {}
        terminal = {}
        if "terminal" in only:
            work = args.keep.parent / "terminal"
            work.mkdir(parents=True, exist_ok=True)
            terminal = in_terminal(run_db, size, args.terminal_runs, work, args.compare)
        interaction = {}
        if set(only) & set(PARTS):
            out = subprocess.run(
                [sys.executable, __file__, "--measure", str(run_db), "--size", args.size]
                + ["--only", args.only],
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
            if out.returncode:
                sys.stderr.write(out.stderr)
                raise SystemExit(out.returncode)
            interaction = json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(str(run_db) + suffix).unlink(missing_ok=True)
            Path(f"{run_db.with_name('run-compared.db')}{suffix}").unlink(missing_ok=True)

    store = {**built, "mb": round(db.stat().st_size / 2**20, 1)}
    print(json.dumps(_report(args.size, store, paint, terminal, interaction), ensure_ascii=False))


def _report(
    size: str,
    store: dict[str, object],
    paint: dict[str, object],
    terminal: dict[str, object],
    interaction: dict[str, object],
) -> dict[str, object]:
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}",
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "size": size,
        "store": store,
        "first_paint": paint,
        "terminal": terminal,
        **interaction,
    }


if __name__ == "__main__":
    main()

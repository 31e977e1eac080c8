"""Search latency on a real store: first page (limit 100) and capped count, per query kind.

    .venv/bin/python benchmarks/search.py benchmarks/out/import-100k/bench.db [--repeat 5]

Opens the store read-only (nothing is written next to it), runs a fixed list of queries (every prefix of a word as it is typed,
rare words, filters, mixes), and prints p50/p95 in milliseconds per kind as JSON. `now` is fixed
so relative dates (after:30d) select the same tickets on every run.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from inbox_tui.store.db import Store
from inbox_tui.store.schema import SCHEMA_VERSION
from inbox_tui.store.search import count_search, search_tickets

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
SIZES: dict[str, int] = {}


def _typed(*phrases: str) -> list[str]:
    """Every prefix of each phrase, as the query box sees it while the user types."""
    return [phrase[:end] for phrase in phrases for end in range(1, len(phrase) + 1)]


QUERIES: dict[str, list[str]] = {
    # search as you type, 1–3 words: every keystroke is a search
    "typing": _typed("refund", "where is my", "towel set", "wrong size", "arrived", "siparis"),
    "rare": ["xyzzy", "customer0", "customer4711", "zz top", '"not arrived yet" xyzzy'],
    "filter": [
        "status:open",
        "status:closed",
        "channel:email",
        "channel:amazon",
        "is:unread",
        "is:flagged",
        "tag:refund",
        "order:114-1234567-1234567",
        "after:30d",
        "before:2025-01-01",
        "channel:email status:open after:7d",
    ],
    "mixed": [
        "status:open refu",
        "from:sophie order",
        "subject:where",
        "refund -towel",
        "-tag:refund towel",
        'tag:"wrong size" status:open',
        "is:unread where is",
        "after:30d arrived",
    ],
    # to: reads the recipients' own full-text index, messages_fts_to (schema 4; see
    # docs/search.md): a common recipient, one being typed, and one that is nowhere
    "to": ["to:shop", "to:cust", "to:nobody@nowhere.example"],
}


def _ms(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)


def run(path: Path, repeat: int) -> dict[str, dict[str, object]]:
    # Read-only; immutable too when no write-ahead log holds data, so that not even the -shm and
    # -wal files appear next to a store someone else may be using.
    wal = path.with_name(path.name + "-wal")
    immutable = "&immutable=1" if not wal.exists() or wal.stat().st_size == 0 else ""
    conn = sqlite3.connect(f"file:{path}?mode=ro{immutable}", uri=True, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA cache_size = -32000")  # as Store.open sets it
    store = Store(conn, path)
    if (version := store.schema_version) < SCHEMA_VERSION:
        # read-only, so not migrated: schema 4's search indexes (messages_fts_to) would be missing
        conn.close()
        raise SystemExit(
            f"error: {path} is schema {version}, this inbox-tui searches schema "
            f"{SCHEMA_VERSION}; open it (or a copy) once with inbox-tui to migrate it, then retry"
        )
    SIZES.update(tickets=store.db["tickets"].count, messages=store.db["messages"].count)
    results: dict[str, dict[str, object]] = {}
    for kind, queries in QUERIES.items():
        page: list[float] = []
        count: list[float] = []
        slowest = ("", 0.0)
        for query in queries:
            search_tickets(store, query, now=NOW)  # warm the page cache once per query
            for _ in range(repeat):
                start = time.perf_counter()
                search_tickets(store, query, now=NOW)
                middle = time.perf_counter()
                count_search(store, query, now=NOW)
                end = time.perf_counter()
                page.append(middle - start)
                count.append(end - middle)
                if max(middle - start, end - middle) > slowest[1]:
                    slowest = (query, max(middle - start, end - middle))
        results[kind] = {
            "queries": len(queries),
            "page_p50_ms": _ms(page, 0.50),
            "page_p95_ms": _ms(page, 0.95),
            "count_p50_ms": _ms(count, 0.50),
            "count_p95_ms": _ms(count, 0.95),
            "slowest": {"query": slowest[0], "ms": round(slowest[1] * 1000, 2)},
        }
    conn.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path, help="an inbox-tui SQLite file (opened read-only)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per query")
    args = parser.parse_args(argv)
    if not args.store.exists():
        parser.error(f"no store at {args.store}")
    kinds = run(args.store, args.repeat)
    report = {"store": str(args.store), "sqlite": sqlite3.sqlite_version, **SIZES, "kinds": kinds}
    json.dump(report, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

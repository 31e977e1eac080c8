"""How long opening an older store takes with this code (its migrations), and what the search
indexes weigh before and after.

    .venv/bin/python benchmarks/migrate.py STORE [--vacuum]

Copies STORE (with its -wal) next to it, opens the copy with the current code, which migrates
it, and prints one JSON object: schema versions, seconds, and the size of the full-text indexes
(FTS5 shadow tables, from `dbstat`), of message_raw and attachments, and of the file, before
and after (and after a VACUUM, with --vacuum), and the peak RSS. STORE is left as it is.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from inbox_tui.store import Store  # noqa: E402


def index_mb(path: Path) -> dict[str, float]:
    """MB of each search index (its shadow tables) and of the whole file."""
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        sizes = {
            name: round(size / 2**20, 1)
            for name, size in conn.execute(
                "SELECT CASE WHEN name LIKE 'messages_fts_to%' THEN 'messages_fts_to'"
                " ELSE 'messages_fts' END, sum(pgsize) FROM dbstat"
                " WHERE name LIKE 'messages_fts%' GROUP BY 1"
            )
        }
        for table in ("message_raw", "attachments"):
            size = conn.execute("SELECT sum(pgsize) FROM dbstat WHERE name = ?", (table,))
            sizes[table] = round((size.fetchone()[0] or 0) / 2**20, 1)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        sizes["file"] = round(pages * page_size / 2**20, 1)
        return sizes
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--vacuum", action="store_true", help="VACUUM the copy after, and measure")
    args = parser.parse_args()
    copy = args.store.with_name(args.store.stem + "-migrated.db")
    for suffix in ("", "-wal", "-shm"):
        Path(str(copy) + suffix).unlink(missing_ok=True)
        if Path(str(args.store) + suffix).exists() and suffix != "-shm":
            shutil.copyfile(str(args.store) + suffix, str(copy) + suffix)
    before = index_mb(copy)
    old = sqlite3.connect(copy).execute("PRAGMA user_version").fetchone()[0]
    messages = sqlite3.connect(copy).execute("SELECT count(*) FROM messages").fetchone()[0]
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu = time.perf_counter(), time.process_time()
    store = Store.open(copy)
    seconds, cpu_s = time.perf_counter() - started, time.process_time() - cpu
    new = store.schema_version
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    report = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python"
        f" {platform.python_version()}, SQLite {sqlite3.sqlite_version}",
        "load_avg_1min": round(os.getloadavg()[0], 1),
        "messages": messages,
        "schema": [old, new],
        "migrate_s": round(seconds, 1),
        "migrate_cpu_s": round(cpu_s, 1),
        "mb_before": before,
        "mb_after": index_mb(copy),
        "peak_rss_mb": {  # of this process: before opening the store, and after
            "before": round(rss_before / 1024),
            "after": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        },
    }
    if args.vacuum:  # the freed pages given back to the disk
        conn = sqlite3.connect(copy)
        conn.execute("VACUUM")
        conn.close()
        report["mb_after_vacuum"] = index_mb(copy)
    print(json.dumps(report))


if __name__ == "__main__":
    main()

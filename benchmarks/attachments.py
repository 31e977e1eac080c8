"""What opening an attachment costs: decoded from its raw message (schema 12) or read as the
stored bytes (before), for the same photos.

    .venv/bin/python benchmarks/attachments.py STORE --against OLD_STORE [--count 500] [--rounds 3]

STORE: mail imported by this code (a photo points into its raw message); OLD_STORE: the same
mail imported by the code before schema 12 (every attachment's bytes stored), read with plain
SQL and never opened by this code (which would upgrade it). import.py's bench.db of each, e.g.
Prints one JSON object: CPU µs per photo each way (first round, and best of the rounds), the
photos' mean size, and the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from inbox_tui.store import Store  # noqa: E402
from inbox_tui.store.attachments import attachment_content  # noqa: E402


def _timed(read, ids: list[int], rounds: int) -> tuple[float, float, int]:
    """(first round, best round) in CPU µs per attachment, and the bytes read in a round."""
    times, total = [], 0
    for _ in range(rounds):
        started, total = time.process_time(), 0
        for attachment_id in ids:
            total += len(read(attachment_id))
        times.append((time.process_time() - started) / len(ids) * 1e6)
    return round(times[0], 1), round(min(times), 1), total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--against", type=Path, required=True)
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    store = Store.open(args.store, create=False, read_only=True)
    ids = [
        row[0]
        for row in store.conn.execute(
            "SELECT id FROM attachments WHERE content_type = 'image/jpeg' AND content IS NULL"
            " ORDER BY id LIMIT ?",
            (args.count,),
        )
    ]
    old = sqlite3.connect(f"{args.against.absolute().as_uri()}?mode=ro", uri=True)

    def stored(attachment_id: int) -> bytes:  # what attachment_content did before schema 12
        row = old.execute("SELECT content FROM attachments WHERE id = ?", (attachment_id,))
        return bytes(row.fetchone()[0])

    for attachment_id in ids[:50]:  # the same photos both ways
        assert attachment_content(store, attachment_id) == stored(attachment_id), attachment_id
    load = os.getloadavg()
    new_first, new_best, size = _timed(lambda i: attachment_content(store, i), ids, args.rounds)
    old_first, old_best, old_size = _timed(stored, ids, args.rounds)
    assert size == old_size
    print(
        json.dumps(
            {
                "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
                "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
                f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}",
                "load": [round(x, 2) for x in load],
                "photos": len(ids),
                "mean_kb": round(size / len(ids) / 1024, 1),
                "from_raw_us": {"first": new_first, "best": new_best},
                "stored_us": {"first": old_first, "best": old_best},
                "from_raw_over_stored_best": round(new_best / old_best, 2),
            }
        )
    )


if __name__ == "__main__":
    main()

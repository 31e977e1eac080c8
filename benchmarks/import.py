"""Import speed and TUI first paint on a large store.

    .venv/bin/python benchmarks/import.py [--messages 100000] [--photos] [--keep DIR]
        [--workers N] [--skip-paint] [--code DIR]

Builds a Maildir of N realistic messages (threads of 1–6, plain, multipart/alternative and
HTML-only, UTF-8 and Turkish legacy charsets, a few attachments), imports it with the real
import path on one core, imports it again (the idempotent no-op), then opens the TUI headless
on the resulting store in fresh processes and times the first frame that shows the ticket list
(as benchmarks/tui.py does: from the process's spawn, and after the imports) and peak RSS. Prints one JSON object with the numbers; benchmarks/README.md keeps the last.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
if "--code" in sys.argv:  # another checkout's inbox_tui (e.g. `git archive` of the commit before)
    sys.path.insert(0, str(Path(sys.argv[sys.argv.index("--code") + 1]).resolve()))

# Everything of ours is imported inside the functions: the parsing workers are spawned, and a
# spawned process runs its parent's main module again (as `__mp_main__`); imported here, the
# corpus generator and the importer cost each worker ~0.2 s of CPU that `inbox-tui import`'s
# workers do not pay (its main module, the console script, imports only the CLI's module).


def build_maildir(path: Path, count: int, *, photos: bool = False) -> None:
    from benchmarks.corpus import generate

    for sub in ("cur", "new", "tmp"):
        (path / sub).mkdir(parents=True, exist_ok=True)
    for index, raw in enumerate(generate(count, photos=photos)):
        (path / "cur" / f"{index:08d}.bench:2,S").write_bytes(raw)


def _table_mb(db: Path, table: str) -> float:
    """MB of an FTS5 index: its shadow tables (`dbstat`)."""
    import sqlite3

    conn = sqlite3.connect(f"{db.absolute().as_uri()}?mode=ro", uri=True)
    try:
        shadow = [f"{table}_{part}" for part in ("data", "idx", "docsize", "config", "content")]
        size = conn.execute(
            "SELECT sum(pgsize) FROM dbstat WHERE name IN (?, ?, ?, ?, ?)", shadow
        ).fetchone()[0]
        return round((size or 0) / 2**20, 1)
    finally:
        conn.close()


def _tables_mb(db: Path, tables: tuple[str, ...]) -> dict[str, float]:
    """MB of each table with its indexes (`dbstat`)."""
    import sqlite3

    conn = sqlite3.connect(f"{db.absolute().as_uri()}?mode=ro", uri=True)
    try:
        found = {}
        for table in tables:
            size = conn.execute(
                "SELECT sum(pgsize) FROM dbstat WHERE name = ? OR name IN"
                " (SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = ?)",
                (table, table),
            ).fetchone()[0]
            found[table] = round((size or 0) / 2**20, 1)
        return found
    finally:
        conn.close()


def _folder_mb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument(
        "--photos",
        action="store_true",
        help="The attachment-heavy mix: one message in six with a 20-80 KB phone photo.",
    )
    parser.add_argument(
        "--keep", type=Path, help="Use (and keep) this folder for the Maildir and store."
    )
    parser.add_argument(
        "--workers", type=int, help="Parsing processes (default: as inbox-tui decides)."
    )
    parser.add_argument("--skip-paint", action="store_true", help="Time the import alone.")
    parser.add_argument("--code", type=Path, help="Import inbox_tui from this checkout instead.")
    args = parser.parse_args()

    # Next to the repository (benchmarks/out, git-ignored): /tmp may be a slower filesystem.
    out = ROOT / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    work = args.keep or Path(tempfile.mkdtemp(prefix="import-", dir=out))
    maildir, db = work / "Maildir", work / "bench.db"
    if not (maildir / "cur").exists():
        started = time.perf_counter()
        build_maildir(maildir, args.messages, photos=args.photos)
        print(
            f"built {args.messages} messages in {time.perf_counter() - started:.1f}s",
            file=sys.stderr,
        )
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)

    from benchmarks.corpus import SELLER
    from inbox_tui.importer import import_maildir
    from inbox_tui.store import Store

    store = Store.open(db)
    options = {} if args.workers is None else {"workers": args.workers}
    load_before = os.getloadavg()
    cpu_before = time.process_time()
    result = import_maildir(store, maildir, seller_emails=frozenset({SELLER}), **options)
    cpu = time.process_time() - cpu_before
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()  # the no-op re-import: listing the folder is most of it
    again = import_maildir(store, maildir, seller_emails=frozenset({SELLER}))
    reimport_s = time.perf_counter() - started
    tickets = store.conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
    store.close()

    report = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, SQLite {__import__('sqlite3').sqlite_version}",
        "messages": result.added,
        "tickets": tickets,
        "import_s": round(result.seconds, 2),
        "import_msg_per_s": round(result.added / result.seconds),
        "import_cpu_s": round(cpu, 2),
        "workers_cpu_s": round(children.ru_utime + children.ru_stime, 2),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "code": str(args.code or ROOT),
        "fts_mb": {  # the search indexes (FTS5 shadow tables)
            "messages_fts": _table_mb(db, "messages_fts"),
            "messages_fts_to": _table_mb(db, "messages_fts_to"),
        },
        "reimport_s": round(reimport_s, 2),
        "reimport_added": again.added,
        "store_mb": round(db.stat().st_size / 2**20, 1),
        "store_bytes_per_message": round(db.stat().st_size / max(result.added, 1)),
        "maildir_mb": _folder_mb(maildir),
        "tables_mb": _tables_mb(db, ("messages", "message_raw", "attachments")),
    }
    if not args.skip_paint:  # the first frame that shows the list, as tui.py measures it
        # imported here: spawned parsing workers import this script again (multiprocessing
        # runs the parent's main module), and Textual would cost each ~0.3 s of CPU
        from benchmarks.tui import first_paint

        report["first_paint"] = first_paint(db, (160, 48), 3)
    print(json.dumps(report))


if __name__ == "__main__":
    main()

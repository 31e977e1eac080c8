"""The importing process's storing alone: what a two-worker import costs the process that writes.

    .venv/bin/python benchmarks/storing.py --maildir DIR [--photos] [--messages 10000]
        [--code DIR] [--ready FILE] [--rounds 3] [--statements] [--profile N]

Every message of the Maildir (built with corpus.py when missing) is parsed, threaded and encoded
once, as a parsing worker does (`parse_workers._parse_chunk`; pickled to `--ready` and read back
next time), then `import_maildir` stores them into a new store file with the parsing workers
replaced by those ready values: listing, reading the files, duplicate checks, threading, the
buffered writes, commits, due times and the index compaction at the end, all of it, but the
workers' hand-over (pickling to and from the pool). Each round is a fresh store; CPU time is
`process_time`. `--statements` times each SQL statement kind (the connection wrapped, which adds
a little Python per statement); `--profile N` prints cProfile's top N functions of one more
round (sorted by the environment's SORT, default tottime).
`--code`: import inbox_tui from another checkout (e.g. `git archive` of main), for a before/after
in one run. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
if "--code" in sys.argv:
    sys.path.insert(0, str(Path(sys.argv[sys.argv.index("--code") + 1]).resolve()))


class TimedConnection:
    """A sqlite3.Connection whose execute/executemany add their CPU time to a kind of statement."""

    def __init__(self, conn: object, spent: dict[str, float], calls: dict[str, int]) -> None:
        self._conn = conn
        self._spent = spent
        self._calls = calls

    def __getattr__(self, name: str) -> object:
        return getattr(self._conn, name)

    def _timed(self, method: str, sql: str, *args: object) -> object:
        kind = (
            " ".join(sql.split()[:3])[:48]
            if not sql.startswith("INSERT INTO messages (")
            else "INSERT INTO messages"
        )
        started = time.process_time()
        result = getattr(self._conn, method)(sql, *args)
        if method == "execute" and sql.lstrip().upper().startswith("SELECT"):
            result = list(result)  # the rows are read inside the timing
            result = _Rows(result)
        self._spent[kind] += time.process_time() - started
        self._calls[kind] += 1
        return result

    def execute(self, sql: str, *args: object) -> object:
        return self._timed("execute", sql, *args)

    def executemany(self, sql: str, *args: object) -> object:
        return self._timed("executemany", sql, *args)


class _Rows(list):  # type: ignore[type-arg]
    def fetchone(self) -> object:
        return self[0] if self else None

    def fetchall(self) -> list[object]:
        return list(self)


def ready_values(maildir: Path, cache: Path | None) -> dict[str, object]:
    """uid -> Ready of every message of the Maildir, as a parsing worker makes it."""
    if cache is not None and cache.exists():
        with cache.open("rb") as handle:
            return pickle.load(handle)  # noqa: S301 - our own file
    from benchmarks.corpus import SELLER
    from inbox_tui import parse_workers
    from inbox_tui.channels.files.maildir import MaildirReader

    parse_workers._start(frozenset({SELLER}))
    reader = MaildirReader(maildir)
    found: dict[str, object] = {}
    for folder in reader.folders():
        for listed in reader.listing(folder):
            uid = reader.uid_of(listed)
            item = reader.read(folder, uid, reader.path_of(folder, listed))
            (found[uid],) = parse_workers._parse_chunk([item.raw])
    if cache is not None:
        with cache.open("wb") as handle:
            pickle.dump(found, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return found


def store_once(
    maildir: Path, ready: dict[str, object], work: Path, wrap: object = None
) -> dict[str, object]:
    from benchmarks.corpus import SELLER
    from inbox_tui import importer
    from inbox_tui.store import Store

    def from_workers(items, *, seller, workers):  # type: ignore[no-untyped-def]
        for item in items:
            yield item, ready[item.uid]

    importer.parsed_in_workers = from_workers
    db = work / "storing.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    store = Store.open(db)
    if wrap is not None:
        store.conn = wrap(store.conn)
    cpu = time.process_time()
    wall = time.perf_counter()
    result = importer.import_maildir(store, maildir, seller_emails=frozenset({SELLER}), workers=2)
    cpu = time.process_time() - cpu
    wall = time.perf_counter() - wall
    tickets = store.conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
    store.close()
    return {
        "cpu_s": round(cpu, 3),
        "wall_s": round(wall, 3),
        "added": result.added,
        "tickets": tickets,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--maildir", type=Path, required=True)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--photos", action="store_true")
    parser.add_argument("--code", type=Path)
    parser.add_argument("--ready", type=Path, help="Cache of the parsed messages (pickle).")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--statements", action="store_true")
    parser.add_argument("--profile", type=int, default=0)
    args = parser.parse_args()

    if not (args.maildir / "cur").exists():
        from benchmarks.corpus import generate

        for sub in ("cur", "new", "tmp"):  # as import.py builds it
            (args.maildir / sub).mkdir(parents=True, exist_ok=True)
        for index, raw in enumerate(generate(args.messages, photos=args.photos)):
            (args.maildir / "cur" / f"{index:08d}.bench:2,S").write_bytes(raw)
    ready = ready_values(args.maildir, args.ready)
    work = Path(tempfile.mkdtemp(prefix="storing-", dir=ROOT / "benchmarks" / "out"))
    report: dict[str, object] = {
        "code": str(args.code or ROOT),
        "messages": len(ready),
        "load_before": [round(x, 2) for x in os.getloadavg()],
    }
    report["rounds"] = [store_once(args.maildir, ready, work) for _ in range(args.rounds)]
    if args.statements:
        spent: dict[str, float] = defaultdict(float)
        calls: dict[str, int] = defaultdict(int)
        timed = store_once(
            args.maildir, ready, work, lambda conn: TimedConnection(conn, spent, calls)
        )
        report["statements_round"] = timed
        report["statements"] = {
            kind: [round(spent[kind], 3), calls[kind]]
            for kind in sorted(spent, key=spent.__getitem__, reverse=True)
        }
        report["statements_sum_s"] = round(sum(spent.values()), 3)
    if args.profile:
        import cProfile
        import io
        import pstats

        profile = cProfile.Profile()
        profile.enable()
        store_once(args.maildir, ready, work)
        profile.disable()
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(os.environ.get("SORT", "tottime")).print_stats(
            args.profile
        )
        print(out.getvalue(), file=sys.stderr)
    report["load_after"] = [round(x, 2) for x in os.getloadavg()]
    for path in work.iterdir():
        path.unlink()
    work.rmdir()
    print(json.dumps(report))


if __name__ == "__main__":
    main()

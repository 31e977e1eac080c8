"""The measuring half of benchmarks/million.py (`million.py measure`): each store copied, each
figure taken in a fresh process with the other benchmarks' own code (tui.py's first paint and
j/k, search.py's queries, stats.py's screen, import.py's corpus), then ratios 1M / anchor."""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import million, tui

ROOT = million.ROOT
SIZE = (160, 48)

SEARCH = """
import json, sys
sys.path.insert(0, sys.argv[2])
from benchmarks import million, search
search.NOW = million.NOW
if sys.argv[3] == "compact":
    from inbox_tui.store import Store
    from inbox_tui.store.ingest import compact_search_index
    store = Store.open(sys.argv[1])
    compact_search_index(store)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
print(json.dumps(search.run(__import__("pathlib").Path(sys.argv[1]), 3)))
"""

# Brings a copy to the checkout's schema (Store.open migrates), timed, with the size of the
# search indexes (dbstat) before and after: what a seller's first open after an upgrade costs.
MIGRATE = """
import json, os, sqlite3, sys, time
sys.path.insert(0, sys.argv[2])
from inbox_tui.store import Store
TABLES = [f"{index}_{shadow}" for index in ("messages_fts", "messages_fts_to")
          for shadow in ("data", "idx", "docsize", "config")]
def sizes(path):
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        mb = {}
        for table in TABLES:
            pages = conn.execute("SELECT sum(pgsize) FROM dbstat WHERE name = ?", (table,))
            index = table.rsplit("_", 1)[0]
            mb[index] = mb.get(index, 0) + (pages.fetchone()[0] or 0) / 2**20
        return version, {index: round(size, 1) for index, size in mb.items()}
    finally:
        conn.close()
before, before_mb = sizes(sys.argv[1])
started, cpu = time.perf_counter(), time.process_time()
Store.open(sys.argv[1]).close()
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
after, after_mb = sizes(sys.argv[1])
print(json.dumps({"schema": [before, after], "wall_s": round(seconds, 1), "cpu_s": round(cpu, 1),
                  "index_mb_before": before_mb, "index_mb_after": after_mb,
                  "file_mb_after": round(os.path.getsize(sys.argv[1]) / 2**20, 1),
                  "load_avg_1m": round(os.getloadavg()[0], 2)}))
"""

IMPORT = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[2])
from pathlib import Path
from benchmarks.corpus import SELLER
from inbox_tui.importer import import_maildir
from inbox_tui.store import Store
from inbox_tui.store.ingest import known_uids
store = Store.open(sys.argv[1])
marks = [(time.perf_counter(), 0)]
def progress(n):
    marks.append((time.perf_counter(), marks[-1][1] + n))
cpu = time.process_time()
result = import_maildir(store, Path(sys.argv[3]), seller_emails=frozenset({SELLER}),
                        progress=progress)
cpu = time.process_time() - cpu
rates = [round((b[1] - a[1]) / (b[0] - a[0])) for a, b in zip(marks, marks[1:]) if b[1] > a[1]]
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
# every uid of the store's own (built) Maildir as the importer lists them before an import
started = time.perf_counter()
known = known_uids(store, sys.argv[4], "")
known_s = time.perf_counter() - started
rss_known = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"added": result.added, "seconds": round(result.seconds, 2),
                  "msg_per_s": round(result.added / result.seconds), "cpu_s": round(cpu, 2),
                  "batch_msg_per_s": rates, "peak_rss_mb": round(rss, 1),
                  "known_uids": len(known), "known_uids_ms": round(known_s * 1000, 1),
                  "peak_rss_after_known_uids_mb": round(rss_known, 1)}))
"""


def _child(code: str, *args: object) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, cwd=ROOT
    )
    if out.returncode:
        sys.stderr.write(out.stderr)
        raise RuntimeError(f"child failed ({out.returncode})")
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


WORK: Path | None = None
"""Where the measured copies go (`--work`); None: next to the stores. Nothing is ever written
into a built store itself."""


def _copy(db: Path, name: str) -> Path:
    copy = (WORK or db.parent) / name
    _remove(copy)
    shutil.copyfile(db, copy)
    return copy


def _remove(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)


def store_size(db: Path) -> dict[str, object]:
    """Bytes a message: the file, and per table with its indexes (dbstat; FTS5 shadow tables
    under their index's name)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        messages = conn.execute("SELECT count(*) FROM messages").fetchone()[0]
        owner = dict(conn.execute("SELECT name, tbl_name FROM sqlite_master"))
        tables: dict[str, int] = {}
        for name, size in conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"):
            table = owner.get(name, name)
            for fts in ("messages_fts_to", "messages_fts"):
                if table.startswith(fts + "_"):
                    table = fts
                    break
            tables[table] = tables.get(table, 0) + size
    finally:
        conn.close()
    total = db.stat().st_size
    return {
        "messages": messages,
        "mb": round(total / 2**20, 1),
        "bytes_per_message": round(total / messages),
        "per_message_by_table": {
            name: round(size / messages)
            for name, size in sorted(tables.items(), key=lambda item: -item[1])
            if size / messages >= 5
        },
    }


def corpus_maildir() -> Path:
    """import.py's 10,000-message corpus (corpus.py), built once; its Message-IDs have a prefix
    of their own (the built stores' are corpus.py's default `bench-N`: the same IDs would
    thread the new mail into the store's old tickets)."""
    from benchmarks.corpus import generate

    path = million.OUT / "Maildir-10k-import"
    if not (path / "cur").exists() or len(list((path / "cur").iterdir())) != 10_000:
        shutil.rmtree(path, ignore_errors=True)
        for sub in ("cur", "new", "tmp"):
            (path / sub).mkdir(parents=True, exist_ok=True)
        for index, raw in enumerate(generate(10_000, id_prefix="import10k")):
            (path / "cur" / f"{index:08d}.bench:2,S").write_bytes(raw)
    return path


def measure_search(db: Path, codes: tuple[Path, ...]) -> dict[str, object]:
    """The search with each checkout's code (`--code`; default this one): each on a fresh copy,
    brought to that code's schema first (MIGRATE), then as built, then compacted. The first
    code's figures are the ones the ratios use."""
    result: dict[str, object] = {}
    for index, code in enumerate(codes):
        run = _copy(db, "search.db")
        try:
            measured = {
                "migrate": _child(MIGRATE, run, code),
                "search_as_built": _child(SEARCH, run, code, "as-built"),
                "search_compacted": _child(SEARCH, run, code, "compact"),
            }
        finally:
            _remove(run)
        if index == 0:
            result.update(measured)
        result.setdefault("search_by_code", {})[str(code)] = measured  # type: ignore[index]
    return result


def measure_store(db: Path, only: set[str], codes: tuple[Path, ...] = (ROOT,)) -> dict[str, object]:
    result: dict[str, object] = {}
    if "size" in only:
        result["size"] = store_size(db)
    run = _copy(db, "run.db") if only & {"paint", "jk"} else db
    try:
        if "paint" in only:
            result["first_paint"] = tui.first_paint(run, SIZE, 3)
        if "jk" in only:
            out = subprocess.run(
                [sys.executable, str(ROOT / "benchmarks" / "tui.py"), "--measure", str(run)]
                + ["--size", "x".join(map(str, SIZE)), "--only", "jk"],
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
            if out.returncode:
                sys.stderr.write(out.stderr)
                raise RuntimeError("jk failed")
            result["jk"] = json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        if run != db:
            _remove(run)
    if "search" in only:
        result.update(measure_search(db, codes))
    if "stats" in only:
        from benchmarks import stats

        result["stats"] = stats._run(db, "x".join(map(str, SIZE)), 3, WORK)
    if "import" in only:
        maildir = corpus_maildir()
        run = _copy(db, "import.db")
        try:
            result["import_10k"] = _child(IMPORT, run, ROOT, maildir, million.SOURCE)
        finally:
            _remove(run)
    return result


def _ratio(big: float, small: float) -> float:
    return round(big / max(small, 0.01), 2)


def ratios(anchor: dict[str, object], big: dict[str, object]) -> dict[str, object]:
    """1M / anchor, for the figures the issue sets aims for."""

    def get(result: dict[str, object], *path: str) -> float | None:
        value: object = result
        for key in path:
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        return value if isinstance(value, int | float) else None

    figures = {
        "first_paint_p50": ("first_paint", "from_process_start_ms", "p50"),
        "first_paint_after_imports_p50": ("first_paint", "after_imports_ms", "p50"),
        "paint_peak_rss": ("first_paint", "peak_rss_mb"),
        "jk_settled_p95": ("jk", "jk", "settled", "p95"),
        "jk_cpu_p95": ("jk", "jk", "cpu", "p95"),
        "jk_peak_rss": ("jk", "peak_rss_mb"),
        "stats_report_frame_p50": ("stats", "screen", "report_frame_ms", "p50"),
        "stats_cold_whole_report": ("stats", "screen_cold", "whole_report_frame_ms"),
        "import_msg_per_s": ("import_10k", "msg_per_s"),
        "bytes_per_message": ("size", "bytes_per_message"),
    }
    for state in ("as_built", "compacted"):
        for kind in ("typing", "rare", "filter", "mixed", "to"):
            for what in ("page_p95_ms", "count_p95_ms"):
                figures[f"search_{state}_{kind}_{what}"] = (f"search_{state}", kind, what)
    out: dict[str, object] = {}
    for name, path in figures.items():
        a, b = get(anchor, *path), get(big, *path)
        if a is not None and b is not None:
            out[name] = _ratio(b, a)
    return out


def measure_all(args: argparse.Namespace) -> dict[str, object]:
    global WORK
    only = {part.strip() for part in args.only.split(",") if part.strip()}
    codes = tuple(Path(code).resolve() for code in (args.code or [ROOT]))
    WORK = args.work
    report: dict[str, object] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}",
        "load_avg_1m_before": round(os.getloadavg()[0], 2),
        "search_codes": [str(code) for code in codes],
    }
    stores = {}
    for label, count in (("anchor", args.anchor), ("million", args.messages)):
        if label not in args.stores.split(","):
            continue
        db = million.store_path(count, args.out)
        if not million.kept(db, count):
            raise SystemExit(f"error: no built store of {count} messages at {db}; run build")
        stores[label] = db
    if "import" in only:  # the same corpus into an empty store, as the anchor of anchors
        empty = args.out / "empty.db"
        _remove(empty)
        started = time.perf_counter()
        report["import_10k_empty"] = _child(IMPORT, empty, ROOT, corpus_maildir(), million.SOURCE)
        report["import_10k_empty"]["wall_s"] = round(time.perf_counter() - started, 1)  # type: ignore[index]
        _remove(empty)
    for label, db in stores.items():
        started = time.perf_counter()
        report[label] = measure_store(db, only, codes)
        report[label]["measure_wall_s"] = round(time.perf_counter() - started, 1)  # type: ignore[index]
        print(f"measured {label}", file=sys.stderr)
    if len(stores) == 2:
        report["ratios_1m_to_anchor"] = ratios(report["anchor"], report["million"])  # type: ignore[arg-type]
    report["load_avg_1m_after"] = round(os.getloadavg()[0], 2)
    return report

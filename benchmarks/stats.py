"""The stats screen's cost: on the demo inbox and on a 100,000-message store, headless.

    .venv/bin/python benchmarks/stats.py [--big PATH] [--runs 5] [--size 160x48]

The demo is built once under benchmarks/out/stats-demo/ (fixed clock); the big store is
benchmarks/out/import-100k/bench.db, built with benchmarks/corpus.py as import.py builds it
(100,000 messages, 36,667 tickets over three years; ~60 s, kept) unless --big names another.
Each store is copied and measured in a fresh process, with "now" its newest message:

- report: `build_report` for 30 days, cold (the kept topics deleted first: what the first
  look after an import costs) and warm (the topics kept, as every later look);
- unusual: the inbox's "unusual now" worker (`unusual_now`, warm);
- screen: S pressed as a terminal would send it (`driver.send_message`), to the first frame
  of the stats screen ("counting…") and to the frame that shows the report (wall, and the
  process's CPU meanwhile); then a key (j) pressed while a report is being counted, to its
  frame (the worker must not block keys);
  once cold first (no topic matched): to the first report (shown without topics when many
  are to be matched) and to the whole one.

Prints one JSON object (milliseconds); benchmarks/README.md keeps the last results.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

OUT = ROOT / "benchmarks" / "out"
DEMO_NOW = datetime(2026, 11, 29, 23, 0, tzinfo=UTC)
TARGETS_MS = {"demo": 300, "big": 1000}  # the stats screen shows its report within these


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50": round(statistics.median(ordered), 1),
        "max": round(ordered[-1], 1),
        "n": len(ordered),
    }


def demo_store() -> Path:
    from inbox_tui.demo import build_demo
    from inbox_tui.store import Store

    path = OUT / "stats-demo" / "demo.db"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        store = Store.open(path)
        build_demo(store, now=DEMO_NOW)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
    return path


def big_store() -> Path:
    """The 100k-message store of import.py (built here the same way when missing)."""
    from inbox_tui.importer import import_maildir
    from inbox_tui.store import Store

    work = OUT / "import-100k"
    db = work / "bench.db"
    if db.exists():
        return db
    bench_import = importlib.import_module("benchmarks.import")
    if not (work / "Maildir" / "cur").exists():
        bench_import.build_maildir(work / "Maildir", 100_000)
    store = Store.open(db)
    import_maildir(store, work / "Maildir", seller_emails=frozenset({bench_import.SELLER}))
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return db


# --- in the measuring process ----------------------------------------------------------------


def measure(db: Path, size: tuple[int, int], runs: int) -> dict[str, object]:
    from textual import events

    from inbox_tui.stats.report import build_report, unusual_now
    from inbox_tui.store import Store
    from inbox_tui.store.trends import newest_message_at
    from inbox_tui.templates import shipped_templates
    from inbox_tui.tui.app import InboxApp
    from inbox_tui.tui.screens.stats import StatsScreen

    store = Store.open(db)
    now = newest_message_at(store)
    assert now is not None, "an empty store"
    templates = shipped_templates()
    store.conn.execute("DELETE FROM message_topics")
    results: dict[str, object] = {
        "tickets": store.conn.execute("SELECT count(*) FROM tickets").fetchone()[0],
        "messages": store.conn.execute("SELECT count(*) FROM messages").fetchone()[0],
        "now": now.isoformat(),
    }

    def timed(function) -> float:  # noqa: ANN001
        started = time.perf_counter()
        function()
        return (time.perf_counter() - started) * 1000

    report = None

    def build() -> None:
        nonlocal report
        report = build_report(store, now=now, days=30, templates=templates)

    results["report_cold_ms"] = round(timed(build), 1)
    results["report_warm_ms"] = _stats([timed(build) for _ in range(runs)])
    results["report_tickets_30d"] = report.tickets if report else 0
    results["unusual"] = [f.explanation for f in report.unusual] if report else []
    results["unusual_now_warm_ms"] = _stats(
        [timed(lambda: unusual_now(store, now=now, templates=templates)) for _ in range(runs)]
    )
    store.close()

    app = InboxApp(Store.open(db), now=lambda: now)
    app.trends_after = 3600  # its own look for trends is measured above, not here
    frames: list[float] = []
    shown: list[float] = []
    display = app._display

    def _display(screen, renderable) -> None:  # noqa: ANN001
        if renderable is not None and not app._batch_count:
            renderable.render_segments(app.console)
            frames.append(time.perf_counter())
        display(screen, renderable)

    app._display = _display
    original = StatsScreen.show_report

    partial: list[float] = []

    def show_report(self, report, matching: int = 0) -> None:  # noqa: ANN001
        original(self, report, matching)
        (partial if matching else shown).append(time.perf_counter())

    StatsScreen.show_report = show_report  # type: ignore[method-assign]

    async def run() -> None:
        async with app.run_test(size=size) as pilot:

            async def quiet() -> None:
                await app.workers.wait_for_complete()
                for _ in range(3):
                    await pilot.pause(0.05)

            def send(key: str) -> float:
                event = events.Key(key, key if len(key) == 1 else None)
                event.set_sender(app)
                started = time.perf_counter()
                app._driver.send_message(event)
                return started

            async def frame_after(moment: float) -> float:
                deadline = time.perf_counter() + 30
                while time.perf_counter() < deadline:
                    later = [t for t in frames if t >= moment]
                    if later:
                        return later[0]
                    await asyncio.sleep(0.002)
                raise TimeoutError

            first, report_frame, during, cpu = [], [], [], []
            await quiet()
            # cold: no topic matched yet (the first look after an import)
            cold = sqlite3.connect(db)
            cold.execute("DELETE FROM message_topics")
            cold.commit()
            cold.close()
            started = send("S")
            while not shown:
                await asyncio.sleep(0.002)
            results["screen_cold"] = {
                "first_report_frame_ms": round(
                    (await frame_after((partial or shown)[0]) - started) * 1000, 1
                ),
                "without_topics_first": bool(partial),
                "whole_report_frame_ms": round((await frame_after(shown[0]) - started) * 1000, 1),
            }
            await quiet()
            send("escape")
            await quiet()
            for _ in range(runs):
                shown.clear()
                cpu_started = time.process_time()
                started = send("S")
                first.append((await frame_after(started) - started) * 1000)
                while not shown:
                    await asyncio.sleep(0.002)
                report_frame.append((await frame_after(shown[0]) - started) * 1000)
                cpu.append((time.process_time() - cpu_started) * 1000)
                await quiet()
                assert isinstance(app.screen, StatsScreen)
                # a key while the next report is counted (p: the 90 days)
                shown.clear()
                send("p")
                await asyncio.sleep(0.01)
                pressed = send("j")
                during.append((await frame_after(pressed) - pressed) * 1000)
                await quiet()
                send("escape")
                await quiet()
            results["screen"] = {
                "size": f"{size[0]}x{size[1]}",
                "first_frame_ms": _stats(first),
                "report_frame_ms": _stats(report_frame),
                # the process's CPU (every thread) from S to the report's frame: what a loaded
                # machine stretches, not what it adds
                "report_frame_cpu_ms": _stats(cpu),
                "key_while_counting_ms": _stats(during),
            }

    asyncio.run(run())
    return results


def _run(db: Path, size: str, runs: int, work: Path | None = None) -> dict[str, object]:
    """Measured on a copy in `work` (default: next to `db`)."""
    copy = (work or db.parent) / "stats-run.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(copy) + suffix).unlink(missing_ok=True)
    shutil.copyfile(db, copy)
    try:
        out = subprocess.run(
            [sys.executable, __file__, "--measure", str(copy), "--size", size,
             "--runs", str(runs)],
            capture_output=True, text=True, cwd=ROOT,
        )  # fmt: skip
        if out.returncode:
            sys.stderr.write(out.stderr)
            raise SystemExit(out.returncode)
        return json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(str(copy) + suffix).unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", type=Path, help="a large store to measure (default: import.py's)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", default="160x48", help="terminal size, COLSxROWS")
    parser.add_argument("--only", default="demo,big", help="demo, big or both")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    size = tuple(int(n) for n in args.size.lower().split("x"))
    if args.measure:
        print(json.dumps(measure(args.measure, size, args.runs)))  # type: ignore[arg-type]
        return
    report: dict[str, object] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}",
        "load_avg_1m_before": round(os.getloadavg()[0], 2),
    }
    for name in args.only.split(","):
        db = demo_store() if name == "demo" else (args.big or big_store())
        result = _run(db, args.size, args.runs)
        screen = result["screen"]
        assert isinstance(screen, dict)
        result["report_frame_to_target"] = round(
            screen["report_frame_ms"]["p50"] / TARGETS_MS[name], 2
        )
        report[name] = result
    report["load_avg_1m_after"] = round(os.getloadavg()[0], 2)
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()

"""IMAP sync speed against a real Dovecot, beside mbsync and offlineimap.

    .venv/bin/python benchmarks/sync.py [--messages 10000] [--keep DIR] [--skip-others]
        [--skip-offlineimap] [--workers N] [--more-workers N]

Starts an unprivileged Dovecot on loopback (the test harness, tests/dovecot.py), fills one
mailbox with N generated seller-style messages (threads of 1–6; plain, multipart/alternative
and HTML-only; English, Turkish and German; UTF-8 and ISO-8859-9; a few photos) written
straight into its Maildir, lets Dovecot index them, then measures on that server:

- inbox-tui's first sync (stored, parsed, threaded, full-text searchable), in a fresh process,
  as shipped (fetch-and-parse workers when the cores allow) and on one connection;
- a no-change re-sync (connect and login included);
- a re-sync after 100 new messages (APPENDed);
- `mbsync` (Debian `isync`) and `offlineimap` (Debian `offlineimap3`) doing the same first sync
  into an empty local Maildir (plain IMAP on loopback, pull only / read-only).

Every tool runs against a warm server: before the first measured run, every message is fetched
once and thrown away. Prints a table and one JSON object; benchmarks/README.md keeps the last.
Installs `isync` and `offlineimap3` with apt-get when they are missing and this runs as root;
otherwise says how and measures inbox-tui alone.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import SELLER  # noqa: E402
from benchmarks.corpus import generate as corpus  # noqa: E402

SECRET_ENV = "BENCH_IMAP_PASSWORD"


# --- generating the mailbox ---------------------------------------------------------------


def generate(count: int, *, start: int = 0, seed: int = 42) -> list[bytes]:
    return list(corpus(count, start=start, seed=seed, id_prefix="sync-bench", replies=True))


def fill_maildir(maildir: Path, mails: list[bytes]) -> None:
    """Straight into Dovecot's Maildir (much faster than APPEND); Dovecot indexes on SELECT."""
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True, exist_ok=True)
    base = 1_760_000_000
    for index, raw in enumerate(mails):
        (maildir / "cur" / f"{base + index}.M{index}P1.bench,S={len(raw)}:2,").write_bytes(raw)
    if os.geteuid() == 0:  # the mail processes run as `dovecot`
        subprocess.run(["chown", "-R", "dovecot:dovecot", str(maildir)], check=True)


def index_and_warm(account) -> float:
    """SELECT (Dovecot assigns UIDs and builds its index), then fetch every body once."""
    started = time.perf_counter()
    client = account.client()
    try:
        client.select_folder("INBOX", readonly=True)
        uids = client.search(["ALL"])
        for chunk in range(0, len(uids), 1000):
            client.fetch(uids[chunk : chunk + 1000], ["BODY.PEEK[]", "FLAGS", "INTERNALDATE"])
    finally:
        client.logout()
    return time.perf_counter() - started


# --- inbox-tui, each sync in a fresh process ------------------------------------------------


def child_sync(db: Path, host: str, port: int, username: str) -> None:
    """One `sync_source` in this process; prints seconds, counts and peak RSS as JSON."""
    started_process = time.perf_counter()
    from inbox_tui.channels.imap.sync import sync_source
    from inbox_tui.config import ImapSourceConfig
    from inbox_tui.store import Store
    from inbox_tui.store.search import count_search

    config = ImapSourceConfig(
        name="bench",
        kind="imap",
        host=host,
        port=port,
        tls="none",
        username=username,
        password_env=SECRET_ENV,
    )
    store = Store.open(db)
    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    before = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = before.ru_utime + before.ru_stime
    started = time.perf_counter()
    workers = int(os.environ["BENCH_WORKERS"]) if os.environ.get("BENCH_WORKERS") else None
    [result] = sync_source(store, config, seller_emails=frozenset({SELLER}), workers=workers)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # fetch-and-parse workers
    cpu = usage.ru_utime + usage.ru_stime - cpu_before + children.ru_utime + children.ru_stime
    if os.environ.get("BENCH_PROFILE"):
        profiler.disable()
        profiler.dump_stats(os.environ["BENCH_PROFILE"])
    messages, tickets = store.conn.execute(
        "SELECT (SELECT count(*) FROM messages), (SELECT count(*) FROM tickets)"
    ).fetchone()
    searchable = count_search(store, "Rücksendeetikett", cap=0)  # via the FTS index
    store.close()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "process_seconds": time.perf_counter() - started_process,
                "new": result.new,
                "errors": result.errors,
                "failed": result.failed,
                "messages": messages,
                "tickets": tickets,
                "search_hits": searchable,
                "cpu": cpu,
                "rss_mb": usage.ru_maxrss / 1024,
                "worker_rss_mb": children.ru_maxrss / 1024,
            }
        )
    )


def time_uid_listing(account, repeat: int = 7) -> dict[str, float]:
    """Median ms to list every UID of the folder (how expunges are found): SEARCH vs ESEARCH."""
    from inbox_tui.channels.imap.session import all_uids

    client = account.client()
    try:
        client.select_folder("INBOX", readonly=True)
        result = {}
        for name, esearch in (("search_all_ms", False), ("esearch_all_ms", True)):
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                all_uids(client, esearch=esearch)
                times.append((time.perf_counter() - started) * 1000)
            result[name] = round(sorted(times)[repeat // 2], 1)
        return result
    finally:
        client.logout()


def run_inbox_tui(
    db: Path, account, profile: Path | None = None, workers: int | None = None
) -> dict:
    env = dict(os.environ, **{SECRET_ENV: account.password})
    if workers is not None:
        env["BENCH_WORKERS"] = str(workers)
    if profile:
        env["BENCH_PROFILE"] = str(profile)
    args = [sys.executable, __file__, "--child-sync", str(db), account.host, str(account.port)]
    out = subprocess.run(
        [*args, account.username], capture_output=True, text=True, cwd=ROOT, env=env, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- mbsync and offlineimap -----------------------------------------------------------------


def ensure_tools() -> dict[str, str | None]:
    found = {"mbsync": shutil.which("mbsync"), "offlineimap": shutil.which("offlineimap")}
    missing = [tool for tool, path in found.items() if path is None]
    if not missing:
        return found
    packages = ["isync" if tool == "mbsync" else "offlineimap3" for tool in missing]
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"installing {' '.join(packages)} with apt-get …", file=sys.stderr)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", *packages], check=False, env=env)
        found = {"mbsync": shutil.which("mbsync"), "offlineimap": shutil.which("offlineimap")}
    for tool, path in found.items():
        if path is None:
            package = "isync" if tool == "mbsync" else "offlineimap3 (or offlineimap)"
            print(f"{tool} missing: sudo apt-get install {package}; not measured", file=sys.stderr)
    return found


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{command[0]} failed ({done.returncode}): {done.stderr[-2000:]}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return seconds, cpu


def count_maildir(path: Path) -> int:
    return sum(len(list(path.glob(f"**/{sub}/*"))) for sub in ("cur", "new"))


def run_mbsync(binary: str, work: Path, account, *, fsync: bool) -> tuple[float, float, int]:
    """mbsync as shipped (`FSync yes`: every message file is fsynced) or with `FSync no`."""
    local = work / f"mbsync-{'fsync' if fsync else 'nofsync'}"
    local.mkdir()
    config = work / f"mbsyncrc-{'fsync' if fsync else 'nofsync'}"
    config.write_text(
        f"""FSync {"yes" if fsync else "no"}

IMAPAccount bench
Host {account.host}
Port {account.port}
User {account.username}
Pass {account.password}
SSLType None
AuthMechs LOGIN
PipelineDepth 50

IMAPStore remote
Account bench

MaildirStore local
Path {local}/
Inbox {local}/INBOX

Channel bench
Far :remote:
Near :local:
Patterns INBOX
Sync Pull
Create Near
SyncState *
"""
    )
    seconds, cpu = timed([binary, "-c", str(config), "-q", "bench"])
    return seconds, cpu, count_maildir(local)


def run_offlineimap(binary: str, work: Path, account) -> tuple[float, float, int]:
    local = work / "offlineimap-mail"
    local.mkdir()
    config = work / "offlineimaprc"
    config.write_text(
        f"""[general]
accounts = bench
metadata = {work}/offlineimap-meta
ui = quiet

[Account bench]
localrepository = local
remoterepository = remote

[Repository local]
type = Maildir
localfolders = {local}

[Repository remote]
type = IMAP
remotehost = {account.host}
remoteport = {account.port}
remoteuser = {account.username}
remotepass = {account.password}
ssl = no
starttls = no
readonly = True
folderfilter = lambda folder: folder == 'INBOX'
"""
    )
    seconds, cpu = timed([binary, "-c", str(config), "-o", "-u", "quiet"])
    return seconds, cpu, count_maildir(local)


# --- the run --------------------------------------------------------------------------------


def machine() -> str:
    model = ""
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    dovecot = subprocess.run(["dovecot", "--version"], capture_output=True, text=True)
    return (
        f"{platform.machine()}, {os.cpu_count()} cores ({model}), Python"
        f" {platform.python_version()}, SQLite {sqlite3.sqlite_version},"
        f" Dovecot {dovecot.stdout.split()[0] if dovecot.stdout else '?'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="Work in (and keep) this folder.")
    parser.add_argument("--skip-others", action="store_true", help="Measure inbox-tui alone.")
    parser.add_argument(
        "--skip-offlineimap", action="store_true", help="mbsync as the only anchor (quicker)."
    )
    parser.add_argument("--profile", type=Path, help="cProfile the first sync into this file.")
    parser.add_argument(
        "--workers",
        type=int,
        help="Fetch-and-parse processes for the first sync (default: as inbox-tui decides).",
    )
    parser.add_argument(
        "--more-workers",
        type=int,
        help="Also time a first sync with this many fetch-and-parse processes (another store).",
    )
    parser.add_argument("--child-sync", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_sync:
        db, host, port, username = args.child_sync
        child_sync(Path(db), host, int(port), username)
        return

    from tests.dovecot import start_dovecot

    tools = {} if args.skip_others else ensure_tools()
    if args.skip_offlineimap:
        tools.pop("offlineimap", None)
    out = ROOT / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    work = args.keep or Path(tempfile.mkdtemp(prefix="sync-", dir=out))
    work.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()

    started = time.perf_counter()
    mails = generate(args.messages)
    later = generate(100, start=args.messages, seed=7)
    print(
        f"generated {len(mails)} messages in {time.perf_counter() - started:.1f}s", file=sys.stderr
    )

    server_gen = start_dovecot()
    server = next(server_gen)
    try:
        account = server.add_user()
        started = time.perf_counter()
        fill_maildir(account.maildir, mails)
        fill_s = time.perf_counter() - started
        index_s = index_and_warm(account)
        print(
            f"Maildir written in {fill_s:.1f}s; indexed + warmed in {index_s:.1f}s", file=sys.stderr
        )

        rows: list[tuple[str, float, float, int]] = []
        report: dict = {}
        if tools.get("mbsync"):
            seconds, cpu, got = run_mbsync(tools["mbsync"], work, account, fsync=True)
            rows.append(("mbsync first sync (plain download)", seconds, cpu, got))
            report["mbsync_s"], report["mbsync_messages"] = seconds, got
            seconds, cpu, got = run_mbsync(tools["mbsync"], work, account, fsync=False)
            rows.append(("mbsync first sync, FSync no", seconds, cpu, got))
            report["mbsync_nofsync_s"] = round(seconds, 2)
        if tools.get("offlineimap"):
            seconds, cpu, got = run_offlineimap(tools["offlineimap"], work, account)
            rows.append(("offlineimap first sync", seconds, cpu, got))
            report["offlineimap_s"], report["offlineimap_messages"] = seconds, got

        db = work / "inbox.db"
        single_db = work / "single.db"
        more_db = work / "more.db"
        for path in (db, single_db, more_db):
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        single = run_inbox_tui(single_db, account, workers=0)  # one connection, one core
        first = run_inbox_tui(db, account, args.profile, workers=args.workers)  # as shipped
        more = None
        if args.more_workers:
            more = run_inbox_tui(more_db, account, workers=args.more_workers)
        again = run_inbox_tui(db, account)
        client = account.client()
        try:
            for raw in later:
                client.append("INBOX", raw)
        finally:
            client.logout()
        after_100 = run_inbox_tui(db, account)
        uid_listing = time_uid_listing(account)
    finally:
        server_gen.close()

    rows[0:0] = [
        ("inbox-tui first sync", first["seconds"], first["cpu"], first["new"]),
        ("inbox-tui first sync, one connection", single["seconds"], single["cpu"], single["new"]),
        ("inbox-tui no-change re-sync", again["seconds"], again["cpu"], again["new"]),
        (
            "inbox-tui re-sync after 100 new",
            after_100["seconds"],
            after_100["cpu"],
            after_100["new"],
        ),
    ]
    if more is not None:
        rows.insert(
            2,
            (
                f"inbox-tui first sync, {args.more_workers} workers",
                more["seconds"],
                more["cpu"],
                more["new"],
            ),
        )
    mbsync_s = report.get("mbsync_s")
    print(
        f"\n{'':38} {'seconds':>9} {'CPU s':>7} {'messages':>9} {'msg/s':>8} {'× mbsync time':>14}"
    )
    for name, seconds, cpu, got in rows:
        rate = f"{got / seconds:,.0f}" if got else "-"
        ratio = f"{seconds / mbsync_s:.2f}" if mbsync_s else "-"
        print(f"{name:38} {seconds:9.3f} {cpu:7.2f} {got:9,} {rate:>8} {ratio:>14}")
    print(
        f"inbox-tui peak RSS {max(first['rss_mb'], again['rss_mb'], after_100['rss_mb']):.0f} MB;"
        f" {first['messages']:,} messages in {first['tickets']:,} tickets;"
        f" process wall of the first sync incl. Python start {first['process_seconds']:.2f}s\n"
    )
    report = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": machine(),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "messages": args.messages,
        "maildir_mb": round(sum(len(m) for m in mails) / 2**20, 1),
        "fill_s": round(fill_s, 2),
        "index_and_warm_s": round(index_s, 2),
        "first_sync_s": round(first["seconds"], 2),
        "first_sync_process_s": round(first["process_seconds"], 2),
        "first_sync_msg_per_s": round(first["new"] / first["seconds"]),
        "first_sync_cpu_s": round(first["cpu"], 2),
        "first_sync_worker_rss_mb": round(first["worker_rss_mb"], 1),
        "one_connection_first_sync_s": round(single["seconds"], 2),
        "one_connection_first_sync_cpu_s": round(single["cpu"], 2),
        "first_sync_new": first["new"],
        "first_sync_errors": first["errors"],
        "tickets": first["tickets"],
        "search_hits": first["search_hits"],
        "nochange_resync_ms": round(again["seconds"] * 1000, 1),
        "resync_100_new_s": round(after_100["seconds"], 3),
        "resync_100_new": after_100["new"],
        "peak_rss_mb": round(max(first["rss_mb"], again["rss_mb"], after_100["rss_mb"]), 1),
        **report,
    }
    if more is not None:
        report["more_workers"] = args.more_workers
        report["more_workers_first_sync_s"] = round(more["seconds"], 2)
        report["more_workers_first_sync_cpu_s"] = round(more["cpu"], 2)
        report["more_workers_first_sync_new"] = more["new"]
    if mbsync_s:
        report["first_sync_vs_mbsync"] = round(first["seconds"] / mbsync_s, 2)
        report["one_connection_vs_mbsync"] = round(single["seconds"] / mbsync_s, 2)
        if report.get("mbsync_nofsync_s"):
            report["first_sync_vs_mbsync_nofsync"] = round(
                first["seconds"] / report["mbsync_nofsync_s"], 2
            )
        if more is not None:
            report["more_workers_vs_mbsync"] = round(more["seconds"] / mbsync_s, 2)
            if report.get("mbsync_nofsync_s"):
                report["more_workers_vs_mbsync_nofsync"] = round(
                    more["seconds"] / report["mbsync_nofsync_s"], 2
                )
        report["mbsync_msg_per_s"] = round(report["mbsync_messages"] / mbsync_s)
    if report.get("offlineimap_s"):
        report["offlineimap_vs_first_sync"] = round(report["offlineimap_s"] / first["seconds"], 2)
        report["offlineimap_msg_per_s"] = round(
            report["offlineimap_messages"] / report["offlineimap_s"]
        )
    for key in ("mbsync_s", "offlineimap_s"):
        if key in report:
            report[key] = round(report[key], 2)
    report.update(uid_listing)
    print(
        f"listing {args.messages:,} UIDs to find expunges: SEARCH ALL {uid_listing['search_all_ms']} ms,"
        f" ESEARCH {uid_listing['esearch_all_ms']} ms (median of 7)"
    )
    print(json.dumps(report))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

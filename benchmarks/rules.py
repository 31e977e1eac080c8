"""What 20 rules cost on a 10k-message import and a 10k-message IMAP first sync.

    .venv/bin/python benchmarks/rules.py [--messages 10000] [--rounds 3] [--skip-sync]

Generates the benchmarks' seller mail (corpus.py), then, in fresh processes and alternating so
that a busy machine slows both alike: an import of it into an empty store with no rules and
with the 20 rules below (the import and the rules run after it, as `inbox-tui import` does);
and, against a real Dovecot holding the same mail (the test harness, as sync.py), a first sync
(one connection) with no rules and with them. Prints medians and the ratio, CPU and wall, as
one JSON object; benchmarks/README.md keeps the last.

`--window` sets `rules_max_age`: as shipped (7d) the generated mail, three years up to the
day before, is history the rules leave alone but for its last week; 2000d makes the rules act
on every message (a mailbox of 10k new messages: the worst case).

The rules are the shipped examples (three by topic, which run the suggester on every new
ticket; two deadline escalations; the out-of-hours acknowledgement) and 14 in the search
language, as a seller with many rules would write them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import SELLER  # noqa: E402

RULES = f"""\
seller:
  emails: [{SELLER}]
rules_max_age: {{window}}
sources:
  - name: bench
    kind: imap
    host: 127.0.0.1
    port: 9
    tls: none
    username: {SELLER}
    password_env: BENCH_IMAP_PASSWORD
    smtp: {{port: 9, tls: none, username: {SELLER}, password_env: BENCH_IMAP_PASSWORD}}
rules:
  - {{name: returns, when: {{topic: return-label, new: true}}, then: {{tag: returns}}}}
  - {{name: cancellations, when: {{topic: cancel, new: true}}, then: {{tag: cancellation}}}}
  - {{name: wismo, when: {{topic: wismo, new: true}}, then: {{tag: where-is-my-order}}}}
  - name: amazon-deadline
    when: {{search: "channel:amazon", no_reply_for: 20h}}
    then: {{priority: 3, flag: true}}
  - name: walmart-deadline
    when: {{search: "channel:walmart", no_reply_for: 40h}}
    then: {{priority: 3, flag: true}}
  - name: out-of-hours
    when: {{new: true, outside_business_hours: true, search: "channel:email"}}
    then: {{reply: ack}}
    once: ticket
  - {{name: ebay, when: {{search: "channel:ebay"}}, then: {{tag: ebay}}}}
  - {{name: etsy, when: {{search: "channel:etsy"}}, then: {{tag: etsy}}}}
  - {{name: refund-words, when: {{search: "subject:refund"}}, then: {{tag: refund, priority: 1}}}}
  - {{name: damaged, when: {{search: "damaged"}}, then: {{tag: damaged, flag: true}}}}
  - {{name: broken, when: {{search: "broken -tag:damaged"}}, then: {{tag: damaged}}}}
  - {{name: invoice, when: {{search: "subject:invoice"}}, then: {{tag: invoice}}}}
  - {{name: iade, when: {{search: "iade"}}, then: {{tag: returns}}}}
  - {{name: ruecksendung, when: {{search: "Rücksendung"}}, then: {{tag: returns}}}}
  - {{name: chasers, when: {{customer_messages_at_least: 3}}, then: {{priority: 2}}}}
  - {{name: many, when: {{customer_messages_at_least: 5}}, then: {{flag: true}}}}
  - {{name: follow-ups, when: {{new: false}}, then: {{untag: answered}}}}
  - {{name: vip, when: {{search: "from:mueller"}}, then: {{tag: vip}}}}
  - {{name: wholesale, when: {{search: "wholesale"}}, then: {{tag: b2b, priority: 2}}}}
  - {{name: thanks, when: {{search: "subject:thanks"}}, then: {{status: closed}}, stop: true}}
"""


def _usage() -> float:
    own, children = (
        resource.getrusage(r) for r in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def child(kind: str, db: Path, rules: bool, where: str) -> None:
    """One import or first sync (and the rules after it) in this process; prints JSON."""
    from inbox_tui.config import parse_config
    from inbox_tui.replies import run_rules
    from inbox_tui.store import Store

    text = RULES.replace("{window}", os.environ.get("BENCH_RULES_WINDOW", "7d"))
    config = parse_config(text if rules else text.split("rules:\n")[0])
    store = Store.open(db)
    cpu, started = _usage(), time.perf_counter()
    if kind == "import":
        from inbox_tui.importer import import_maildir

        import_maildir(store, Path(where), seller_emails=frozenset({SELLER}))
    else:
        from inbox_tui.channels.imap.sync import sync_source
        from inbox_tui.config import ImapSourceConfig

        host, port, username = where.split(",")
        source = ImapSourceConfig(
            name="bench", kind="imap", host=host, port=int(port), tls="none",
            username=username, password_env="BENCH_IMAP_PASSWORD",
        )  # fmt: skip
        sync_source(store, source, seller_emails=frozenset({SELLER}), workers=0)
    intake_s = time.perf_counter() - started
    report = run_rules(store, config, now=datetime(2026, 11, 2, 22, tzinfo=UTC))
    seconds, cpu = time.perf_counter() - started, _usage() - cpu
    tickets = store.conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
    store.close()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu": cpu,
                "rules_s": seconds - intake_s,
                "tickets": tickets,
                "firings": len(report.firings),
                "failures": len(report.failures),
            }
        )
    )


def run_child(kind: str, work: Path, rules: bool, where: str) -> dict:
    db = work / f"{kind}-{'rules' if rules else 'none'}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    args = [sys.executable, __file__, "--child", kind, str(db), "1" if rules else "0", where]
    env = dict(os.environ, BENCH_IMAP_PASSWORD=os.environ.get("BENCH_IMAP_PASSWORD", "x"))
    out = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def compare(kind: str, work: Path, where: str, rounds: int) -> dict:
    runs: dict[bool, list[dict]] = {False: [], True: []}
    for _ in range(rounds):
        for rules in (False, True):
            runs[rules].append(run_child(kind, work, rules, where))
    none, ruled = runs[False], runs[True]

    def median(rows: list[dict], key: str) -> float:
        return statistics.median(row[key] for row in rows)

    return {
        "without_s": round(median(none, "seconds"), 2),
        "with_s": round(median(ruled, "seconds"), 2),
        "wall_ratio": round(median(ruled, "seconds") / median(none, "seconds"), 3),
        "cpu_ratio": round(median(ruled, "cpu") / median(none, "cpu"), 3),
        "rules_s": round(median(ruled, "rules_s"), 2),
        "tickets": ruled[0]["tickets"],
        "firings": ruled[0]["firings"],
        "failures": ruled[0]["failures"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-sync", action="store_true")
    parser.add_argument(
        "--window",
        default="7d",
        help="rules_max_age: 7d as shipped (the generated mail is history: rules skip it);"
        " 2000d makes every message one the rules act on (the worst case).",
    )
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, db, rules, where = args.child
        child(kind, Path(db), rules == "1", where)
        return
    import importlib

    from benchmarks.sync import fill_maildir, generate, index_and_warm

    build_maildir = importlib.import_module("benchmarks.import").build_maildir

    os.environ["BENCH_RULES_WINDOW"] = args.window
    out = ROOT / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="rules-", dir=out))
    build_maildir(work / "Maildir", args.messages)
    report = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_before": os.getloadavg()[0],
        "rules_max_age": args.window,
        "import": compare("import", work, str(work / "Maildir"), args.rounds),
    }
    if not args.skip_sync:
        from tests.dovecot import start_dovecot

        server_gen = start_dovecot()
        server = next(server_gen)
        try:
            account = server.add_user()
            fill_maildir(account.maildir, generate(args.messages))
            index_and_warm(account)
            os.environ["BENCH_IMAP_PASSWORD"] = account.password
            where = f"{account.host},{account.port},{account.username}"
            report["first_sync"] = compare("sync", work, where, args.rounds)
        finally:
            next(server_gen, None)
    report["load_after"] = os.getloadavg()[0]
    print(json.dumps(report))


if __name__ == "__main__":
    main()

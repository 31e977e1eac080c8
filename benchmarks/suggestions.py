"""Template suggestions: top-1 and top-3 accuracy per language and split on the labelled set
(tests/data/suggestions.yaml), and what ranking costs for a 50-message thread.

    .venv/bin/python benchmarks/suggestions.py [--repeat 200]

Prints one JSON object. The cost is timed twice: the ranking alone (the library's index built
once, as the composer keeps it), and what the composer does when it opens, from the store (the
conversation, the order) to the three suggestions, on a 50-message ticket imported into a
fresh store. On code from before the suggester read conversations (db62264 and older) it ranks
the customer's newest message, as the composer did then: that is how "before" was measured.

    .venv/bin/python benchmarks/suggestions.py --time [--code DIR] [--against DIR --rounds 7]

`--time` prints only what ranking costs: the mean µs per ticket over the labelled set as the
composer ranks it (the library's index built once; the suggester's per-message caches emptied
before each pass, so every message is read afresh), and the p50 of the 50-message thread.
`--code DIR` times the `inbox_tui` of another checkout (e.g. a `git worktree` of main);
`--against DIR` alternates this checkout and DIR in `--rounds` pairs of fresh processes and
prints each side's median and the ratio, with the load average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_code = sys.argv[sys.argv.index("--code") + 1] if "--code" in sys.argv else None
sys.path.insert(0, str(ROOT))
if _code:  # its inbox_tui before this checkout's (the labelled set stays this checkout's)
    sys.path.insert(0, str(Path(_code).resolve()))

from inbox_tui.importer import import_maildir  # noqa: E402
from inbox_tui.store import Store  # noqa: E402
from inbox_tui.templates import shipped_templates  # noqa: E402
from tests.mailgen import make_mail, write_maildir  # noqa: E402
from tests.suggestion_set import LANGUAGES, SPLITS, Case, load_cases, score  # noqa: E402

SELLER = "hello@shop.example"
THREAD = 50


def ranker(templates):
    """How the composer ranks a case: the whole thread and the order, or (older code) the
    customer's newest message."""
    try:
        from inbox_tui.suggest import Said, Suggester  # noqa: F401 (Said: newer code only)
        from tests.suggestion_set import composer_ranking

        suggester = Suggester(templates)
        return "conversation", lambda case: composer_ranking(suggester, case)
    except ImportError:
        from inbox_tui.suggest import suggest

        return "newest message", lambda case: [
            t.key for t in suggest(templates, case.last_inbound, channel=case.channel)
        ]


def long_thread(cases: list[Case]) -> list[tuple[str, str]]:
    """50 messages, customer and seller in turn, from the set's own texts (~300 characters)."""
    texts = [m.text for case in cases for m in case.thread]
    thread = []
    for n in range(THREAD):
        text = " ".join(texts[(n * 7 + k) % len(texts)] for k in range(3))[:600]
        thread.append(("in" if n % 2 == 0 else "out", text))
    thread.append(("in", "Hello? I wrote 3 days ago and haven't heard back. Where is my order?"))
    return thread[-THREAD:]


def time_ranking(templates, thread: list[tuple[str, str]], repeat: int) -> dict[str, float]:
    try:
        from inbox_tui.suggest import Said, suggest_for_thread
    except ImportError:  # older code: the newest customer message only
        from inbox_tui.suggest import suggest

        newest = next(text for way, text in reversed(thread) if way == "in")
        run = lambda: suggest(templates, newest, channel="email")  # noqa: E731
    else:
        said = [Said(text, "Re: order", customer=way == "in") for way, text in thread]
        run = lambda: suggest_for_thread(templates, said, channel="email", order="shipped")  # noqa: E731
    started = time.perf_counter()
    run()  # the first: builds the index
    first = time.perf_counter() - started
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return {
        "first_ms": round(first * 1000, 2),
        "p50_ms": round(statistics.median(times) * 1000, 3),
        "p95_ms": round(sorted(times)[int(0.95 * len(times))] * 1000, 3),
    }


def time_composer(templates, thread: list[tuple[str, str]], repeat: int) -> dict[str, float]:
    """From the store to the suggestions, as ComposerScreen.on_mount does it."""
    try:
        from inbox_tui.suggest import suggest_for_thread
        from inbox_tui.tui.screens.composer import suggestion_input
    except ImportError:
        return {}
    now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    customer = ("Ben Hughes", "ben@example.com")
    mails = []
    for n, (way, text) in enumerate(thread):
        sender, to = (customer, ("Shop", SELLER)) if way == "in" else (("Shop", SELLER), customer)
        mails.append(
            make_mail(
                subject="Re: Order 1388" if n else "Order 1388",
                sender=sender,
                to=to,
                body=text,
                message_id=f"<m{n}@example.com>",
                in_reply_to=f"<m{n - 1}@example.com>" if n else None,
                date=now - timedelta(hours=THREAD - n),
            )
        )
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(":memory:")
        import_maildir(store, write_maildir(Path(folder) / "Mail", mails), seller_emails={SELLER})
        ticket = store.conn.execute("SELECT ticket_id FROM messages LIMIT 1").fetchone()[0]
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            said, order = suggestion_input(store, ticket)
            suggest_for_thread(templates, said, channel="email", order=order)
            times.append(time.perf_counter() - started)
        store.close()
    return {
        "messages_in_ticket": len(thread),
        "p50_ms": round(statistics.median(times) * 1000, 3),
        "p95_ms": round(sorted(times)[int(0.95 * len(times))] * 1000, 3),
    }


def _caches() -> list:
    """The suggester's caches of what it read (not its per-library index)."""
    import inbox_tui.suggest as suggest

    return [
        getattr(suggest, name)
        for name in dir(suggest)
        if callable(getattr(getattr(suggest, name), "cache_clear", None))
        and not name.startswith("_suggester")
    ]


def time_per_ticket(templates, cases: list[Case], passes: int) -> dict[str, float]:
    """Mean µs per ticket over the labelled set, every message read afresh in each pass."""
    caches = _caches()
    _, rank = ranker(templates)
    for case in cases:  # the index built, the code warm
        rank(case)
    means = []
    for _ in range(passes):
        for cache in caches:
            cache.cache_clear()
        started = time.perf_counter()
        for case in cases:
            rank(case)
        means.append((time.perf_counter() - started) / len(cases) * 1e6)
    return {"us_per_ticket": round(statistics.median(means), 1)}


def timing(args) -> dict:
    templates = shipped_templates()
    cases = load_cases()
    out = time_per_ticket(templates, cases, args.passes)
    thread = long_thread(cases)
    out["rank_50_messages_p50_ms"] = time_ranking(templates, thread, args.repeat)["p50_ms"]
    from inbox_tui.suggest import Said, suggest_for_thread

    said = [Said(text, "Re: order", customer=way == "in") for way, text in thread]
    times = []
    for _ in range(args.repeat // 2):  # every message read afresh: a thread opened the first time
        for cache in _caches():
            cache.cache_clear()
        started = time.perf_counter()
        suggest_for_thread(templates, said, channel="email", order="shipped")
        times.append(time.perf_counter() - started)
    out["rank_50_messages_cold_p50_ms"] = round(statistics.median(times) * 1000, 3)
    return out


def against(args) -> dict:
    """This checkout and another, alternating in fresh processes."""
    sides: dict[str, list[dict]] = {"this": [], "other": []}
    load_before = os.getloadavg()
    for _ in range(args.rounds):
        for side, code in (("other", args.against), ("this", str(ROOT))):
            command = [sys.executable, __file__, "--time", "--code", code]
            command += ["--passes", str(args.passes), "--repeat", str(args.repeat)]
            result = subprocess.run(command, check=True, capture_output=True, text=True)
            sides[side].append(json.loads(result.stdout))
    out: dict = {"rounds": args.rounds, "load_before": [round(x, 2) for x in load_before]}
    for key in ("us_per_ticket", "rank_50_messages_p50_ms", "rank_50_messages_cold_p50_ms"):
        this = statistics.median(r[key] for r in sides["this"])
        other = statistics.median(r[key] for r in sides["other"])
        out[key] = {
            "this": this,
            "other": other,
            "this_over_other": round(this / other, 3),
            "runs_this": [r[key] for r in sides["this"]],
            "runs_other": [r[key] for r in sides["other"]],
        }
    out["load_after"] = [round(x, 2) for x in os.getloadavg()]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--time", action="store_true", help="only what ranking costs")
    parser.add_argument("--passes", type=int, default=5, help="--time: passes over the set")
    parser.add_argument("--code", help="--time: the checkout whose inbox_tui is timed")
    parser.add_argument("--against", help="alternate with this checkout (see --rounds)")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    if args.against:
        print(json.dumps(against(args), indent=1))
        return
    if args.time:
        print(json.dumps(timing(args)))
        return
    templates = shipped_templates()
    cases = load_cases()
    mode, rank = ranker(templates)
    table = score(cases, rank)
    accuracy = {
        f"{language} {split}": table[language, split].line()
        for language in (*LANGUAGES, "all")
        for split in (*SPLITS, "all")
        if (language, split) in table
    }
    thread = long_thread(cases)
    print(
        json.dumps(
            {
                "ranks": mode,
                "cases": len(cases),
                "accuracy": accuracy,
                "rank_50_messages": time_ranking(templates, thread, args.repeat),
                "composer_50_messages": time_composer(templates, thread, args.repeat // 4),
                "python": sys.version.split()[0],
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()

"""eBay sync speed against the loopback eBay with real network latency added.

    .venv/bin/python benchmarks/marketplace.py [--conversations 5000] [--messages 25000]
        [--latency-ms 20] [--concurrency 1,4,8] [--max-per-second 100]

Starts the test suite's eBay server (tests/servers/ebay.py) in a separate process, so the CPU
seconds measured are inbox-tui's alone, fills it with N conversations holding M messages in
all (buyer questions and seller answers, a few photos), and adds a fixed delay to every
answer. For each concurrency it measures, on a fresh store:

- the first sync (every conversation listed, fetched, parsed, threaded, stored, indexed);
- a no-change re-sync (which should cost one request per conversation type).

Reports requests, requests/s, wall and CPU seconds. Prints a table and one JSON object;
benchmarks/README.md keeps the last run.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TOKEN_ENV = "BENCH_EBAY_TOKEN"
SELLER = "anatolia_textiles"
QUESTIONS = (
    "Hi, is this kilim still available in blue?",
    "Merhaba, siparişim ne zaman kargoya verilir?",
    "Hallo, können Sie nach Deutschland versenden?",
    "The cushion arrived with a small stain, what can we do?",
    "Could you combine shipping if I buy two?",
)
ANSWERS = (
    "Yes, it is available; I can send it tomorrow.",
    "Kargonuz yarın yola çıkıyor, takip numarası e-postanızda.",
    "Ja, wir versenden nach Deutschland (5–7 Tage).",
    "I am sorry! Please send a photo and I will refund or replace it.",
)


def serve(conversations: int, messages: int, latency: float, ready) -> None:  # noqa: ANN001
    """The child process: fill the server, tell the parent its URL and token, serve forever."""
    from tests.servers.ebay import EbayServer

    server = EbayServer(SELLER)
    rnd = random.Random(42)
    per = [1] * conversations
    for _ in range(messages - conversations):
        per[rnd.randrange(conversations)] += 1
    for index, count in enumerate(per):
        buyer = f"buyer_{index:05d}"
        conversation = server.add_conversation(buyer, f"Item question {index}")
        for turn in range(count):
            if turn % 2:
                server.add_message(conversation, SELLER, rnd.choice(ANSWERS), read=True)
            else:
                media = []
                if rnd.random() < 0.05:
                    media = [{"mediaName": "photo.jpg", "mediaType": "IMAGE",
                              "mediaUrl": f"https://i.ebayimg.com/{index}.jpg"}]  # fmt: skip
                server.add_message(
                    conversation, buyer, rnd.choice(QUESTIONS), read=rnd.random() < 0.7,
                    media=media,
                )  # fmt: skip
    server.start()
    server.latency = latency
    ready.send((server.url, server.issue_token()))
    while True:
        time.sleep(3600)


def timed(store, source, client) -> dict:  # noqa: ANN001
    from inbox_tui.channels.ebay.sync import sync_source

    before = client.requests
    wall, cpu = time.perf_counter(), time.process_time()
    results = sync_source(store, source, client=client)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    requests = client.requests - before
    assert all(r.failed is None and r.errors == 0 for r in results), [r.summary() for r in results]
    return {
        "new": sum(r.new for r in results),
        "requests": requests,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "requests_per_s": round(requests / wall, 1) if wall else None,
        "summary": [r.summary() for r in results],
    }


def run_once(url: str, concurrency: int, max_per_second: float, work: Path) -> dict:
    from inbox_tui.channels.ebay.api import ebay_client
    from inbox_tui.config import EbaySourceConfig
    from inbox_tui.store.db import Store

    source = EbaySourceConfig(
        name="ebay-bench", kind="ebay", base_url=url, access_token_env=TOKEN_ENV,
        username=SELLER, max_per_second=max_per_second, concurrency=concurrency,
    )  # fmt: skip
    path = work / f"inbox-{concurrency}.db"
    store = Store.open(path)
    client = ebay_client(source)
    try:
        first = timed(store, source, client)
        again = timed(store, source, client)
    finally:
        client.close()
        store.close()
    return {"concurrency": concurrency, "first_sync": first, "no_change_resync": again,
            "store_mb": round(path.stat().st_size / 1e6, 1)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conversations", type=int, default=5000)
    parser.add_argument("--messages", type=int, default=25000)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--concurrency", default="1,4,8")
    parser.add_argument("--max-per-second", type=float, default=100.0)
    args = parser.parse_args()

    ours, theirs = multiprocessing.Pipe()
    child = multiprocessing.Process(
        target=serve,
        args=(args.conversations, args.messages, args.latency_ms / 1000, theirs),
        daemon=True,
    )
    started = time.perf_counter()
    child.start()
    url, token = ours.recv()
    print(f"server ready in {time.perf_counter() - started:.1f}s at {url}", file=sys.stderr)
    os.environ[TOKEN_ENV] = token
    runs = []
    try:
        with tempfile.TemporaryDirectory() as work:
            for concurrency in [int(c) for c in args.concurrency.split(",")]:
                run = run_once(url, concurrency, args.max_per_second, Path(work))
                runs.append(run)
                first, again = run["first_sync"], run["no_change_resync"]
                print(
                    f"concurrency {concurrency}: first sync {first['new']} messages,"
                    f" {first['requests']} requests in {first['wall_s']} s"
                    f" ({first['requests_per_s']} req/s, CPU {first['cpu_s']} s);"
                    f" no-change re-sync {again['requests']} requests in {again['wall_s']} s",
                    file=sys.stderr,
                )
    finally:
        child.terminate()
    print(
        json.dumps(
            {
                "benchmark": "marketplace",
                "conversations": args.conversations,
                "messages": args.messages,
                "latency_ms": args.latency_ms,
                "max_per_second": args.max_per_second,
                "machine": f"{platform.machine()}, {os.cpu_count()} cores",
                "python": platform.python_version(),
                "sqlite": sqlite3.sqlite_version,
                "date": time.strftime("%Y-%m-%d"),
                "runs": runs,
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()

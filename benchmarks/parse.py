"""Parse speed: the stdlib path against the fast path, in one run, on both corpus mixes.

    .venv/bin/python benchmarks/parse.py [--messages 3000] [--rounds 5]

Builds the plain corpus and the attachment-heavy one (one message in six with a 20-80 KB phone
photo) with corpus.py, in memory, then parses every message with `parse_message` whole by the
stdlib (`fast_parse.stdlib_only`) and with the fast path, alternating rounds, and prints one JSON
object: µs per message (best round) for each path and corpus, the ratios, how many messages took
the fast path, and that every ParsedMessage came out equal. With fast-mail-parser installed
(not a dependency) its parse of the same messages is timed too, and compared where it can be.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.corpus import generate  # noqa: E402
from inbox_tui.mail import fast_parse  # noqa: E402
from inbox_tui.mail.parse import _PARSER, parse_message  # noqa: E402

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def per_message_us(mails: list[bytes], parse, rounds: int) -> tuple[float, list]:
    best, results = float("inf"), []
    for _ in range(rounds):
        started = time.perf_counter()
        results = [parse(raw) for raw in mails]
        best = min(best, time.perf_counter() - started)
    return best / len(mails) * 1e6, results


def stdlib_parse(raw: bytes):
    with fast_parse.stdlib_only():
        return parse_message(raw, now=NOW)


def fast_parse_message(raw: bytes):
    return parse_message(raw, now=NOW)


def mime_tree(raw: bytes) -> None:
    for part in _PARSER.parsebytes(raw).walk():
        if not part.is_multipart():
            part.get_payload(decode=True)


def measure(mails: list[bytes], rounds: int) -> dict:
    """Both paths, alternating, `rounds` each; then the photo messages alone."""
    times: dict[str, list[float]] = {"stdlib": [], "fast": []}
    results: dict[str, list] = {}
    for _ in range(rounds):
        for name, parse in (("stdlib", stdlib_parse), ("fast", fast_parse_message)):
            us, results[name] = per_message_us(mails, parse, 1)
            times[name].append(us)
    tree_us, _ = per_message_us(mails, mime_tree, rounds)
    taken = [raw for raw in mails if fast_parse.parse_tree(raw, _PARSER) is not None]
    stdlib_us, fast_us = min(times["stdlib"]), min(times["fast"])
    report = {
        "messages": len(mails),
        "mb": round(sum(map(len, mails)) / 2**20, 1),
        "stdlib_us": round(stdlib_us, 1),
        "fast_us": round(fast_us, 1),
        "speedup": round(stdlib_us / fast_us, 2),
        # The stdlib's MIME parse and transfer decoding alone: what any parser could take away.
        "stdlib_tree_and_decoding_us": round(tree_us, 1),
        "ceiling_with_a_free_parser": round(stdlib_us / (stdlib_us - tree_us), 2),
        "took_fast_path": len(taken),
        "all_equal": results["stdlib"] == results["fast"],
    }
    if taken:
        alone_std, _ = per_message_us(taken, stdlib_parse, rounds)
        alone_fast, _ = per_message_us(taken, fast_parse_message, rounds)
        report["fast_path_messages_alone"] = {
            "stdlib_us": round(alone_std, 1),
            "fast_us": round(alone_fast, 1),
            "speedup": round(alone_std / alone_fast, 2),
        }
    report["fast_mail_parser"] = compiled_parser(mails, results["stdlib"], rounds)
    return report


def compiled_parser(mails: list[bytes], ours: list, rounds: int) -> dict | None:
    """fast-mail-parser's own parse of the same mail, and where its answers differ from ours."""
    try:
        import fast_mail_parser
    except ImportError:
        return None
    us, parsed = per_message_us(mails, _guarded(fast_mail_parser.parse_email), rounds)
    raised = sum(isinstance(p, Exception) for p in parsed)
    differs = {"subject": 0, "attachments": 0}
    for mine, theirs in zip(ours, parsed, strict=True):
        if isinstance(theirs, Exception):
            continue
        differs["subject"] += mine.subject != " ".join(theirs.subject.split())
        contents = [a.content for a in theirs.attachments]
        differs["attachments"] += [a.content for a in mine.attachments] != contents
    return {
        "version": metadata.version("fast-mail-parser"),
        "parse_email_us": round(us, 1),
        "raised": raised,
        "differs_from_ours": differs,
    }


def _guarded(parse):
    def call(raw: bytes):
        try:
            return parse(raw)
        except Exception as exc:
            return exc

    return call


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    corpora = {
        "plain": list(generate(args.messages)),
        "photos": list(generate(args.messages, photos=True)),
    }
    report = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_before": round(load_before, 2),
    }
    for name, mails in corpora.items():
        report[name] = measure(mails, args.rounds)
    report["load_after"] = round(os.getloadavg()[0], 2)
    print(json.dumps(report))


if __name__ == "__main__":
    main()

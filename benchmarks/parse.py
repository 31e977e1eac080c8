"""Parse speed: the stdlib path against the fast path, in one run, on both corpus mixes.

    .venv/bin/python benchmarks/parse.py [--messages 3000] [--rounds 5] [--code DIR | --against DIR]

Builds the plain corpus and the attachment-heavy one (one message in six with a 20-80 KB phone
photo) with corpus.py, in memory, then parses every message with `parse_message` whole by the
stdlib (`fast_parse.stdlib_only`) and with the fast path, alternating rounds, and prints one JSON
object: µs per message (best round) for each path and corpus, the ratios, how many messages took
a fast path (and how many of those `mail/mime_split.py` split), and that every ParsedMessage came
out equal. With fast-mail-parser installed
(not a dependency) its parse of the same messages is timed too, and compared where it can be.
`--code DIR` parses with another checkout's inbox_tui (e.g. a `git archive` of the commit
before a change): run it and the current code one after the other, in turn, to compare them.
`--against DIR` compares inside one process instead: that checkout's inbox_tui is copied under
another package name, and its `parse_message` and ours run in turn, round by round, on the same
messages (on a loaded machine the fairer comparison); its ParsedMessages must equal ours. A
parsing worker's whole job (`parse_workers._parse_chunk`: parse, thread hints, encode) is timed
the same way.
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
if "--code" in sys.argv:  # another checkout's inbox_tui, as benchmarks/import.py does
    sys.path.insert(0, str(Path(sys.argv[sys.argv.index("--code") + 1]).resolve()))

from benchmarks.corpus import generate  # noqa: E402
from inbox_tui.mail import fast_parse  # noqa: E402
from inbox_tui.mail.parse import _PARSER, parse_message  # noqa: E402

try:  # older checkouts (--code) have no MIME splitter of their own
    from inbox_tui.mail import mime_split  # noqa: E402
    from inbox_tui.mail.parse import _POLICY, _Message  # noqa: E402

    def split_tree(raw: bytes):
        return mime_split.parse_tree(raw, _Message, _POLICY)
except ImportError:

    def split_tree(raw: bytes):
        return None


NOW = datetime(2026, 12, 1, tzinfo=UTC)


def per_message_us(mails: list[bytes], parse, rounds: int) -> tuple[float, list]:
    best, results = float("inf"), []
    for _ in range(rounds):
        started = time.process_time()
        results = [parse(raw) for raw in mails]
        best = min(best, time.process_time() - started)
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
    """Each variant once per round, in turn, so load from elsewhere hits all alike; best round."""
    split = [raw for raw in mails if split_tree(raw) is not None]
    taken = [raw for raw in mails if split_tree(raw) or fast_parse.parse_tree(raw, _PARSER)]
    variants = {
        "stdlib": (mails, stdlib_parse),
        "fast": (mails, fast_parse_message),
        "tree": (mails, mime_tree),  # the stdlib's MIME parse and transfer decoding alone
        "taken_stdlib": (taken, stdlib_parse),
        "taken_fast": (taken, fast_parse_message),
    }
    times: dict[str, list[float]] = {name: [] for name in variants}
    results: dict[str, list] = {}
    for _ in range(rounds):
        for name, (subset, parse) in variants.items():
            if subset:
                us, results[name] = per_message_us(subset, parse, 1)
                times[name].append(us)
    best = {name: min(values) for name, values in times.items() if values}
    report = {
        "messages": len(mails),
        "mb": round(sum(map(len, mails)) / 2**20, 1),
        "stdlib_us": round(best["stdlib"], 1),
        "fast_us": round(best["fast"], 1),
        "speedup": round(best["stdlib"] / best["fast"], 2),
        "all_equal": results["stdlib"] == results["fast"],
        "took_fast_path": len(taken),
        "split_by_mime_split": len(split),
        # What any parser could take away: the stdlib's share, and the speed-up if it were free.
        "stdlib_tree_and_decoding_us": round(best["tree"], 1),
        "ceiling_with_a_free_parser": round(best["stdlib"] / (best["stdlib"] - best["tree"]), 2),
    }
    if taken:
        report["fast_path_messages_alone"] = {
            "stdlib_us": round(best["taken_stdlib"], 1),
            "fast_us": round(best["taken_fast"], 1),
            "speedup": round(best["taken_stdlib"] / best["taken_fast"], 2),
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


def against(checkout: Path, corpora: dict[str, list[bytes]], rounds: int) -> dict:
    """Another checkout's parse_message against ours, alternating in this process."""
    import dataclasses
    import re
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="parse-against-"))
    for source in (checkout / "inbox_tui").rglob("*.py"):
        target = folder / "inbox_tui_against" / source.relative_to(checkout / "inbox_tui")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(re.sub(r"\binbox_tui\b", "inbox_tui_against", source.read_text()))
    sys.path.insert(0, str(folder))
    from inbox_tui_against.mail.parse import parse_message as theirs  # type: ignore[import-not-found]
    from inbox_tui_against.parse_workers import (  # type: ignore[import-not-found]
        _parse_chunk as their_worker,
    )

    from inbox_tui.parse_workers import _parse_chunk as our_worker

    out: dict = {"against": str(checkout)}
    for name, mails in corpora.items():
        best = {"against": float("inf"), "ours": float("inf")}
        worker = {"against": float("inf"), "ours": float("inf")}
        results: dict = {}
        for _ in range(rounds):
            for side, parse in (("against", theirs), ("ours", parse_message)):
                started = time.process_time()
                results[side] = [parse(raw, now=NOW) for raw in mails]
                best[side] = min(best[side], time.process_time() - started)
            # A parsing worker's whole job a message: parse, thread hints, encode for the store.
            for side, chunk in (("against", their_worker), ("ours", our_worker)):
                started = time.process_time()
                chunk(mails)
                worker[side] = min(worker[side], time.process_time() - started)
        out[name] = {
            "against_us": round(best["against"] / len(mails) * 1e6, 1),
            "ours_us": round(best["ours"] / len(mails) * 1e6, 1),
            "speedup": round(best["against"] / best["ours"], 2),
            "all_equal": [dataclasses.astuple(p) for p in results["against"]]
            == [dataclasses.astuple(p) for p in results["ours"]],
            "worker_against_us": round(worker["against"] / len(mails) * 1e6, 1),
            "worker_ours_us": round(worker["ours"] / len(mails) * 1e6, 1),
            "worker_speedup": round(worker["against"] / worker["ours"], 2),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--code", type=Path, help="Import inbox_tui from this checkout instead.")
    parser.add_argument(
        "--against", type=Path, help="Compare with this checkout's parser in this process."
    )
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    corpora = {
        "plain": list(generate(args.messages)),
        "photos": list(generate(args.messages, photos=True)),
    }
    report = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "code": str(args.code or Path(__file__).resolve().parents[1]),
        "load_before": round(load_before, 2),
    }
    if args.against:
        report.update(against(args.against.resolve(), corpora, args.rounds))
    else:
        for name, mails in corpora.items():
            report[name] = measure(mails, args.rounds)
    report["load_after"] = round(os.getloadavg()[0], 2)
    print(json.dumps(report))


if __name__ == "__main__":
    main()

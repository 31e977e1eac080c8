"""What a re-import of a big Maildir does first: find which listed files are new, against a store
that has recorded every one of them (`million.py build`'s stores: 100k or 1M Maildir uids).

    .venv/bin/python benchmarks/uids.py STORE.db [--way walk|set] [--code DIR]

`set` is the importer before issue 12's decade work (`known_uids`: a set of every recorded uid,
then a filter, over a listing of (uid, path) pairs); `walk` is `not_recorded`, a walk beside the
sorted listing of one string a file (`MaildirReader.listing`). The listing is made from the
store's own uids in the shape each way had (plus two new files), not read from a million files
on disk. Run each way in a fresh process: prints one JSON object with its time and CPU, the
peak RSS the listing added to the process, and the peak RSS the step added on top of that.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
if "--code" in sys.argv:  # another checkout's inbox_tui (e.g. `git archive` of the commit before)
    sys.path.insert(0, str(Path(sys.argv[sys.argv.index("--code") + 1]).resolve()))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    from benchmarks.million import SOURCE
    from inbox_tui.store import Store
    from inbox_tui.store.ingest import known_uids

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--way", choices=("walk", "set"), default="walk")
    parser.add_argument("--code", type=Path, help="Import inbox_tui from this checkout instead.")
    args = parser.parse_args()

    store = Store.open(args.store, read_only=True)
    rows = store.conn.execute(
        "SELECT uid FROM message_locations WHERE source = ? AND folder = ''", (SOURCE,)
    )
    uids = [uid for (uid,) in rows] + ["zz-new-1", "zz-new-2"]
    start = _peak_mb()
    listing: list = (
        [f"{uid}\0cur/{uid}" for uid in uids]  # as MaildirReader.listing now gives it
        if args.way == "walk"
        else [(uid, f"/bench/million/Maildir/cur/{uid}") for uid in uids]
    )
    del uids
    listing.sort()
    before = _peak_mb()
    started, cpu = time.perf_counter(), time.process_time()
    if args.way == "set":
        known = known_uids(store, SOURCE, "")
        todo = [entry for entry in listing if entry[0] not in known]
    else:
        from inbox_tui.channels.files.maildir import MaildirReader
        from inbox_tui.store.ingest import not_recorded

        todo = not_recorded(store, SOURCE, "", listing, MaildirReader.uid_of)
    report = {
        "way": args.way,
        "listed": len(listing),
        "new": len(todo),
        "ms": round((time.perf_counter() - started) * 1000),
        "cpu_ms": round((time.process_time() - cpu) * 1000),
        "peak_rss_mb_listing_added": round(before - start, 1),
        "peak_rss_mb_with_listing": round(before),
        "peak_rss_mb_added": round(_peak_mb() - before, 1),
        "load": [round(x, 2) for x in os.getloadavg()],
    }
    store.close()
    print(json.dumps(report))


if __name__ == "__main__":
    main()

"""Big imports: parse in worker processes while this process stores, in the order given.

Parsing is ~70 % of an import's CPU time and pure (bytes in, ParsedMessage out), so on two
cores it can run beside the storing. The importing process keeps everything that touches the
store: reading the mailbox, the duplicate checks, threading against stored tickets, the
buffered writes and the commits, in the same order and the same batches as one process does.
Crash safety is unchanged (a batch is committed whole or not at all), and a message a worker
could not parse is parsed again here, so it fails (or is stored with its parse error) exactly
as it would have without workers.

Workers are spawned, not forked, as for IMAP (channels/imap/parallel.py): a sync of a Maildir
source runs from a TUI thread. Spawning costs ~0.5 s, so small imports stay in one process.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice

from inbox_tui.domain.messages import IncomingMessage
from inbox_tui.store.ingest import Ready

PARALLEL_FROM = 3000  # messages to import; below this one process is quicker
MAX_WORKERS = 4
CHUNK = 100  # messages per task: big enough that handing them over is cheap
# Messages handed to the workers and not yet taken back: more than the importer's batch, so
# the workers still have work while this process stores one (no new tasks are handed out then),
# and few enough that memory stays bounded however big the mailbox.
AHEAD = 4000


def worker_count() -> int:
    """Parsing processes for a big import: one per core (the importing process mostly waits on
    them), at most MAX_WORKERS; none on one core, and none when every core is busy already
    (the 1-minute load average at least the number of cores). Workers only help with a core
    to spare: on two cores under a load of 6-9 they cost 5-34 % more CPU time in all, and the
    import was no faster (3 of 7 runs faster, 4 slower; benchmarks/README.md)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cores = cores or 1
    if cores < 2 or os.getloadavg()[0] >= cores:
        return 0
    return min(MAX_WORKERS, cores)


# --- in the worker process -----------------------------------------------------------------

_seller: frozenset[str] = frozenset()


def _start(seller: frozenset[str]) -> None:
    global _seller
    _seller = seller


def _parse_chunk(raws: list[bytes]) -> list[Ready | None]:
    from inbox_tui.mail.parse import parse_message
    from inbox_tui.mail.threading import thread_hints
    from inbox_tui.store.ingest import encode

    done: list[Ready | None] = []
    for raw in raws:
        try:
            parsed = parse_message(raw)
            hints = thread_hints(parsed, raw, _seller)
            done.append(encode(raw, parsed, hints, fold=True))
        except Exception:  # parsed again by the importing process, which reports it
            done.append(None)
    return done


# --- in the importing process --------------------------------------------------------------

# A pool whose worker died is torn down by CPython's own manager thread; a submit or a result
# that races that teardown can meet one of its pipes closed (OSError "handle is closed")
# instead of BrokenProcessPool. Seen twice in the kill test under load (test files on parallel
# workers; not in twelve runs of it alone): either way the chunk is parsed here.
POOL_BROKEN = (BrokenProcessPool, OSError)


def parsed_in_workers(
    items: Iterable[IncomingMessage], *, seller: frozenset[str], workers: int
) -> Iterator[tuple[IncomingMessage, Ready | None]]:
    """Each message with its parse (None: parse it here), in the order given, while `workers`
    processes parse ahead. `seller`: the addresses thread_hints takes as the seller's.

    A worker that dies (killed, out of memory) breaks the pool: from then on every message not
    yet taken back is parsed here, so the import goes on one process and loses nothing."""
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start, initargs=(seller,))
    pending: deque[tuple[list[IncomingMessage], Future[list[Ready | None]] | None]] = deque()
    iterator = iter(items)
    broken = False
    try:
        while chunk := list(islice(iterator, CHUNK)):
            task = None
            if not broken:
                try:
                    task = pool.submit(_parse_chunk, [item.raw for item in chunk])
                except POOL_BROKEN:
                    broken = True
            pending.append((chunk, task))
            if len(pending) * CHUNK >= AHEAD and (yield from _collect(pending.popleft())):
                broken = True
        while pending:
            if (yield from _collect(pending.popleft())):
                broken = True
    finally:
        if broken:
            _kill_workers(pool)
        pool.shutdown(wait=not broken, cancel_futures=True)


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    """End every worker of a broken pool. CPython 3.11 terminates a broken pool's workers and
    then joins them, but a worker it started while the pool broke can be missed, blocked
    forever handing back a result no one reads: the join (at the latest at interpreter exit)
    then never ends. Seen once in the tests that kill a worker on purpose."""
    processes = getattr(pool, "_processes", None) or {}  # private: no public way to the workers
    for process in list(processes.values()):
        with contextlib.suppress(Exception):
            process.kill()


def _collect(
    item: tuple[list[IncomingMessage], Future[list[Ready | None]] | None],
) -> Generator[tuple[IncomingMessage, Ready | None], None, bool]:
    """Yield a chunk's messages with their parses; return True when the pool broke."""
    chunk, task = item
    try:
        done = task.result() if task is not None else None
    except POOL_BROKEN:
        done = None
    if done is None:
        yield from ((message, None) for message in chunk)
        return task is not None
    yield from zip(chunk, done, strict=True)
    return False

"""Big first syncs: fetch and parse in worker processes, store in UID order here.

Parsing is most of a first sync's CPU time and imapclient reads one response at a time, so
one connection on one core cannot go faster. For a folder with many new messages, a few worker
processes each open their own connection (imapclient is neither thread-safe nor pipelined),
FETCH a batch of BODY.PEEK[] and parse it (parsing is pure: bytes in, ParsedMessage out). The
syncing process takes the batches back in UID order and stores each in one transaction with
the folder's state, exactly as the one-connection path does, so crash safety is unchanged:
a batch is either stored with its state or not at all.

Workers are spawned, not forked: the TUI syncs from a thread, and forking a threaded process
can deadlock. Spawning costs ~0.5 s, so small syncs stay on the one connection. Inside the
TUI, sys.stderr has no file descriptor, which multiprocessing's resource tracker needs when it
starts: the app starts it before Textual takes stdout and stderr (InboxApp.on_load).
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterator
from typing import Any, NamedTuple

from imapclient import IMAPClient

from inbox_tui.channels.imap.session import connect, error_text, uid_fetch, uid_set
from inbox_tui.config import ImapSourceConfig
from inbox_tui.mail.parse import parse_message
from inbox_tui.mail.threading import thread_hints
from inbox_tui.store.failed import failure_text
from inbox_tui.store.ingest import Ready, encode

PARALLEL_FROM = 3000  # new messages in a folder; below this one connection is quicker
MAX_WORKERS = 4
FETCH_ITEMS = ["BODY.PEEK[]", "FLAGS", "INTERNALDATE"]
NO_BODY = "the server sent no message body"  # a message it lists but cannot read


def worker_count() -> int:
    """Worker processes for a big first sync: one per core, at most MAX_WORKERS; none on one
    core. The syncing process mostly waits on them (and they on the server), so a worker per
    core pays even with the storing done beside them: on two idle cores a 10,000-message first
    sync took 8.7-8.9 s with two workers against 11.2-11.9 s with one (benchmarks/README.md)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cores = cores or 1
    return 0 if cores < 2 else min(MAX_WORKERS, cores)


class Prepared(NamedTuple):
    """One fetched message, parsed, threaded and encoded in a worker (or the reason parsing
    failed). A tuple of plain values, as store.ingest.Ready: cheap to hand back pickled."""

    uid: int
    data: dict[bytes, Any]  # the FETCH items: BODY[], FLAGS, INTERNALDATE
    ready: Ready | None  # None: not parsed yet (fetched here) or not parseable (problem)
    problem: str | None = None


class WorkerLost(ConnectionError):
    """A worker's connection failed; the caller treats it like its own dropped connection."""


# --- in the worker process -----------------------------------------------------------------

_client: IMAPClient | None = None
_seller: frozenset[str] = frozenset()


def _start(config: ImapSourceConfig, password: str, folder: str, seller: frozenset[str]) -> None:
    global _client, _seller
    _seller = seller
    try:
        _client = connect(config, password=password)
        _client.select_folder(folder, readonly=True)
    except Exception:  # reported when the first batch asks for the connection
        _client = None


def _fetch_and_parse(uids: list[int]) -> list[Prepared] | str:
    """A batch fetched and parsed; a one-line reason instead when the connection failed."""
    if _client is None:
        return "a sync worker could not connect"
    try:
        fetched = uid_fetch(_client, uid_set(uids), FETCH_ITEMS)
    except Exception as exc:  # the connection: the syncing process decides what to do
        return f"a sync worker lost its connection: {error_text(exc)}"
    prepared: list[Prepared] = []
    for uid in uids:
        data = fetched.get(uid)
        if data is None:
            continue  # expunged between listing and fetching
        if b"BODY[]" not in data:
            prepared.append(Prepared(uid, data, None, NO_BODY))
            continue
        raw = bytes(data[b"BODY[]"])
        data[b"BODY[]"] = raw
        try:
            parsed = parse_message(raw)
            ready = encode(raw, parsed, thread_hints(parsed, raw, _seller), fold=True)
        except Exception as exc:  # one broken message never stops a folder
            prepared.append(Prepared(uid, data, None, failure_text(exc)))
        else:
            prepared.append(Prepared(uid, data, ready))
    return prepared


# --- in the syncing process ----------------------------------------------------------------


def fetch_in_workers(
    config: ImapSourceConfig,
    password: str,
    folder: str,
    batches: list[list[int]],
    *,
    seller: frozenset[str],
    workers: int,
) -> Iterator[tuple[list[int], list[Prepared]]]:
    """Each batch with its messages, in the order given, while workers fetch ahead.

    At most two batches per worker are in flight, so memory stays bounded however big the
    folder. Raises WorkerLost when a worker's connection fails (what was yielded is stored)."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(
        workers, initializer=_start, initargs=(config, password, folder, seller)
    ) as pool:
        pending: deque[tuple[list[int], Any]] = deque()
        todo = iter(batches)
        try:
            for batch in todo:
                pending.append((batch, pool.apply_async(_fetch_and_parse, (batch,))))
                if len(pending) >= 2 * workers:
                    yield _collect(pending.popleft())
            while pending:
                yield _collect(pending.popleft())
        except BaseException:
            pool.terminate()  # leaving early: the workers' connections simply close
            raise


def _collect(item: tuple[list[int], Any]) -> tuple[list[int], list[Prepared]]:
    batch, result = item
    prepared = result.get()
    if isinstance(prepared, str):
        raise WorkerLost(prepared)
    return batch, prepared

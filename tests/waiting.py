"""Waiting for a condition, never for a fixed time.

What a test waits for (a worker's rows, a sync's report, a server's answer) comes sooner or
later on a busy machine (the suite runs on parallel workers, CI shares two cores), but it comes:
a wait ends the moment its condition holds, and gives up only after PATIENCE seconds, far past
any honest delay, saying what it waited for.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable

import pytest

PATIENCE = 30.0  # seconds; a wait that holds its condition returns at once, so generous is free


def wait_until(
    done: Callable[[], object],
    what: str,
    *,
    timeout: float = PATIENCE,
    every: float = 0.05,
    report: Callable[[], str] | None = None,
) -> None:
    """Poll `done()` every `every` s until it is true; fail naming `what` (and `report()`)
    after `timeout` s."""
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() >= deadline:
            detail = f":\n{report()}" if report else ""
            pytest.fail(f"timed out after {timeout:g} s waiting for {what}{detail}")
        time.sleep(every)


async def until(
    pilot,
    done: Callable[[], object],
    what: str,
    *,
    timeout: float = PATIENCE,
    every: float = 0.02,
    report: Callable[[], str] | None = None,
) -> None:
    """`wait_until` inside a Textual pilot test: the app runs while we pause."""
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() >= deadline:
            detail = f":\n{report()}" if report else ""
            pytest.fail(f"timed out after {timeout:g} s waiting for {what}{detail}")
        await pilot.pause(every)


def palette_ready(app) -> bool:
    """The command palette is up and has gathered the commands for what was typed (its search
    runs in a worker), one of them highlighted: Enter now runs that one."""
    from textual.command import CommandList, CommandPalette

    palette = app.screen
    if not isinstance(palette, CommandPalette) or not palette.has_class("-ready"):
        return False
    if any(w.node is palette and not w.is_finished for w in app.workers):
        return False  # still searching for the last key's text
    return palette.query_one(CommandList).highlighted is not None


async def workers_settled(app) -> None:
    """Every worker the app runs has ended. One cancelled meanwhile is no failure: a worker of
    an exclusive group (the checkpoint, the trends line, a refresh) is cancelled when a timer
    or a message starts the group again, and its successor does the work, so that one is
    waited for instead. A worker's error still fails the test (WorkerFailed)."""
    from textual.worker import WorkerCancelled

    while running := [worker for worker in app.workers if not worker.is_finished]:
        with contextlib.suppress(WorkerCancelled):
            await app.workers.wait_for_complete(running)

"""The demo inbox built once per test run, copied where a test needs its tickets.

Building the demo takes seconds of CPU (it writes ~1,000 mails and imports them through the
real import path). Tests that only read or change the demo's tickets take a copy of one built
for the run, per (now, seed), which the parallel test workers share: the first to need it
builds it under a file lock in the run's common temp folder. The tests of building the demo
(test_demo.py, the `demo` command) still build their own.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from inbox_tui.demo import ensure_demo


def _shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # pytest-of-…/pytest-N/popen-gwK: the run's, not the worker's
    folder = base / "demo-cache"
    folder.mkdir(exist_ok=True)
    return folder


def demo_copy(
    tmp_path_factory: pytest.TempPathFactory,
    dest: Path,
    *,
    now: datetime | None = None,
    seed: int = 7,
) -> Path:
    """`dest`: a copy of the demo as `ensure_demo(path, now=now, seed=seed)` builds it (with
    `now` None, the run's start: the demo is about the week it was built)."""
    name = f"demo-{now.strftime('%Y%m%dT%H%M%S%z') if now else 'now'}-{seed}.db"
    folder = _shared_folder(tmp_path_factory)
    built = folder / name
    with open(folder / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not built.exists():
            building = folder / f"{name}.part"
            ensure_demo(building, now=now, seed=seed).close()  # whole on disk once closed
            os.replace(building, built)
    shutil.copyfile(built, dest)
    return dest

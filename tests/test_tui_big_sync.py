"""The TUI's own sync of a big folder: worker processes started from inside Textual."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from inbox_tui.channels.imap.parallel import PARALLEL_FROM
from inbox_tui.config import ImapSourceConfig
from inbox_tui.store import Store
from inbox_tui.tui.app import InboxApp
from inbox_tui.tui.widgets.status_line import StatusLine
from tests.mailgen import make_mail
from tests.waiting import until

if TYPE_CHECKING:
    from tests.dovecot import Account

pytest_plugins = ["tests.dovecot"]

SECRET_ENV = "BIG_SYNC_IMAP_PASSWORD"


def deliver(account: Account, mails: list[bytes]) -> None:
    """Mail put straight into the account's Maildir, as a delivery agent does (Dovecot gives
    it UIDs at the next SELECT): 3,000 APPENDs, even in one MULTIAPPEND, take ~7 s."""
    for sub in ("tmp", "new", "cur"):
        (account.maildir / sub).mkdir(parents=True, exist_ok=True)
    for number, raw in enumerate(mails):
        (account.maildir / "new" / f"1700000000.M{number}P1.test").write_bytes(raw)
    if os.geteuid() == 0:  # Dovecot's mail processes run as `dovecot` (tests/dovecot.py)
        for path in [account.maildir, *account.maildir.rglob("*")]:
            shutil.chown(path, "dovecot", "dovecot")


@pytest.mark.timeout(300)
async def test_the_tui_syncs_a_folder_of_3000_new_messages(
    tmp_path: Path, imap_account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From inside the TUI this failed at once ("sync: ValueError: bad value(s) in
    fds_to_keep", nothing stored): Textual's stderr has no file descriptor, and
    multiprocessing passes stderr's to the process it starts first."""
    count = PARALLEL_FROM
    first = make_mail(message_id="<big0@x>", subject="Order 0", body="Where is 0?")
    mails = [  # the same mail with other ids (building 3,000 with the email package takes 9 s)
        first.replace(b"<big0@x>", f"<big{n}@x>".encode()).replace(b"is 0?", f"is {n}?".encode())
        for n in range(count)
    ]
    started = time.monotonic()
    deliver(imap_account, mails)
    print(f"delivered {count} in {time.monotonic() - started:.1f} s")
    monkeypatch.setenv(SECRET_ENV, imap_account.password)
    source = ImapSourceConfig(
        name="shop", kind="imap", host=imap_account.host, port=imap_account.port, tls="none",
        username=imap_account.username, password_env=SECRET_ENV,
    )  # fmt: skip
    store = Store.open(tmp_path / "inbox.db")
    app = InboxApp(store, sources=[source])
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: app.sync_report.last_sync is not None, "the sync", timeout=120)
        line = app.screen.query_one(StatusLine).text(app.now()).plain
        assert f"{count} new" in line, line
        # the list is read again after the report (a worker): on a busy machine, a moment later
        await until(
            pilot, lambda: app.screen.ticket_list.count == count, f"the list of {count}",
            report=lambda: f"the list shows {app.screen.ticket_list.count}",
        )  # fmt: skip
    assert store.conn.execute("SELECT count(*) FROM messages").fetchone()[0] == count
    print(f"synced in {time.monotonic() - started:.1f} s")

"""Sync while the inbox is open: a worker brings new mail in; the status line says how it went."""

from __future__ import annotations

from pathlib import Path

from inbox_tui.config import parse_config
from inbox_tui.store import Store
from inbox_tui.tui.app import InboxApp
from inbox_tui.tui.widgets.status_line import StatusLine
from tests.mailgen import make_mail, thread, write_maildir
from tests.test_tui import screen_text
from tests.waiting import until, workers_settled

pytest_plugins = ["tests.dovecot"]  # the real-Dovecot fixtures


async def synced(app: InboxApp, pilot) -> None:
    """Until the sync that started with the app has reported."""
    await until(pilot, lambda: app.sync_report.last_sync is not None, "the first sync", every=0.1)


async def test_new_mail_arrives_while_the_seller_reads(tmp_path: Path) -> None:
    box = write_maildir(tmp_path / "Mail", thread(2, prefix="first"))
    config = parse_config(
        f"sources:\n  - name: archive\n    kind: maildir\n    path: {box}\n"
        "ui:\n  start_view: all\n"  # the first thread is answered: not in Due
    )
    store = Store.open(tmp_path / "inbox.db")
    app = InboxApp(
        store,
        sources=config.sources,
        seller_emails=frozenset({"hello@shop.example"}),
        config=config,
    )
    async with app.run_test(size=(120, 30)) as pilot:
        await workers_settled(app)
        await pilot.pause()
        assert "Where is my order?" in screen_text(app)
        assert "synced just now · 2 new" in app.screen.query_one(StatusLine).text(app.now()).plain

        await pilot.press("j")  # the seller is somewhere in the list when more mail comes
        cursor_ticket = app.screen.ticket_list.ticket
        write_maildir(box, [make_mail(subject="Falsche Größe", message_id="<late@x>")])
        app.sync_now()
        await workers_settled(app)
        await pilot.pause()
        assert "Falsche Größe" in screen_text(app)
        assert app.screen.ticket_list.ticket == cursor_ticket  # the cursor stayed on its ticket
        assert "1 new" in app.screen.query_one(StatusLine).text(app.now()).plain


async def test_an_unreachable_server_shows_offline_not_an_error(
    tmp_path: Path, monkeypatch, closed_port: int
) -> None:
    monkeypatch.setenv("SHOP_IMAP_PASSWORD", "secret")
    config = parse_config(
        "sources:\n  - name: shop\n    kind: imap\n    host: 127.0.0.1\n"
        f"    port: {closed_port}\n    tls: none\n    username: seller@example.com\n"
        "    password_env: SHOP_IMAP_PASSWORD\n"
    )
    store = Store.open(tmp_path / "inbox.db")
    app = InboxApp(store, sources=config.sources)
    async with app.run_test(size=(120, 30)) as pilot:
        await synced(app, pilot)  # (the IDLE watcher keeps retrying: its worker never ends)
        line = app.screen.query_one(StatusLine).text(app.now()).plain
        assert line.startswith("offline — connection refused by 127.0.0.1")
        assert "outbox 0" in line
        await pilot.press("j", "k")  # the inbox still answers keys
        assert app.is_running


async def test_without_sources_the_status_line_says_so(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "inbox.db")
    app = InboxApp(store)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert "no sources to sync · outbox 0" in screen_text(app)


async def test_mail_announced_by_imap_idle_appears_without_a_key(
    tmp_path: Path, imap_account, monkeypatch, idle_starts
) -> None:
    from tests.test_imap_sync import SECRET_ENV, append

    monkeypatch.setenv(SECRET_ENV, imap_account.password)
    config = parse_config(
        "sources:\n  - name: shop\n    kind: imap\n    host: 127.0.0.1\n"
        f"    port: {imap_account.port}\n    tls: none\n    username: {imap_account.username}\n"
        f"    password_env: {SECRET_ENV}\n"
    )
    store = Store.open(tmp_path / "inbox.db")
    app = InboxApp(store, sources=config.sources)  # no timed sync: only IDLE can bring it
    async with app.run_test(size=(120, 30)) as pilot:
        await synced(app, pilot)  # the first sync, at start
        # the watcher logs in and starts to idle
        await until(pilot, lambda: idle_starts.count >= 1, "the watcher to idle")
        append(imap_account, [make_mail(subject="Kırık vazo geldi", message_id="<idle@x>")])
        # IDLE answers within about a second (a busy machine takes longer)
        await until(pilot, lambda: "Kırık vazo geldi" in screen_text(app), "IDLE's news", every=0.1)
        assert "Kırık vazo geldi" in screen_text(app)


async def test_a_long_sync_error_does_not_hide_the_outbox_at_80_columns(tmp_path: Path) -> None:
    """The line is cut at its end: the source's error goes last, the outbox stays in view."""
    box = write_maildir(tmp_path / "Mail", thread(1, prefix="first"))
    gone = tmp_path / ("a-folder-that-was-moved-away-" * 3)
    config = parse_config(
        f"sources:\n  - name: archive\n    kind: maildir\n    path: {box}\n"
        f"  - name: old\n    kind: maildir\n    path: {gone}\n"
    )
    store = Store.open(tmp_path / "inbox.db")
    app = InboxApp(store, sources=config.sources)
    async with app.run_test(size=(80, 24)) as pilot:
        await synced(app, pilot)
        await workers_settled(app)
        await pilot.pause()
        line = app.screen.query_one(StatusLine).text(app.now()).plain
        assert line.index("outbox 0") < line.index("old: ")  # the error is there, after it
        assert "outbox 0" in screen_text(app).splitlines()[-2]  # and the outbox is on screen
    store.close()

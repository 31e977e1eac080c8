"""The `inbox-tui` command: open the TUI, build the demo, import, export, sync, send."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Any, NoReturn

import click

from inbox_tui import __version__, paths

USAGE_ERROR = 2


class CliError(click.ClickException):
    """A one-line error for the user; exit code 2 (usage, config or input problems) by default."""

    exit_code = USAGE_ERROR

    def show(self, file: Any = None) -> None:
        click.echo(f"inbox-tui: error: {self.format_message()}", err=True)


class Context:
    """What every sub-command needs: the config (loaded once, lazily) and the database path."""

    def __init__(self, config_path: Path | None, db_path: Path | None) -> None:
        self.config_path = config_path
        self.db_override = db_path
        self._config: Any = None

    @property
    def config(self) -> Any:
        if self._config is None:
            from inbox_tui.config import ConfigError, load_config

            try:
                self._config = load_config(self.config_path)
            except ConfigError as exc:
                raise CliError(str(exc)) from None
        return self._config

    @property
    def db_path(self) -> Path:
        return self.db_override or self.config.database_path

    def open_store(self, path: Path | None = None, *, create: bool = True) -> Any:
        from inbox_tui.store import Store, StoreError

        try:
            return Store.open(path or self.db_path, create=create)
        except StoreError as exc:
            raise CliError(str(exc)) from None

    @property
    def sla(self) -> Any:
        """The first-response policy from the config (targets, business hours, time zone)."""
        from inbox_tui.sla import SlaPolicy

        return SlaPolicy.from_config(self.config)

    @property
    def seller_emails(self) -> frozenset[str]:
        return frozenset(email.lower() for email in self.config.seller.emails)


pass_context = click.make_pass_decorator(Context)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help=f"Config file (default: {paths.default_config_path()}).",
)
@click.option(
    "--db",
    "db_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="SQLite store to use (default: the config's `database`).",
)
@click.version_option(__version__, "--version", "-V", prog_name="inbox-tui")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, db_path: Path | None) -> None:
    """A keyboard-driven terminal inbox for small online sellers.

    With no command, opens the inbox.
    """
    ctx.obj = Context(config_path, db_path)
    if ctx.invoked_subcommand is None:
        state: Context = ctx.obj
        store = state.open_store()
        _run_tui(state, store, title="inbox-tui")


def _run_tui(state: Context, store: Any, *, title: str, sync: bool = True) -> None:
    from inbox_tui.tui.app import UnknownTheme, run_tui

    ui = state.config.ui
    try:
        run_tui(
            store,
            title=title,
            theme=ui.theme,
            page_size=ui.page_size,
            tz=state.config.seller.tzinfo,
            sla=state.sla,
            sources=state.config.sources if sync else (),
            seller_emails=state.seller_emails,
            sync_every=state.config.sync.interval_minutes * 60.0,
            saved_searches=state.config.ui.saved_searches,
        )
    except UnknownTheme as exc:  # only Textual knows its themes
        raise CliError(f"config: ui.theme: {exc}") from None
    finally:
        store.close()


@cli.command()
@click.option(
    "--db",
    "db_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to keep the demo store.",
)
@click.option("--rebuild", is_flag=True, help="Throw away the demo store and build it again.")
@click.option("--no-tui", is_flag=True, help="Build the demo store and exit (for scripts).")
@pass_context
def demo(state: Context, db_path: Path | None, rebuild: bool, no_tui: bool) -> None:
    """Open the TUI on a demo inbox (built once, without network)."""
    from inbox_tui.demo import ensure_demo

    path = db_path or state.db_override or paths.demo_db_path()
    if rebuild:
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    try:
        store = ensure_demo(path)
    except OSError as exc:
        raise CliError(f"cannot build the demo at {path}: {exc.strerror or exc}") from None
    if no_tui:
        count = store.conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
        click.echo(f"demo inbox ready at {path} ({count} tickets)")
        store.close()
        return
    _run_tui(state, store, title="inbox-tui demo", sync=False)  # the demo is not the seller's mail


@cli.group(name="import")
def import_group() -> None:
    """Import mail from local files (idempotent: importing twice adds nothing)."""


def _import(state: Context, kind: str, path: Path) -> None:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from inbox_tui.importer import NotAMailbox, import_maildir, import_mbox

    run = import_maildir if kind == "maildir" else import_mbox
    store = state.open_store()
    columns = (
        TextColumn("importing {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    try:
        with Progress(*columns, transient=True, disable=not sys.stderr.isatty()) as bar:
            task = bar.add_task(str(path), total=None)
            result = run(
                store,
                path,
                seller_emails=state.seller_emails,
                sla=state.sla,
                progress=lambda n: bar.advance(task, n),
                on_total=lambda total: bar.update(task, total=total),
            )
    except NotAMailbox as exc:
        raise CliError(str(exc)) from None
    except KeyboardInterrupt:
        click.echo("inbox-tui: import interrupted; everything imported so far is kept", err=True)
        sys.exit(130)
    finally:
        store.close()
    click.echo(f"{path}: {result.summary()}")
    for problem in result.problems[:20]:
        click.echo(f"  could not read {problem}", err=True)
    if result.failed:
        sys.exit(1)


@import_group.command(name="maildir")
@click.argument("path", type=click.Path(path_type=Path))
@pass_context
def import_maildir_command(state: Context, path: Path) -> None:
    """Import a Maildir folder (with its Maildir++ subfolders)."""
    _import(state, "maildir", path)


@import_group.command(name="mbox")
@click.argument("path", type=click.Path(path_type=Path))
@pass_context
def import_mbox_command(state: Context, path: Path) -> None:
    """Import an mbox file."""
    _import(state, "mbox", path)


@cli.command()
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write here instead of stdout.",
)
@pass_context
def export(state: Context, fmt: str, output: Path | None) -> None:
    """Export tickets: JSON Lines with messages, or CSV with one row per ticket."""
    from inbox_tui.export import FORMATS

    store = state.open_store(create=False)
    try:
        if output is None:
            FORMATS[fmt](store, sys.stdout)
            return
        partial = output.with_name(output.name + ".partial")
        try:
            with open(partial, "w", encoding="utf-8", newline="") as out:
                count = FORMATS[fmt](store, out)
            partial.replace(output)  # never leave a half-written export under the real name
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise CliError(f"cannot write {output}: {exc.strerror or exc}") from None
        click.echo(f"exported {count} tickets to {output}", err=True)
    finally:
        store.close()


@cli.command()
@pass_context
def sync(state: Context) -> None:
    """Bring every configured source up to date (IMAP, local Maildir and mbox)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from inbox_tui.syncing import sync_one

    sources = state.config.sources
    if not sources:
        click.echo("no sources configured (add some under `sources:` in the config)")
        return
    store = state.open_store()
    failed = 0
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    try:
        with Progress(*columns, transient=True, disable=not sys.stderr.isatty()) as bar:
            tasks: dict[str, Any] = {}

            def progress(source: str, folder: str, done: int, total: int | None) -> None:
                key = f"{source}/{folder}"
                if key not in tasks:
                    tasks[key] = bar.add_task(key, total=total)
                bar.update(tasks[key], completed=done, total=total)

            for source in sources:
                outcome = sync_one(
                    store,
                    source,
                    seller_emails=state.seller_emails,
                    sla=state.sla,
                    progress=progress,
                )
                for line, line_failed in outcome.lines:
                    click.echo(line, err=line_failed)
                for problem in outcome.problems[:20]:
                    click.echo(f"  {problem}", err=True)
                if outcome.failed:
                    failed += 1
                    if not outcome.lines:
                        click.echo(f"{source.name}: failed: {outcome.failed}", err=True)
    finally:
        store.close()
    if failed:
        sys.exit(1)


@cli.command()
@pass_context
def send(state: Context) -> None:
    """Send the replies waiting in the outbox."""
    if not state.config.sources:
        click.echo("no sources configured (add some under `sources:` in the config)")
        return
    click.echo("nothing to send: replies arrive with the composer")


@cli.group(name="templates")
def templates_group() -> None:
    """Reply templates: the shipped library plus yours (`templates:` in the config)."""


@templates_group.command(name="check")
@pass_context
def templates_check(state: Context) -> None:
    """Check every template: YAML, syntax, unknown variables, duplicate keys."""
    from inbox_tui.templates import check_library

    library, problems = check_library(state.config.templates)
    if problems:
        for problem in problems:
            click.echo(f"inbox-tui: {problem}", err=True)
        sys.exit(USAGE_ERROR)
    click.echo(f"{len(library)} templates OK")


def _crash(exc: BaseException) -> NoReturn:
    log = paths.crash_log_path()
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "a", encoding="utf-8") as handle:
            handle.write("".join(traceback.format_exception(exc)) + "\n")
        where = f" (details in {log}; please report it)"
    except OSError:
        where = ""
    click.echo(f"inbox-tui: unexpected error: {type(exc).__name__}: {exc}{where}", err=True)
    sys.exit(1)


def main(argv: list[str] | None = None) -> None:
    try:
        code = cli.main(args=argv, prog_name="inbox-tui", standalone_mode=False)
    except click.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx else "inbox-tui"
        click.echo(f"inbox-tui: error: {exc.format_message()} (see '{where} --help')", err=True)
        sys.exit(USAGE_ERROR)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except (click.Abort, KeyboardInterrupt):
        click.echo("inbox-tui: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a traceback is a bug: log it, say one line
        _crash(exc)
    sys.exit(code if isinstance(code, int) else 0)

"""The `inbox-tui` command: open the TUI, build the demo, import, export, sync, send."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from inbox_tui import __version__, paths
from inbox_tui.cli_base import (  # the TUI's part, without click (launch.py opens it so)
    USAGE_ERROR,
    CliError,
    Context,
    demo_store,
    explained,
    open_inbox,
)
from inbox_tui.cli_base import crash as _crash
from inbox_tui.cli_base import run_tui as _run_tui

pass_context = click.make_pass_decorator(Context)


def _global_options(*, after_name: bool = False) -> list[click.Option]:
    """--config and --db, defined once: the group takes them before a command's name, and
    every command after it (`inbox-tui stats --db X`); given twice, the last one counts."""
    late: dict[str, Any] = {"expose_value": False, "callback": _set_global} if after_name else {}
    file = click.Path(path_type=Path, dir_okay=False)
    return [
        click.Option(
            ["--config", "config_path"],
            type=file,
            help=f"Config file (default: {paths.default_config_path()}).",
            **late,
        ),
        click.Option(
            ["--db", "db_path"],
            type=file,
            help="The inbox database (default: the config's `database`; for `demo`:"
            f" {paths.demo_db_path()}).",
            **late,
        ),
    ]


def _set_global(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    state = ctx.find_object(Context)
    if value is None or state is None:
        return
    if param.name == "config_path":
        state.config_path = value
    else:
        state.db_override = value


class _Commands(click.Group):
    """A group whose commands (and sub-groups') all take the global options, and where an
    error SQLite reports about the store file (read-only, full disk, damaged) is one line."""

    group_class = type

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        cmd.params[:0] = _global_options(after_name=True)
        super().add_command(cmd, name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as exc:
            problem = explained(exc, ctx.find_object(Context))
            if problem is None:
                raise
            raise problem from None


@click.group(
    cls=_Commands,
    params=_global_options(),
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, "--version", "-V", prog_name="inbox-tui")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, db_path: Path | None) -> None:
    """A keyboard-driven terminal inbox for small online sellers.

    With no command, opens the inbox (creating the database if there is none yet; on the
    demo's database, the demo). --config and --db go before or after a command's name.
    """
    ctx.obj = Context(config_path, db_path)
    if ctx.invoked_subcommand is None:
        open_inbox(ctx.obj)


@cli.command()
@click.option(
    "--rebuild", is_flag=True, help="Build the demo store again (only ever replaces the demo)."
)
@click.option("--no-tui", is_flag=True, help="Build the demo store and exit (for scripts).")
@pass_context
def demo(state: Context, rebuild: bool, no_tui: bool) -> None:
    """Open the TUI on a demo inbox (built once, without network).

    --db says where to keep it. A file there that is not the demo (your inbox, another
    program's file) is refused, never replaced.
    """
    store = demo_store(state, rebuild=rebuild)
    if no_tui:
        count = store.conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
        click.echo(f"demo inbox ready at {state.opened} ({count} tickets)")
        store.close()
        return
    _run_tui(state, store, title="inbox-tui demo", sync=False)  # the demo is not the seller's mail


@cli.group(name="import")
def import_group() -> None:
    """Import mail from local files (idempotent: importing twice adds nothing)."""


def _import(state: Context, run: Any, path: Path) -> None:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from inbox_tui.importer import NotAMailbox

    store = state.open_store()
    state.refuse_demo(store, "import into")
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
        rules = _rules_after_intake(state, store)
    except NotAMailbox as exc:
        raise CliError(str(exc)) from None
    except KeyboardInterrupt:
        click.echo("inbox-tui: import interrupted; everything imported so far is kept", err=True)
        sys.exit(130)
    finally:
        store.close()
    click.echo(f"{path}: {result.summary()}")
    _say_rules(rules)
    for problem in result.problems[:20]:
        click.echo(f"  not stored: {problem}", err=True)
    if result.failed:
        sys.exit(1)


@import_group.command(name="maildir")
@click.argument("path", type=click.Path(path_type=Path))
@pass_context
def import_maildir_command(state: Context, path: Path) -> None:
    """Import a Maildir folder (with its Maildir++ subfolders)."""
    from inbox_tui.importer import import_maildir

    _import(state, import_maildir, path)


@import_group.command(name="mbox")
@click.argument("path", type=click.Path(path_type=Path))
@pass_context
def import_mbox_command(state: Context, path: Path) -> None:
    """Import an mbox file."""
    from inbox_tui.importer import import_mbox

    _import(state, import_mbox, path)


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

    store = state.open_store(create=False, read_only=True)
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
@click.argument("query")
@click.option(
    "--limit", type=click.IntRange(1, 100_000), default=50, show_default=True, help="At most."
)
@pass_context
def search(state: Context, query: str, limit: int) -> None:
    """Tickets matching QUERY (the `/` search language, docs/search.md), newest first:
    id, status, last activity, customer, subject; tab-separated."""
    from inbox_tui.sanitize import clean_line
    from inbox_tui.search import SearchError, parse_query
    from inbox_tui.store.search import search_tickets

    try:
        parsed = parse_query(query)
    except SearchError as exc:
        raise CliError(f"search: {exc.message}") from None
    store = state.open_store(create=False, read_only=True)
    try:
        rows = search_tickets(store, parsed, limit=limit)
    except SearchError as exc:
        raise CliError(f"search: {exc.message}") from None
    finally:
        store.close()
    for row in rows:  # names and subjects are data: one line each, nothing invisible
        customer = clean_line(row.customer_name or row.customer_email)
        fields = (f"#{row.id}", row.status, row.last_message_at, customer, clean_line(row.subject))
        click.echo("\t".join(fields))
    if not rows:
        click.echo(f"no ticket matches {query.strip()!r}", err=True)


_DAYS = click.IntRange(1, 3650)


def _report(state: Context, days: int) -> Any:
    """The stats of the last `days` days, read from the store (see inbox_tui/stats)."""
    from datetime import UTC, datetime

    from inbox_tui.stats import build_report
    from inbox_tui.store.due import settle_due
    from inbox_tui.templates import TemplateError, load_library

    try:
        templates = load_library(state.config.templates)
    except TemplateError as exc:
        raise CliError(str(exc)) from None
    store = state.open_store(create=False, read_only=True)
    try:
        settle_due(store, state.sla)  # overdue as the list says, after a change of `sla:`
        return build_report(
            store,
            now=datetime.now(UTC),
            days=days,
            sla=state.sla,
            templates=templates,
            tz=state.config.seller.tzinfo,
        )
    finally:
        store.close()


def _write(output: Path | None, write: Any) -> None:
    """`write(file)` to stdout, or to `output` through `output.partial` (never half a file)."""
    if output is None:
        write(sys.stdout)
        return
    partial = output.with_name(output.name + ".partial")
    try:
        with open(partial, "w", encoding="utf-8", newline="") as out:
            write(out)
        partial.replace(output)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise CliError(f"cannot write {output}: {exc.strerror or exc}") from None


@cli.command()
@click.option(
    "--days",
    type=_DAYS,
    default=30,
    show_default=True,
    help="The period: the last N days, beside the N days before them.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "csv"]),
    default="text",
    show_default=True,
    help="text for people; json (everything) or csv (the daily numbers) for scripts.",
)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write here.")
@pass_context
def stats(state: Context, days: int, fmt: str, output: Path | None) -> None:
    """How fast you answer, what customers ask about, which products draw tickets, what is
    unusual this week, the backlog day by day."""
    report = _report(state, days)
    if fmt == "json":
        import json

        from inbox_tui.stats.formats import report_json

        text = json.dumps(report_json(report), ensure_ascii=False) + "\n"
        _write(output, lambda out: out.write(text))
    elif fmt == "csv":
        from inbox_tui.stats.formats import write_csv

        _write(output, lambda out: write_csv(report, out))
    else:
        from rich.console import Console

        from inbox_tui.stats import render_report

        _write(output, lambda out: Console(file=out).print(render_report(report)))


@cli.command()
@click.option(
    "--days", type=_DAYS, default=7, show_default=True, help="The period: the last N days."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The HTML file to write (default: standard output).",
)
@pass_context
def report(state: Context, days: int, output: Path | None) -> None:
    """The stats as one HTML page with charts, for any browser, offline (e.g. -o week.html)."""
    from datetime import UTC, datetime

    from inbox_tui.stats.html import render_html

    page = render_html(
        _report(state, days),
        shop=state.config.seller.name or "inbox-tui",
        generated=datetime.now(UTC).astimezone(state.config.seller.tzinfo),  # the seller's clock
    )
    _write(output, lambda out: out.write(page))
    if output is not None:
        click.echo(f"wrote the last {days} days' report to {output}", err=True)


@cli.command()
@pass_context
def sync(state: Context) -> None:
    """Bring every configured source up to date (IMAP, eBay, local Maildir and mbox)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from inbox_tui import replies

    sources = state.config.sources
    if not sources:
        click.echo("no sources configured (add some under `sources:` in the config)")
        return
    store = state.open_store()
    state.refuse_demo(store, "sync into")
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

            for source in sources:  # one at a time: each source's lines as soon as it is done
                [outcome] = replies.sync(
                    store, [source], seller_emails=state.seller_emails, sla=state.sla,
                    progress=progress,
                )  # fmt: skip
                for line, line_failed in outcome.lines:
                    click.echo(line, err=line_failed)
                for problem in outcome.problems[:20]:
                    click.echo(f"  {problem}", err=True)
                if outcome.failed:
                    failed += 1
                    if not outcome.lines:
                        click.echo(f"{source.name}: failed: {outcome.failed}", err=True)
        _say_rules(_rules_after_intake(state, store))
    finally:
        store.close()
    if failed:
        sys.exit(1)


@cli.command()
@pass_context
def compact(state: Context) -> None:
    """Give the store's free pages back to the disk (after an upgrade or a big delete): the
    store rewritten in place, safely, beside an open inbox-tui."""
    from inbox_tui.store.compact import compact as rewrite
    from inbox_tui.store.compact import pages, space_short
    from inbox_tui.tui.display import size_label as _size

    store = state.open_store(create=False)
    try:
        found = pages(store)
        if found.free == 0:
            click.echo(f"{state.opened} has no free pages: nothing to give back")
            return
        short = space_short(store, found.used_bytes)
        if short is not None:
            raise CliError(
                f"compacting {state.opened} needs {_size(short.needed)} free on the disk of"
                f" {short.where}, which has {_size(short.free)}: free some space and run it again",
                exit_code=1,
            )
        done = rewrite(store)
    finally:
        store.close()
    log = " (more when the inbox-tui that has it open closes)" if done.log_left else ""
    click.echo(
        f"compacted {state.opened}: {_size(done.before)} → {_size(done.after)}"
        f", {_size(max(0, done.before - done.after))} given back{log}"
    )


def _rules_after_intake(state: Context, store: Any) -> Any:
    """The rules on what came in, and the timed ones (docs/rules.md)."""
    from datetime import UTC, datetime

    from inbox_tui import replies

    return replies.run_rules(store, state.config, now=datetime.now(UTC))


def _say_rules(report: Any) -> None:
    """What the rules did, one line; a failing rule is said, never an error of the sync."""
    if report.firings:
        click.echo(report.summary(), err=bool(report.failures))
    for firing in report.failures[:20]:
        click.echo(f"  rule {firing.rule}, ticket {firing.ticket_id}: {firing.outcome}", err=True)


REFUSED = 1  # the command was understood but cannot be done for this ticket (see docs/replies.md)


@cli.command()
@click.argument("ticket_id", type=int)
@click.option("--template", "template_key", required=True, help="The template's key.")
@click.option("--send", "send_now", is_flag=True, help="Send it at once, not only queue it.")
@click.option(
    "--status",
    type=click.Choice(["open", "pending", "closed"]),
    help="The ticket's status after the reply (default: the template's, else unchanged).",
)
@click.option(
    "--attach",
    "attach",
    multiple=True,
    metavar="PATH",
    help="Attach this file to the reply (e-mail only); repeatable.",
)
@pass_context
def reply(
    state: Context,
    ticket_id: int,
    template_key: str,
    send_now: bool,
    status: str | None,
    attach: tuple[str, ...],
) -> None:
    """Answer ticket TICKET_ID with a template: print the text, queue it (and send it)."""
    from datetime import UTC, datetime, timedelta

    from inbox_tui import replies
    from inbox_tui.outbox.message import with_signature
    from inbox_tui.store.reply_files import draft_files

    config = state.config
    template = _template(config, template_key)
    store = state.open_store(create=False)
    if send_now:
        state.refuse_demo(store, "send from")
    try:
        now = datetime.now(UTC)
        rendered = _render_reply(store, config, ticket_id, template, now)
        click.echo(with_signature(rendered, config.seller.signature), nl=False)
        before = {f.id for f in draft_files(store, ticket_id)}
        for path in attach:
            try:
                click.echo(replies.attach_file(store, config, ticket_id, path, at=now), err=True)
            except replies.ReplyRefused as exc:
                _drop_files(store, ticket_id, keep=before)
                raise CliError(f"--attach: {exc}") from None
        try:
            outbox_id = replies.queue(  # no undo hold: the command line has no `u`
                store,
                config,
                ticket_id,
                body=rendered,
                template=template,
                status=status,
                at=now,
                hold=timedelta(0),
            )
        except replies.ReplyRefused as exc:
            _drop_files(store, ticket_id, keep=before)
            raise CliError(str(exc), exit_code=REFUSED) from None
        click.echo(f"queued as outbox #{outbox_id}", err=True)
        if send_now:
            _send(state, store, only=[outbox_id])
    finally:
        store.close()


def _drop_files(store: Any, ticket_id: int, *, keep: set[int]) -> None:
    """The files `--attach` added leave with a refused reply (the draft's own stay)."""
    from inbox_tui.store.reply_files import draft_files, remove_draft_file

    with store.transaction():
        for file in draft_files(store, ticket_id):
            if file.id not in keep:
                remove_draft_file(store, ticket_id, file.id)


def _template(config: Any, key: str) -> Any:
    from inbox_tui.templates import TemplateError, load_library

    try:
        library = load_library(config.templates)
    except TemplateError as exc:
        raise CliError(f"templates: {exc}") from None
    found = next((t for t in library if t.key == key), None)
    if found is None:
        known = ", ".join(sorted(t.key for t in library))
        raise CliError(f"no template with key {key!r} (known: {known})")
    return found


def _render_reply(store: Any, config: Any, ticket_id: int, template: Any, now: Any) -> str:
    """The template filled in for the ticket; a value it lacks is a one-line error (exit 1)."""
    from inbox_tui.replies import context_for
    from inbox_tui.templates import TemplateError, render

    try:
        context = context_for(store, config, ticket_id, now=now)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    try:
        rendered = render(template, context)
    except TemplateError as exc:
        raise CliError(f"template {exc}", exit_code=REFUSED) from None
    if rendered.missing:
        first = rendered.missing[0]
        more = f" (and {len(rendered.missing) - 1} more)" if len(rendered.missing) > 1 else ""
        raise CliError(
            f"template {template.key}: ticket {ticket_id} has no value for {first.name}"
            f" ({first.part} line {first.line}){more}; fill it in, or give the template a"
            f' default: {{{{ {first.name} | default("…") }}}}',
            exit_code=REFUSED,
        )
    return rendered.body


@cli.command()
@click.option(
    "--resend",
    "resend_ids",
    type=int,
    multiple=True,
    metavar="OUTBOX_ID",
    help="Send this failed reply again, with its Message-ID (the #id `send` prints); repeatable.",
)
@pass_context
def send(state: Context, resend_ids: tuple[int, ...]) -> None:
    """Send the replies waiting in the outbox (with --resend: these failed ones, again)."""
    store = state.open_store(create=False)
    state.refuse_demo(store, "send from")
    try:
        if resend_ids:
            _resend(store, resend_ids)
            _send(state, store, only=list(resend_ids))
            return
        if not state.config.sources and not _outbox_waiting(store):
            click.echo("no sources configured (add some under `sources:` in the config)")
            return
        _send(state, store)
    finally:
        store.close()


def _resend(store: Any, outbox_ids: tuple[int, ...]) -> None:
    """Put failed replies back in the queue, each with its Message-ID (the seller checked Sent)."""
    from inbox_tui.replies import ReplyRefused, resend

    for outbox_id in outbox_ids:
        try:
            resend(store, outbox_id)
        except ReplyRefused as exc:
            raise CliError(str(exc)) from None


def _outbox_waiting(store: Any) -> int:
    from inbox_tui.store.outbox import outbox_counts

    counts = outbox_counts(store)
    return counts["queued"] + counts["sending"]


def _nothing_due(store: Any, zone: Any) -> str:
    from datetime import UTC, datetime

    from inbox_tui.store.db import parse_time
    from inbox_tui.store.outbox import held_for_undo, next_attempt
    from inbox_tui.times import clock_label

    waiting = _outbox_waiting(store)
    if not waiting:
        return "nothing to send"
    held = held_for_undo(store, datetime.now(UTC))
    if held is not None:
        count, until = held
        return (
            f"nothing due now: {count} held for undo (outbox.undo_seconds) until"
            f" {clock_label(until, zone)}; the TUI sends it then, or run send again"
        )
    when = next_attempt(store)
    at = f", next try at {clock_label(parse_time(when), zone)}" if when else ""
    return f"nothing due now: {waiting} waiting{at}"


def _send(state: Context, store: Any, *, only: list[int] | None = None) -> None:
    """Send what is due (or only these outbox ids): a line per reply, then the summary;
    exit 1 when a reply failed."""
    from datetime import UTC, datetime

    from rich.console import Console
    from rich.text import Text

    from inbox_tui import replies
    from inbox_tui.outbox.sender import ItemResult
    from inbox_tui.sanitize import readable_line
    from inbox_tui.times import clock_label

    console = Console(highlight=False, soft_wrap=True)
    zone = state.config.seller.tzinfo
    styles = {"sent": "green", "waiting": "yellow", "failed": "bold red", "taken back": "dim"}

    def line(item: ItemResult) -> None:
        text = Text(f"#{item.outbox_id} ticket {item.ticket_id} ")
        # addresses are data: plain text, never markup, nothing invisible (readable_line)
        text.append(", ".join(readable_line(to) for to in item.to) or "?")
        text.append(f": {item.outcome}", styles[item.outcome])
        if item.outcome == "waiting" and item.retry_at is not None:
            text.append(f" (retry at {clock_label(item.retry_at, zone)})")
        if item.detail:
            text.append(f": {item.detail}")
        console.print(text)

    report = replies.send(store, state.config, now=datetime.now(UTC), progress=line, only=only)
    if not report.items and not report.busy:
        click.echo(_nothing_due(store, zone))
        return
    click.echo(report.summary(zone))
    if report.failed:
        sys.exit(1)


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


@templates_group.command(name="list")
@pass_context
def templates_list(state: Context) -> None:
    """The library: each template's key, name, language and where it comes from."""
    import shutil

    from inbox_tui.templates import check_library, shipped_templates
    from inbox_tui.templates_table import library_lines

    extra = state.config.templates
    library, problems = check_library(extra)
    width = max(80, shutil.get_terminal_size().columns)
    for line in library_lines(library, shipped_templates(), width):
        click.echo(line)
    if extra is not None:
        click.echo(f"yours: {extra} (`templates:` in the config)")
    if problems:
        click.echo(
            f"inbox-tui: {len(problems)} problem(s) in the templates: see 'inbox-tui templates check'",
            err=True,
        )


@cli.group(name="rules")
def rules_group() -> None:
    """Rules: what the inbox does by itself (`rules:` in the config, docs/rules.md)."""


@rules_group.command(name="check")
@pass_context
def rules_check(state: Context) -> None:
    """Check the rules: keys, searches, durations, templates and topics they name."""
    from inbox_tui.rules.check import check_rules

    config = state.config  # a bad key is a one-line error with its file and line
    problems = check_rules(config, state.config_path)
    if problems:
        for problem in problems:
            click.echo(f"inbox-tui: error: {problem}", err=True)
        sys.exit(USAGE_ERROR)
    count = len(config.rules)
    click.echo(f"{count} rule{'' if count == 1 else 's'} OK")


_REPLAY_DAYS = click.option(
    "--days", type=click.IntRange(1, 3650), default=30, show_default=True,
    help="The tickets the customer wrote in during the last DAYS days.",
)  # fmt: skip


@rules_group.command(name="test")
@_REPLAY_DAYS
@pass_context
def rules_test(state: Context, days: int) -> None:
    """What the rules would do to the stored tickets, per rule and per ticket; changes nothing."""
    _replay(state, days, apply=False)


@rules_group.command(name="apply")
@_REPLAY_DAYS
@pass_context
def rules_apply(state: Context, days: int) -> None:
    """Run the rules over the stored tickets now (a rule acts once per customer message)."""
    _replay(state, days, apply=True)


def _replay(state: Context, days: int, *, apply: bool) -> None:
    from datetime import UTC, datetime

    from inbox_tui.rules.check import check_rules
    from inbox_tui.rules.engine import replay
    from inbox_tui.rules.report import replay_lines

    config = state.config
    if not config.rules:
        click.echo("no rules configured (add some under `rules:` in the config; docs/rules.md)")
        return
    problems = check_rules(config, state.config_path)
    if problems:
        raise CliError("\n".join([*problems, "fix them first: inbox-tui rules check"]))
    store = state.open_store(create=False, read_only=not apply)
    try:
        if apply:
            state.refuse_demo(store, "apply rules in")
        now = datetime.now(UTC)
        report = replay(store, config, now=now, days=days, apply=apply)
        for line in replay_lines(store, config, report, days=days, applied=apply):
            click.echo(line)
    finally:
        store.close()
    if report.failures:
        sys.exit(1)


def main(argv: list[str] | None = None) -> None:
    try:
        code = cli.main(args=argv, prog_name="inbox-tui", standalone_mode=False)
    except click.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx else "inbox-tui"
        click.echo(f"inbox-tui: error: {exc.format_message()} (see '{where} --help')", err=True)
        sys.exit(USAGE_ERROR)
    except (CliError, click.ClickException) as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except (click.Abort, KeyboardInterrupt):
        click.echo("inbox-tui: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a traceback is a bug: log it, say one line
        _crash(exc)
    sys.exit(code if isinstance(code, int) else 0)

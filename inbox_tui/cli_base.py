"""What opening the inbox needs of the CLI, without click: its one-line errors, the context
(config and store), and the TUI's two ways in, `inbox-tui [--config F] [--db F]` and
`inbox-tui demo` with those options.

Importing click and building the command tree cost ~40-60 ms of a 0.6 s start (issue 12), and
the TUI needs neither: `launch.py` hands these plain forms here (`quick_start`) and everything
else to click (cli.py), whose commands use the same context and errors.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from inbox_tui import paths

USAGE_ERROR = 2


class CliError(Exception):
    """A one-line error for the user; exit code 2 (usage, config or input problems) by default."""

    def __init__(self, message: str, *, exit_code: int = USAGE_ERROR) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code

    def format_message(self) -> str:
        return self.message

    def show(self) -> None:
        for line in self.format_message().splitlines():  # one line per problem
            say(f"inbox-tui: error: {line}")


def say(line: str) -> None:
    """A line on stderr (as click.echo(..., err=True) writes it)."""
    print(line, file=sys.stderr, flush=True)


class Context:
    """What every sub-command needs: the config (loaded once, lazily) and the database path."""

    def __init__(self, config_path: Path | None, db_path: Path | None) -> None:
        self.config_path = config_path
        self.db_override = db_path
        self.opened: Path | None = None  # the store a command opened: named in its errors
        self._config: Any = None
        self._start: Any = None

    @property
    def config(self) -> Any:
        if self._config is None:
            from inbox_tui.config_yaml import ConfigError

            try:
                if self._start is not None:  # the same bytes the TUI started with
                    self._config = self._start.full()
                else:
                    from inbox_tui.config import load_config

                    self._config = load_config(self.config_path)
            except ConfigError as exc:
                raise CliError("\n".join(exc.problems)) from None
        return self._config

    @property
    def start(self) -> Any:
        """The config as a start of the TUI reads it: the first frame's settings from the
        cache when the file, HOME and code are unchanged (config_cache.py), `.full()` for the
        rest; a bad file is the same one-line error as `config`'s."""
        if self._start is None:
            from inbox_tui.config_cache import load_start_config

            try:
                self._start = load_start_config(self.config_path)
            except Exception as exc:
                from inbox_tui.config_yaml import ConfigError  # YAML only for a file read anew

                if not isinstance(exc, ConfigError):
                    raise
                raise CliError("\n".join(exc.problems)) from None
        return self._start

    @property
    def db_path(self) -> Path:
        settings = self._start if self._start is not None and self._config is None else None
        return self.db_override or (settings or self.config).database_path

    def open_store(
        self, path: Path | None = None, *, create: bool = True, read_only: bool = False
    ) -> Any:
        """The store; `create=False` when there must be one already (export, stats, reply,
        send), `read_only=True` when the command only reads it (export, stats)."""
        from inbox_tui.store import Store, StoreError

        def upgrading(old: int, new: int) -> None:
            work = ["its search index is rebuilt"] if old < 10 else []
            work += ["its attachments are matched to their raw mail"] if old < 12 else []
            say(
                f"inbox-tui: upgrading the inbox database (schema {old} → {new}); a big one takes"
                f" a minute while {' and '.join(work) or 'it is rewritten'}…"
            )

        self.opened = path or self.db_path
        try:
            return Store.open(self.opened, create=create, read_only=read_only, on_upgrade=upgrading)
        except StoreError as exc:
            raise store_error(exc) from None

    def refuse_demo(self, store: Any, doing: str) -> None:
        """Refuse to import into, sync into or send from the demo: real mail in it would be
        lost to `demo --rebuild`, and its customers are made up."""
        if store.demo:
            store.close()
            raise CliError(
                f"{store.path} is the demo inbox (made-up customers, replaced by"
                f" `demo --rebuild`): inbox-tui does not {doing} it; use your own store"
                " (--db, or `database:` in the config)"
            )

    @property
    def sla(self) -> Any:
        """The first-response policy from the config (targets, business hours, time zone)."""
        from inbox_tui.sla import SlaPolicy

        return SlaPolicy.from_config(self.config)

    @property
    def seller_emails(self) -> frozenset[str]:
        return frozenset(email.lower() for email in self.config.seller.emails)


def store_error(exc: Exception) -> CliError:
    from inbox_tui.store.identity import StoreBusy

    return CliError(str(exc), exit_code=1 if isinstance(exc, StoreBusy) else USAGE_ERROR)


def explained(exc: Exception, state: Context | None) -> CliError | None:
    """An error SQLite reports about the store a command opened (read-only, full disk,
    damaged) as one line; None for any other error."""
    import sqlite3

    if not isinstance(exc, sqlite3.Error) or state is None or state.opened is None:
        return None
    from inbox_tui.store.identity import explain

    problem = explain(exc, state.opened)
    return None if problem is None else store_error(problem)


# --- the TUI ----------------------------------------------------------------------------------


def open_inbox(state: Context) -> None:
    """`inbox-tui` with no command: the inbox (created if there is none yet; on the demo's
    database, the demo)."""
    state.start  # noqa: B018  # the config through its cache: the TUI opens
    store = state.open_store()
    if store.demo:  # never synced into: its customers are made up
        run_tui(state, store, title="inbox-tui demo", sync=False)
    else:
        run_tui(state, store, title="inbox-tui")


def demo_store(state: Context, *, rebuild: bool) -> Any:
    """The demo's store at --db (or its default place), built if there is none."""
    from inbox_tui.demo import ensure_demo
    from inbox_tui.store import StoreError

    path = state.db_override or paths.demo_db_path()
    state.opened = path
    try:
        return ensure_demo(path, rebuild=rebuild)
    except StoreError as exc:
        raise store_error(exc) from None
    except OSError as exc:
        raise CliError(f"cannot build the demo at {path}: {exc.strerror or exc}") from None


def run_tui(state: Context, store: Any, *, title: str, sync: bool = True) -> None:
    from inbox_tui.tui.app import UnknownTheme, run_tui
    from inbox_tui.tui.keymap import UnknownKeyAction

    # no sources for the demo: nothing syncs into it, and its made-up customers must never be
    # mailed from the seller's real account
    config = state.start if sync else state.start.without_sources()
    try:
        crashed = run_tui(store, config, title=title)
    except UnknownTheme as exc:  # only Textual knows its themes
        raise CliError(f"config: ui.theme: {exc}") from None
    except UnknownKeyAction as exc:  # only the TUI's table knows its actions
        raise CliError(f"config: {exc}") from None
    finally:
        store.close()
    if crashed:  # the app stopped on an error: its traceback is in crash.log (inbox_tui.crash)
        say(crashed)
        sys.exit(1)


def crash(exc: BaseException) -> NoReturn:
    from inbox_tui.crash import record

    say(record(exc))
    sys.exit(1)


# --- the TUI's ways in, without click -----------------------------------------------------------

OPTIONS = {"--config": "config_path", "--db": "db_path"}


def tui_words(args: Sequence[str]) -> tuple[dict[str, Path], bool] | None:
    """`inbox-tui ARGS` as ({option: path}, demo) when ARGS only open the TUI: `demo` or no
    command, and --config/--db (before or after `demo`; the last one given counts). None for
    anything else, or anything click would read otherwise or refuse (a value that looks
    like an option, a folder given as a file): click parses those."""
    given: dict[str, Path] = {}
    demo = False
    words = list(args)
    while words:
        word = words.pop(0)
        name, eq, value = word.partition("=")
        if name in OPTIONS:
            if not eq:
                if not words:
                    return None
                value = words.pop(0)
            if not value or value.startswith("-") or Path(value).is_dir():
                return None
            given[OPTIONS[name]] = Path(value)
        elif word == "demo" and not demo:
            demo = True
        else:
            return None
    return given, demo


def quick_start(args: Sequence[str]) -> bool:
    """Open the TUI for ARGS without click, as cli.main would (its errors, exit codes and
    crash report); False, having done nothing, when ARGS are not one of the plain forms."""
    words = tui_words(args)
    if words is None:
        return False
    given, demo = words
    state = Context(given.get("config_path"), given.get("db_path"))
    try:
        if demo:
            run_tui(state, demo_store(state, rebuild=False), title="inbox-tui demo", sync=False)
        else:
            open_inbox(state)
    except CliError as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, EOFError):
        say("inbox-tui: interrupted")
        sys.exit(130)
    except Exception as exc:
        if (problem := explained(exc, state)) is None:
            crash(exc)  # a traceback is a bug: log it, say one line
        problem.show()
        sys.exit(problem.exit_code)
    sys.exit(0)

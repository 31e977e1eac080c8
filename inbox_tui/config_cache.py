"""The config on the way to the TUI's first frame, without pydantic: a cache of what that frame
reads, written by a full validation and used only for the very same file, environment and code.

Importing pydantic and our models and validating a file cost ~0.2 s of a ~0.6 s start. The
first frame reads only a little of the config (`ui`, `seller`, `sla`, `snooze`, `sync`,
`database` and the sources' kinds), none of it secret. After a full validation (config/), that
part is kept as JSON in the cache folder (paths.config_cache_dir), keyed by the file's bytes,
its path, HOME (`~` in paths), Python's version and this package's folder, and stamped with
the size and modification time of every module of ours and of pydantic, pydantic-core and
PyYAML that the validation ran. A start whose key and stamps all match builds the first
frame's settings from it; anything else (a new file, another HOME, changed code) validates
the file in full as before, with the same one-line errors, and writes the cache again.

The composer opens from these settings too (the seller's name, signature and time zone, and
`templates`, the path of the seller's own templates, kept for it): a reply begun right at the
start does not wait for pydantic. The whole validated `Config` is still built, from the very
bytes read at start, the first time anything asks for it (`StartConfig.full`, `whole`): the
app does so beside the UI once the composer is prepared, and sending or attaching a file
needs it. Passwords, tokens, commands and everything else of `sources`, `orders`, `rules`
and `templates` never reach the cache: only the sources' kinds do.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, tzinfo
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from inbox_tui import paths

if TYPE_CHECKING:
    from inbox_tui.config import Config

FORMAT = 2  # the cache entry's layout; a new one is a miss (2: `templates` kept)
SECTIONS = ("seller", "ui", "sla", "snooze", "sync")  # besides `database` and the sources' kinds
# besides the first frame's: where the seller's reply templates are (the composer reads them)
PATHS = ("database", "templates")
STAMPED_PACKAGES = ("inbox_tui", "pydantic", "pydantic_core", "yaml", "_yaml")


# --- what the first frame reads --------------------------------------------------------------


@dataclass(frozen=True)
class SavedSearchSetting:
    name: str
    query: str


@dataclass(frozen=True)
class UiSettings:
    theme: str
    page_size: int
    start_view: str
    saved_searches: tuple[SavedSearchSetting, ...]
    keys: Mapping[str, str]
    attachments_dir: Path | None


@dataclass(frozen=True)
class SellerSettings:
    name: str
    emails: tuple[str, ...]
    signature: str
    timezone: str

    @property
    def tzinfo(self) -> tzinfo:
        return time_zone(self.timezone)


def time_zone(name: str) -> tzinfo:
    """The seller's time zone by its (validated) name; `UTC` even without a zone database.
    Here, not in the config models: the first frame needs it without pydantic."""
    if name == "UTC":
        return UTC
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


@dataclass(frozen=True)
class BusinessHoursSettings:
    days: tuple[str, ...]
    start: str
    end: str


@dataclass(frozen=True)
class SlaSettings:
    targets: SimpleNamespace  # channel name → duration text, as `sla.targets.<channel>`
    business_hours: BusinessHoursSettings
    business_hours_channels: tuple[str, ...]


@dataclass(frozen=True)
class SnoozeSettings:
    wake_on_reply: bool


@dataclass(frozen=True)
class SyncSettings:
    interval_minutes: int


class StartConfig:
    """The part of a validated config the first frame reads, as plain values under the same
    names as `Config`'s (`ui.theme`, `seller.tzinfo`, `sla.targets.ebay`…), and the whole
    `Config` on demand (`full`), validated from the bytes read at start."""

    def __init__(
        self,
        values: Mapping[str, Any],
        *,
        raw: bytes | None,
        file: Path,
        name: str,
        full: Config | None = None,
        without_sources: bool = False,
    ) -> None:
        self.values = values
        self.database: Path | None = Path(values["database"]) if values["database"] else None
        self.templates: Path | None = Path(values["templates"]) if values["templates"] else None
        seller, ui, sla = values["seller"], values["ui"], values["sla"]
        self.seller = SellerSettings(
            name=seller["name"],
            emails=tuple(seller["emails"]),
            signature=seller["signature"],
            timezone=seller["timezone"],
        )
        self.ui = UiSettings(
            theme=ui["theme"],
            page_size=ui["page_size"],
            start_view=ui["start_view"],
            saved_searches=tuple(SavedSearchSetting(**s) for s in ui["saved_searches"]),
            keys=dict(ui["keys"]),
            attachments_dir=Path(ui["attachments_dir"]) if ui["attachments_dir"] else None,
        )
        hours = sla["business_hours"]
        self.sla = SlaSettings(
            targets=SimpleNamespace(**sla["targets"]),
            business_hours=BusinessHoursSettings(
                tuple(hours["days"]), hours["start"], hours["end"]
            ),
            business_hours_channels=tuple(sla["business_hours_channels"]),
        )
        self.snooze = SnoozeSettings(wake_on_reply=values["snooze"]["wake_on_reply"])
        self.sync = SyncSettings(interval_minutes=values["sync"]["interval_minutes"])
        self.source_kinds: tuple[str, ...] = () if without_sources else tuple(values["sources"])
        self._raw, self._file, self._name, self._full = raw, file, name, full
        self._without_sources = without_sources
        self._lock = threading.Lock()

    @property
    def database_path(self) -> Path:
        """The SQLite file to open: the configured one, or the platform's default."""
        return (self.database or paths.default_db_path()).absolute()

    def full(self) -> Config:
        """The whole validated config (pydantic models): built once, from the bytes read at
        start, in whichever thread asks first. Raises ConfigError only if the validation
        disagrees with the cache, which its key and stamps are there to rule out."""
        with self._lock:
            if self._full is None:
                self._full = _validate(self._raw, self._file, self._name)
                if self._without_sources:
                    self._full = self._full.model_copy(update={"sources": []})
            return self._full

    def without_sources(self) -> StartConfig:
        """The same settings with no sources (the demo: nothing syncs into it or sends)."""
        full = None
        if self._full is not None:
            full = self._full.model_copy(update={"sources": []})
        return StartConfig(
            self.values,
            raw=self._raw,
            file=self._file,
            name=self._name,
            full=full,
            without_sources=True,
        )


def start_values(config: Config) -> dict[str, Any]:
    """What the cache keeps of a validated config: the first frame's sections, the database,
    and the sources' kinds (nothing else of a source: names, hosts, passwords stay out)."""
    values = config.model_dump(mode="json", include={*PATHS, *SECTIONS})
    values["sources"] = [source.kind for source in config.sources]
    return values


# --- reading the config, through the cache ------------------------------------------------------


def whole(config: Config | StartConfig) -> Config:
    """The whole validated config, from either kind (StartConfig.full validates it once)."""
    return config.full() if isinstance(config, StartConfig) else config


def load_start_config(path: Path | None = None) -> StartConfig:
    """The config for a start of the TUI: `path`, or the default location (absent: defaults).
    A bad file raises ConfigError as `config.load_config` does (it is the one that reads it)."""
    file = Path(path) if path is not None else paths.default_config_path()
    try:
        raw: bytes | None = file.read_bytes()
    except FileNotFoundError:
        if path is not None:
            _validate_file(file)  # raises the usual "not found" error
        raw = None
    except OSError:
        _validate_file(file)  # a directory, no permission…: the usual one-line error
        raise
    name = str(file)  # as given: errors name the file as the user wrote it
    file = file.absolute()
    entry_path, key = _entry_path(file), _key(file, raw)
    values = _read_entry(entry_path, key)
    if values is not None:
        try:
            return _checked(StartConfig(values, raw=raw, file=file, name=name))
        except (KeyError, TypeError, ValueError, OSError):  # another layout, a lost time zone
            pass
    config = _validate(raw, file, name)
    values = start_values(config)
    _write_entry(entry_path, key, values)
    return StartConfig(values, raw=raw, file=file, name=name, full=config)


def _validate(raw: bytes | None, file: Path, name: str) -> Config:
    from inbox_tui.config import Config, parse_config

    if raw is None:
        return Config()
    return parse_config(raw, name, base_dir=file.parent)


def _validate_file(file: Path) -> None:
    from inbox_tui.config import load_config

    load_config(file)


def _checked(start: StartConfig) -> StartConfig:
    start.seller.tzinfo  # noqa: B018  # a zone gone from the system: validate in full instead
    return start


def _key(file: Path, raw: bytes | None) -> str:
    digest = hashlib.sha256()
    for part in (
        str(FORMAT),
        str(file),
        os.environ.get("HOME", ""),
        sys.version,
        str(Path(__file__).parent),
    ):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(b"absent" if raw is None else b"file\0" + raw)
    return digest.hexdigest()


def _entry_path(file: Path) -> Path:
    """One entry per config file and install (two checkouts do not overwrite each other's)."""
    where = f"{file}\0{Path(__file__).parent}".encode("utf-8", "surrogateescape")
    return paths.config_cache_dir() / f"config-{hashlib.sha256(where).hexdigest()[:16]}.json"


def _stamp(file: str) -> list[Any]:
    try:
        status = os.stat(file)
    except OSError:
        return [file, None, None]
    return [file, status.st_mtime_ns, status.st_size]


def _code_stamps() -> list[list[Any]]:
    """Size and modification time of every loaded module of ours and of the validation's
    libraries (their packages' first file): a changed or upgraded one makes the entry a miss."""
    found = []
    for name, module in list(sys.modules.items()):
        package = name.partition(".")[0]
        # ours, every module; a library, its package's __init__ (an upgrade rewrites it)
        if package == "inbox_tui" or name in STAMPED_PACKAGES:
            file = getattr(module, "__file__", None)
            if file:
                found.append(_stamp(file))
    return sorted(found)


def _read_entry(entry_path: Path, key: str) -> dict[str, Any] | None:
    try:
        entry = json.loads(entry_path.read_bytes())
        if entry["key"] != key:
            return None
        if any(_stamp(stamp[0]) != stamp for stamp in entry["code"]):
            return None
        values: dict[str, Any] = entry["values"]
        return values
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def _write_entry(entry_path: Path, key: str, values: dict[str, Any]) -> None:
    """Written whole or not at all (a temporary file renamed), readable by its owner only; a
    folder that cannot be written only costs the next start its speed."""
    entry = {"key": key, "code": _code_stamps(), "values": values}
    temporary = entry_path.with_name(f"{entry_path.name}.{os.getpid()}.tmp")
    try:
        entry_path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            json.dump(entry, out)
        os.replace(temporary, entry_path)
    except OSError:
        with suppress(OSError):
            temporary.unlink(missing_ok=True)


__all__ = ["StartConfig", "load_start_config", "start_values", "whole"]

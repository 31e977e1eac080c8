"""The value types of the config: checked strings (paths, e-mail addresses, time zones,
durations, keys…) with the names docs/config.md gives them, and the base of every section."""

from __future__ import annotations

import ipaddress
import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

from inbox_tui.channels.registry import channel_names
from inbox_tui.search import SearchError, parse_query
from inbox_tui.sla import (
    WEEKDAYS,
    parse_duration,
)

# --- value types --------------------------------------------------------------------------


def describe(value: Any) -> str:
    """A short, one-line, escaped rendering of a user's value for an error message."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, date):
        return f"a date ({value.isoformat()})"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _expand_path(value: Any, info: ValidationInfo) -> Path:
    if isinstance(value, Path):  # built in code rather than read from YAML
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise PydanticCustomError("path", "expected a path, got {got}", {"got": describe(value)})
    if "\x00" in value:
        raise PydanticCustomError("path", "a path cannot contain a NUL character")
    try:
        path = Path(value).expanduser()
    except RuntimeError:  # "~someone" for an unknown user, or no home directory at all
        raise PydanticCustomError(
            "path", "cannot expand '~' in {got}", {"got": describe(value)}
        ) from None
    base_dir = (info.context or {}).get("base_dir")
    if not path.is_absolute() and base_dir is not None:
        path = Path(base_dir) / path
    return path


_EMAIL = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\".]+(?:\.[^@\s<>,;\".]+)+")


def _check_email(value: str) -> str:
    if not _EMAIL.fullmatch(value):
        raise PydanticCustomError(
            "email", "not a valid e-mail address: {got}", {"got": describe(value)}
        )
    return value.lower()


def _check_timezone(name: str) -> str:
    if name == "UTC":  # always valid, even where no time zone database is installed
        return name
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        import difflib
        from zoneinfo import available_timezones

        close = difflib.get_close_matches(name, sorted(available_timezones()), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else " (e.g. 'Europe/Istanbul', 'UTC')"
        raise PydanticCustomError(
            "timezone",
            "not a known IANA time zone: {got}{hint}",
            {"got": describe(name), "hint": hint},
        ) from None
    return name


_SOURCE_NAME = re.compile(r"[a-z0-9_-]+")


def _check_source_name(name: str) -> str:
    if not _SOURCE_NAME.fullmatch(name):
        raise PydanticCustomError(
            "source_name",
            "expected lower-case letters, digits, '-' and '_' only, got {got}",
            {"got": describe(name)},
        )
    return name


def _check_duration(value: Any) -> str:
    try:
        parse_duration(value)
    except ValueError as exc:
        raise PydanticCustomError(
            "duration", "{why}, got {got}", {"why": str(exc), "got": describe(value)}
        ) from None
    return value.strip()


_CLOCK = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


def _check_clock_time(value: Any) -> str:
    if not isinstance(value, str) or not _CLOCK.fullmatch(value.strip()):
        raise PydanticCustomError(
            "clock_time",
            "expected a time of day as HH:MM (24 h), got {got}",
            {"got": describe(value)},
        )
    return value.strip()


def _check_weekday(value: Any) -> str:
    if not isinstance(value, str) or value.strip().lower()[:3] not in WEEKDAYS:
        raise PydanticCustomError(
            "weekday", "expected a weekday (mon … sun), got {got}", {"got": describe(value)}
        )
    return value.strip().lower()[:3]


def _check_channel(value: Any) -> str:
    known = channel_names()
    if value not in known:
        raise PydanticCustomError(
            "channel",
            "expected a channel ({known}), got {got}",
            {"known": ", ".join(known), "got": describe(value)},
        )
    return value


START_VIEWS = ("due", "all", "open", "pending", "snoozed", "closed")
"""The views by status the inbox can open on (tui/ticket_views.VIEW_NAMES, checked by a test)."""


def _check_view(value: Any) -> str:
    """A view of the inbox: one of START_VIEWS, channel:NAME, tag:NAME or saved:NAME."""
    text = value.strip() if isinstance(value, str) else ""
    kind, colon, name = text.partition(":")
    if text in START_VIEWS or (colon and kind in ("tag", "saved") and name.strip()):
        return text
    if colon and kind == "channel" and name in channel_names():
        return text
    raise PydanticCustomError(
        "view",
        "expected a view ({known}, channel:NAME, tag:NAME or saved:NAME), got {got}",
        {"known": ", ".join(START_VIEWS), "got": describe(value)},
    )


def _check_search_query(value: str) -> str:
    try:
        query = parse_query(value)
    except SearchError as exc:
        raise PydanticCustomError(
            "search_query", "not a valid search: {why}", {"why": exc.message}
        ) from None
    if not query:
        raise PydanticCustomError("search_query", "a search needs at least one word or filter")
    return value.strip()


def _check_from(value: str) -> str:
    """A From address, bare or with a display name ("Shop <seller@example.com>")."""
    from email.utils import parseaddr

    _, address = parseaddr(value)
    if not address or not _EMAIL.fullmatch(address) or "\n" in value:
        raise PydanticCustomError(
            "at_key",
            "expected an address like 'Shop <seller@example.com>', got {got}",
            {"got": describe(value), "key": "from"},
        )
    return value


_LOOPBACK_NAMES = frozenset({"localhost", "ip6-localhost", "ip6-loopback"})


def is_loopback(host: str) -> bool:
    """This machine: `localhost` or a loopback address (127.0.0.0/8, ::1); plain text to it
    never crosses a network."""
    host = host.strip().strip("[]").rstrip(".").lower()
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_plain_http(url: str | None, allow_insecure: bool, key: str) -> None:
    """`http://` sends the token in clear: only to this machine, or where the seller said
    `allow_insecure: true`. Raises the config error at `key`."""
    if url is None or allow_insecure:
        return
    parts = urlsplit(url)
    if parts.scheme.lower() == "http" and not is_loopback(parts.hostname or ""):
        raise PydanticCustomError(
            "at_key",
            "http:// sends your token unencrypted to {host}; use https://, or set"
            " allow_insecure: true",
            {"host": parts.hostname or url, "key": key},
        )


# How the reference page names the checked types below.
CHECK_LABELS: dict[Any, str] = {
    _expand_path: "path",
    _check_email: "e-mail address",
    _check_timezone: "time zone name",
    _check_source_name: "name",
    _check_duration: "duration",
    _check_clock_time: "time of day",
    _check_weekday: "weekday",
    _check_channel: "channel",
    _check_search_query: "search query",
    _check_view: "view",
}

PathSetting = Annotated[Path, BeforeValidator(_expand_path)]


def _check_keys(value: Any) -> str:
    """Textual key names, comma-separated: `a`, `ctrl+z,u`, `question_mark`."""
    if not isinstance(value, str) or not value.strip():
        raise PydanticCustomError(
            "at_key",
            "expected key names such as a or ctrl+z,u, got {got}",
            {"got": describe(value), "key": ""},
        )
    names = [name.strip() for name in value.split(",")]
    if any(not name or " " in name for name in names):
        raise PydanticCustomError(
            "at_key",
            "expected key names separated by commas (ctrl+z,u), got {got}",
            {"got": repr(value), "key": ""},
        )
    return ",".join(names)


KeySetting = Annotated[str, BeforeValidator(_check_keys)]
CHECK_LABELS[_check_keys] = "key names"
EmailAddress = Annotated[str, AfterValidator(_check_email)]
TimeZoneName = Annotated[str, AfterValidator(_check_timezone)]
SourceName = Annotated[str, AfterValidator(_check_source_name)]
Duration = Annotated[str, BeforeValidator(_check_duration)]
ClockTime = Annotated[str, BeforeValidator(_check_clock_time)]
Weekday = Annotated[str, BeforeValidator(_check_weekday)]
Channel = Annotated[str, BeforeValidator(_check_channel)]
SearchQuery = Annotated[str, AfterValidator(_check_search_query)]
ViewName = Annotated[str, BeforeValidator(_check_view)]


# --- the models ------------------------------------------------------------------------------


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def _empty_means_default(cls, data: Any) -> Any:
        # `key:` with nothing after it reads as null in YAML: take it as "use the default".
        if isinstance(data, dict):
            fields = cls.model_fields
            return {
                k: v
                for k, v in data.items()
                if not (v is None and k in fields and not fields[k].is_required())
            }
        return data

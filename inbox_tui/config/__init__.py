"""The user's settings: a YAML file read into typed, validated models.

Every key is a pydantic field whose `description` is its documentation: `config.example.yaml`
is checked against these models and `docs/config.md` is generated from them
(config_reference.py); config_yaml.py reads the YAML and remembers where each key was. A bad file gives
a `ConfigError` whose message is one line naming the file, the line, the key and what was
expected. Adding a source kind means adding one model to `SourceConfig` and nothing else.

The package: `fields` (checked value types and the section base), `sources` (one model per
source kind), `orders` (the order providers), and here the other sections, the whole `Config`,
reading the file and turning a validation error into one line.
"""

from __future__ import annotations

import types
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Union, get_args, get_origin

from pydantic import (
    BaseModel,
    Field,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from inbox_tui import paths
from inbox_tui.channels.registry import channels
from inbox_tui.config.fields import (
    CHECK_LABELS,
    Channel,
    ClockTime,
    Duration,
    EmailAddress,
    KeySetting,
    PathSetting,
    SearchQuery,
    TimeZoneName,
    ViewName,
    Weekday,
    _Section,
    describe,
)
from inbox_tui.config.orders import (
    AmazonOrdersConfig,
    OrdersConfig,
    ShopifyOrdersConfig,
    WooCommerceOrdersConfig,
)
from inbox_tui.config.rules import (
    AutoReplyConfig,
    RuleActions,
    RuleCondition,
    RuleConfig,
    unique_rule_names,
)
from inbox_tui.config.sources import (
    EbaySourceConfig,
    ImapSourceConfig,
    MaildirSourceConfig,
    MboxSourceConfig,
    SmtpConfig,
    SourceConfig,
)
from inbox_tui.config_cache import time_zone
from inbox_tui.config_yaml import ConfigError, KeyPath, Position, dotted, load_yaml
from inbox_tui.sla import (
    DEFAULT_BUSINESS_HOURS_CHANNELS,
    DEFAULT_TARGETS,
    WEEKDAYS,
    format_duration,
)

__all__ = [
    "CHECK_LABELS",
    "AmazonOrdersConfig",
    "AutoReplyConfig",
    "Config",
    "ConfigError",
    "EbaySourceConfig",
    "ImapSourceConfig",
    "MaildirSourceConfig",
    "MboxSourceConfig",
    "OrdersConfig",
    "RuleActions",
    "RuleCondition",
    "RuleConfig",
    "SavedSearchConfig",
    "SellerConfig",
    "ShopifyOrdersConfig",
    "SmtpConfig",
    "SourceConfig",
    "SlaConfig",
    "SnoozeConfig",
    "SyncConfig",
    "UiConfig",
    "WooCommerceOrdersConfig",
    "discriminator_tag",
    "load_config",
    "parse_config",
    "union_members",
]


class SellerConfig(_Section):
    """Who you are: used to tell your own mail from your customers' and to sign replies."""

    name: str = Field("", description="Your shop's name, shown in templates and the signature.")
    emails: list[EmailAddress] = Field(
        default_factory=list,
        description="Your own e-mail addresses (lower-cased): mail from them is your reply,"
        " mail to them is a customer writing in.",
    )
    signature: str = Field("", description="Text added below every reply; may span lines.")
    timezone: TimeZoneName = Field(
        "UTC",
        description="Your IANA time zone (e.g. Europe/Istanbul): every time the TUI and the"
        " CLI show is in it, with its name (14:30 CET), and business hours are counted in it.",
    )

    @property
    def tzinfo(self) -> tzinfo:
        return time_zone(self.timezone)


class SavedSearchConfig(_Section):
    """A search kept in the config: a view of its own in the sidebar."""

    name: str = Field(min_length=1, description="The view's name in the sidebar.")
    query: SearchQuery = Field(
        description="What to search for, as typed after `/` (docs/search.md), e.g."
        " 'tag:refund status:open'."
    )


class UiConfig(_Section):
    """How the terminal interface looks and behaves."""

    theme: str = Field(
        "textual-dark",
        min_length=1,
        description="The name of a Textual theme to start with. A theme chosen in the command"
        " palette (ctrl+p, Theme) is kept for the next start, in the state folder, until this"
        " value changes; this file is never rewritten.",
    )
    page_size: int = Field(
        60,
        ge=20,
        le=5000,
        strict=True,
        description=(
            "How many rows the ticket list fetches from the store at a time (20-5000): about"
            " a screenful; larger pages make view switches slower."
        ),
    )
    start_view: ViewName = Field(
        "due",
        description="The view the inbox opens on: due (what waits for an answer, most urgent"
        " first), all, open, pending, snoozed, closed, channel:NAME (e.g. channel:ebay),"
        " tag:NAME, or saved:NAME (one of `saved_searches`).",
    )
    saved_searches: list[SavedSearchConfig] = Field(
        default_factory=list,
        description="Searches shown as views in the sidebar, after the tags, each with its"
        " count (number keys 1-9 and `[`/`]` reach them too).",
    )
    keys: dict[str, KeySetting] = Field(
        default_factory=dict,
        description="Your own keys: action id → keys, e.g. `main.close_tickets: a` or"
        " `main.undo: ctrl+z,u` (Textual key names, comma-separated for several). The ids"
        " and their default keys are listed in docs/keys.md; an unknown id is an error.",
        json_schema_extra={"x-default": "the keys in docs/keys.md"},
    )
    attachments_dir: PathSetting | None = Field(
        None,
        description="Where `s` saves a ticket's attachments. '~' is expanded; a relative path"
        " is taken relative to the config file.",
        json_schema_extra={"x-default": "~/Downloads/inbox-tui (the platform's downloads folder)"},
    )

    @field_validator("saved_searches")
    @classmethod
    def _unique_search_names(cls, searches: list[SavedSearchConfig]) -> list[SavedSearchConfig]:
        first: dict[str, int] = {}
        for index, search in enumerate(searches):
            if search.name in first:
                raise PydanticCustomError(
                    "at_key",
                    "duplicate saved search name {got} (also saved_searches[{first}])",
                    {"got": repr(search.name), "first": first[search.name], "key": index},
                )
            first[search.name] = index
        return searches

    @model_validator(mode="after")
    def _start_view_is_saved(self) -> UiConfig:
        kind, _, name = self.start_view.partition(":")
        if kind == "saved" and name not in {search.name for search in self.saved_searches}:
            known = ", ".join(repr(search.name) for search in self.saved_searches) or "none"
            raise PydanticCustomError(
                "at_key",
                "no saved search named {got} (saved_searches: {known})",
                {"got": repr(name), "known": known, "key": "start_view"},
            )
        return self


def _sla_targets() -> type[_Section]:
    """One key per registered channel, its default the channel's own (channels/<name>/)."""
    fields: dict[str, Any] = {
        channel.name: (
            Duration,
            Field(
                format_duration(DEFAULT_TARGETS[channel.name]),
                description=f"How long you have to answer {channel.sla_note}, e.g. '24h', '2d',"
                " '90m'.",
            ),
        )
        for channel in channels()
    }
    model = create_model("SlaTargetsConfig", __base__=_Section, **fields)
    model.__doc__ = (
        "First-response target per channel: the time from the customer's first unanswered message."
    )
    return model


if TYPE_CHECKING:
    SlaTargetsConfig = _Section
else:
    SlaTargetsConfig = _sla_targets()


class BusinessHoursConfig(_Section):
    """When your business-hours clock runs, in `seller.timezone` (daylight saving included)."""

    days: list[Weekday] = Field(
        default_factory=lambda: list(WEEKDAYS[:5]),
        min_length=1,
        description="The days you work: mon, tue, wed, thu, fri, sat, sun.",
    )
    start: ClockTime = Field("09:00", description="When your working day starts, HH:MM (24 h).")
    end: ClockTime = Field(
        "17:00", description="When your working day ends, HH:MM (24 h); later than `start`."
    )

    @model_validator(mode="after")
    def _end_after_start(self) -> BusinessHoursConfig:
        if self.end <= self.start:
            raise PydanticCustomError(
                "business_hours",
                "end ({end}) must be later than start ({start})",
                {"end": self.end, "start": self.start},
            )
        return self


class SlaConfig(_Section):
    """Response-time targets: the Due view sorts by them and the list shows when each ticket is
    due ("due 14:30", "Tue 09:00", "late 3h"). In business-hours channels the clock runs only
    while you are open, and each whole day of a target is a working day (48h: two working days,
    Monday 10:00 → Wednesday 10:00); hours under a day are working hours."""

    targets: SlaTargetsConfig = Field(
        default_factory=SlaTargetsConfig, description="Target per channel (see below)."
    )
    business_hours: BusinessHoursConfig = Field(
        default_factory=BusinessHoursConfig, description="Your working hours (see below)."
    )
    business_hours_channels: list[Channel] = Field(
        default_factory=lambda: sorted(DEFAULT_BUSINESS_HOURS_CHANNELS),
        description="Channels whose clock only runs in business hours (a day of target is a"
        " working day there); the others count around the clock (marketplaces do).",
    )


class SnoozeConfig(_Section):
    """Snoozed tickets: they come back at their time, or earlier when the customer writes."""

    wake_on_reply: bool = Field(
        True,
        strict=True,
        description="A new message from the customer wakes a snoozed ticket at once.",
    )


class OutboxConfig(_Section):
    """Replies waiting to go out."""

    undo_seconds: int = Field(
        10,
        ge=0,
        le=600,
        strict=True,
        description="Hold a reply this long in the outbox before it is sent: `u` (undo) within"
        " it takes the reply back as a draft and reopens the ticket (0: send at once; the"
        " sender in the TUI and `inbox-tui send` both wait for it).",
    )


class SyncConfig(_Section):
    """Syncing while the inbox is open."""

    interval_minutes: int = Field(
        5,
        ge=0,
        le=1440,
        strict=True,
        description="Sync every source this often while the TUI runs, and once at start"
        " (0: only at start; `inbox-tui sync` syncs on demand).",
    )


class Config(_Section):
    """Every setting of inbox-tui. All keys are optional; a missing file means all defaults."""

    database: PathSetting | None = Field(
        None,
        description="The SQLite file that holds your inbox. '~' is expanded; a relative path is"
        " taken relative to the config file.",
        json_schema_extra={"x-default": "<data dir>/inbox.db"},
    )
    seller: SellerConfig = Field(
        default_factory=SellerConfig, description="Who you are (see below)."
    )
    sources: list[SourceConfig] = Field(
        default_factory=list,
        description="Where messages come from: a list, each item with a `kind` (see below).",
    )
    ui: UiConfig = Field(
        default_factory=UiConfig, description="The terminal interface (see below)."
    )
    sla: SlaConfig = Field(
        default_factory=SlaConfig, description="Response-time targets (see below)."
    )
    snooze: SnoozeConfig = Field(
        default_factory=SnoozeConfig, description="Snoozed tickets (see below)."
    )
    sync: SyncConfig = Field(
        default_factory=SyncConfig, description="Background sync in the TUI (see below)."
    )
    outbox: OutboxConfig = Field(
        default_factory=OutboxConfig, description="Replies waiting to go out (see below)."
    )
    orders: OrdersConfig = Field(
        default_factory=OrdersConfig,
        description="Order context from your shops and marketplaces (see below).",
    )
    templates: PathSetting | None = Field(
        None,
        description="Your own reply templates: a YAML file, or a folder of *.yaml files, that"
        " add to the shipped library (a template with a shipped key replaces that one). '~'"
        " is expanded; a relative path is taken relative to the config file. See"
        " docs/templates.md; `inbox-tui templates check` validates them.",
        json_schema_extra={"x-default": "not set (the shipped library only)"},
    )
    rules: list[RuleConfig] = Field(
        default_factory=list,
        description="What the inbox does by itself, in order: tag, prioritise, flag, close,"
        " snooze or acknowledge mail as it arrives, and escalate what waits too long"
        " (docs/rules.md). `inbox-tui rules check` validates them, `rules test` shows what"
        " they would do.",
    )
    rules_max_age: Duration = Field(
        "7d",
        description="Rules act on customer messages written within this time (their Date)."
        " Older mail that arrives, the history a first sync or an import brings, is stored"
        " without them: no tags, escalations or replies for last year's tickets."
        " `inbox-tui rules apply --days N` runs them over older tickets on purpose.",
    )
    auto_reply: AutoReplyConfig = Field(
        default_factory=AutoReplyConfig,
        description="Limits on the replies rules send (see below).",
    )

    @field_validator("rules")
    @classmethod
    def _unique_rule_names(cls, rules: list[RuleConfig]) -> list[RuleConfig]:
        return unique_rule_names(rules)

    @field_validator("sources")
    @classmethod
    def _unique_source_names(cls, sources: list[SourceConfig]) -> list[SourceConfig]:
        first: dict[str, int] = {}
        for index, source in enumerate(sources):
            if source.name in first:
                raise PydanticCustomError(
                    "duplicate_source_name",
                    "duplicate source name {got} (also sources[{first}])",
                    {"got": repr(source.name), "first": first[source.name], "index": index},
                )
            first[source.name] = index
        return sources

    @property
    def database_path(self) -> Path:
        """The SQLite file to open: the configured one, or the platform's default."""
        return (self.database or paths.default_db_path()).absolute()


# --- reading the file ------------------------------------------------------------------------


def parse_config(
    text: str | bytes, file: str = "config.yaml", base_dir: Path | None = None
) -> Config:
    """Validate config text. `file` names it in errors; relative paths resolve against `base_dir`."""
    if isinstance(text, bytes):
        raw = text.removeprefix(b"\xef\xbb\xbf")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            raise ConfigError(
                file, f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); is it a YAML file?", line
            ) from None
    data, positions = load_yaml(text, file)
    if data is None:
        return Config()
    if not isinstance(data, dict):
        expected = f"expected a mapping of settings (key: value), got {describe(data)}"
        raise ConfigError(file, expected, positions[()][0])
    try:
        return Config.model_validate(data, context={"base_dir": base_dir})
    except ValidationError as exc:
        raise _explain(exc, file, positions) from None


def load_config(path: Path | None = None) -> Config:
    """Read the config file: `path`, or the default location (which may be absent: defaults)."""
    explicit = path is not None
    file = Path(path) if path is not None else paths.default_config_path()
    name = str(file)
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        if not explicit:
            return Config()
        raise ConfigError(
            name, "not found (create it from config.example.yaml or pass --config)"
        ) from None
    except IsADirectoryError:
        raise ConfigError(name, "is a directory, expected a YAML file") from None
    except PermissionError:
        raise ConfigError(name, "cannot read it: permission denied") from None
    except OSError as exc:
        raise ConfigError(name, f"cannot read it: {exc.strerror or exc}") from None
    return parse_config(raw, name, base_dir=file.parent.absolute())


# --- turning a ValidationError into one line --------------------------------------------------


def union_members(annotation: Any) -> tuple[str | None, list[Any]]:
    """(discriminator, members) of a possibly Annotated union; (None, []) if not a union."""
    discriminator = None
    if get_origin(annotation) is Annotated:
        annotation, *meta = get_args(annotation)
        discriminator = next((m.discriminator for m in meta if hasattr(m, "discriminator")), None)
    if get_origin(annotation) in (Union, types.UnionType):
        return discriminator, list(get_args(annotation))
    return None, []


def discriminator_tag(model: type[BaseModel], discriminator: str) -> str:
    return get_args(model.model_fields[discriminator].annotation)[0]


def _follow(loc: KeyPath) -> tuple[KeyPath, type[BaseModel] | None, Any]:
    """Follow a pydantic error location through the models.

    Returns the location without pydantic's union tags (('sources', 0, 'mbox', 'path') becomes
    ('sources', 0, 'path')), the model owning its last key, and the type found there.
    """
    clean: list[Any] = []
    owner: type[BaseModel] | None = None
    current: Any = Config
    parts = list(loc)
    while parts:
        part = parts[0]
        discriminator, members = union_members(current)
        if members:
            models = {discriminator_tag(m, discriminator): m for m in members if discriminator}
            if part in models:
                current = models[parts.pop(0)]
            else:  # Optional[X]: pydantic reports X's errors without a tag
                current = next((m for m in members if m is not type(None)), None)
            continue
        parts.pop(0)
        clean.append(part)
        if isinstance(current, type) and issubclass(current, BaseModel):
            owner = current
            field = current.model_fields.get(part) if isinstance(part, str) else None
            current = field.annotation if field else None
        elif get_origin(current) is list:
            current = get_args(current)[0]
        else:
            current = None
    return tuple(clean), owner, current


_EXPECTED = {
    "model_type": "a mapping (key: value)",
    "model_attributes_type": "a mapping (key: value)",
    "dict_type": "a mapping (key: value)",
    "list_type": "a list",
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "literal_error": "one of {expected}",
}


def _message(error: dict[str, Any]) -> tuple[KeyPath, str]:
    """The clean location of one pydantic error and what to tell the user about it."""
    kind, ctx, got = error["type"], error.get("ctx") or {}, error.get("input")
    path, owner, here = _follow(error["loc"])
    if kind == "missing":
        return path, "missing required key"
    if kind == "extra_forbidden":
        known = (
            ", ".join(sorted(f.alias or n for n, f in owner.model_fields.items())) if owner else ""
        )
        return path, f"unknown key (known: {known})"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        discriminator, members = union_members(here)
        key = discriminator or ctx.get("discriminator", "").strip("'")
        expected = ", ".join(repr(discriminator_tag(m, key)) for m in members) or ctx.get(
            "expected_tags", ""
        )
        if kind == "union_tag_not_found" or not isinstance(got, dict):
            return path, f"missing required key {key!r} (expected one of {expected})"
        return path + (key,), f"expected one of {expected}, got {describe(got.get(key))}"
    if kind == "duplicate_source_name":
        return path + (ctx["index"], "name"), error["msg"]
    if kind == "at_key":  # a model-level check that names the key it is about
        return path + ((ctx["key"],) if ctx.get("key") else ()), error["msg"]
    if kind in (
        *("path", "email", "timezone", "source_name"),
        *("duration", "clock_time", "weekday", "channel", "business_hours", "search_query"),
        "view",
    ):
        return path, error["msg"]
    if kind == "invalid_key":
        return path, f"expected a key name (text), got {describe(got)}"
    if kind == "greater_than_equal":
        return path, f"expected at least {ctx['ge']}, got {describe(got)}"
    if kind == "less_than_equal":
        return path, f"expected at most {ctx['le']}, got {describe(got)}"
    if kind == "string_too_short":
        return path, "must not be empty"
    if kind in _EXPECTED:
        expected = _EXPECTED[kind].format(expected=ctx.get("expected", ""))
        return path, f"expected {expected}, got {describe(got)}"
    msg = str(error["msg"]).removeprefix("Value error, ")
    return path, f"{msg[:1].lower()}{msg[1:]}, got {describe(got)}"


def _line(path: KeyPath, positions: dict[KeyPath, Position]) -> int | None:
    """The line of the nearest recorded node: the key itself, or its closest ancestor."""
    for length in range(len(path), -1, -1):
        if path[:length] in positions:
            return positions[path[:length]][0]
    return None


def _explain(exc: ValidationError, file: str, positions: dict[KeyPath, Position]) -> ConfigError:
    found = []
    for error in exc.errors(include_url=False):
        path, text = _message(dict(error))
        line = _line(path, positions)
        # The first problem in file order, but a missing key last: it is often the result
        # of a misspelled key further down, and "unknown key" is the message that helps.
        found.append(((error["type"] == "missing", line or 0), path, text, line))
    found.sort(key=lambda item: item[0])
    first, *others = (
        ConfigError(file, f"{dotted(path)}: {text}", line) for _, path, text, line in found
    )
    return ConfigError(first.file, first.message, first.line, more=tuple(others))

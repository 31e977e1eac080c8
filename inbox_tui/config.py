"""The user's settings: a YAML file read into typed, validated models.

Every key is a pydantic field whose `description` is its documentation: `config.example.yaml`
is checked against these models and `docs/config.md` is generated from them
(config_reference.py); config_yaml.py reads the YAML and remembers where each key was. A bad file gives
a `ConfigError` whose message is one line naming the file, the line, the key and what was
expected. Adding a source kind means adding one model to `SourceConfig` and nothing else.
"""

from __future__ import annotations

import re
import types
from datetime import UTC, date, tzinfo
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from inbox_tui import paths
from inbox_tui.config_yaml import ConfigError, KeyPath, Position, dotted, load_yaml
from inbox_tui.search import SearchError, parse_query
from inbox_tui.sla import (
    CHANNELS,
    DEFAULT_BUSINESS_HOURS_CHANNELS,
    DEFAULT_TARGETS,
    WEEKDAYS,
    format_duration,
    parse_duration,
)

__all__ = [
    "Config",
    "ConfigError",
    "EbaySourceConfig",
    "ImapSourceConfig",
    "MaildirSourceConfig",
    "MboxSourceConfig",
    "SavedSearchConfig",
    "SellerConfig",
    "SmtpConfig",
    "SourceConfig",
    "SlaConfig",
    "SnoozeConfig",
    "SyncConfig",
    "UiConfig",
    "load_config",
    "parse_config",
]


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
    if value not in CHANNELS:
        raise PydanticCustomError(
            "channel",
            "expected a channel ({known}), got {got}",
            {"known": ", ".join(CHANNELS), "got": describe(value)},
        )
    return value


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


# --- the models ------------------------------------------------------------------------------


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

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
        description="Your IANA time zone (e.g. Europe/Istanbul): dates are shown and"
        " business hours counted in it.",
    )

    @property
    def tzinfo(self) -> tzinfo:
        return UTC if self.timezone == "UTC" else ZoneInfo(self.timezone)


class _SourceBase(_Section):
    name: SourceName = Field(
        description="A short name for this source, unique among sources: lower-case letters,"
        " digits, '-' and '_'. Stored with every message it brings in, so keep it stable."
    )


class MaildirSourceConfig(_SourceBase):
    """Import a local Maildir folder (the kind with cur/, new/ and tmp/ inside)."""

    kind: Literal["maildir"] = Field(description="The kind of source.")
    path: PathSetting = Field(
        description="The Maildir directory. '~' is expanded; a relative path is taken relative"
        " to the config file. It need not exist until the first sync."
    )


class MboxSourceConfig(_SourceBase):
    """Import a local mbox file (one file holding many messages, e.g. a Google Takeout)."""

    kind: Literal["mbox"] = Field(description="The kind of source.")
    path: PathSetting = Field(
        description="The mbox file. '~' is expanded; a relative path is taken relative"
        " to the config file. It need not exist until the first sync."
    )


_LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1", "ip6-localhost"}

_SECRET_KEYS = ("password_command", "password_env", "keyring", "password")


class SmtpConfig(_Section):
    """Sending replies from an IMAP source: its SMTP server. A key left out takes the IMAP
    source's value (host, username, password, ca_file); see docs/replies.md."""

    host: str | None = Field(
        None,
        min_length=1,
        description="The SMTP server's host name or address.",
        json_schema_extra={"x-default": "the IMAP host"},
    )
    port: int | None = Field(
        None,
        ge=1,
        le=65535,
        strict=True,
        description="The server's port: by default 465 with `tls: ssl`, 587 with `starttls`,"
        " 25 with `none`.",
        json_schema_extra={"x-default": "465, 587 or 25"},
    )
    tls: Literal["ssl", "starttls", "none"] = Field(
        "ssl",
        description="How to encrypt: `ssl` (TLS from the start), `starttls` (upgrade a plain"
        " connection) or `none` (only for a loopback host, or with the source's"
        " `allow_insecure: true`). Certificates are always verified.",
    )
    username: str | None = Field(
        None,
        min_length=1,
        description="The login name; the server is only asked to log in when it offers AUTH.",
        json_schema_extra={"x-default": "the IMAP username"},
    )
    password_command: str | None = Field(
        None,
        description="A shell command that prints the SMTP password (first line used).",
        json_schema_extra={"x-default": "the IMAP password"},
    )
    password_env: str | None = Field(
        None,
        description="The name of an environment variable holding the SMTP password.",
        json_schema_extra={"x-default": "not set"},
    )
    keyring: str | None = Field(
        None,
        description="A service name in the system keyring holding the SMTP password.",
        json_schema_extra={"x-default": "not set"},
    )
    password: str | None = Field(
        None,
        description="The SMTP password in plain text (inbox-tui warns; prefer the three above).",
        json_schema_extra={"x-default": "not set"},
    )
    ca_file: PathSetting | None = Field(
        None,
        description="A PEM file of CA certificates to trust for the SMTP server.",
        json_schema_extra={"x-default": "the IMAP source's ca_file"},
    )
    server_saves_sent: bool = Field(
        False,
        description="The server files what you send into `sent_folder` by itself (Gmail"
        " does): inbox-tui then does not append a second copy, and only looks there.",
    )

    @model_validator(mode="after")
    def _one_secret_at_most(self) -> SmtpConfig:
        secrets = [key for key in _SECRET_KEYS if getattr(self, key) is not None]
        if len(secrets) > 1:
            raise PydanticCustomError(
                "at_key",
                "set at most one of password_command, password_env, keyring, password"
                " (found: {found}); none means the IMAP password",
                {"found": ", ".join(secrets), "key": secrets[-1]},
            )
        return self

    @property
    def has_secret(self) -> bool:
        return any(getattr(self, key) is not None for key in _SECRET_KEYS)


class ImapSourceConfig(_SourceBase):
    """Sync a mailbox on an IMAP server (two-way: read, answered and flagged go back)."""

    kind: Literal["imap"] = Field(description="The kind of source.")
    host: str = Field(min_length=1, description="The IMAP server's host name or address.")
    port: int | None = Field(
        None,
        ge=1,
        le=65535,
        strict=True,
        description="The server's port: by default 993 with `tls: ssl`, 143 otherwise.",
        json_schema_extra={"x-default": "993 or 143"},
    )
    tls: Literal["ssl", "starttls", "none"] = Field(
        "ssl",
        description="How to encrypt: `ssl` (TLS from the start), `starttls` (upgrade a plain"
        " connection) or `none` (only for a loopback host, or with `allow_insecure: true`)."
        " Certificates are always verified.",
    )
    allow_insecure: bool = Field(
        False,
        description="Allow `tls: none` to a host that is not this machine: the password and"
        " your mail cross the network unencrypted.",
    )
    ca_file: PathSetting | None = Field(
        None,
        description="A PEM file of CA certificates to trust instead of the system's (for a"
        " server with its own or a self-signed certificate).",
        json_schema_extra={"x-default": "the system's CAs"},
    )
    username: str = Field(min_length=1, description="The login name, often your e-mail address.")
    password_command: str | None = Field(
        None,
        description="A shell command that prints the password (e.g. `pass show mail/shop`);"
        " the first line of its output is used.",
        json_schema_extra={"x-default": "not set"},
    )
    password_env: str | None = Field(
        None,
        description="The name of an environment variable holding the password.",
        json_schema_extra={"x-default": "not set"},
    )
    keyring: str | None = Field(
        None,
        description="A service name in the system keyring holding the password for `username`"
        " (needs the Python package `keyring`).",
        json_schema_extra={"x-default": "not set"},
    )
    password: str | None = Field(
        None,
        description="The password in plain text: works, but inbox-tui warns; prefer one of the"
        " three above.",
        json_schema_extra={"x-default": "not set"},
    )
    folders: list[str] = Field(
        default_factory=lambda: ["INBOX"],
        min_length=1,
        description="The folders to sync.",
    )
    sent_folder: str | None = Field(
        None,
        description="The folder your sent replies are appended to (e.g. `Sent`).",
        json_schema_extra={"x-default": "not set"},
    )
    keep_gone: bool = Field(
        True,
        description="Keep the local copy of a message deleted on the server (marked gone, still"
        " in its ticket). `false` deletes it here too, recording a `deleted` event on its"
        " ticket; a ticket left with no message is deleted.",
    )
    smtp: SmtpConfig | None = Field(
        None,
        description="Send replies to this source's mail through SMTP (see below); without"
        " it, replies to this source cannot be sent. `smtp: {}` takes every value from the"
        " IMAP settings.",
        json_schema_extra={"x-default": "not set (no sending)"},
    )
    from_address: str | None = Field(
        None,
        alias="from",
        min_length=3,
        description="Written `from:`. The sender of your replies, with a display name if you"
        " like: `Shop <seller@example.com>`.",
        json_schema_extra={"x-default": "seller.name and the IMAP username"},
    )

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @property
    def effective_port(self) -> int:
        return self.port or (993 if self.tls == "ssl" else 143)

    @model_validator(mode="after")
    def _safe_enough(self) -> ImapSourceConfig:
        secrets = [
            key
            for key in ("password_command", "password_env", "keyring", "password")
            if getattr(self, key) is not None
        ]
        if len(secrets) != 1:
            found = ", ".join(secrets) if secrets else "none"
            raise PydanticCustomError(
                "at_key",
                "set exactly one of password_command, password_env, keyring, password"
                " (found: {found})",
                {"found": found, "key": secrets[-1] if secrets else ""},
            )
        if self.tls == "none" and not self.allow_insecure and self.host not in _LOOPBACK_HOSTS:
            raise PydanticCustomError(
                "at_key",
                "tls: none sends your password unencrypted to {host}; use ssl or starttls,"
                " or set allow_insecure: true",
                {"host": self.host, "key": "tls"},
            )
        smtp = self.smtp
        smtp_host = (smtp.host or self.host) if smtp else ""
        insecure = smtp is not None and smtp.tls == "none" and not self.allow_insecure
        if insecure and smtp_host not in _LOOPBACK_HOSTS:
            raise PydanticCustomError(
                "at_key",
                "smtp tls: none sends your password and replies unencrypted to {host};"
                " use ssl or starttls, or set allow_insecure: true on the source",
                {"host": smtp_host, "key": "smtp"},
            )
        if self.from_address is not None:
            _check_from(self.from_address)
        return self


def _check_api_root(value: str) -> str:
    if not re.fullmatch(r"https?://[^/?#\s]+/?", value):
        raise PydanticCustomError(
            "at_key",
            "expected the API host's root without a path, like https://api.ebay.com, got {got}",
            {"got": describe(value), "key": ""},
        )
    return value.rstrip("/")


def _check_url(value: str) -> str:
    if not re.fullmatch(r"https?://[^/?#\s]+(?:/\S*)?", value):
        raise PydanticCustomError(
            "at_key", "expected an http(s) URL, got {got}", {"got": describe(value), "key": ""}
        )
    return value


ApiRoot = Annotated[str, AfterValidator(_check_api_root)]
Url = Annotated[str, AfterValidator(_check_url)]
CHECK_LABELS[_check_api_root] = "URL"
CHECK_LABELS[_check_url] = "URL"


def _unset(description: str) -> Any:
    return Field(None, description=description, json_schema_extra={"x-default": "not set"})


class EbaySourceConfig(_SourceBase):
    """eBay buyer messages (Commerce Message API), two-way: read state and replies go back.

    Give either `access_token_env` (a ready user token, for short scripted runs) or `client_id`
    with a client secret and a refresh token, so inbox-tui renews the token by itself.
    """

    kind: Literal["ebay"] = Field(description="The kind of source.")
    base_url: ApiRoot = Field(
        "https://api.ebay.com",
        description="The API host's root, without a path: `https://api.ebay.com`, or"
        " `https://api.sandbox.ebay.com` for the sandbox; `/commerce/message/v1/…` and"
        " `/sell/fulfillment/v1/…` are appended.",
    )
    token_url: Url | None = Field(
        None,
        description="Where the refresh token is exchanged for access tokens.",
        json_schema_extra={"x-default": "base_url + /identity/v1/oauth2/token"},
    )
    access_token_env: str | None = _unset(
        "The name of an environment variable holding a ready user access token (it expires"
        " after two hours: for scripted runs; use a refresh token for everyday use)."
    )
    client_id: str | None = _unset("Your eBay application's client id (App ID).")
    client_secret_command: str | None = _unset(
        "A shell command that prints the client secret (Cert ID) on its first line."
    )
    client_secret_env: str | None = _unset(
        "The name of an environment variable holding the client secret."
    )
    client_secret_keyring: str | None = _unset(
        "A service name in the system keyring holding the client secret (the user is the"
        " source's `name`; needs the Python package `keyring`)."
    )
    client_secret: str | None = _unset(
        "The client secret in plain text: works, but inbox-tui warns."
    )
    refresh_token_command: str | None = _unset(
        "A shell command that prints the refresh token on its first line."
    )
    refresh_token_env: str | None = _unset(
        "The name of an environment variable holding the refresh token."
    )
    refresh_token_keyring: str | None = _unset(
        "A service name in the system keyring holding the refresh token (the user is the"
        " source's `name`)."
    )
    refresh_token: str | None = _unset(
        "The refresh token in plain text: works, but inbox-tui warns."
    )
    username: str | None = Field(
        None,
        min_length=1,
        description="Your eBay user name, which tells your replies from your buyers' messages."
        " Left out, it is asked from eBay's Identity API once (that needs the token scope"
        " `commerce.identity.readonly`).",
        json_schema_extra={"x-default": "asked from eBay"},
    )
    conversation_types: list[Literal["FROM_MEMBERS", "FROM_EBAY"]] = Field(
        default_factory=lambda: ["FROM_MEMBERS"],
        min_length=1,
        description="Which conversations to sync: `FROM_MEMBERS` (buyers) and/or `FROM_EBAY`"
        " (eBay's own notices).",
    )
    max_per_second: float = Field(
        5.0,
        gt=0,
        le=100,
        description="At most this many requests per second to eBay, all workers together.",
    )
    concurrency: int = Field(
        4,
        ge=1,
        le=16,
        strict=True,
        description="How many conversations are fetched at once during a sync.",
    )

    @property
    def effective_token_url(self) -> str:
        return self.token_url or self.base_url.rstrip("/") + "/identity/v1/oauth2/token"

    @model_validator(mode="after")
    def _one_way_to_authenticate(self) -> EbaySourceConfig:
        secret = [k for k in _EBAY_SECRET_KEYS if getattr(self, k) is not None]
        refresh = [k for k in _EBAY_REFRESH_KEYS if getattr(self, k) is not None]
        if self.access_token_env is not None:
            extra = secret + refresh + (["client_id"] if self.client_id else [])
            if extra:
                raise PydanticCustomError(
                    "at_key",
                    "access_token_env is set, so {key} is not used; remove one of them",
                    {"key": extra[0]},
                )
            return self
        if not self.client_id:
            raise PydanticCustomError(
                "at_key",
                "set access_token_env (a ready token), or client_id with a client secret and a"
                " refresh token",
                {"key": (secret + refresh + ["kind"])[0]},
            )
        for keys, found in ((_EBAY_SECRET_KEYS, secret), (_EBAY_REFRESH_KEYS, refresh)):
            if len(found) != 1:
                raise PydanticCustomError(
                    "at_key",
                    "set exactly one of {keys} (found: {found})",
                    {
                        "keys": ", ".join(keys),
                        "found": ", ".join(found) or "none",
                        "key": found[-1] if found else "client_id",
                    },
                )
        return self


_EBAY_SECRET_KEYS = (
    "client_secret_command",
    "client_secret_env",
    "client_secret_keyring",
    "client_secret",
)
_EBAY_REFRESH_KEYS = (
    "refresh_token_command",
    "refresh_token_env",
    "refresh_token_keyring",
    "refresh_token",
)


# One model per kind; `kind` picks the model, so errors talk about that model's keys only.
SourceConfig = Annotated[
    MaildirSourceConfig | MboxSourceConfig | ImapSourceConfig | EbaySourceConfig,
    Field(discriminator="kind"),
]


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
        "textual-dark", min_length=1, description="The name of a Textual theme to start with."
    )
    page_size: int = Field(
        200,
        ge=20,
        le=5000,
        strict=True,
        description="How many rows the ticket list fetches from the store at a time (20-5000).",
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


def _target(channel: str, note: str) -> Any:
    return Field(
        format_duration(DEFAULT_TARGETS[channel]),
        description=f"How long you have to answer {note}, e.g. '24h', '2d', '90m'.",
    )


class SlaTargetsConfig(_Section):
    """First-response target per channel: the time from the customer's first unanswered message."""

    amazon: Duration = _target("amazon", "an Amazon buyer")
    ebay: Duration = _target("ebay", "an eBay buyer")
    walmart: Duration = _target("walmart", "a Walmart customer")
    etsy: Duration = _target("etsy", "an Etsy buyer")
    email: Duration = _target("email", "plain e-mail (and any channel not listed)")
    shopify: Duration = _target("shopify", "a Shopify store customer")


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
    """Response-time targets: the Due view sorts by them and the list shows the time left."""

    targets: SlaTargetsConfig = Field(
        default_factory=SlaTargetsConfig, description="Target per channel (see below)."
    )
    business_hours: BusinessHoursConfig = Field(
        default_factory=BusinessHoursConfig, description="Your working hours (see below)."
    )
    business_hours_channels: list[Channel] = Field(
        default_factory=lambda: sorted(DEFAULT_BUSINESS_HOURS_CHANNELS),
        description="Channels whose clock only runs in business hours; the others count"
        " around the clock (marketplaces do).",
    )


class SnoozeConfig(_Section):
    """Snoozed tickets: they come back at their time, or earlier when the customer writes."""

    wake_on_reply: bool = Field(
        True,
        strict=True,
        description="A new message from the customer wakes a snoozed ticket at once.",
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


# --- order providers ---------------------------------------------------------------------------


def _check_base_url(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value):
        raise PydanticCustomError(
            "at_key",
            "expected a URL starting with https:// (or http:// for a test server), got {got}",
            {"got": describe(value), "key": ""},
        )
    return value.rstrip("/")


def _check_api_version(value: str) -> str:
    if not re.fullmatch(r"\d{4}-(01|04|07|10)", value):
        raise PydanticCustomError(
            "at_key",
            "expected a quarterly API version like '2025-10', got {got}",
            {"got": describe(value), "key": ""},
        )
    return value


BaseUrl = Annotated[str, AfterValidator(_check_base_url)]
CHECK_LABELS[_check_base_url] = "URL"


def _secret(what: str, how: str) -> Any:
    """One of the four places a provider's secret can come from (set exactly one)."""
    texts = {
        "command": f"A shell command that prints the {what} (first line used).",
        "env": f"The name of an environment variable holding the {what}.",
        "keyring": f"A service name in the system keyring holding the {what} (the user is"
        " the provider's `name`; needs the Python package `keyring`).",
        "plain": f"The {what} in plain text: works, but inbox-tui warns; prefer the three above.",
    }
    return Field(None, description=texts[how], json_schema_extra={"x-default": "not set"})


def _one_secret(section: BaseModel, base: str, *, required: bool = True) -> None:
    """Exactly one of `<base>_command`, `<base>_env`, `<base>_keyring`, `<base>` (at most one
    when not required)."""
    keys = [f"{base}_command", f"{base}_env", f"{base}_keyring", base]
    found = [key for key in keys if getattr(section, key) is not None]
    if len(found) > 1 or (required and not found):
        raise PydanticCustomError(
            "at_key",
            "set exactly one of {keys} (found: {found})",
            {
                "keys": ", ".join(keys),
                "found": ", ".join(found) or "none",
                "key": found[-1] if found else "",
            },
        )


class _ProviderBase(_Section):
    name: SourceName = Field(
        description="A short name for this provider, unique among order providers: lower-case"
        " letters, digits, '-' and '_'. Shown with its errors."
    )
    max_per_second: float | None = Field(
        None,
        gt=0,
        le=100,
        description="At most this many requests a second to this provider.",
        json_schema_extra={"x-default": "the provider's documented rate"},
    )


class ShopifyOrdersConfig(_ProviderBase):
    """Orders of a Shopify store (Admin GraphQL API), found by the customer's e-mail address."""

    kind: Literal["shopify"] = Field(description="The kind of order provider.")
    base_url: BaseUrl = Field(
        description="Your store's admin address, e.g. https://your-shop.myshopify.com;"
        " /admin/api/<api_version>/graphql.json is appended."
    )
    api_version: Annotated[str, AfterValidator(_check_api_version)] = Field(
        "2025-10",
        description="The Admin API version to call (YYYY-MM, a quarterly release).",
    )
    access_token_command: str | None = _secret("Admin API access token (shpat_…)", "command")
    access_token_env: str | None = _secret("Admin API access token", "env")
    access_token_keyring: str | None = _secret("Admin API access token", "keyring")
    access_token: str | None = _secret("Admin API access token", "plain")

    @model_validator(mode="after")
    def _token_somewhere(self) -> ShopifyOrdersConfig:
        _one_secret(self, "access_token")
        return self


class WooCommerceOrdersConfig(_ProviderBase):
    """Orders of a WooCommerce shop (REST API v3), found by the customer's e-mail address."""

    kind: Literal["woocommerce"] = Field(description="The kind of order provider.")
    base_url: BaseUrl = Field(
        description="Your WordPress site's address, e.g. https://shop.example;"
        " /wp-json/wc/v3/… is appended."
    )
    consumer_key: str = Field(
        min_length=1, description="The REST API consumer key (ck_…), with read access."
    )
    consumer_secret_command: str | None = _secret("consumer secret (cs_…)", "command")
    consumer_secret_env: str | None = _secret("consumer secret", "env")
    consumer_secret_keyring: str | None = _secret("consumer secret", "keyring")
    consumer_secret: str | None = _secret("consumer secret", "plain")

    @model_validator(mode="after")
    def _secret_somewhere(self) -> WooCommerceOrdersConfig:
        _one_secret(self, "consumer_secret")
        return self


AMAZON_ENDPOINTS = {
    "na": "https://sellingpartnerapi-na.amazon.com",
    "eu": "https://sellingpartnerapi-eu.amazon.com",
    "fe": "https://sellingpartnerapi-fe.amazon.com",
}


class AmazonOrdersConfig(_ProviderBase):
    """Orders from Amazon's Selling Partner API, found by the order number in the buyer's mail.
    Give a Login with Amazon refresh token (with client id and secret), or a ready access token."""

    kind: Literal["amazon"] = Field(description="The kind of order provider.")
    region: Literal["na", "eu", "fe"] = Field(
        "eu",
        description="Your SP-API region: `na` (Americas), `eu` (Europe, Middle East, India),"
        " `fe` (Far East); picks the endpoint when `base_url` is not set.",
    )
    base_url: BaseUrl | None = Field(
        None,
        description="The SP-API endpoint, instead of the region's.",
        json_schema_extra={"x-default": "the region's endpoint"},
    )
    token_url: BaseUrl = Field(
        "https://api.amazon.com/auth/o2/token",
        description="The Login with Amazon token endpoint.",
    )
    client_id: str | None = Field(
        None,
        min_length=1,
        description="The LWA client id of your SP-API app (needed with a refresh token).",
        json_schema_extra={"x-default": "not set"},
    )
    client_secret_command: str | None = _secret("LWA client secret", "command")
    client_secret_env: str | None = _secret("LWA client secret", "env")
    client_secret_keyring: str | None = _secret("LWA client secret", "keyring")
    client_secret: str | None = _secret("LWA client secret", "plain")
    refresh_token_command: str | None = _secret("LWA refresh token (Atzr|…)", "command")
    refresh_token_env: str | None = _secret("LWA refresh token", "env")
    refresh_token_keyring: str | None = _secret("LWA refresh token", "keyring")
    refresh_token: str | None = _secret("LWA refresh token", "plain")
    access_token_env: str | None = Field(
        None,
        description="Instead of the refresh token, client id and secret: the name of an"
        " environment variable holding a ready access token (it expires within the hour;"
        " for short scripted runs).",
        json_schema_extra={"x-default": "not set"},
    )

    @property
    def endpoint(self) -> str:
        return self.base_url or AMAZON_ENDPOINTS[self.region]

    @model_validator(mode="after")
    def _credentials(self) -> AmazonOrdersConfig:
        if self.access_token_env is not None:
            return self
        _one_secret(self, "refresh_token")
        _one_secret(self, "client_secret")
        if self.client_id is None:
            raise PydanticCustomError(
                "at_key",
                "client_id is needed with a refresh token (or set access_token_env instead)",
                {"key": ""},
            )
        return self


# One model per kind, like SourceConfig: `kind` picks the model.
OrderProviderConfig = Annotated[
    ShopifyOrdersConfig | WooCommerceOrdersConfig | AmazonOrdersConfig,
    Field(discriminator="kind"),
]


class OrdersConfig(_Section):
    """Order context beside every ticket, from your shops and marketplaces (docs/orders.md).
    eBay orders come from each `kind: ebay` source; nothing to add here for them."""

    refresh_after_minutes: int = Field(
        60,
        ge=0,
        le=10080,
        strict=True,
        description="Opening a ticket asks the providers again when its orders were fetched"
        " longer ago than this (0: every time).",
    )
    providers: list[OrderProviderConfig] = Field(
        default_factory=list,
        description="Where orders come from: a list, each item with a `kind` (see below).",
    )

    @field_validator("providers")
    @classmethod
    def _unique_provider_names(cls, providers: list[Any]) -> list[Any]:
        first: dict[str, int] = {}
        for index, provider in enumerate(providers):
            if provider.name in first:
                raise PydanticCustomError(
                    "at_key",
                    "duplicate provider name {got} (also providers[{first}])",
                    {"got": repr(provider.name), "first": first[provider.name], "key": index},
                )
            first[provider.name] = index
        return providers


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
        path, text = _message(error)
        line = _line(path, positions)
        # The first problem in file order, but a missing key last: it is often the result
        # of a misspelled key further down, and "unknown key" is the message that helps.
        found.append(((error["type"] == "missing", line or 0), path, text, line))
    found.sort(key=lambda item: item[0])
    _, path, text, line = found[0]
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    return ConfigError(file, f"{dotted(path)}: {text}{more}", line)

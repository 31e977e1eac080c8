"""Where messages come from: one model per source `kind` (maildir, mbox, imap with its smtp,
ebay), told apart by `kind` in `SourceConfig`."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    model_validator,
)
from pydantic_core import PydanticCustomError

from inbox_tui.config.fields import (
    CHECK_LABELS,
    PathSetting,
    SourceName,
    _check_from,
    _Section,
    check_plain_http,
    describe,
    is_loopback,
)


class _SourceBase(_Section):
    name: SourceName = Field(
        description="A short name for this source, unique among sources: lower-case letters,"
        " digits, '-' and '_'. Stored with every message it brings in, so keep it stable."
    )


class _SendingSource(_SourceBase):
    """A source that replies go out through."""

    signature: str | None = Field(
        None,
        description="Text below the replies sent through this source, instead of"
        " `seller.signature` (e.g. another shop name on eBay); '' for none.",
        json_schema_extra={"x-default": "`seller.signature`"},
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


class ImapSourceConfig(_SendingSource):
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

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)

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
        if self.tls == "none" and not self.allow_insecure and not is_loopback(self.host):
            raise PydanticCustomError(
                "at_key",
                "tls: none sends your password unencrypted to {host}; use ssl or starttls,"
                " or set allow_insecure: true",
                {"host": self.host, "key": "tls"},
            )
        smtp = self.smtp
        smtp_host = (smtp.host or self.host) if smtp else ""
        insecure = smtp is not None and smtp.tls == "none" and not self.allow_insecure
        if insecure and not is_loopback(smtp_host):
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


class EbaySourceConfig(_SendingSource):
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
    allow_insecure: bool = Field(
        False,
        description="Allow `http://` in base_url and token_url to a host that is not this"
        " machine: your tokens and your buyers' messages cross the network unencrypted.",
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
        default_factory=lambda: list[Literal["FROM_MEMBERS", "FROM_EBAY"]](["FROM_MEMBERS"]),
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
    def _encrypted(self) -> EbaySourceConfig:
        check_plain_http(self.base_url, self.allow_insecure, "base_url")
        check_plain_http(self.token_url, self.allow_insecure, "token_url")
        return self

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

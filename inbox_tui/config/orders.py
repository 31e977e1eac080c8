"""Order providers (Shopify, WooCommerce, Amazon SP-API): the `orders:` section."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from inbox_tui.config.fields import (
    CHECK_LABELS,
    SourceName,
    _Section,
    check_plain_http,
    describe,
)

# --- order providers ---------------------------------------------------------------------------


def _check_base_url(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value):
        raise PydanticCustomError(
            "at_key",
            "expected a URL starting with https:// (http:// only to this machine), got {got}",
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
    allow_insecure: bool = Field(
        False,
        description="Allow `http://` in base_url (and Amazon's token_url) to a host that is not this"
        " machine: your token and your customers' orders cross the network unencrypted.",
    )

    @model_validator(mode="after")
    def _encrypted(self) -> _ProviderBase:
        for key in ("base_url", "token_url"):
            check_plain_http(getattr(self, key, None), self.allow_insecure, key)
        return self


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

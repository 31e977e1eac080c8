"""Every channel, source kind and order provider inbox-tui knows, one line per package.

Adding a channel is a package beside these (see docs/architecture.md) and its line in
PACKAGES; nothing else asks which kind a source is. The order of PACKAGES is the order of the
sidebar's channels, of a relay address's match and of the config's `kind:` choices.
"""

from __future__ import annotations

import re
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING

from inbox_tui.channels import amazon, ebay, email, etsy, files, imap, shopify, walmart, woocommerce
from inbox_tui.channels.base import Channel, OrderSource, SourceKind

if TYPE_CHECKING:
    from inbox_tui.domain.replies import RuleProblem

PACKAGES: list[ModuleType] = [
    files,
    imap,
    email,
    amazon,
    ebay,
    etsy,
    walmart,
    shopify,
    woocommerce,
]


def register(package: ModuleType) -> None:
    """Add a channel package (a plug-in, or a test's own channel) after the built-in ones."""
    PACKAGES.append(package)
    _forget()


def unregister(package: ModuleType) -> None:
    PACKAGES.remove(package)
    _forget()


def _forget() -> None:
    for cached in (channels, source_kinds, order_sources, _relays):
        cached.cache_clear()


@cache
def channels() -> tuple[Channel, ...]:
    return tuple(c for package in PACKAGES for c in getattr(package, "CHANNELS", ()))


@cache
def source_kinds() -> tuple[SourceKind, ...]:
    return tuple(s for package in PACKAGES for s in getattr(package, "SOURCES", ()))


@cache
def order_sources() -> tuple[OrderSource, ...]:
    return tuple(o for package in PACKAGES for o in getattr(package, "ORDER_SOURCES", ()))


def channel_names() -> tuple[str, ...]:
    return tuple(c.name for c in channels())


def channel(name: str) -> Channel | None:
    return next((c for c in channels() if c.name == name), None)


def source_kind(kind: str) -> SourceKind | None:
    return next((s for s in source_kinds() if s.kind == kind), None)


def order_source(kind: str) -> OrderSource | None:
    return next((o for o in order_sources() if o.kind == kind), None)


@cache
def _relays() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((c.name, re.compile(c.addresses)) for c in channels() if c.addresses)


def channel_of(address: str) -> str:
    """The channel whose relay sends from `address`; "email" for anyone else."""
    for name, pattern in _relays():
        if pattern.search(address):
            return name
    return "email"


def channel_problems(name: str, text: str) -> list[RuleProblem]:
    """Every problem of `text` as a reply on channel `name`, in text order."""
    found = channel(name)
    return found.reply_rules(text) if found is not None else []

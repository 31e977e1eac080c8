"""One template as written in YAML, validated: plainly, or by pydantic for the errors.

The shipped library is ~20 entries of plain strings and lists of strings: checking those by
hand spares importing pydantic (~0.2 s of CPU, most of what the composer's modules cost) on
the way to the first `r`. `plain_entry` accepts only an entry whose every value is of the
exact type and passes every check of the pydantic model below, and gives what the model
gives; anything else (a missing, unknown or mistyped key, a bad value) goes through the model
(`entry_errors`), whose error messages users have always been given.
tests/test_template_entry.py holds both to the same results.
"""

from __future__ import annotations

import re
from functools import cache
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, TypeGuard

from inbox_tui.channels.registry import channel_names

if TYPE_CHECKING:
    from pydantic import BaseModel

TEMPLATE_KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
LANGUAGE = re.compile(r"[a-z]{2,3}")
STATUSES = ("open", "pending", "closed")
REQUIRED = ("key", "name", "body")
TEXTS = ("subject",)  # a string or null
LISTS = ("channels", "tags", "keywords", "examples")  # lists of strings, empty by default
FIELDS = frozenset((*REQUIRED, *TEXTS, *LISTS, "language", "status"))
SURROGATE = re.compile("[\ud800-\udfff]")  # YAML's "\ud800" makes one; pydantic refuses it


def _text(value: Any) -> TypeGuard[str]:
    """A str as pydantic takes it unchanged: exactly str, no lone surrogate."""
    return type(value) is str and (value.isascii() or not SURROGATE.search(value))


def plain_entry(item: dict[Any, Any]) -> SimpleNamespace | None:
    """The entry's fields, as the model would give them, for a plainly valid entry; None for
    anything else (the model then validates it)."""
    if not item.keys() <= FIELDS:
        return None
    key, name, body = item.get("key"), item.get("name"), item.get("body")
    if not _text(key) or not TEMPLATE_KEY.fullmatch(key):
        return None
    if not _text(name) or not name or not _text(body) or not body:
        return None
    subject, status = item.get("subject"), item.get("status")
    if subject is not None and not _text(subject):
        return None
    if status is not None and status not in STATUSES:
        return None
    lists: dict[str, list[str]] = {}
    for field in LISTS:
        value = item.get(field, [])
        if type(value) is not list or not all(_text(one) for one in value):
            return None
        lists[field] = list(value)
    known = channel_names()
    if any(channel not in known for channel in lists["channels"]):
        return None
    language = item.get("language", "en")
    if "language" in item:
        if not _text(language):
            return None
        language = language.strip().lower()
        if not LANGUAGE.fullmatch(language):
            return None
    return SimpleNamespace(
        key=key, name=name, subject=subject, body=body, language=language, status=status, **lists
    )


def entry_errors(item: dict[Any, Any]) -> tuple[list[Any], Any]:
    """pydantic's validation of the entry: its errors (`ValidationError.errors()`), or none
    and the validated entry."""
    from pydantic import ValidationError

    try:
        return [], _model().model_validate(item)
    except ValidationError as exc:
        return list(exc.errors()), None


def known_keys() -> list[str]:
    """The keys an entry may have, sorted (for "unknown key" errors)."""
    return sorted(FIELDS)


@cache
def _model() -> type[BaseModel]:
    """The pydantic model of an entry, made once, at its first use."""
    from typing import Literal

    from pydantic import BaseModel, ConfigDict, Field, field_validator

    class Entry(BaseModel):
        """One template as written in YAML."""

        model_config = ConfigDict(extra="forbid", frozen=True)

        key: str  # a short id, also the shortcut in the picker
        name: str = Field(min_length=1)
        subject: str | None = None
        body: str = Field(min_length=1)
        channels: list[str] = Field(default_factory=list)
        language: str = "en"
        tags: list[str] = Field(default_factory=list)
        status: Literal["open", "pending", "closed"] | None = None
        keywords: list[str] = Field(default_factory=list)
        examples: list[str] = Field(default_factory=list)

        @field_validator("key")
        @classmethod
        def _short_id(cls, value: str) -> str:
            if not TEMPLATE_KEY.fullmatch(value):
                raise ValueError(
                    "expected a short id (lower-case letters, digits, '-', '_'; up to 32),"
                    f" got {value!r}"
                )
            return value

        @field_validator("channels")
        @classmethod
        def _known_channels(cls, value: list[str]) -> list[str]:
            known = channel_names()
            for channel in value:
                if channel not in known:
                    raise ValueError(f"expected channels from {', '.join(known)}, got {channel!r}")
            return value

        @field_validator("language")
        @classmethod
        def _language_code(cls, value: str) -> str:
            value = value.strip().lower()
            if not LANGUAGE.fullmatch(value):
                raise ValueError(f"expected a language code like en, tr, de, got {value!r}")
            return value

    assert sorted(Entry.model_fields) == known_keys()
    return Entry

"""Fuzzy filtering for the pickers (tags, views): Textual's matcher, best match first."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from textual.fuzzy import Matcher

T = TypeVar("T")


def fuzzy_filter(items: Sequence[T], query: str, text: Callable[[T], str] = str) -> list[T]:
    """The items whose `text` matches `query` fuzzily, best first, ties in their order; all
    of them, in order, for a blank query."""
    query = query.strip()
    if not query:
        return list(items)
    matcher = Matcher(query)
    scored = [(matcher.match(text(item)), index, item) for index, item in enumerate(items)]
    return [item for score, _, item in sorted(scored, key=lambda s: (-s[0], s[1])) if score > 0]

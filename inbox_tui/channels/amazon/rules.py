"""What Amazon refuses in a reply, found before it is queued: a pure function of text.

Amazon's buyer-seller messaging drops (and may penalise) replies with external links or
e-mail addresses. Each problem carries the span of the offending text so the composer can
point at it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # made only when a reply has a problem: not on the first frame's way
    from inbox_tui.domain.replies import RuleProblem

_URL = re.compile(r"\b(?:https?|ftp)://[^\s<>\"']+|\bwww\.[^\s<>\"']+", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A bare domain ("example.com/returns"): only with a well-known top-level domain, so that
# "Mr.Smith" or "3.5kg" are not taken for links.
_DOMAIN = re.compile(
    r"\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+"
    r"(?:com|net|org|info|biz|shop|store|online|site|io|co|me|app|de|uk|tr|fr|it|es|nl|eu|us)"
    r"\b(?:/[^\s<>\"']*)?",
    re.I,
)
_TRAILING = ".,;:!?)]}'\""


def no_links(text: str) -> list[RuleProblem]:
    """Every link or e-mail address in `text`, in text order."""
    from inbox_tui.domain.replies import RuleProblem

    spans: list[tuple[int, int, str]] = []
    for pattern, what in ((_EMAIL, "an e-mail address"), (_URL, "a link"), (_DOMAIN, "a link")):
        for match in pattern.finditer(text):
            start, end = match.start(), _trim(text, match.start(), match.end())
            if end > start and not any(s <= start < e for s, e, _ in spans):
                spans.append((start, end, what))
    spans.sort()
    return [
        RuleProblem(
            f"Amazon replies may not contain {what}: {text[start:end]!r}"
            " (Amazon removes the message; name the page instead)",
            start,
            end,
        )
        for start, end, what in spans
    ]


def _trim(text: str, start: int, end: int) -> int:
    """Leave sentence punctuation after a link outside its span ("see example.com.")."""
    while end > start and text[end - 1] in _TRAILING:
        end -= 1
    return end

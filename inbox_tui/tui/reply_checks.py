"""What stops a reply from going out, found in the text itself, and the preview that shows it.

Two kinds of problem block sending: a value a template could not fill (render() leaves a
visible "[missing: order.number]" mark that the seller edits into the real value) and a
channel rule (the outbox's check_reply: no links through the Amazon relay, eBay's length).
Both are spans of the text, so the preview can highlight them and name their line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.text import Text

from inbox_tui.domain.replies import MISSING_MARK, MISSING_VALUE
from inbox_tui.templates import Template, render

MISSING_STYLE = "bold reverse red"
RULE_STYLE = "bold underline red"


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason the reply cannot be sent yet; `start`/`end` is its span in `part`'s text."""

    message: str
    start: int
    end: int
    line: int
    part: str = "body"  # "body" or "subject"
    kind: str = "missing"  # "missing" (a template value) or "rule" (a channel rule)

    def label(self) -> str:
        """One line for the seller: where, then what."""
        where = "subject" if self.part == "subject" else f"line {self.line}"
        return f"{where}: {self.message}"


def line_of(text: str, offset: int) -> int:
    """The 1-based line that character `offset` of `text` is on."""
    return text.count("\n", 0, max(0, offset)) + 1


def missing_values(text: str, part: str = "body") -> list[Problem]:
    """Every "[missing: …]" mark still in `text`: the seller has to edit the value in."""
    return [
        Problem(
            f"{match['name']} is missing: type the value in its place",
            match.start(),
            match.end(),
            line_of(text, match.start()),
            part,
        )
        for match in MISSING_VALUE.finditer(text)
    ]


def next_gap(gaps: Iterable[Problem], part: str, offset: int) -> Problem | None:
    """The missing value after `offset` of `part`, in reading order (the subject's before the
    body's), round to the first again; None when nothing is missing."""
    order = ("subject", "body")
    gaps = sorted(gaps, key=lambda gap: (order.index(gap.part), gap.start))
    here = (order.index(part), offset)
    after = [gap for gap in gaps if (order.index(gap.part), gap.start) > here]
    return (after or gaps)[0] if gaps else None


def missing_names(text: str) -> set[str]:
    return {match["name"] for match in MISSING_VALUE.finditer(text)}


def fill_in(template: Template, context: dict) -> tuple[str, str | None]:
    """The template filled in for a ticket: (body, subject). Raises TemplateError.

    A value the template could not fill stays visible as a "[missing: …]" mark, also where
    rendering had to stop early (an arithmetic on a missing value): the mark is then added at
    the end, so the reply is blocked until the seller deals with it.
    """
    rendered = render(template, context)
    body = rendered.body
    marked = missing_names(body) | missing_names(rendered.subject or "")
    for name in dict.fromkeys(m.name for m in rendered.missing if m.name not in marked):
        body += "\n" + MISSING_MARK.format(name=name)
    return body, rendered.subject


def rule_problems(text: str, found: Iterable[object]) -> list[Problem]:
    """The outbox's channel-rule findings (anything with message, start, end) as Problems."""
    problems = []
    for item in found:
        start = max(0, min(len(text), int(getattr(item, "start", 0))))
        end = max(start, min(len(text), int(getattr(item, "end", start))))
        message = " ".join(str(getattr(item, "message", item)).split())
        problems.append(Problem(message, start, end, line_of(text, start), "body", "rule"))
    return problems


def highlighted(text: str, problems: Iterable[Problem], part: str = "body") -> Text:
    """`text` as plain Text (never markup) with each problem's span of `part` highlighted."""
    result = Text(text, end="")
    for problem in problems:
        if problem.part != part:
            continue
        style = MISSING_STYLE if problem.kind == "missing" else RULE_STYLE
        # an empty span (a text too long, say) marks its first character, or nothing at the end
        result.stylize(style, problem.start, max(problem.end, problem.start + 1))
    return result


def reply_preview(subject: str, text: str, problems: Iterable[Problem]) -> Text:
    """The reply as it goes out, subject first, with what blocks it highlighted."""
    problems = list(problems)
    preview = Text(end="")
    preview.append("Subject: ", "bold")
    preview.append_text(highlighted(subject, problems, "subject"))
    preview.append("\n\n")
    preview.append_text(highlighted(text, problems))
    return preview


def template_preview(template: Template, subject: str, text: str) -> Text:
    """A template filled in for the ticket, as the picker's cursor moves over it."""
    preview = Text(end="")
    preview.append(f"{template.name} ({template.key})", "bold")
    preview.append(f" · then {template.status}" if template.status else "", "dim")
    preview.append("\n")
    preview.append_text(highlighted(subject, missing_values(subject, "subject"), "subject"))
    preview.append("\n\n")
    preview.append_text(highlighted(text, missing_values(text)))
    return preview

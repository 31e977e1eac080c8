"""What the feedparser decided about a message, part by part, to compare two parses of it."""

from __future__ import annotations

from email.message import Message


def tree(msg: Message) -> list[tuple]:
    """Envelope line, raw headers, body text (or the number of subparts), preamble, epilogue
    and defects of every part, in walk order."""
    return [
        (
            part.get_unixfrom(),
            list(part.raw_items()),
            part._payload if isinstance(part._payload, str) else len(part._payload),
            part.preamble,
            part.epilogue,
            [type(defect).__name__ for defect in part.defects],
        )
        for part in msg.walk()
    ]

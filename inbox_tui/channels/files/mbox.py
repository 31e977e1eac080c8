"""Reading an mbox file (mboxrd/mboxo as written by mutt, Thunderbird, Google Takeout)."""

from __future__ import annotations

import hashlib
import mailbox
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from inbox_tui.channels.files.maildir import NotAMailbox
from inbox_tui.domain.messages import IncomingMessage
from inbox_tui.sanitize import escape_undecodable

_STATUS = re.compile(rb"^(X-)?Status:[ \t]*([A-Za-z]*)", re.MULTILINE | re.IGNORECASE)


def _header_block(raw: bytes) -> bytes:
    end = raw.find(b"\n\n")
    return raw if end < 0 else raw[:end]


class MboxReader:
    def __init__(self, path: Path) -> None:
        self.path = path.expanduser().resolve()
        if not self.path.exists():
            raise NotAMailbox(f"{path}: no such file (give the path of an mbox file)")
        if not self.path.is_file():
            raise NotAMailbox(
                f"{path}: not a file (an mbox is one file; for a folder use 'import maildir')"
            )
        with open(self.path, "rb") as handle:
            head = handle.read(4096)
        if head and not head.lstrip(b"\r\n").startswith(b"From "):
            raise NotAMailbox(f"{path}: not an mbox file (it must start with a 'From ' line)")
        self.source = f"mbox:{escape_undecodable(str(self.path))}"
        self._box = mailbox.mbox(str(self.path), create=False)

    def count(self) -> int:
        return len(self._box)

    def messages(self, skip: set[str]) -> Iterator[IncomingMessage]:
        for key in self._box.iterkeys():
            data = self._box.get_bytes(key, from_=True)
            from_line, _, raw = data.partition(b"\n")
            uid = hashlib.sha256(raw).hexdigest()[:32]
            if uid in skip:
                continue
            flags = ""
            for match in _STATUS.finditer(_header_block(raw)):
                flags += match.group(2).decode("ascii", "replace")
            received = _from_line_date(from_line)
            yield IncomingMessage(
                raw=raw,
                source=self.source,
                folder="",
                uid=uid,
                received_at=received,
                seen="R" in flags,
                answered="A" in flags,
                flagged="F" in flags,
            )


def _from_line_date(line: bytes) -> datetime | None:
    """The delivery time on an mbox separator: "From sender Sat Jan  3 01:05:34 1996"."""
    parts = line.decode("ascii", "replace").split(None, 2)
    if len(parts) < 3:
        return None
    try:
        moment = datetime.strptime(" ".join(parts[2].split()[:5]), "%a %b %d %H:%M:%S %Y")
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC)


__all__ = ["MboxReader", "NotAMailbox"]

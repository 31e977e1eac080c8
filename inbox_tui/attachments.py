"""Saving attachments to a folder: safe names, nothing overwritten, nothing half-written.

A file name comes from the sender, so it is hostile: path separators, `..`, control
characters, reserved names and absurd lengths are all possible. The saved name keeps what is
readable, never leaves the folder, and gets " (2)", " (3)"… instead of replacing a file (or a
symlink, which is never followed). One attachment that cannot be written never stops the others.
"""

from __future__ import annotations

import errno
import mimetypes
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from inbox_tui.store.attachments import (
    AttachmentUnreadable,
    StoredAttachment,
    attachment_content,
    ticket_attachments,
)
from inbox_tui.store.db import Store

# File systems count a name's bytes (255 on ext4, btrfs, APFS, NTFS…), not its characters:
# 130 emoji are 520 bytes. The stem keeps this many bytes, the extension 16 characters (at
# most 64 bytes), leaving room for " (9999)" within 255.
MAX_STEM_BYTES = 180
MAX_SUFFIX = 16
MAX_COPIES = 9999  # "name (9999).ext" at most: past that the name counts as taken
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
             *(f"lpt{i}" for i in range(10))}  # fmt: skip
_DROPPED = ("Cc", "Cf", "Cs")  # controls, invisible formatting, lone surrogates
# Errors of a file system that has no hard links: the file is then created under its name.
_NO_LINKS = {errno.EPERM, errno.EMLINK, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP}


class SaveError(Exception):
    """The folder cannot be written; str() is one line."""


@dataclass(slots=True)
class SaveReport:
    """What a save did: the files written, and each attachment that failed with its reason."""

    saved: list[Path] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (name as sent, reason)

    def summary(self, folder: Path) -> str:
        """One line: "Saved 12 attachments to …", "; 1 failed: name: reason" when any did."""
        if not self.saved and not self.failed:
            return "No attachments in this ticket"
        files = "attachment" if len(self.saved) == 1 else "attachments"
        line = f"Saved {len(self.saved)} {files} to {folder}"
        if self.failed:
            name, reason = self.failed[0]
            more = f" (and {len(self.failed) - 1} more)" if len(self.failed) > 1 else ""
            line += f"; {len(self.failed)} failed: {name or '(no name)'}: {reason}{more}"
        return line


def safe_filename(name: str, content_type: str = "application/octet-stream", index: int = 1) -> str:
    """A name that is safe in any folder: no directories, no control characters, not hidden,
    not a device name, at most MAX_STEM_BYTES + an extension long; a nameless attachment
    becomes `attachment-<index>` with an extension from its content type."""
    name = unicodedata.normalize("NFC", name)
    name = "".join(c for c in name if unicodedata.category(c) not in _DROPPED)
    name = _UNSAFE.sub("_", name).strip().strip(".").strip()
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    if not stem or stem.lower() in _RESERVED:
        stem = f"attachment-{index}" if not stem else f"_{stem}"
    if not suffix and not name:
        suffix = (mimetypes.guess_extension(content_type) or ".bin").lstrip(".")
    stem = _cut(stem, MAX_STEM_BYTES).rstrip() or f"attachment-{index}"
    suffix = suffix[:MAX_SUFFIX].strip()
    return f"{stem}.{suffix}" if suffix else stem


def _cut(text: str, limit: int) -> str:
    """The longest prefix of `text` whose UTF-8 form has at most `limit` bytes."""
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", errors="ignore")  # a split character is dropped


def save_attachments(
    store: Store,
    ticket_id: int,
    folder: Path,
    *,
    only: list[int] | None = None,
) -> SaveReport:
    """Write the ticket's attachments (or those with ids in `only`) into `folder`, created if
    missing. Each file appears whole or not at all; one that fails is reported and the rest
    are still written. SaveError when the folder itself cannot be created."""
    chosen = [a for a in ticket_attachments(store, ticket_id) if only is None or a.id in set(only)]
    report = SaveReport()
    if not chosen:
        return report
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SaveError(f"cannot create {folder}: {exc.strerror or exc}") from None
    for index, attachment in enumerate(chosen, start=1):
        try:
            report.saved.append(_write(store, attachment, folder, index))
        except OSError as exc:
            report.failed.append((attachment.filename, exc.strerror or str(exc)))
        except AttachmentUnreadable as exc:  # its message's raw bytes were changed by hand
            report.failed.append((attachment.filename, str(exc)))
    return report


def save_and_report(store: Store, ticket_id: int, folder: Path) -> tuple[str, bool]:
    """Save the ticket's attachments into `folder`: the line that says how it went, and
    whether anything failed."""
    try:
        report = save_attachments(store, ticket_id, folder)
    except SaveError as exc:
        return str(exc), True
    return report.summary(folder), bool(report.failed)


def _write(store: Store, attachment: StoredAttachment, folder: Path, index: int) -> Path:
    """The attachment written to a temporary file, then linked under the first free name: a
    link never replaces a file or follows a symlink, and no `.part` file stays behind."""
    content = attachment_content(store, attachment.id)
    name = safe_filename(attachment.filename, attachment.content_type, index)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".inbox-tui-", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        for target in _names(folder, name):
            try:
                os.link(temporary, target)  # fails on any existing entry, dangling links too
                return target
            except FileExistsError:
                continue
            except OSError as exc:
                if exc.errno not in _NO_LINKS:
                    raise
            if _create(target, content):  # no hard links here: a new file under the name
                return target
        raise OSError(errno.EEXIST, f"{MAX_COPIES} files named {name} already")
    finally:
        os.unlink(temporary)


def _names(folder: Path, name: str):
    """`name`, then "stem (2).ext", "stem (3).ext"… up to MAX_COPIES."""
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem:
        stem, dot, suffix = name, "", ""
    yield folder / name
    for number in range(2, MAX_COPIES + 1):
        yield folder / f"{stem} ({number}){dot}{suffix}"


def _create(target: Path, content: bytes) -> bool:
    """Write `content` to a new file `target` (False when the name is taken, symlinks too);
    a write that fails removes what it began."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        handle = os.open(target, flags, 0o600)  # as mkstemp makes the others
    except FileExistsError:
        return False
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return True

"""Saving attachments to a folder: safe names, nothing overwritten, nothing half-written.

A file name comes from the sender, so it is hostile: path separators, `..`, control
characters, reserved names and absurd lengths are all possible. The saved name keeps what is
readable, never leaves the folder, and gets " (2)", " (3)"… instead of replacing a file.
"""

from __future__ import annotations

import mimetypes
import os
import re
import tempfile
import unicodedata
from pathlib import Path

from inbox_tui.store.attachments import StoredAttachment, attachment_content, ticket_attachments
from inbox_tui.store.db import Store

MAX_NAME = 120  # characters of the stem kept
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
             *(f"lpt{i}" for i in range(10))}  # fmt: skip


class SaveError(Exception):
    """The folder cannot be written; str() is one line."""


def safe_filename(name: str, content_type: str = "application/octet-stream", index: int = 1) -> str:
    """A name that is safe in any folder: no directories, no control characters, not hidden,
    not a device name; a nameless attachment becomes `attachment-<index>` with an extension
    from its content type."""
    name = unicodedata.normalize("NFC", name)
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf"))
    name = _UNSAFE.sub("_", name).strip().strip(".").strip()
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    if not stem or stem.lower() in _RESERVED:
        stem = f"attachment-{index}" if not stem else f"_{stem}"
    if not suffix and not name:
        suffix = (mimetypes.guess_extension(content_type) or ".bin").lstrip(".")
    stem = stem[:MAX_NAME]
    return f"{stem}.{suffix[:16]}" if suffix else stem


def _free_path(folder: Path, name: str) -> Path:
    path = folder / name
    stem, suffix = path.stem, path.suffix
    number = 2
    while path.exists():
        path = folder / f"{stem} ({number}){suffix}"
        number += 1
    return path


def save_attachments(
    store: Store,
    ticket_id: int,
    folder: Path,
    *,
    only: list[int] | None = None,
) -> list[Path]:
    """Write the ticket's attachments (or those with ids in `only`) into `folder`, created if
    missing; returns the paths written. Each file appears whole or not at all."""
    chosen = [a for a in ticket_attachments(store, ticket_id) if only is None or a.id in set(only)]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SaveError(f"cannot create {folder}: {exc.strerror or exc}") from None
    saved: list[Path] = []
    for index, attachment in enumerate(chosen, start=1):
        saved.append(_write(store, attachment, folder, index))
    return saved


def _write(store: Store, attachment: StoredAttachment, folder: Path, index: int) -> Path:
    content = attachment_content(store, attachment.id)
    name = safe_filename(attachment.filename, attachment.content_type, index)
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".inbox-tui-", suffix=".part")
        with os.fdopen(handle, "wb") as out:
            out.write(content)
    except OSError as exc:
        raise SaveError(f"cannot write into {folder}: {exc.strerror or exc}") from None
    try:
        while True:
            target = _free_path(folder, name)
            try:
                os.link(temporary, target)  # never replaces a file that appeared meanwhile
            except FileExistsError:
                continue
            except OSError:  # a file system without hard links: the name was free just now
                os.replace(temporary, target)
                return target
            os.unlink(temporary)
            return target
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise SaveError(f"cannot write into {folder}: {exc.strerror or exc}") from None

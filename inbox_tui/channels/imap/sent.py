"""What sending a reply changes on an IMAP server: the copy in the Sent folder, \\Answered on
the message answered, and the search that tells whether a reply already went out.

Each call is one short session (connect, do, log out): sending is rare next to syncing, and a
session left open would only time out between replies.
"""

from __future__ import annotations

import re
import ssl
from collections.abc import Callable
from typing import TypeVar

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from inbox_tui.channels.imap.session import TIMEOUT, ImapSyncError, close, connect, error_text
from inbox_tui.config import ImapSourceConfig

_APPENDUID = re.compile(rb"\[APPENDUID \d+ (\d+)\]", re.I)
_T = TypeVar("_T")


def find_message_id(
    config: ImapSourceConfig, folder: str, message_id: str, *, timeout: float = TIMEOUT
) -> int | None:
    """The UID of the message with this Message-ID (without <>) in `folder`, or None.

    UID SEARCH HEADER Message-ID: the server looks, nothing is downloaded. Raises ImapSyncError
    (ImapUnreachable when offline) when it cannot tell.
    """

    def search(client: IMAPClient) -> int | None:
        client.select_folder(folder, readonly=True)
        found = client.search(["HEADER", "Message-ID", f"<{message_id}>"])
        return min(found) if found else None

    return _session(config, timeout, search)


def file_reply(
    config: ImapSourceConfig,
    raw: bytes,
    *,
    append_to: str | None,
    answered: tuple[str, int] | None,
    timeout: float = TIMEOUT,
) -> int | None:
    """After a reply went out: APPEND it to `append_to` marked \\Seen, and set \\Answered on
    the (folder, uid) it answers. Returns the copy's UID when the server says (UIDPLUS)."""

    def work(client: IMAPClient) -> int | None:
        uid = None
        if append_to is not None:
            answer = client.append(append_to, raw, flags=[b"\\Seen"])
            match = _APPENDUID.search(answer if isinstance(answer, bytes) else b"")
            uid = int(match.group(1)) if match else None
        if answered is not None:
            folder, answered_uid = answered
            client.select_folder(folder)
            client.add_flags([answered_uid], [b"\\Answered"], silent=True)
        return uid

    return _session(config, timeout, work)


def _session(config: ImapSourceConfig, timeout: float, work: Callable[[IMAPClient], _T]) -> _T:
    client = connect(config, timeout=timeout)
    try:
        return work(client)
    except (IMAPClientError, OSError, EOFError, ssl.SSLError) as exc:
        raise ImapSyncError(f"{config.host}: {error_text(exc)}") from None
    finally:
        close(client)

"""The IMAP session: connecting and logging in (errors as one line), and the few protocol
helpers imapclient lacks (UID FETCH over an IMAP set such as "5:*").
"""

from __future__ import annotations

import contextlib
import socket
import ssl
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError, LoginError
from imapclient.imapclient import seq_to_parenstr_upper
from imapclient.response_parser import parse_fetch_response

from inbox_tui.config import ImapSourceConfig
from inbox_tui.sanitize import clean_line
from inbox_tui.secrets import SecretError, source_password
from inbox_tui.store.sync import ServerFlags

TIMEOUT = 60.0


class ImapSyncError(Exception):
    """A source could not be synced at all (connect, TLS, login); str() is one line."""


class ImapUnreachable(ImapSyncError):
    """The server could not be reached at all: no network, refused, no answer, no DNS."""


def connect(
    config: ImapSourceConfig, *, timeout: float = TIMEOUT, password: str | None = None
) -> IMAPClient:
    """A logged-in connection, or ImapSyncError with one line saying what went wrong.
    `password` when it is known already (sync workers), else from the source's settings."""
    host, port = config.host, config.effective_port
    if password is None:
        try:
            password = source_password(config)
        except SecretError as exc:
            raise ImapSyncError(str(exc)) from None
    try:
        context = ssl.create_default_context(cafile=str(config.ca_file) if config.ca_file else None)
    except (OSError, ssl.SSLError) as exc:
        raise ImapSyncError(f"cannot read ca_file {config.ca_file}: {exc}") from None
    try:
        if config.tls == "ssl":
            client = IMAPClient(host, port=port, ssl=True, ssl_context=context, timeout=timeout)
        else:
            client = IMAPClient(host, port=port, ssl=False, timeout=timeout)
            if config.tls == "starttls":
                client.starttls(context)
    except ssl.SSLCertVerificationError as exc:
        raise ImapSyncError(
            f"TLS certificate of {host}:{port} not trusted: {exc.verify_message}"
            " (set ca_file if the server uses its own CA)"
        ) from None
    except ssl.SSLError as exc:
        raise ImapSyncError(f"TLS with {host}:{port} failed: {exc.reason or exc}") from None
    except ConnectionRefusedError:
        raise ImapUnreachable(f"connection refused by {host}:{port}") from None
    except TimeoutError:
        raise ImapUnreachable(f"no answer from {host}:{port} within {timeout:.0f}s") from None
    except socket.gaierror as exc:
        raise ImapUnreachable(f"cannot resolve {host}: {exc.strerror or exc}") from None
    except OSError as exc:
        raise ImapUnreachable(f"cannot connect to {host}:{port}: {exc.strerror or exc}") from None
    except IMAPClientError as exc:
        raise ImapSyncError(f"{host}:{port} refused the session: {error_text(exc)}") from None
    try:
        client.login(config.username, password)
    except LoginError:
        close(client)
        raise ImapSyncError(f"login refused by {host} for {config.username}") from None
    except (IMAPClientAbortError, OSError) as exc:  # the server went away (a restart)
        close(client)
        raise ImapUnreachable(f"login to {host} failed: {error_text(exc)}") from None
    except IMAPClientError as exc:
        close(client)
        raise ImapSyncError(f"login to {host} failed: {error_text(exc)}") from None
    return client


def error_text(exc: BaseException) -> str:
    """A server's or the OS's error as one short, clean line (a server's text is hostile too)."""
    text = str(exc)
    if text.startswith("b'") or text.startswith('b"'):
        text = text[2:-1]
    return clean_line(text)[:200] or type(exc).__name__


def close(client: IMAPClient) -> None:
    try:
        client.logout()
    except Exception:  # closing a broken connection: nothing left to tell
        with contextlib.suppress(Exception):
            client.shutdown()


def uid_set(uids: list[int]) -> str:
    """Sorted UIDs as a compact IMAP set: 1:4,7,9:10."""
    parts: list[str] = []
    start = prev = None
    for uid in sorted(uids):
        if prev is not None and uid == prev + 1:
            prev = uid
            continue
        if start is not None:
            parts.append(str(start) if start == prev else f"{start}:{prev}")
        start = prev = uid
    if start is not None:
        parts.append(str(start) if start == prev else f"{start}:{prev}")
    return ",".join(parts)


def parse_uid_set(text: str) -> set[int]:
    """The UIDs of an IMAP set such as "1:4,7,9:10" (the inverse of `uid_set`)."""
    uids: set[int] = set()
    for part in text.split(","):
        if not part:
            continue
        first, _, last = part.partition(":")
        low, high = sorted((int(first), int(last or first)))
        uids.update(range(low, high + 1))
    return uids


def all_uids(client: IMAPClient, *, esearch: bool | None = None) -> set[int]:
    """Every UID in the selected folder, to find expunged mail by difference.

    With ESEARCH (RFC 4731) the server answers with a compact set ("1:9800,9802:10000") instead
    of one number per message, which is several times less to send and parse
    (benchmarks/README.md). `esearch=None` uses it when the server offers it."""
    if esearch is None:
        esearch = client.has_capability("ESEARCH")
    if not esearch:
        return set(client.search("ALL"))
    data = client._raw_command_untagged(
        b"SEARCH", [b"RETURN", b"(ALL)", b"ALL"], response_name="ESEARCH"
    )
    uids: set[int] = set()
    for line in data:  # b'(TAG "A5") UID ALL 1:3,5' — no ALL part when the folder is empty
        words = bytes(line).split()
        for key, value in zip(words, words[1:], strict=False):
            if key.upper() == b"ALL":
                uids |= parse_uid_set(value.decode("ascii"))
    return uids


def uid_fetch(
    client: IMAPClient, uids: str, data: list[str], modifiers: list[str] | None = None
) -> dict[int, dict[bytes, Any]]:
    """UID FETCH over an IMAP set such as "5:*", keyed by UID.

    IMAPClient.fetch only accepts explicit UID lists (and drops answers for any UID it was not
    given), which makes "everything above N" impossible and 10k-UID command lines long.
    """
    imap = client._imap
    args = ["UID", "FETCH", uids, seq_to_parenstr_upper(data)]
    if modifiers:
        args.append(seq_to_parenstr_upper(modifiers))
    tag = imap._command(*args)
    typ, lines = imap._command_complete("FETCH", tag)
    client._checkok("fetch", typ, lines)
    typ, lines = imap._untagged_response(typ, lines, "FETCH")
    parsed = parse_fetch_response(lines, client.normalise_times, uid_is_key=False)
    # Unsolicited FETCH answers (no UID) are another session's flag news: ignore them here.
    return {int(item[b"UID"]): item for item in parsed.values() if b"UID" in item}


def server_flags(raw: Any) -> ServerFlags:
    names = [f.decode("utf-8", "replace") if isinstance(f, bytes) else str(f) for f in raw or ()]
    system = {name.lower() for name in names if name.startswith("\\")}
    keywords = tuple(sorted({name for name in names if not name.startswith("\\")}))
    return ServerFlags("\\seen" in system, "\\answered" in system, "\\flagged" in system, keywords)

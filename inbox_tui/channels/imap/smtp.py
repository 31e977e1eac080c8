"""Sending a reply through an IMAP source's SMTP server (smtplib, TLS verified by default).

Failures are sorted by what they mean for a retry: a 4xx answer or no connection → try later;
a 5xx answer → permanent; the connection lost after the message was handed over → it may have
arrived (MaybeSent): the sender looks in the Sent folder before it sends again. After the
server took it, the copy goes to the Sent folder and the answered message gets \\Answered
(imap_sent.py); trouble there is a note, never a reason to send again.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from typing import Any

from inbox_tui.channels.imap import sent as imap_sent
from inbox_tui.channels.imap.session import ImapSyncError, ImapUnreachable
from inbox_tui.config import ImapSourceConfig, SmtpConfig
from inbox_tui.domain.replies import (
    MaybeSent,
    NoEvidence,
    OutgoingReply,
    PermanentFailure,
    SentCopy,
    TemporaryFailure,
    Unreachable,
    reply_header,
)
from inbox_tui.outbox.message import reply_sender
from inbox_tui.sanitize import clean_line
from inbox_tui.secrets import SecretError, read_secret, source_password
from inbox_tui.store.db import Store
from inbox_tui.store.outbox import replied_to

TIMEOUT = 60.0
DEFAULT_PORTS = {"ssl": 465, "starttls": 587, "none": 25}


def smtp_password(source: ImapSourceConfig) -> str:
    """The SMTP password: the smtp section's own secret, else the IMAP source's."""
    smtp = source.smtp
    assert smtp is not None
    if not smtp.has_secret:
        return source_password(source)
    return read_secret(
        f"{source.name}.smtp",
        "password",
        command=smtp.password_command,
        env=smtp.password_env,
        keyring_service=smtp.keyring,
        keyring_user=smtp.username or source.username,
        plain=smtp.password,
    )


class SmtpTransport:
    """One IMAP source's way out: SMTP for sending, its IMAP server for Sent and \\Answered."""

    def __init__(self, source: ImapSourceConfig, store: Store, *, timeout: float = TIMEOUT):
        if source.smtp is None:
            raise ValueError(f"source {source.name!r} has no smtp section")
        self.source = source
        self.smtp: SmtpConfig = source.smtp
        self.store = store
        self.timeout = timeout
        self.host = self.smtp.host or source.host
        self.port = self.smtp.port or DEFAULT_PORTS[self.smtp.tls]
        self.notes: list[str] = []  # what went wrong after a successful send (Sent, \Answered)

    # --- the Transport protocol ----------------------------------------------------------------

    def was_sent(self, reply: OutgoingReply) -> SentCopy | bool:
        """Look for the Message-ID in the Sent folder. Not finding it proves nothing unless the
        server files sent mail itself: our own copy is appended only after the server took
        the reply, so a crash in between leaves no trace (NoEvidence)."""
        folder = self.source.sent_folder
        if folder is None:
            raise NoEvidence(f"source {self.source.name!r} has no sent_folder to look in")
        try:
            uid = imap_sent.find_message_id(self.source, folder, reply.message_id)
        except ImapUnreachable as exc:
            raise Unreachable(f"cannot check {folder}: {exc}") from None
        except ImapSyncError as exc:
            raise TemporaryFailure(f"cannot check {folder}: {exc}") from None
        if uid is not None:
            return SentCopy(f"imap:{self.source.name}", folder, str(uid))
        if self.smtp.server_saves_sent:
            return False
        raise NoEvidence(f"not in {folder}, which only holds what inbox-tui appended")

    def send(self, reply: OutgoingReply) -> SentCopy | None:
        if not reply.to:
            raise PermanentFailure("the reply has no recipient address")
        self._deliver(reply)
        return self._file(reply)

    def close(self) -> None:
        pass  # one connection per reply: nothing stays open between them

    # --- SMTP --------------------------------------------------------------------------------

    def _deliver(self, reply: OutgoingReply) -> None:
        client = self._connect()
        try:
            self._login(client)
            sender = reply_sender(reply.raw)
            _check(client.mail(sender), "the sender")
            refused = []
            for address in reply.to:
                code, text = client.rcpt(address)
                if code >= 400:
                    refused.append((address, code, text))
            if refused:
                address, code, text = refused[0]
                why = f"recipient {address} refused: {code} {_text(text)}"
                raise (TemporaryFailure if code < 500 else PermanentFailure)(why)
            self._data(client, reply.raw)
        except smtplib.SMTPServerDisconnected as exc:
            raise TemporaryFailure(f"{self.host} closed the connection: {_text(exc)}") from None
        except (TimeoutError, OSError) as exc:
            raise TemporaryFailure(f"{self.host} stopped answering: {_text(exc)}") from None
        finally:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()

    def _data(self, client: smtplib.SMTP, raw: bytes) -> None:
        """DATA, split so a connection lost after the message was handed over is told apart
        from one lost before (smtplib's data() cannot say which)."""
        code, text = client.docmd("DATA")
        if code != 354:
            _check((code, text), "the message")
        try:
            client.send(
                smtplib._quote_periods(  # type: ignore[attr-defined]  # smtplib's own dot-stuffing
                    _crlf(raw)
                )
                + b"\r\n.\r\n"
            )
            code, text = client.getreply()
        except (smtplib.SMTPServerDisconnected, TimeoutError, OSError) as exc:
            raise MaybeSent(
                f"{self.host} dropped the connection after taking the message: {_text(exc)}"
            ) from None
        _check((code, text), "the message")

    def _connect(self) -> smtplib.SMTP:
        where = f"{self.host}:{self.port}"
        try:
            context = self._tls_context()
            if self.smtp.tls == "ssl":
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=context
                )
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
                if self.smtp.tls == "starttls":
                    client.ehlo()
                    client.starttls(context=context)
            client.ehlo()
            return client
        except ssl.SSLCertVerificationError as exc:
            raise TemporaryFailure(
                f"TLS certificate of {where} not trusted: {exc.verify_message}"
                " (set smtp.ca_file if the server uses its own CA)"
            ) from None
        except ssl.SSLError as exc:
            raise TemporaryFailure(f"TLS with {where} failed: {exc.reason or exc}") from None
        except smtplib.SMTPNotSupportedError:
            raise TemporaryFailure(f"{where} does not offer STARTTLS (try tls: ssl)") from None
        except ConnectionRefusedError:
            raise Unreachable(f"connection refused by {where}") from None
        except TimeoutError:
            raise Unreachable(f"no answer from {where} within {self.timeout:.0f}s") from None
        except socket.gaierror as exc:
            raise Unreachable(f"cannot resolve {self.host}: {exc.strerror or exc}") from None
        except smtplib.SMTPException as exc:
            raise TemporaryFailure(f"cannot connect to {where}: {_text(exc)}") from None
        except OSError as exc:
            raise Unreachable(f"cannot connect to {where}: {_text(exc)}") from None

    def _tls_context(self) -> ssl.SSLContext:
        ca_file = self.smtp.ca_file or self.source.ca_file
        try:
            return ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
        except (OSError, ssl.SSLError) as exc:
            raise TemporaryFailure(f"cannot read ca_file {ca_file}: {exc}") from None

    def _login(self, client: smtplib.SMTP) -> None:
        """Log in when the server offers AUTH (a local relay may not)."""
        if not client.has_extn("auth"):
            return
        try:
            password = smtp_password(self.source)
        except SecretError as exc:
            raise TemporaryFailure(str(exc)) from None
        username = self.smtp.username or self.source.username
        try:
            client.login(username, password)
        except smtplib.SMTPAuthenticationError as exc:
            raise TemporaryFailure(
                f"login refused by {self.host} for {username}: {exc.smtp_code} {_text(exc.smtp_error)}"
            ) from None
        except smtplib.SMTPException as exc:
            raise TemporaryFailure(f"login to {self.host} failed: {_text(exc)}") from None

    # --- after the server took it ------------------------------------------------------------

    def _file(self, reply: OutgoingReply) -> SentCopy | None:
        """Append the copy to Sent (unless the server does that) and set \\Answered on the
        message replied to. Never raises: the reply is out, whatever happens here."""
        self.notes = []
        folder = self.source.sent_folder
        append_to = folder if folder and not self.smtp.server_saves_sent else None
        answered = self._answered_location(reply)
        if append_to is None and answered is None:
            return None
        try:
            uid = imap_sent.file_reply(
                self.source, reply.raw, append_to=append_to, answered=answered
            )
        except ImapSyncError as exc:
            self.notes.append(f"sent, but the IMAP server could not be updated: {exc}")
            return None
        if append_to and uid is not None:
            return SentCopy(f"imap:{self.source.name}", append_to, str(uid))
        return None

    def _answered_location(self, reply: OutgoingReply) -> tuple[str, int] | None:
        parent = reply_header(reply.raw, "In-Reply-To")
        if not parent:
            return None
        found = replied_to(self.store, parent.strip("<> "), f"imap:{self.source.name}")
        if found is None or found.folder is None or found.uid is None:
            return None
        return found.folder, int(found.uid)


def _check(answer: tuple[int, Any], what: str) -> None:
    code, text = answer
    if code < 400:
        return
    why = f"{what} refused: {code} {_text(text)}"
    raise (TemporaryFailure if code < 500 else PermanentFailure)(why)


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return clean_line(str(value))[:200] or "no reason given"


def _crlf(raw: bytes) -> bytes:
    return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")

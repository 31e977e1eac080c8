"""A real SMTP server for the tests: aiosmtpd on a free loopback port, in the test process.

It records every message it accepted (the bytes and the envelope) and can misbehave the way
real servers do:
- "accept": 250 for everything;
- "451-then-250": the first DATA gets 451 (try later), later ones 250;
- "drop-after-data": takes the message, then closes the connection without answering;
- "reject-rcpt": 550 for every recipient;
- "hold": takes the message (recorded, delivered), then sets `data_started` and waits for
  `release` before it answers 250: a test can kill the sending process in between, the
  moment a real crash makes "accepted" and "marked sent" disagree.
With `deliver`, every accepted message is also handed to it (e.g. appended to a Sent folder
on the test Dovecot, the way Gmail files what you send).
"""

from __future__ import annotations

import asyncio
import errno
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import ClassVar

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USERNAME = "seller@example.com"
PASSWORD = "smtp-s3cret"
MODES = ("accept", "451-then-250", "drop-after-data", "reject-rcpt", "hold")


@dataclass
class Delivery:
    sender: str
    recipients: list[str]
    raw: bytes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class SmtpSink:
    username: ClassVar[str] = USERNAME  # the one login it accepts
    password: ClassVar[str] = PASSWORD

    mode: str = "accept"
    deliver: Callable[[bytes], None] | None = None
    accepted: list[Delivery] = field(default_factory=list)
    data_commands: int = 0  # DATA commands seen, whatever was answered
    delivered: int = 0  # messages fully taken (and handed to `deliver`)
    logins: list[str] = field(default_factory=list)
    data_started: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    port: int = 0
    _controller: Controller | None = None

    def start(self, port: int | None = None) -> SmtpSink:
        """Listen on `port` (a free one when None)."""
        assert self.mode in MODES, self.mode
        for attempt in range(3):
            self.port = port or free_port()
            self._controller = Controller(
                _Handler(self),
                hostname="127.0.0.1",
                port=self.port,
                auth_require_tls=False,  # loopback, plain: the client still has to log in
                authenticator=self._authenticate,
            )
            try:
                self._controller.start()
                return self
            except OSError as error:
                # a free port taken between our probe and the bind (another test worker):
                # another one, unless the test asked for this one
                self._controller = None
                if port or error.errno != errno.EADDRINUSE or attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def stop(self) -> None:
        self.release.set()
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        if (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == USERNAME
            and auth_data.password.decode() == PASSWORD
        ):
            self.logins.append(USERNAME)
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if self.sink.mode == "reject-rcpt":
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        sink = self.sink
        sink.data_commands += 1
        if sink.mode == "451-then-250" and sink.data_commands == 1:
            return "451 4.3.0 Mail server temporarily rejected message, try later"
        raw = bytes(envelope.original_content or envelope.content)
        sink.accepted.append(Delivery(envelope.mail_from, list(envelope.rcpt_tos), raw))
        if sink.deliver is not None:
            await asyncio.get_running_loop().run_in_executor(None, sink.deliver, raw)
        sink.delivered += 1
        if sink.mode == "hold":  # the message is taken; the answer waits
            sink.data_started.set()
            await asyncio.get_running_loop().run_in_executor(None, sink.release.wait, 60)
        if sink.mode == "drop-after-data":
            server.transport.close()
        return "250 2.0.0 Ok: queued"


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    """An accepting sink; set `.mode` (and `.deliver`) before the client connects."""
    sink = SmtpSink().start()
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture
def start_sink() -> Iterator[Callable[..., SmtpSink]]:
    """Start sinks later in a test (`start_sink(port=…, mode=…)`); all stopped at its end."""
    started: list[SmtpSink] = []

    def start(port: int | None = None, **kw) -> SmtpSink:
        sink = SmtpSink(**kw).start(port)
        started.append(sink)
        return sink

    yield start
    for sink in started:
        sink.stop()

"""Loopback HTTP servers for the marketplace tests: real sockets, state in memory.

`LoopbackServer` runs a ThreadingHTTPServer on 127.0.0.1:0 in a thread (HTTPS with `tls=(cert,
key)`) and hands each request to `handle()`; a subclass implements one API's contract there. Faults are scripted from the
test: `fail_next()` answers the next matching requests with a canned reply (a 500, a 429 with
Retry-After, malformed JSON) before the contract code sees them, and `latency` delays every
answer, so retries, backoff and timeouts run over a real connection.
"""

from __future__ import annotations

import json
import ssl
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(self.body.decode("utf-8")).items()}


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # dict/list → JSON; bytes/str → as is; None → empty
    headers: dict[str, str] = field(default_factory=dict)

    def encoded(self) -> tuple[bytes, str]:
        if self.body is None:
            return b"", ""
        if isinstance(self.body, bytes):
            return self.body, "application/json"
        if isinstance(self.body, str):
            return self.body.encode("utf-8"), "application/json"
        return json.dumps(self.body).encode("utf-8"), "application/json"


@dataclass
class _Fault:
    reply: Reply
    path: str | None  # only requests whose path starts with this
    times: int
    skip: int = 0  # let this many matching requests through first


class LoopbackServer:
    """A threaded HTTP server on loopback; subclasses implement `handle`."""

    def __init__(self) -> None:
        self.latency = 0.0  # seconds added to every answer
        self._answering = threading.Event()  # cleared by hold(): answers wait for release()
        self._answering.set()
        self.log: list[tuple[str, str, dict[str, list[str]]]] = []  # (method, path, query)
        self._faults: deque[_Fault] = deque()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.tls: tuple[Path, Path] | None = None  # (certificate, key): serve HTTPS

    # -- what subclasses implement -------------------------------------------------------
    def handle(self, request: Request) -> Reply:
        raise NotImplementedError

    # -- holding answers back ------------------------------------------------------------
    def hold(self) -> None:
        """Every answer waits until release(): a test sees the app mid-request, however slow
        the machine (a fixed latency races the test's own pauses under load)."""
        self._answering.clear()

    def release(self) -> None:
        self._answering.set()

    # -- scripting faults ----------------------------------------------------------------
    def fail_next(
        self,
        status: int = 500,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        path: str | None = None,
        times: int = 1,
        skip: int = 0,
    ) -> None:
        """Answer the next `times` requests (under `path`, if given; after letting `skip` of
        them through) with this instead."""
        if body is None:
            body = {"errors": [{"errorId": 10001, "message": "System error."}]}
        with self._lock:
            self._faults.append(_Fault(Reply(status, body, headers or {}), path, times, skip))

    def malformed_next(self, *, path: str | None = None, times: int = 1, skip: int = 0) -> None:
        """Answer 200 with a body that is not JSON (a cut-off answer)."""
        cut = b'{"conversations": [{"conversationId": "'
        self.fail_next(200, cut, path=path, times=times, skip=skip)

    def requests_to(self, path_prefix: str) -> int:
        with self._lock:
            return sum(1 for _, path, _ in self.log if path.startswith(path_prefix))

    def _fault_for(self, request: Request) -> Reply | None:
        with self._lock:
            self.log.append((request.method, request.path, request.query))
            for fault in self._faults:
                if fault.path is None or request.path.startswith(fault.path):
                    if fault.skip > 0:
                        fault.skip -= 1
                        return None
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                    return fault.reply
        return None

    # -- running -------------------------------------------------------------------------
    @property
    def url(self) -> str:
        assert self._server is not None, "start() the server first"
        host, port = self._server.server_address[:2]
        return f"{'https' if self.tls else 'http'}://{host}:{port}"

    def start(self) -> LoopbackServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out as separate writes

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                request = Request(
                    self.command,
                    parts.path,
                    parse_qs(parts.query, keep_blank_values=True),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
                server._answering.wait(timeout=60)
                if server.latency:
                    time.sleep(server.latency)
                reply = server._fault_for(request)
                if reply is None:
                    try:
                        reply = server.handle(request)
                    except Exception as exc:  # a bug in the test server: say so, as a 500
                        reply = Reply(500, {"errors": [{"message": f"test server bug: {exc!r}"}]})
                data, kind = reply.encoded()
                self.send_response(reply.status)
                if kind:
                    self.send_header("Content-Type", kind)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _serve

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        if self.tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self.tls)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release()  # a request still held answers, so its thread can end
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

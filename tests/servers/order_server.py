"""What the shop test servers (amazon.py, shopify.py, woocommerce.py) add to `LoopbackServer`:
every request kept whole (headers and body, for tests that check what was sent), short names
for the faults they script, and an address that outlives `stop()` (to test an unreachable shop).
"""

from __future__ import annotations

import threading
from typing import Any

from tests.servers import LoopbackServer, Reply, Request

__all__ = ["Reply", "Request", "ShopServer", "json_response"]


def json_response(status: int, data: Any, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, data, dict(headers or {}))


class ShopServer(LoopbackServer):
    """A shop on loopback; subclasses answer `route(request)` with in-memory state."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()  # guards the subclass's state
        self.seen: list[Request] = []  # requests that reached the contract code, in order
        self._address = ""

    def fail_once(self, status: int = 500) -> None:
        self.fail_next(status, {"message": "Internal Server Error"})

    def rate_limit_once(self, retry_after: str = "1") -> None:
        self.fail_next(429, {"message": "Too Many Requests"}, headers={"Retry-After": retry_after})

    def calls_to(self, fragment: str) -> list[Request]:
        """The requests (that reached the contract code) whose path contains `fragment`."""
        return [r for r in self.seen if fragment in r.path]

    @property
    def url(self) -> str:
        """Where it listens; after stop(), where it listened (nothing answers there then)."""
        assert self._address, "start() the server first"
        return self._address

    def start(self) -> ShopServer:
        super().start()
        self._address = LoopbackServer.url.fget(self)  # type: ignore[attr-defined]
        return self

    def __enter__(self) -> ShopServer:
        return self.start()

    def handle(self, request: Request) -> Reply:
        with self.lock:
            self.seen.append(request)
        return self.route(request)

    def route(self, request: Request) -> Reply:
        raise NotImplementedError

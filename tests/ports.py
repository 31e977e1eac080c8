"""A loopback port nothing listens on, safe with parallel test workers.

A port merely probed free and closed again can be handed to another worker's server a moment
later, and the "offline" test would then reach it. So the port is held, bound but never
listening, for the test's life: a connection to it is refused as to any closed port, and no
other socket is given it meanwhile. A server the test starts there itself (the network is back)
still can bind it: both sockets say SO_REUSEADDR and the holder never listens (Linux).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def held_closed_port() -> Iterator[int]:
    with socket.socket() as holder:
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        holder.bind(("127.0.0.1", 0))
        yield holder.getsockname()[1]

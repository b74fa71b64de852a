"""Run an ASGI app for real, over HTTP on 127.0.0.1, for end-to-end tests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

# Timeouts for tests that are not about timeouts: on a busy shared machine the fake OpenF1 may
# take seconds to answer, and the defaults (8 s a try, 10 s a request) would turn that into
# OPENF1_API_UNAVAILABLE and an open breaker. Bounds on a hang, not speeds.
UNDER_LOAD: dict[str, float] = {"read_timeout_s": 120.0, "request_timeout_s": 300.0}


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on (for a while: nothing holds it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serve_in_thread(
    app: Any, *, startup_timeout_s: float = 10.0, ws: str = "none", send_buffer: int | None = None
) -> Iterator[str]:
    """Serve ``app`` with uvicorn in a background thread; yield its base URL, stop it on exit.

    The socket is bound before uvicorn starts (port 0), so the port is free and known without a
    race. The event loop and HTTP parser are pinned (``asyncio``, ``h11``) so runs compare
    whether or not uvloop or httptools happen to be installed. ``ws="websockets-sansio"`` serves
    websockets too (off by default: most tests need none). Usable from a sync fixture that an
    async test depends on::

        @pytest.fixture
        def base_url(fake):
            with serve_in_thread(fake) as url:
                yield url

    ``send_buffer`` fixes the kernel's send buffer of every connection [bytes] (accepted sockets
    inherit it), so a client that stops reading holds the server back soon, as over a network.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # TCP_NODELAY
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if send_buffer is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, send_buffer)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        loop="asyncio",
        http="h11",
        ws=ws,
        lifespan="auto",
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"uvicorn:{port}", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + startup_timeout_s
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("The test server stopped while starting; see its log above.")
            if time.monotonic() > deadline:
                raise RuntimeError(f"The test server did not start within {startup_timeout_s} s.")
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=startup_timeout_s)
        sock.close()

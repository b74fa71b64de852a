"""Work nobody waits for is cancelled: a request whose client disconnects stops at once.

The request's body is read first (bounded), then the handler runs as a task while the
connection is watched; when the client goes, the task is cancelled. What is worth keeping goes
on: an OpenF1 fetch awaited through the request deadline (:mod:`f1graph.data.deadline`) runs in
a task of its own and still fills the cache; resolving, analysing and encoding stop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from f1graph.compat import envelope
from f1graph.limits import body_message
from f1graph.web.guard import read_body

log = logging.getLogger("f1graph.web")

cancelled_requests = 0  # since start, for tests and the curious


async def _until_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def cancel_when_gone(
    handle: Callable[[Receive], Awaitable[None]], body: bytes, receive: Receive, path: str
) -> None:
    """Run ``handle`` with ``body`` replayed to it; cancel it if the client disconnects."""
    global cancelled_requests
    gone = asyncio.Event()
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await gone.wait()
        return {"type": "http.disconnect"}

    started = time.monotonic()
    work = asyncio.ensure_future(handle(replay))
    watch = asyncio.ensure_future(_until_disconnect(receive))
    try:
        done, _ = await asyncio.wait({work, watch}, return_when=asyncio.FIRST_COMPLETED)
        if work not in done:
            gone.set()
            work.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await work
            cancelled_requests += 1
            log.info(
                "client gone: cancelled %s after %.0f ms", path, (time.monotonic() - started) * 1e3
            )
            return
        work.result()
    finally:
        watch.cancel()
        if not work.done():
            work.cancel()


class CancelWhenGone:
    """ASGI wrapper (the REST shim's mount): bounded body, cancelled when the client goes."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        limit = self.max_body_bytes
        refusal = envelope.too_large(body_message(limit), request.url.path)
        body = await read_body(request, limit, refusal)
        if not isinstance(body, bytes):
            await body(scope, receive, send)
            return

        async def handle(replay: Receive) -> None:
            await self.app(scope, replay, send)

        await cancel_when_gone(handle, body, receive, request.url.path)

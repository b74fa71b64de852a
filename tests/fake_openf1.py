"""A fake OpenF1 over recorded data, with OpenF1's HTTP behaviour and injectable faults.

``make_fake_openf1(directory)`` gives an ASGI app that answers ``GET /v1/<endpoint>?<query>``
from a :class:`~f1graph.openf1.recorded.RecordedSource`, the way api.openf1.org does: rows as a
JSON array, 404 ``{"detail":"No results found."}`` for no rows, the query string read with
OpenF1's operators (``date>=...``, repeated ``driver_number=``) and an unencoded ``+`` read as a
space. It counts what it is asked, and can be told to fail: 5xx with an HTML page, 429 with a
plain-text ``Rate exceeded``, 401 while a session is "live", or to answer slowly; and to
misbehave at the transport (:meth:`FakeOpenF1.misbehave`): hang, answer garbage JSON, drop the
connection mid-body, or trickle the body in a byte at a time.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import unquote

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from f1graph.openf1.endpoints import ENDPOINTS
from f1graph.openf1.filters import OPERATORS, Filter, Filters
from f1graph.openf1.recorded import RecordedSource

BAD_GATEWAY_PAGE = (
    "<html><head><title>502 Bad Gateway</title></head>"
    "<body><center><h1>502 Bad Gateway</h1></center></body></html>"
)
LIVE_SESSION_DETAIL = (
    "Live F1 session in progress: data is restricted to authenticated users until it ends."
)


GARBAGE_JSON = b'[{"session_key": 11253, "meeting_key": 1280, "driver_number": '
Misbehaviour = Literal["hang", "garbage", "drop", "slow_body"]
MISBEHAVIOURS: tuple[Misbehaviour, ...] = ("hang", "garbage", "drop", "slow_body")
_TICK_S = 0.05


@dataclass(frozen=True)
class Fault:
    """One canned failure answer."""

    status: int
    body: str
    content_type: str


class FakeOpenF1:
    """An ASGI app playing api.openf1.org over a directory of recorded responses."""

    def __init__(self, directory: Path, *, empty_as_404: bool = True) -> None:
        self.source = RecordedSource(directory)
        self.empty_as_404 = empty_as_404  # False: answer [] for no rows, as OpenF1 sometimes does
        self.delay_s = 0.0  # added before every answer, faults included
        self.counts: collections.Counter[str] = collections.Counter()
        self.requests: list[str] = []
        self._faults: collections.deque[Fault] = collections.deque()
        self._standing: Fault | None = None
        self._misbehaviour: Misbehaviour | None = None
        self._app = Starlette(routes=[Route("/v1/{endpoint}", self._answer)], lifespan=self._life)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        mode = self._misbehaviour
        if mode is None or scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        path: str = scope["path"]
        endpoint = path.rsplit("/", 1)[-1]
        self.counts[endpoint] += 1
        self.requests.append(path)
        if mode == "hang":  # until reset (polled: reset comes from the test's thread)
            while self._misbehaviour == "hang":  # noqa: ASYNC110 (an Event is not thread-safe)
                await asyncio.sleep(_TICK_S)
            await self._app(scope, receive, send)
            return
        if mode == "garbage":
            await _start(send, 200, len(GARBAGE_JSON))
            await send({"type": "http.response.body", "body": GARBAGE_JSON})
            return
        if mode == "drop":  # promise 10 kB, send 5 bytes, then the connection goes
            await _start(send, 200, 10_000)
            await send({"type": "http.response.body", "body": b'[{"se', "more_body": True})
            raise ConnectionAbortedError("the fake OpenF1 dropped the connection")
        await _start(send, 200, None)  # slow_body: a byte per tick, each read quick, until reset
        await send({"type": "http.response.body", "body": b"[", "more_body": True})
        while self._misbehaviour == "slow_body":
            await asyncio.sleep(_TICK_S)
            await send({"type": "http.response.body", "body": b" ", "more_body": True})
        # never a whole body: "[   ]" would be a valid (empty) answer no slow OpenF1 gives
        raise ConnectionAbortedError("the fake OpenF1 stopped trickling")

    def reset(self) -> None:
        """Forget the requests seen and every fault and delay set."""
        self.counts.clear()
        self.requests.clear()
        self._faults.clear()
        self._standing = None
        self._misbehaviour = None
        self.delay_s = 0.0

    def misbehave(self, mode: Misbehaviour | None) -> None:
        """From now until :meth:`reset`, misbehave on every request: ``hang`` (no answer),
        ``garbage`` (a 200 of truncated JSON), ``drop`` (the connection closes mid-body) or
        ``slow_body`` (a 200 whose body trickles in a byte every 50 ms, forever)."""
        self._misbehaviour = mode

    def fail_next(
        self,
        n: int | None = 1,
        status: int = 500,
        body: str = BAD_GATEWAY_PAGE,
        content_type: str = "text/html",
    ) -> None:
        """Answer the next ``n`` requests with this failure (``n=None``: every one until reset)."""
        fault = Fault(status, body, content_type)
        if n is None:
            self._standing = fault
        else:
            self._faults.extend([fault] * n)

    def rate_limit(self, n: int | None = 1) -> None:
        """Answer 429 with the plain-text ``Rate exceeded`` OpenF1's gateway sends."""
        self.fail_next(n, 429, "Rate exceeded", "text/plain")

    def lock_live_session(self, n: int | None = 1, detail: str = LIVE_SESSION_DETAIL) -> None:
        """Answer 401 ``{"detail": ...}``, as OpenF1 does for anonymous clients during a session."""
        self.fail_next(n, 401, orjson.dumps({"detail": detail}).decode(), "application/json")

    async def _answer(self, request: Request) -> Response:
        endpoint: str = request.path_params["endpoint"]
        query = request.scope["query_string"].decode("latin-1")
        self.counts[endpoint] += 1
        self.requests.append(f"{request.url.path}?{query}" if query else request.url.path)
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        fault = self._faults.popleft() if self._faults else self._standing
        if fault is not None:
            return Response(fault.body, fault.status, media_type=fault.content_type)
        if endpoint not in ENDPOINTS:
            return JSONResponse({"detail": "Not Found"}, 404)
        try:
            filters = parse_query_string(query)
        except ValueError as error:
            return JSONResponse({"detail": str(error)}, 422)
        body = await self.source.fetch(endpoint, filters)
        if body == b"[]" and self.empty_as_404:
            return JSONResponse({"detail": "No results found."}, 404)
        return Response(body, media_type="application/json")

    @asynccontextmanager
    async def _life(self, app: Starlette) -> AsyncIterator[None]:
        yield
        await self.source.aclose()


async def _start(send: Send, status: int, length: int | None) -> None:
    headers = [(b"content-type", b"application/json")]
    if length is not None:
        headers.append((b"content-length", str(length).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})


def make_fake_openf1(directory: Path, *, empty_as_404: bool = True) -> FakeOpenF1:
    """A fake OpenF1 serving the recorded data in ``directory`` (laid out like ``dev/``)."""
    return FakeOpenF1(directory, empty_as_404=empty_as_404)


def parse_query_string(query: str) -> Filters:
    """Parse a query string written with OpenF1's operators back into filters (what OpenF1 does
    with the gateway's requests). Unknown syntax raises ``ValueError``."""
    out: list[Filter] = []
    for part in query.split("&"):
        if not part:
            continue
        text = unquote(part.replace("+", " "))
        for op in OPERATORS:
            field, sep, value = text.partition(op)
            if sep and field:
                out.append(Filter(field, op, value))
                break
        else:
            raise ValueError(f"cannot read the filter {text!r}")
    return tuple(out)

"""One log line and one latency sample per request, with a request id; CORS for the APIs.

:class:`RequestLog` wraps the whole app (pure ASGI, so streaming answers are untouched): it takes
the client's ``X-Request-ID`` when it is sane or makes one, returns it as a header, binds it to
the log context (every event the request causes carries it), and at the end logs ``request``
with the method, path, status, GraphQL operation name and duration, observes the latency
histogram of the GraphQL operation or REST route, and logs ``slow_request`` past
``F1GRAPH_SLOW_QUERY`` seconds.
"""

from __future__ import annotations

import re
import time
import uuid
from contextvars import ContextVar
from dataclasses import dataclass

from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from f1graph.observe import bind_request, get_logger, metrics

log = get_logger("f1graph.request")
REQUEST_ID = "x-request-id"
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_OPERATION = re.compile(r"\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)")
_COMMENT = re.compile(r"#[^\n\r]*")
QUIET_PATHS = ("/metrics", "/healthz", "/graphiql/")  # scrapes and assets: logged at debug
API_PATHS = ("/graphql", "/api/v1")


@dataclass
class RequestInfo:
    """What the app learns about the request while answering it."""

    request_id: str
    operation: str | None = None


_CURRENT: ContextVar[RequestInfo | None] = ContextVar("f1graph_request", default=None)


def current_request() -> RequestInfo | None:
    """The request being answered on this task, if any."""
    return _CURRENT.get()


def operation_name(query: str | None, given: str | None) -> str | None:
    """The GraphQL operation's name: ``operationName``, else the first named operation."""
    if given:
        return given
    if not query:
        return None
    found = _OPERATION.search(_COMMENT.sub("", query))
    return found.group(1) if found else None


class RequestLog:
    """The request log, request id and latency metrics (see the module docstring)."""

    def __init__(self, app: ASGIApp, slow_s: float = 1.0) -> None:
        self.app = app
        self.slow_s = slow_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(REQUEST_ID.encode(), b"").decode("latin-1")
        request_id = given if _SANE_ID.fullmatch(given) else uuid.uuid4().hex
        info = RequestInfo(request_id)
        token = _CURRENT.set(info)
        bind_request(request_id=request_id)
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "websocket.accept":
                status = 101
            elif message["type"] == "websocket.close" and status == 500:
                status = 403  # closed before it was accepted: refused
            elif message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        started = time.perf_counter()
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            self._record(scope, info, status, seconds)
            _CURRENT.reset(token)

    def _record(self, scope: Scope, info: RequestInfo, status: int, seconds: float) -> None:
        path: str = scope["path"]
        method: str = scope.get("method", "WS")
        fields = {
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": round(seconds * 1000, 1),
        }
        if info.operation is not None or path == "/graphql":
            fields["operation"] = info.operation
        if scope["type"] == "http" and path == "/graphql" and info.operation is not None:
            metrics.graphql_request(info.operation, seconds)
        elif scope["type"] == "http" and path == "/graphql" and method == "POST":
            metrics.graphql_request(None, seconds)
        elif path.startswith("/api/v1/"):
            metrics.rest_request(_route(scope), method, status, seconds)
        quiet = path.startswith(QUIET_PATHS) and status < 400
        (log.debug if quiet else log.info)("request", **fields)
        if seconds >= self.slow_s and scope["type"] == "http":
            log.warning("slow_request", threshold_s=self.slow_s, **fields)


def _route(scope: Scope) -> str:
    """The REST route's template (``/api/v1/sessions/{session_key}``), not the raw path."""
    route = scope.get("route")
    if isinstance(route, Route):
        return str(scope.get("root_path", "")) + route.path
    return "unmatched"


class ApiCORS:
    """CORS (``F1GRAPH_CORS_ORIGINS``) on ``/graphql`` and ``/api/v1`` only; preflights answered."""

    def __init__(self, app: ASGIApp, origins: tuple[str, ...]) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=list(origins),
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["*"],
            expose_headers=["X-Request-ID"],
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(API_PATHS):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)

"""ASGI middleware around every answer: the request deadline, security headers, redirects.

The deadline (``F1GRAPH_REQUEST_TIMEOUT``) is started when an HTTP request arrives and read by
the data layer wherever it waits on OpenF1 (:mod:`f1graph.data.deadline`); websockets carry
long-lived subscriptions and get none. The security headers go on every HTTP answer, errors
and redirects included, and on a websocket's handshake; the content-security policy only
forbids framing and plugins, so GraphiQL and the replay page keep working. A redirect
(Starlette's trailing-slash one) points at a path on this server, never at the ``Host`` the
client sent.

A failure nothing else answered (a bug, outside GraphQL's own error handling) is logged with its
traceback and answered as ``INTERNAL_SERVER_ERROR`` with status 500, in the shape of the surface
(the REST envelope under ``/api/``, a GraphQL body elsewhere) and with the security headers,
instead of Starlette's plain-text page; once the answer has started, the connection is closed.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from f1graph.compat.envelope import INTERNAL_MESSAGE, failure
from f1graph.data.deadline import reset_deadline, set_deadline
from f1graph.errors import F1GraphError
from f1graph.web.guard import error_response

log = logging.getLogger("f1graph.web")

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "content-security-policy": "frame-ancestors 'none'; object-src 'none'; base-uri 'self'",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}
HSTS = "max-age=31536000"


class RequestGuard:
    """Starts each HTTP request's deadline, adds the security headers to its answer, and
    answers an unexpected failure with a code."""

    def __init__(self, app: ASGIApp, request_timeout_s: float) -> None:
        self.app = app
        self.request_timeout_s = request_timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self.app(scope, receive, _with_handshake_headers(send))
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"

        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if https:
                    headers.setdefault("strict-transport-security", HSTS)
                location = headers.get("location")
                if location is not None:
                    headers["location"] = _relative(location)
            await send(message)

        token = set_deadline(self.request_timeout_s)
        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            log.exception("unexpected failure answering %s %s", scope["method"], scope["path"])
            if started:
                raise  # the answer has begun: the server closes the connection
            await internal_error(scope["path"])(scope, receive, send_with_headers)
        finally:
            reset_deadline(token)


def _with_handshake_headers(send: Send) -> Send:
    """``send`` adding the security headers to a websocket's handshake answer (its accept)."""

    async def send_with_headers(message: Message) -> None:
        if message["type"] == "websocket.accept":
            headers = list(message.get("headers") or [])
            present = {name.lower() for name, _ in headers}
            for name, value in SECURITY_HEADERS.items():
                if name.encode() not in present:
                    headers.append((name.encode(), value.encode()))
            message = {**message, "headers": headers}
        await send(message)

    return send_with_headers


def internal_error(path: str) -> Response:
    """500 ``INTERNAL_SERVER_ERROR``, shaped for the surface ``path`` belongs to; the message
    says nothing of the cause (the log has it)."""
    if path.startswith("/api/"):
        return failure(500, INTERNAL_MESSAGE, path)
    return error_response(F1GraphError(INTERNAL_MESSAGE), status=500)


def _relative(location: str) -> str:
    """``http://any-host/api/v1/x?y=1`` -> ``/api/v1/x?y=1``: the path on this server."""
    parts = urlsplit(location)
    path = "/" + parts.path.lstrip("/")  # never "//host": that is a host again
    return path + (f"?{parts.query}" if parts.query else "")

"""ASGI middleware around every answer: the request deadline, security headers, redirects.

The deadline (``F1GRAPH_REQUEST_TIMEOUT``) is started when an HTTP request arrives and read by
the data layer wherever it waits on OpenF1 (:mod:`f1graph.data.deadline`); websockets carry
long-lived subscriptions and get none. The security headers go on every HTTP answer, errors
and redirects included; the content-security policy only forbids framing and plugins, so
GraphiQL and the replay page keep working. A redirect (Starlette's trailing-slash one) points
at a path on this server, never at the ``Host`` the client sent.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from f1graph.data.deadline import reset_deadline, set_deadline

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
    """Starts each HTTP request's deadline and adds the security headers to its answer."""

    def __init__(self, app: ASGIApp, request_timeout_s: float) -> None:
        self.app = app
        self.request_timeout_s = request_timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
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
        finally:
            reset_deadline(token)


def _relative(location: str) -> str:
    """``http://any-host/api/v1/x?y=1`` -> ``/api/v1/x?y=1``: the path on this server."""
    parts = urlsplit(location)
    path = "/" + parts.path.lstrip("/")  # never "//host": that is a host again
    return path + (f"?{parts.query}" if parts.query else "")

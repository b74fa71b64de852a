"""The shim as one ASGI app, mounted at ``/api/v1``: the route table, OpenAPI, docs."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Awaitable, Callable

import orjson
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route, Router
from starlette.types import Receive, Scope, Send

from f1graph.compat import envelope
from f1graph.compat.docs_page import DOCS_HTML
from f1graph.compat.handler import answer, checked_operations
from f1graph.compat.openapi import openapi_document
from f1graph.compat.routes import ROUTES
from f1graph.compat.table import PREFIX, LegacyRoute

Endpoint = Callable[[Request], Awaitable[Response]]


class CompatApp:
    """Serves the legacy routes; unknown paths and methods get the contract's error JSON too.

    The stored operations are validated against the schema when the app is made (a rejected
    one stops start-up); who may call it is the app's gate (:mod:`f1graph.access`).
    """

    def __init__(self) -> None:
        self.operations = checked_operations()
        by_path: dict[str, dict[str, LegacyRoute]] = defaultdict(dict)
        for route in ROUTES:
            by_path[route.route_path][route.method] = route
        routes: list[BaseRoute] = [
            Route(path, self._endpoint(methods), methods=list(methods))
            for path, methods in by_path.items()
        ]
        routes += [
            Route("/openapi.json", self._openapi, methods=["GET"]),
            Route("/docs", self._docs, methods=["GET"]),
        ]
        self.router = Router(routes)
        self._openapi_bytes = b""

    def _endpoint(self, methods: dict[str, LegacyRoute]) -> Endpoint:
        async def endpoint(request: Request) -> Response:
            method = "GET" if request.method == "HEAD" else request.method
            route = methods[method]
            operation = self.operations[route.operation]
            return await answer(route, operation, request)

        return endpoint

    async def _openapi(self, request: Request) -> Response:
        if not self._openapi_bytes:
            self._openapi_bytes = orjson.dumps(openapi_document())
        return Response(self._openapi_bytes, media_type="application/json")

    async def _docs(self, request: Request) -> Response:
        return HTMLResponse(DOCS_HTML)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.router(scope, receive, send)
        except HTTPException as exc:
            path = scope["path"]  # the full path: Mount keeps it and sets root_path
            message = _MESSAGES.get(exc.status_code, "The request cannot be served.")
            response = envelope.failure(exc.status_code, message.format(**scope), path)
            response.headers.update(exc.headers or {})
            await response(scope, receive, send)


_MESSAGES = {
    404: "No route matches {method} {path}.",
    405: "The route {path} does not allow {method}.",
}


def compat_app() -> CompatApp:
    """The shim; who may call it is the serving app's gate (:mod:`f1graph.access`)."""
    return CompatApp()


def compat_mount() -> Mount:
    """The shim mounted at ``/api/v1``, for the app's routes."""
    mount = Mount(PREFIX, app=compat_app())
    # Mount's pattern is ``.*``, which stops at a newline; a path holding an encoded one
    # (``%0A``) would miss the shim and get the app's plain-text 404 instead of the contract's.
    mount.path_regex = re.compile(mount.path_regex.pattern, re.DOTALL)
    return mount


__all__ = ["CompatApp", "compat_app", "compat_mount"]

"""The Starlette application: ``/graphql``, ``/healthz`` and the lifespan that owns services."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route, WebSocketRoute

from f1graph import __version__
from f1graph.compat import compat_mount
from f1graph.execution import settle_every
from f1graph.observe import configure_logging, get_logger, metrics
from f1graph.openf1 import Source
from f1graph.responses import build_persisted_queries, build_responses
from f1graph.runtime import build_services
from f1graph.schema import schema
from f1graph.settings import Settings
from f1graph.web.disconnect import CancelWhenGone
from f1graph.web.front import describe_source, front_door, metrics_endpoint, sync_breaker
from f1graph.web.graphiql import assets_dir, graphiql_asset, installed
from f1graph.web.graphql_view import GraphQLView
from f1graph.web.http_errors import http_refusal
from f1graph.web.middleware import RequestGuard
from f1graph.web.observability import ApiCORS, RequestLog
from f1graph.web.replay_page import replay_page
from f1graph.web.websocket import SubscriptionView
from f1graph.web.ws_bounds import MessageCap


def create_app(settings: Settings | None = None, source: Source | None = None) -> Starlette:
    """The app; ``settings`` default to the environment, ``source`` to what they name."""
    settings = settings or Settings.from_env()
    configure_logging(settings.log_format, settings.log_level)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.services = services = build_services(settings, source)
        await services.start()
        app.state.responses = build_responses(settings, services.cache, services.datasets)
        app.state.persisted_queries = build_persisted_queries(settings, services.cache)
        metrics.breaker_state(services.breaker.state.value)
        _log_start(settings, services, app.state.graphiql_dir)
        collector = (
            asyncio.create_task(settle_every(settings.gc_settle_s))
            if settings.gc_settle_s > 0
            else None
        )
        try:
            yield
        finally:
            if collector is not None:
                collector.cancel()
            await app.state.services.aclose()
            metrics.process_exited(os.getpid())

    graphql = GraphQLView(schema)
    shim = compat_mount()
    shim.app = CancelWhenGone(shim.app, settings.max_body_bytes)  # nobody waiting: stop
    routes: list[BaseRoute] = [
        Route("/", front_door, methods=["GET"]),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        # graphql-transport-ws, graphql-ws; a message past F1GRAPH_MAX_BODY_BYTES closes it
        WebSocketRoute("/graphql", MessageCap(SubscriptionView(schema), settings.max_body_bytes)),
        Route("/graphiql/{name}", graphiql_asset, methods=["GET"]),
        Route("/replay", replay_page, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", metrics_endpoint, methods=["GET"]),
        shim,
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[
            Middleware(RequestLog, slow_s=settings.slow_query_s),  # outermost: sees everything
            Middleware(RequestGuard, request_timeout_s=settings.request_timeout_s),
            *(
                [Middleware(ApiCORS, origins=settings.cors_origins)]
                if settings.cors_origins
                else []
            ),
            Middleware(GZipMiddleware, minimum_size=2048, compresslevel=1),
        ],
        exception_handlers={HTTPException: http_refusal},  # 404, 405: coded, not plain text
    )
    app.state.graphiql_dir = assets_dir(settings.graphiql_dir)
    return app


HEALTH_PING_S = 1.0


async def healthz(request: Request) -> JSONResponse:
    """Liveness: the process answers (200 even when degraded: it still serves); ``degraded``
    while the configured Redis does not answer. Details live on the health routes."""
    services: Any = request.app.state.services
    try:
        async with asyncio.timeout(HEALTH_PING_S):
            cache_ok = await services.cache.backend.ping()
    except TimeoutError:
        cache_ok = False
    await sync_breaker(services)  # an open circuit published by another process shows here
    return JSONResponse(
        {
            "status": "ok" if cache_ok else "degraded",
            "version": __version__,
            "cache": services.cache.backend.name,
            "circuit": services.breaker.state.value,
        }
    )


def _log_start(settings: Settings, services: Any, graphiql_dir: Any) -> None:
    """One line saying what this process serves, from where, and where its pages are."""
    host = "localhost" if settings.host in ("0.0.0.0", "::") else settings.host
    base = f"http://{host}:{settings.port}"
    get_logger("f1graph.start").info(
        "started",
        version=__version__,
        pid=os.getpid(),
        source=describe_source(services),
        cache=services.cache.backend.name,
        redis=settings.redis_url,
        front=f"{base}/",
        graphql=f"{base}/graphql",
        rest_docs=f"{base}/api/v1/docs",
        replay=f"{base}/replay",
        metrics=f"{base}/metrics",
        graphiql_assets="installed" if installed(graphiql_dir) else "missing: run make graphiql",
        cors=",".join(settings.cors_origins) or "off",
    )

"""``/``, the front door linking every page of the gateway, and ``/metrics`` for Prometheus."""

from __future__ import annotations

from html import escape
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from f1graph import __version__
from f1graph.observe import metrics

PAGES = (
    ("/graphql", "GraphiQL", "write and run GraphQL queries, with the schema's documentation"),
    (
        "/api/v1/docs",
        "REST docs",
        "the legacy REST routes (OpenAPI document at /api/v1/openapi.json)",
    ),
    ("/replay", "Replay", "watch a recorded session play back over the replay subscription"),
    ("/healthz", "/healthz", "liveness: version, cache backend, circuit breaker"),
    ("/metrics", "/metrics", "Prometheus metrics"),
    ("/graphiql/LICENSES", "Licences", "of GraphiQL's files served here"),
)

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>f1graph {version}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:2.5rem auto;padding:0 1rem}}
dt{{font-weight:600;margin-top:.6rem}}dd{{margin:0;color:#555}}
code{{background:#f3f3f3;padding:0 .3rem}}
</style></head><body>
<h1>f1graph <small>{version}</small></h1>
<p>A GraphQL gateway over OpenF1, the Formula 1 timing API.</p>
<p>Data source: <code id="source">{source}</code> · cache: <code id="cache">{cache}</code></p>
<dl>
{links}
</dl>
</body></html>
"""


async def sync_breaker(services: Any) -> None:
    """Read the breaker state other processes published (shared breaker) before showing it."""
    sync = getattr(services.breaker, "sync", None)
    if sync is not None:
        await sync()


def describe_source(services: Any) -> str:
    """The data source in words: the recorded directory or the OpenF1 URL."""
    settings = services.settings
    return f"recorded: {settings.source}" if settings.source is not None else settings.openf1_url


async def front_door(request: Request) -> HTMLResponse:
    services: Any = request.app.state.services
    links = "\n".join(
        f'<dt><a href="{href}">{escape(title)}</a></dt><dd>{escape(what)}</dd>'
        for href, title, what in PAGES
    )
    page = PAGE.format(
        version=escape(__version__),
        source=escape(describe_source(services)),
        cache=escape(services.cache.backend.name),
        links=links,
    )
    return HTMLResponse(page, headers={"cache-control": "no-cache"})


async def metrics_endpoint(request: Request) -> Response:
    """Prometheus text; the breaker gauge is read now (open turns half-open with time)."""
    services: Any = request.app.state.services
    await sync_breaker(services)
    metrics.breaker_state(services.breaker.state.value)
    body, content_type = metrics.exposition()
    return Response(body, media_type=content_type)

"""Strawberry's ASGI view, with orjson encoding and f1graph's per-request context."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from f1graph.runtime import Context, Services
from f1graph.schema.scalars import dumps_json
from f1graph.web.graphiql import graphiql_page
from f1graph.web.observability import current_request, operation_name


class GraphQLView(GraphQL[Context, None]):
    """``/graphql``: POST and GET, GraphiQL in a browser."""

    async def parse_http_body(self, request: Any) -> Any:
        data = await super().parse_http_body(request)
        first: Any = data[0] if isinstance(data, list) and data else data
        info = current_request()
        if info is not None and first:
            info.operation = operation_name(first.query, first.operation_name) or "anonymous"
        return data

    async def render_graphql_ide(self, request: Request) -> Response:
        return graphiql_page(request.app.state.graphiql_dir)  # local assets, never a CDN

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        services: Services = request.app.state.services
        return Context(services)

    def encode_json(self, data: object) -> bytes:
        return dumps_json(data)  # orjson, numpy arrays (telemetry channels) written natively

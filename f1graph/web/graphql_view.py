"""Strawberry's ASGI view, with orjson encoding and f1graph's per-request context."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from f1graph.runtime import Context, Services
from f1graph.schema.scalars import dumps_json
from f1graph.web.graphiql import graphiql_page


class GraphQLView(GraphQL[Context, None]):
    """``/graphql``: POST and GET, GraphiQL in a browser."""

    async def render_graphql_ide(self, request: Request) -> Response:
        return graphiql_page(request.app.state.graphiql_dir)  # local assets, never a CDN

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        services: Services = request.app.state.services
        return Context(services)

    def encode_json(self, data: object) -> bytes:
        return dumps_json(data)  # orjson, numpy arrays (telemetry channels) written natively

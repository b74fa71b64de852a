"""Strawberry's ASGI view, with orjson encoding, f1graph's per-request context and its door."""

from __future__ import annotations

from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.types.unset import UnsetType

from f1graph.access import identity_of
from f1graph.errors import F1GraphError
from f1graph.runtime import Context, Services
from f1graph.schema.scalars import dumps_json
from f1graph.web.disconnect import cancel_when_gone
from f1graph.web.graphiql import graphiql_page
from f1graph.web.guard import admit_websocket, read_body, refusal, retry_after_of
from f1graph.web.http_errors import check_request_data, coded_refusal
from f1graph.web.observability import current_request, operation_name
from f1graph.web.ws_errors import CodedGraphQLWSHandler, CodedTransportWSHandler


class GraphQLView(GraphQL[Context, None]):
    """``/graphql``: POST and GET, GraphiQL in a browser; keys and the client rate checked first.
    Every refusal is coded: HTTP (:mod:`~f1graph.web.http_errors`) and websocket protocol
    errors (:mod:`~f1graph.web.ws_errors`)."""

    graphql_transport_ws_handler_class = CodedTransportWSHandler
    graphql_ws_handler_class = CodedGraphQLWSHandler

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        response = await refusal(request)
        if response is None:
            services: Services = request.app.state.services
            body = await read_body(request, services.settings.max_body_bytes)
            if isinstance(body, bytes):

                async def handle(replay: Receive) -> None:
                    await self._answer(Request(scope, replay), send)

                # the client gone, nobody waits for the answer: stop making it
                await cancel_when_gone(handle, body, receive, request.url.path)
                return
            response = body
        await response(scope, receive, send)

    async def _answer(self, request: Request, send: Send) -> None:
        try:
            response = await self.run(request)
        except HTTPException as error:  # Strawberry's plain-text refusals, coded
            response = coded_refusal(error.status_code, error.reason)
        await response(request.scope, request.receive, send)

    def parse_json(self, data: str | bytes) -> Any:
        parsed = super().parse_json(data)
        check_request_data(parsed)  # a JSON string or number is a 400, not a 500
        return parsed

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
        return Context(services, identity_of(request), request)

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """Check the key (headers or ``connection_init`` payload) and count the connection."""
        connection = context.connection
        if connection is None:
            return await super().on_ws_connect(context)
        try:
            context.identity = await admit_websocket(connection, context.connection_params)
        except F1GraphError as error:
            raise ConnectionRejectionError(
                {"message": error.message, "extensions": {"code": error.code}}
            ) from error
        return await super().on_ws_connect(context)

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        """The answer, with ``Retry-After`` when an error says when to ask again (the data is
        loading in the background, or the client is over its cost budget)."""
        response = super().create_response(response_data, sub_response)
        retry = retry_after_of(response_data)
        if retry is not None:
            response.headers["Retry-After"] = str(retry)
        return response

    def encode_json(self, data: object) -> bytes:
        return dumps_json(data)  # orjson, numpy arrays (telemetry channels) written natively

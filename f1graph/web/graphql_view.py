"""Strawberry's ASGI view, with orjson encoding, f1graph's per-request context and its door.

Single queries over POST and GET go through the response front (:mod:`f1graph.responses`):
persisted queries are resolved, identical queries coalesced and ended sessions' answers served
as stored bytes. Batches, streams, the IDE and websockets take Strawberry's own path.
"""

from __future__ import annotations

import json
from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLRequestData
from strawberry.types.unset import UNSET, UnsetType

from f1graph.access import identity_of
from f1graph.errors import F1GraphError
from f1graph.responses import (
    Call,
    PersistedQueries,
    PersistedQueryError,
    Produced,
    Responses,
    operation_of,
    request_key,
    rights_of,
)
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

    async def run(
        self, request: Request | WebSocket, context: Any = UNSET, root_value: Any = UNSET
    ) -> Any:
        front: Responses | None = getattr(request.app.state, "responses", None)
        if (
            front is None
            or isinstance(request, WebSocket)
            or request.method not in ("GET", "POST")
            or (
                self.should_render_graphql_ide(self.request_adapter_class(request))
                and "extensions" not in request.query_params
            )
        ):
            return await super().run(request, context, root_value)
        try:
            data = await self.parse_http_body(self.request_adapter_class(request))
        except json.JSONDecodeError as e:
            raise HTTPException(400, "Unable to parse request body as JSON") from e
        if not isinstance(data, GraphQLRequestData) or data.protocol != "http":
            return await super().run(request, context, root_value)
        persisted: PersistedQueries = request.app.state.persisted_queries
        try:
            data.query = await persisted.resolve(data.query, data.extensions)
        except PersistedQueryError as error:
            return Response(dumps_json(error.body()), 200, media_type="application/json")
        return await front.serve(_call(request, data), lambda: self._produce(request, data))

    async def _produce(self, request: Request, data: GraphQLRequestData) -> Produced:
        """Execute and encode once; ``extensions.cache`` says ``miss`` for a query."""
        adapter = self.request_adapter_class(request)
        sub_response = await self.get_sub_response(request)
        context = await self.get_context(request, response=sub_response)
        result = await self.execute_single(request, adapter, sub_response, context, None, data)
        response_data: Any = await self.process_result(request=request, result=result)
        if result.errors:
            self._handle_errors(result.errors, response_data)
        extensions = response_data.setdefault("extensions", {})
        # stale data, or a dataset still missing (it may yet arrive), is not stored
        storable = not (result.errors or extensions.get("stale") or extensions.get("unavailable"))
        if _query(data) is not None:
            extensions["cache"] = "miss"
        elif not extensions:
            del response_data["extensions"]
        headers = {k: v for k, v in sub_response.headers.items() if k != "content-type"}
        retry = retry_after_of(response_data)
        if retry is not None:
            headers["Retry-After"] = str(retry)
        status = sub_response.status_code or 200
        return Produced(status, self.encode_json(response_data), storable, headers)


def _query(data: GraphQLRequestData) -> Any:
    """The request's operation when it is a query (the only kind coalesced and cached)."""
    op = operation_of(data.query, data.operation_name) if data.query else None
    return op if op is not None and op.kind == "query" else None


def _call(request: Request, data: GraphQLRequestData) -> Call:
    rights, public = rights_of(request)
    op = _query(data)
    key = request_key("graphql", op, data.variables, rights) if op is not None else None
    return Call(
        key,
        request.method,
        request.headers.get("accept-encoding", ""),
        request.headers.get("if-none-match", ""),
        public=public,
        marked=key is not None,
    )

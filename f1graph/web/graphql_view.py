"""Strawberry's ASGI view, with orjson encoding and f1graph's per-request context.

Single queries over POST and GET go through the response front (:mod:`f1graph.responses`):
persisted queries are resolved, identical queries coalesced and ended sessions' answers served
as stored bytes. Batches, streams, the IDE and websockets take Strawberry's own path.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from strawberry.types.unset import UNSET

from f1graph.responses import (
    PUBLIC,
    Call,
    PersistedQueries,
    PersistedQueryError,
    Produced,
    Responses,
    operation_of,
    request_key,
)
from f1graph.runtime import Context, Services
from f1graph.schema.scalars import dumps_json

Rights = Callable[[Request], str]


class GraphQLView(GraphQL[Context, None]):
    """``/graphql``: POST and GET, GraphiQL in a browser."""

    def __init__(self, schema: Any, rights: Rights | None = None, **kwargs: Any) -> None:
        super().__init__(schema, **kwargs)
        self.rights: Rights = rights or (lambda _request: PUBLIC)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        services: Services = request.app.state.services
        return Context(services)

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
        adapter = self.request_adapter_class(request)
        try:
            data = await self.parse_http_body(adapter)
        except json.JSONDecodeError as e:
            raise HTTPException(400, "Unable to parse request body as JSON") from e
        if not isinstance(data, GraphQLRequestData) or data.protocol != "http":
            return await super().run(request, context, root_value)
        persisted: PersistedQueries = request.app.state.persisted_queries
        try:
            data.query = await persisted.resolve(data.query, data.extensions)
        except PersistedQueryError as error:
            return Response(dumps_json(error.body()), 200, media_type="application/json")
        return await front.serve(self._call(request, data), lambda: self._produce(request, data))

    def _call(self, request: Request, data: GraphQLRequestData) -> Call:
        rights = self.rights(request)
        op = operation_of(data.query, data.operation_name) if data.query else None
        key = None
        if op is not None and op.kind == "query":
            key = request_key("graphql", op, data.variables, rights)
        return Call(
            key,
            request.method,
            request.headers.get("accept-encoding", ""),
            request.headers.get("if-none-match", ""),
            public=rights == PUBLIC,
            marked=key is not None,
        )

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
        storable = not result.errors and not extensions.get("stale")
        op = operation_of(data.query, data.operation_name) if data.query else None
        if op is not None and op.kind == "query":
            extensions["cache"] = "miss"
        elif not extensions:
            del response_data["extensions"]
        headers = {k: v for k, v in sub_response.headers.items() if k != "content-type"}
        status = sub_response.status_code or 200
        return Produced(status, self.encode_json(response_data), storable, headers)

"""The GraphQL schema: one module per type; resolvers fetch through loaders and call analyses."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterable
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ValidationCache
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import DEFAULT_ALLOWED_OPERATION_TYPES
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.execution import PreExecutionError
from strawberry.types.graphql import OperationType

from f1graph.errors import F1GraphError
from f1graph.limits import QueryLimits
from f1graph.schema.admin import AdminQuery, Mutation
from f1graph.schema.errors import ErrorCodes, is_client_error, with_code
from f1graph.schema.query import SessionQuery
from f1graph.schema.scalars import SCALAR_MAP
from f1graph.schema.subscription import PerEventMemoExecutionContext, Subscription

# Each domain contributes its own root fields; they are merged into one Query here.
Query = merge_types("Query", (SessionQuery, AdminQuery))


class F1Schema(strawberry.Schema):
    """Every error it returns carries ``extensions.code`` (over HTTP, websockets and the REST
    shim alike), and it logs only unexpected errors: NOT_FOUND and friends are answers, a
    malformed query or variable is the client's mistake, neither is an incident."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        unexpected = [
            e
            for e in errors
            if not isinstance(e.original_error, F1GraphError) and not is_client_error(e)
        ]
        if unexpected:
            super().process_errors(unexpected, execution_context)

    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        # a subscription executed once (over plain HTTP) would answer a null stream: it is
        # refused as a bad request instead (websockets subscribe through `subscribe`)
        allowed = set(allowed_operation_types or DEFAULT_ALLOWED_OPERATION_TYPES)
        allowed.discard(OperationType.SUBSCRIPTION)
        result = await super().execute(
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            allowed,
            operation_extensions,
        )
        # parse errors leave before ErrorCodes' on_operation can code them: code them here
        coded: ExecutionResult = _coded(result)
        return coded

    async def stream(self, *args: Any, **kwargs: Any) -> Any:
        # what websockets subscribe through (graphql-transport-ws and graphql-ws alike)
        return _coded_stream(await super().stream(*args, **kwargs))


def _coded(result: Any) -> Any:
    if isinstance(result, ExecutionResult) and result.errors:
        result.errors = [with_code(e) for e in result.errors]
    return result


async def _coded_stream(results: AsyncGenerator[Any, None]) -> AsyncGenerator[Any, None]:
    """The results with coded errors; a request the parser rejects while streaming (a syntax
    error, a query that is not a string) becomes one coded pre-execution error."""
    first = True
    try:
        while True:
            try:
                result = await results.__anext__()
            except StopAsyncIteration:
                return
            except (GraphQLError, TypeError) as error:
                if not first:
                    raise
                message = (
                    error.message
                    if isinstance(error, GraphQLError)
                    else ("The operation's query must be a GraphQL document in a string.")
                )
                coded = GraphQLError(message, extensions={"code": "BAD_REQUEST"})
                yield PreExecutionError(data=None, errors=[coded])
                return
            first = False
            yield _coded(result)
    finally:
        await results.aclose()


def build_schema() -> strawberry.Schema:
    return F1Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        execution_context_class=PerEventMemoExecutionContext,  # a long subscription's memory
        config=StrawberryConfig(scalar_map=SCALAR_MAP),
        extensions=[
            lambda: ValidationCache(maxsize=256),
            # parses (cached, token limit), then refuses past the other limits; after
            # ValidationCache, whose verdict it overrides for a document refused at parse
            QueryLimits,
            ErrorCodes,
        ],
    )


schema = build_schema()

__all__ = ["Mutation", "Query", "build_schema", "schema"]

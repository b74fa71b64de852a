"""The GraphQL schema: one module per type; resolvers fetch through loaders and call analyses."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext, ExecutionResult

from f1graph.errors import F1GraphError
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

    async def execute(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        # parse errors leave before ErrorCodes' on_operation can code them: code them here
        return _coded(await super().execute(*args, **kwargs))

    async def subscribe(self, *args: Any, **kwargs: Any) -> Any:
        result = await super().subscribe(*args, **kwargs)
        if isinstance(result, ExecutionResult):
            return _coded(result)
        return _coded_stream(result)


def _coded(result: ExecutionResult) -> ExecutionResult:
    if result.errors:
        result.errors = [with_code(e) for e in result.errors]
    return result


async def _coded_stream(results: AsyncGenerator[ExecutionResult, None]) -> Any:
    try:
        async for result in results:
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
            lambda: ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
            ErrorCodes,
        ],
    )


schema = build_schema()

__all__ = ["Mutation", "Query", "build_schema", "schema"]

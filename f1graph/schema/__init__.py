"""The GraphQL schema: one module per type; resolvers fetch through loaders and call analyses."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ValidationCache
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from f1graph.errors import F1GraphError
from f1graph.limits import QueryLimits
from f1graph.schema.admin import AdminQuery, Mutation
from f1graph.schema.errors import ErrorCodes
from f1graph.schema.query import SessionQuery
from f1graph.schema.scalars import SCALAR_MAP
from f1graph.schema.subscription import PerEventMemoExecutionContext, Subscription

# Each domain contributes its own root fields; they are merged into one Query here.
Query = merge_types("Query", (SessionQuery, AdminQuery))


class F1Schema(strawberry.Schema):
    """Logs only unexpected errors: NOT_FOUND and friends are answers, not incidents."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        unexpected = [
            e
            for e in errors
            if e.original_error is not None and not isinstance(e.original_error, F1GraphError)
        ]
        if unexpected:
            super().process_errors(unexpected, execution_context)


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

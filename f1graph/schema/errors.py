"""Every GraphQL error leaves with ``extensions.code``; bugs leave without internals."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from f1graph.errors import F1GraphError

log = logging.getLogger("f1graph.errors")

INTERNAL_MESSAGE = "Internal server error."


def is_client_error(error: GraphQLError) -> bool:
    """A mistake of the request, not of f1graph: a syntax or validation error, or a variable
    that does not fit its type (graphql-core's coercion errors, or a scalar's parser raising
    ``ValueError``/``TypeError`` before execution, hence with no path)."""
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return True
    return error.path is None and isinstance(original, ValueError | TypeError)


def with_code(error: GraphQLError) -> GraphQLError:
    """The error with ``extensions.code`` set: the f1graph code, BAD_REQUEST for a query the
    schema rejects, or INTERNAL_SERVER_ERROR with its message masked for anything else."""
    original = error.original_error
    if (error.extensions or {}).get("code"):
        return error  # coded already (this runs at more than one layer)
    if isinstance(original, F1GraphError):
        code, message = original.code, original.message
    elif is_client_error(error):
        code, message = "BAD_REQUEST", error.message  # parse, validation or variable error
    else:
        log.error("unexpected error in a resolver", exc_info=original)
        code, message = "INTERNAL_SERVER_ERROR", INTERNAL_MESSAGE
    extensions = dict(error.extensions or {})
    extensions.setdefault("code", code)
    retry_after_s = getattr(original, "retry_after_s", None)
    if isinstance(retry_after_s, int | float):  # when to try again [s], for clients and REST
        extensions.setdefault("retryAfter", max(1, math.ceil(retry_after_s)))
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=original,
        extensions=extensions,
    )


class ErrorCodes(SchemaExtension):
    """Adds codes to errors, ``extensions.stale`` when a stale cache entry answered, and
    ``extensions.unavailable`` (``[{sessionKey, dataset}]``) when part of the answer is null
    because a dataset OpenF1 always has for such a session came back with no rows."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            result.errors = [with_code(e) for e in result.errors]
        pre = self.execution_context.pre_execution_errors
        if pre:
            self.execution_context.pre_execution_errors = [with_code(e) for e in pre]

    def get_results(self) -> dict[str, object]:
        context = self.execution_context.context
        loaders = getattr(context, "loaders", None)
        if loaders is None:
            return {}
        out: dict[str, object] = {}
        if loaders.stale:
            out["stale"] = True
        if loaders.unavailable:
            out["unavailable"] = loaders.unavailable_list()
        return out

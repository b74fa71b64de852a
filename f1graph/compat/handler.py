"""Answer one legacy route: check access and parameters, run the stored operation, wrap it."""

from __future__ import annotations

import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from f1graph.access import identity_of
from f1graph.access.scope import gate_of
from f1graph.compat import envelope
from f1graph.compat.operations import Operation, invalid_operations, operations
from f1graph.compat.table import LegacyRoute
from f1graph.errors import F1GraphError, SessionLoadingError, UpstreamError
from f1graph.responses import Call, Produced, Responses, operation_of, request_key, rights_of
from f1graph.runtime import Context
from f1graph.schema import schema

log = logging.getLogger("f1graph.compat")


class StoredOperationError(F1GraphError):
    """A stored operation the schema rejects: a bug of the shim, which stops start-up."""


def checked_operations() -> dict[str, Operation]:
    """Every stored operation, each validated against the schema; raises
    :class:`StoredOperationError` naming the first one the schema rejects (at start-up)."""
    invalid = invalid_operations(schema._schema)
    if invalid:
        name, messages = next(iter(invalid.items()))
        raise StoredOperationError(f"Operation {name} is invalid: {messages[0]}")
    return operations()


async def answer(route: LegacyRoute, op: Operation, request: Request) -> Response:
    """The route's response: its envelope, or the contract's error JSON (never a traceback)."""
    path = request.url.path
    try:
        identity = identity_of(request)
        gate = gate_of(request)
        if gate is not None:
            await gate.admit(identity, path)
        variables, values = route.arguments(dict(request.path_params), dict(request.query_params))

        async def produce() -> Produced:
            context = Context(request.app.state.services, identity, request)
            result = await schema.execute(
                op.document,
                variable_values=variables,
                operation_name=op.name,
                context_value=context,
            )
            if result.errors:
                first = result.errors[0]
                extensions = first.extensions or {}
                code: Any = extensions.get("code")
                if code == SessionLoadingError.code:
                    retry_after = float(extensions.get("retryAfter") or 10)
                    failed = envelope.loading(
                        first.message, path, retry_after, extensions.get("loading")
                    )
                else:
                    failed = envelope.from_code(
                        code, first.message, path, extensions.get("retryAfter")
                    )
                headers = {k: v for k, v in failed.headers.items() if k == "retry-after"}
                return Produced(failed.status_code, bytes(failed.body), False, headers)
            session_key = values.get(route.session_param) if route.session_param else None
            data = route.pick(result.data)
            stale = context.loaders.stale
            unavailable = context.loaders.unavailable_list()
            body = envelope.success(session_key, data, stale=stale, unavailable=unavailable).body
            # a dataset still missing may yet arrive: such answers are not stored
            return Produced(200, bytes(body), not stale and not unavailable)

        front: Responses | None = getattr(request.app.state, "responses", None)
        if front is None:
            produced = await produce()
            return Response(produced.body, produced.status, media_type="application/json")
        return await front.serve(_call(route, op, variables, request), produce)
    except F1GraphError as error:
        if error.status >= 500 and not isinstance(error, UpstreamError):
            log.error("legacy route %s %s failed", route.method, route.path, exc_info=error)
        return envelope.from_error(error, path)
    except Exception:
        log.exception("legacy route %s %s failed", route.method, route.path)
        return envelope.failure(500, envelope.INTERNAL_MESSAGE, path)


def _call(route: LegacyRoute, op: Operation, variables: dict[str, Any], request: Request) -> Call:
    """The front's view of a legacy request: queries coalesce and cache, mutations never."""
    rights, public = rights_of(request)
    parsed = operation_of(op.document, op.name) if op.kind == "query" else None
    key = (
        request_key(f"rest {route.method} {route.path}", parsed, variables, rights)
        if parsed
        else None
    )
    return Call(
        key,
        request.method,
        request.headers.get("accept-encoding", ""),
        request.headers.get("if-none-match", ""),
        public=public,
    )

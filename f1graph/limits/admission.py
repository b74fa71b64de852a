"""The one admission check of an operation, whatever carries it.

:func:`admit` is what every operation passes before it runs: its estimated :class:`Cost` within
the limits (``F1GRAPH_MAX_*``, estimated once per query, variables and limits), then the cost
charged to its client's cost per minute. :class:`~f1graph.limits.extension.QueryLimits` calls it
for operations run by Strawberry (HTTP, the REST shim, websocket operations); the replay fast
path of the websocket (:mod:`f1graph.web.replay_stream`), which skips Strawberry's pipeline,
calls it too. :func:`parse_within` parses a document within the token limit, once per text.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from functools import lru_cache
from typing import Any

import orjson
from graphql import DocumentNode, GraphQLError, GraphQLSchema, OperationDefinitionNode, parse

from f1graph.errors import F1GraphError
from f1graph.limits.checks import LimitError, check
from f1graph.limits.cost import Cost, estimate
from f1graph.settings import Settings

log = logging.getLogger("f1graph.limits")

_DEFAULTS = Settings()

Limits = tuple[float, ...]
CostKey = tuple[str, str | None, bytes, Limits]


@lru_cache(maxsize=256)
def parse_within(query: str, max_tokens: int) -> DocumentNode:
    """The document, parsed once per text; the parser stops past ``max_tokens`` tokens (a
    :class:`~graphql.GraphQLError` saying "Document contains more than ...")."""
    return parse(query, max_tokens=max_tokens)


def settings_of(context: Any) -> Settings:
    """The settings of the app serving ``context`` (defaults in-process without services)."""
    settings = getattr(getattr(context, "services", None), "settings", None)
    return settings if isinstance(settings, Settings) else _DEFAULTS


def _limits(settings: Settings) -> Limits:
    """The settings an estimate and its check depend on."""
    s = settings
    return (
        s.telemetry_window_s,
        s.batch_max_sessions,
        s.max_depth,
        s.max_aliases,
        s.max_list_items,
        s.max_cost,
        s.max_upstream_requests,
    )


class _Costs:
    """Costs by (query, operation, variables, limits): estimated once, read back for repeats."""

    def __init__(self, maxsize: int = 512) -> None:
        self.maxsize = maxsize
        self._items: OrderedDict[CostKey, Cost | LimitError] = OrderedDict()

    def get(self, key: CostKey) -> Cost | LimitError | None:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, key: CostKey, value: Cost | LimitError) -> None:
        self._items[key] = value
        if len(self._items) > self.maxsize:
            self._items.popitem(last=False)


COSTS = _Costs()
NO_COST = Cost(0, 0, 0, 0, 0, None, False)


def cost_of(
    schema: GraphQLSchema,
    document: DocumentNode | None,
    query: str,
    operation_name: str | None,
    variables: dict[str, Any] | None,
    settings: Settings,
) -> Cost | LimitError:
    """The cost of the named operation of ``document`` (a valid one, parsed from ``query``),
    or the :class:`LimitError` of the first limit it goes past."""
    key = (
        query,
        operation_name,
        orjson.dumps(variables or {}, option=orjson.OPT_SORT_KEYS),
        _limits(settings),  # two apps of one process may set different limits
    )
    known = COSTS.get(key)
    if known is not None:
        return known
    operations = [
        d
        for d in (document.definitions if document else ())
        if isinstance(d, OperationDefinitionNode)
        and (operation_name is None or (d.name and d.name.value == operation_name))
    ]
    if document is None or not operations:
        return NO_COST  # graphql-core will say what is wrong
    result: Cost | LimitError
    try:
        result = estimate(
            schema,
            document,
            operations[0],
            variables,
            window_s=settings.telemetry_window_s,
            batch=settings.batch_max_sessions,
        )
        check(result, settings)
    except LimitError as error:
        result = error
    COSTS.put(key, result)
    return result


async def admit(
    schema: GraphQLSchema,
    document: DocumentNode | None,
    query: str,
    operation_name: str | None,
    variables: dict[str, Any] | None,
    context: Any,
) -> Cost:
    """The operation's cost, once it is within the limits and charged to its client's cost
    per minute; raises :class:`LimitError` (``BAD_REQUEST``) or the client's
    :class:`~f1graph.errors.ClientRateLimitError`."""
    started = time.perf_counter()
    found = cost_of(schema, document, query, operation_name, variables, settings_of(context))
    if isinstance(found, LimitError):
        log.info("refused %s: %s", operation_name or "operation", found.message)
        raise found
    identity = getattr(context, "identity", None)
    gate = getattr(getattr(context, "services", None), "gate", None)
    if gate is not None and identity is not None:
        await gate.spend(identity, found.fields)
    log.info(
        "cost %s fields=%d upstream=%d depth=%d introspection=%s client=%s checked_ms=%.2f",
        operation_name or "-",
        found.fields,
        found.upstream,
        found.depth,
        found.introspection,
        getattr(identity, "client", "-"),
        (time.perf_counter() - started) * 1000,
    )
    return found


def refusal(error: F1GraphError) -> GraphQLError:
    """The coded GraphQL error refusing an operation (``retryAfter`` [s] when it has one)."""
    extensions: dict[str, Any] = {"code": error.code}
    retry_after_s = getattr(error, "retry_after_s", None)
    if retry_after_s is not None:
        extensions["retryAfter"] = max(1, round(retry_after_s))
    return GraphQLError(error.message, original_error=error, extensions=extensions)

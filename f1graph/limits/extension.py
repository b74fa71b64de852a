"""The query limits as a Strawberry extension, so every operation passes through them: the
HTTP and websocket views, the REST shim's stored operations, whatever executor runs them."""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator
from functools import lru_cache
from typing import Any

import orjson
from graphql import DocumentNode, GraphQLError, OperationDefinitionNode, parse
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from f1graph.errors import F1GraphError, SessionLoadingError
from f1graph.limits.checks import LimitError, check, tokens_message
from f1graph.limits.cost import Cost, estimate
from f1graph.openf1.allowance import ALLOWANCE, Allowance, SpendingSource
from f1graph.settings import Settings

log = logging.getLogger("f1graph.limits")

_DEFAULTS = Settings()
_TOKENS = "Document contains more than"
# stand for a document refused at parse, one per operation type a transport may allow (the
# type is checked before validation reports the parse error: a websocket allows subscriptions)
_PLACEHOLDERS = {
    OperationType.QUERY: parse("{ __typename }"),
    OperationType.MUTATION: parse("mutation { __typename }"),
    OperationType.SUBSCRIPTION: parse("subscription { __typename }"),
}


@lru_cache(maxsize=256)
def _parse(query: str, max_tokens: int) -> DocumentNode:
    """The document, parsed once per text (the parser stops past ``max_tokens``)."""
    return parse(query, max_tokens=max_tokens)


Limits = tuple[float, ...]
CostKey = tuple[str, str | None, bytes, Limits]


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


def _refusal(error: F1GraphError) -> GraphQLExecutionResult:
    retry_after_s = getattr(error, "retry_after_s", None)
    extensions = {"code": error.code}
    if retry_after_s is not None:
        extensions["retryAfter"] = max(1, round(retry_after_s))
    refused = GraphQLError(error.message, original_error=error, extensions=extensions)
    return GraphQLExecutionResult(data=None, errors=[refused])


class QueryLimits(SchemaExtension):
    """Tokens at parse; depth, aliases, list arguments, cost and planned OpenF1 requests
    before execution (once per query and variables, cached); the client's cost per minute.

    An accepted operation's cost is in ``extensions.cost`` and in the log.
    """

    cost: Cost | None = None

    def _settings(self) -> Settings:
        services = getattr(self.execution_context.context, "services", None)
        settings = getattr(services, "settings", None)
        return settings if isinstance(settings, Settings) else _DEFAULTS

    parse_error: GraphQLError | None = None

    def on_parse(self) -> Iterator[None]:
        """Parse (cached by text), refusing a document of more than ``max_tokens`` tokens."""
        ctx = self.execution_context
        if ctx.graphql_document is None and ctx.query:
            limit = self._settings().max_tokens
            try:
                ctx.graphql_document = _parse(ctx.query, limit)
            except GraphQLError as error:
                if _TOKENS in error.message:
                    error = GraphQLError(tokens_message(limit))
                self.parse_error = error
                allowed = ctx.allowed_operations
                kind = next((k for k in _PLACEHOLDERS if k in allowed), OperationType.QUERY)
                ctx.graphql_document = _PLACEHOLDERS[kind]
        yield

    def on_validate(self) -> Iterator[None]:
        if self.parse_error is not None:
            self.execution_context.pre_execution_errors = [self.parse_error]  # skips validation
        yield

    def _estimate(self, settings: Settings) -> Cost | LimitError:
        ctx = self.execution_context
        key = (
            ctx.query or "",
            ctx.operation_name,
            orjson.dumps(ctx.variables or {}, option=orjson.OPT_SORT_KEYS),
            _limits(settings),  # two apps of one process may set different limits
        )
        known = COSTS.get(key)
        if known is not None:
            return known
        document = ctx.graphql_document
        operations = [
            d
            for d in (document.definitions if document else ())
            if isinstance(d, OperationDefinitionNode)
            and (ctx.operation_name is None or (d.name and d.name.value == ctx.operation_name))
        ]
        if document is None or not operations:
            return Cost(0, 0, 0, 0, 0, None, False)  # graphql-core will say what is wrong
        result: Cost | LimitError
        try:
            result = estimate(
                ctx.schema._schema,
                document,
                operations[0],
                ctx.variables,
                window_s=settings.telemetry_window_s,
                batch=settings.batch_max_sessions,
            )
            check(result, settings)
        except LimitError as error:
            result = error
        COSTS.put(key, result)
        return result

    async def on_execute(self) -> AsyncIterator[None]:
        settings = self._settings()
        started = time.perf_counter()
        found = self._estimate(settings)
        ctx = self.execution_context
        if isinstance(found, LimitError):
            log.info("refused %s: %s", ctx.operation_name or "operation", found.message)
            ctx.result = _refusal(found)
            yield
            return
        self.cost = found
        identity = getattr(ctx.context, "identity", None)
        gate = getattr(getattr(ctx.context, "services", None), "gate", None)
        if gate is not None and identity is not None:
            try:
                await gate.spend(identity, found.fields)
            except F1GraphError as error:
                ctx.result = _refusal(error)
                yield
                return
        allowance = self._allowance(settings)
        token = ALLOWANCE.set(allowance) if allowance is not None else None
        log.info(
            "cost %s fields=%d upstream=%d depth=%d introspection=%s client=%s checked_ms=%.2f",
            ctx.operation_name or "-",
            found.fields,
            found.upstream,
            found.depth,
            found.introspection,
            getattr(identity, "client", "-"),
            (time.perf_counter() - started) * 1000,
        )
        try:
            yield
        finally:
            if token is not None:
                ALLOWANCE.reset(token)
        if allowance is not None and allowance.refused:
            self._say_loading(allowance)

    def _allowance(self, settings: Settings) -> Allowance | None:
        """The request's OpenF1 allowance: queries over HTTP only (mutations are explicit
        loads, bounded by the cost limits; a subscription's replay loads what it plays)."""
        ctx = self.execution_context
        services = getattr(ctx.context, "services", None)
        if not isinstance(getattr(services, "source", None), SpendingSource):
            return None
        if ctx.operation_type is not OperationType.QUERY:
            return None
        identity = getattr(ctx.context, "identity", None)
        gate = getattr(services, "gate", None)
        charge = gate.upstream_charger(identity) if gate and identity else None
        return Allowance(left=settings.request_upstream_share, charge=charge)

    def _say_loading(self, allowance: Allowance) -> None:
        """Start the background loads of what was refused; tell the client how far they are."""
        ctx = self.execution_context
        loads_of = getattr(getattr(ctx.context, "services", None), "loads", None)
        result = ctx.result
        if loads_of is None or result is None or not result.errors:
            return
        loads = loads_of.start(allowance.refused)
        retry_after_s = loads_of.retry_after_s(loads)
        progress = [load.progress() for load in loads]
        errors = []
        for error in result.errors:
            original = error.original_error
            if isinstance(original, SessionLoadingError):
                original.retry_after_s = retry_after_s
                error = GraphQLError(
                    error.message,
                    nodes=error.nodes,
                    source=error.source,
                    positions=error.positions,
                    path=error.path,
                    original_error=original,
                    extensions={
                        "code": original.code,
                        "retryAfter": round(retry_after_s),
                        "loading": progress,
                    },
                )
            errors.append(error)
        result.errors = errors
        log.info("loading in the background: %s", progress)

    def get_results(self) -> dict[str, Any]:
        return {"cost": self.cost.as_extension()} if self.cost is not None else {}

"""The query limits as a Strawberry extension, so every operation passes through them: the
HTTP and websocket views, the REST shim's stored operations, whatever executor runs them."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError, parse
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document
from strawberry.types.graphql import OperationType

from f1graph.errors import F1GraphError, SessionLoadingError
from f1graph.limits.admission import admit, parse_within, refusal, settings_of
from f1graph.limits.checks import tokens_message
from f1graph.limits.cost import Cost
from f1graph.openf1.allowance import ALLOWANCE, Allowance, SpendingSource
from f1graph.settings import Settings

log = logging.getLogger("f1graph.limits")

_TOKENS = "Document contains more than"
# stand for a document refused at parse, one per operation type a transport may allow (the
# type is checked before validation reports the parse error: a websocket allows subscriptions)
_PLACEHOLDERS = {
    OperationType.QUERY: parse("{ __typename }"),
    OperationType.MUTATION: parse("mutation { __typename }"),
    OperationType.SUBSCRIPTION: parse("subscription { __typename }"),
}


class QueryLimits(SchemaExtension):
    """Tokens at parse; depth, aliases, list arguments, cost and planned OpenF1 requests
    before execution (once per query and variables, cached); the client's cost per minute.

    The check is :func:`~f1graph.limits.admission.admit`. A subscription is checked once
    validated, so that its refusal is a pre-execution error, which both websocket protocols
    send as their ``error`` message; queries and mutations when they are about to execute.
    An accepted operation's cost is in ``extensions.cost`` and in the log.
    """

    cost: Cost | None = None
    parse_error: GraphQLError | None = None

    def on_parse(self) -> Iterator[None]:
        """Parse (cached by text), refusing a document of more than ``max_tokens`` tokens."""
        ctx = self.execution_context
        if ctx.graphql_document is None and ctx.query:
            limit = settings_of(ctx.context).max_tokens
            try:
                ctx.graphql_document = parse_within(ctx.query, limit)
            except GraphQLError as error:
                if _TOKENS in error.message:
                    error = GraphQLError(tokens_message(limit))
                self.parse_error = error
                allowed = ctx.allowed_operations
                kind = next((k for k in _PLACEHOLDERS if k in allowed), OperationType.QUERY)
                ctx.graphql_document = _PLACEHOLDERS[kind]
        yield

    async def on_validate(self) -> AsyncIterator[None]:
        ctx = self.execution_context
        if self.parse_error is not None:
            ctx.pre_execution_errors = [self.parse_error]  # skips validation
        elif ctx.operation_type is OperationType.SUBSCRIPTION:
            if ctx.pre_execution_errors is None:  # not validated yet (by ValidationCache)
                assert ctx.graphql_document is not None
                ctx.pre_execution_errors = validate_document(
                    ctx.schema._schema, ctx.graphql_document, ctx.validation_rules
                )
            if not ctx.pre_execution_errors:
                error = await self._admit()
                if error is not None:
                    ctx.pre_execution_errors = [error]
        yield

    async def _admit(self) -> GraphQLError | None:
        """Admit the operation (:func:`admit`), keeping its cost; the refusal if refused."""
        ctx = self.execution_context
        try:
            self.cost = await admit(
                ctx.schema._schema,
                ctx.graphql_document,
                ctx.query or "",
                ctx.operation_name,
                ctx.variables,
                ctx.context,
            )
        except F1GraphError as error:
            return refusal(error)
        return None

    async def on_execute(self) -> AsyncIterator[None]:
        ctx = self.execution_context
        if self.cost is None:  # a subscription was admitted at validation
            error = await self._admit()
            if error is not None:
                ctx.result = GraphQLExecutionResult(data=None, errors=[error])
                yield
                return
        allowance = self._allowance(settings_of(ctx.context))
        token = ALLOWANCE.set(allowance) if allowance is not None else None
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

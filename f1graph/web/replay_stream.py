"""Replay subscriptions over both websocket protocols, sent as shared bytes (the fan-out's sender).

A ``replay`` subscription that is the whole operation skips Strawberry's per-event pipeline:
its arguments are read once, it is admitted by the same check as every other operation
(:func:`f1graph.limits.admit`: the query limits and the client's cost per minute, refused with
the protocol's ``error`` message), its set-up is bounded by the request deadline
(:func:`f1graph.replay.prepared`), the subscriber's player (:func:`f1graph.replay.player.play`)
paces it as before (and bounds it when slow), and each event is sent as the bytes that every
subscriber of the same subscription shares (:mod:`f1graph.replay.fanout`), framed with the
subscriber's id in its protocol's framing (graphql-transport-ws ``next``, graphql-ws ``data``).
A failure before the first event is sent as Strawberry sends it (a result with the coded error,
then ``complete``). Anything else (other fields, a document that does not parse or validate)
takes Strawberry's path, which gives the same answers one event
at a time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, cast

import orjson
from graphql import DocumentNode, ExecutionResult, FieldNode, GraphQLError, OperationType, validate
from graphql.execution.values import get_argument_values
from starlette.websockets import WebSocketDisconnect
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import Operation

from f1graph.errors import F1GraphError
from f1graph.limits import admit, parse_within, refusal
from f1graph.observe import metrics
from f1graph.replay.clock import MonotonicClock
from f1graph.replay.events import DEFAULT_STREAMS, Event
from f1graph.replay.fanout import (
    DROPPED_MARK,
    EncodedEvents,
    encoded_events,
    event_key,
    with_dropped,
)
from f1graph.replay.player import ReplayOptions, play
from f1graph.replay.subscriber import prepared
from f1graph.runtime import Context
from f1graph.schema import schema
from f1graph.schema.errors import with_code
from f1graph.schema.scalars import dumps_json
from f1graph.schema.subscription import PerEventMemoExecutionContext, as_replay_event
from f1graph.web.ws_errors import CodedGraphQLWSHandler, CodedTransportWSHandler


@dataclass(frozen=True)
class ReplayPlan:
    """A replay subscription read once: its document, executor, session and options."""

    document: DocumentNode
    executor: PerEventMemoExecutionContext
    session_key: int
    options: ReplayOptions


def replay_plan(
    query: str, variables: dict[str, Any] | None, operation_name: str | None, context: Any
) -> ReplayPlan | None:
    """The plan of a subscription that is exactly one ``replay`` field with valid arguments;
    ``None`` for anything else (Strawberry's path answers it, errors included)."""
    if not isinstance(query, str):
        return None
    try:  # the parse of every operation (cached by text); past the token limit, Strawberry's
        # path refuses it (f1graph.limits.extension)
        document = parse_within(query, context.services.settings.max_tokens)
    except GraphQLError:
        return None
    if validate(schema._schema, document):
        return None
    executor = PerEventMemoExecutionContext.build(
        schema._schema,
        document,
        context_value=context,
        raw_variable_values=variables,
        operation_name=operation_name,
    )
    if isinstance(executor, list) or executor.operation.operation is not OperationType.SUBSCRIPTION:
        return None
    fields = executor.operation.selection_set.selections
    if len(fields) != 1 or not isinstance(fields[0], FieldNode) or fields[0].directives:
        return None
    subscription = schema._schema.subscription_type
    if fields[0].name.value != "replay" or subscription is None:
        return None
    try:
        args = get_argument_values(
            subscription.fields["replay"], fields[0], executor.variable_values
        )
        include = args.get("include")
        options = ReplayOptions(
            speed=args["speed"],
            start=args.get("from"),
            end=args.get("to"),
            streams=DEFAULT_STREAMS if include is None else frozenset(include),
            location_hz=args["locationHz"],
        )
        options.check()
    except (GraphQLError, F1GraphError, KeyError, TypeError):
        return None
    return ReplayPlan(
        document, cast(PerEventMemoExecutionContext, executor), args["sessionKey"], options
    )


async def _answer(
    plan: ReplayPlan, event: Event, origin_ms: int, memo: EncodedEvents, dropped: int
) -> bytes | ExecutionResult:
    """The event's ``data`` as bytes: shared when the event has a key (looked up before any
    object is made for it), else executed for this subscriber alone (``END``); the execution
    result when it has errors."""
    key = event_key(event)
    if key is not None:
        found = memo.get((plan.executor.subscription_key(), key))
        if found is not None:
            return with_dropped(found, dropped)
        payload = as_replay_event(event, origin_ms, DROPPED_MARK)
        payload.fanout = (memo, key, dropped)  # type: ignore[attr-defined]
        shared: bytes | ExecutionResult = await plan.executor.build_per_event_executor(
            payload
        ).encoded()
        return shared
    alone = as_replay_event(event, origin_ms, dropped)
    pending = plan.executor.fresh_event_executor(alone).execute_operation(False)
    result: ExecutionResult = pending if isinstance(pending, ExecutionResult) else await pending
    return result if result.errors else dumps_json(result.data)


@dataclass(frozen=True)
class Framing:
    """How one protocol frames a subscription's messages: the bytes before an event's ``data``
    (closed by ``}}``), the type of a message carrying a result, and the ``complete`` message."""

    head: bytes
    result_type: str
    complete: dict[str, Any]

    @classmethod
    def transport_ws(cls, operation_id: str) -> Framing:
        head = b'{"id":' + orjson.dumps(operation_id) + b',"type":"next","payload":{"data":'
        return cls(head, "next", {"id": operation_id, "type": "complete"})

    @classmethod
    def graphql_ws(cls, operation_id: str) -> Framing:
        head = b'{"type":"data","id":' + orjson.dumps(operation_id) + b',"payload":{"data":'
        return cls(head, "data", {"type": "complete", "id": operation_id})


Send = Callable[[Any], Awaitable[None]]


async def admitted(
    plan: ReplayPlan, query: str, name: str | None, variables: Any, context: Any
) -> GraphQLError | None:
    """None when the operation passes :func:`f1graph.limits.admit`, else its coded refusal."""
    try:
        await admit(schema._schema, plan.document, query, name, variables, context)
    except F1GraphError as error:
        return refusal(error)
    return None


async def stream(
    ws: Any, send: Send, operation_id: str, framing: Framing, plan: ReplayPlan, context: Context
) -> None:
    """Send the replay, or the coded error that stopped it before its first event (as
    Strawberry's path answers one), then ``complete``; the same for both protocols."""
    sent = False
    metrics.subscriber("replay", +1)
    counted = 0
    services = context.services
    setup = prepared(
        services.replays, plan.session_key, plan.options, services.settings.request_timeout_s
    )
    try:
        async with setup as timeline:
            memo = encoded_events(timeline)
            async for event, dropped in play(timeline, plan.options, MonotonicClock()):
                metrics.replay_dropped(dropped - counted)
                counted = dropped
                answer = await _answer(plan, event, timeline.origin_ms, memo, dropped)
                if isinstance(answer, bytes):
                    await ws.send_text((framing.head + answer + b"}}").decode())
                else:  # an event whose execution failed: sent as Strawberry would
                    errors = [e.formatted for e in answer.errors or ()]
                    await send(_result(operation_id, framing, answer.data, errors))
                sent = True
    except F1GraphError as error:
        if sent:
            raise
        coded = with_code(GraphQLError(error.message, original_error=error))
        await send(_result(operation_id, framing, None, [coded.formatted]))
    except WebSocketDisconnect:
        return
    finally:
        metrics.subscriber("replay", -1)
    await send(framing.complete)


def _result(operation_id: str, framing: Framing, data: Any, errors: list[Any]) -> dict[str, Any]:
    payload = {"data": data, "errors": errors}
    return {"id": operation_id, "type": framing.result_type, "payload": payload}


class FanOutTransportWSHandler(CodedTransportWSHandler):
    """graphql-transport-ws with replay subscriptions sent from the shared answers."""

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        query, name, variables = operation.query, operation.operation_name, operation.variables
        plan = replay_plan(query, variables, name, self.context)
        if plan is None:
            await super().run_operation(operation)
            return
        refused = await admitted(plan, query, name, variables, self.context)
        if refused is not None:
            await operation.send_initial_errors([refused])
            return
        ws = self.websocket.ws  # type: ignore[attr-defined]
        framing = Framing.transport_ws(operation.id)
        await stream(
            ws, operation.send_operation_message, operation.id, framing, plan, self.context
        )


class FanOutGraphQLWSHandler(CodedGraphQLWSHandler):
    """graphql-ws with replay subscriptions sent from the shared answers (the same bytes as
    graphql-transport-ws subscribers of the stream get, framed as ``data`` messages)."""

    async def handle_async_results(
        self,
        operation_id: str,
        query: str,
        operation_name: str | None,
        variables: dict[str, object] | None,
    ) -> None:
        plan = replay_plan(query, variables, operation_name, self.context)
        if plan is None:
            await super().handle_async_results(operation_id, query, operation_name, variables)
            return
        try:
            refused = await admitted(plan, query, operation_name, variables, self.context)
            if refused is not None:
                await self._send_error(operation_id, refused.formatted)
                return
            ws = self.websocket.ws  # type: ignore[attr-defined]
            framing = Framing.graphql_ws(operation_id)
            await stream(ws, self.send_message, operation_id, framing, plan, self.context)
        except asyncio.CancelledError:  # stopped: as Strawberry's path, say complete
            await self.send_message({"type": "complete", "id": operation_id})
        finally:  # Strawberry's bookkeeping: no longer counted towards the subscription limit
            self.tasks.pop(operation_id, None)

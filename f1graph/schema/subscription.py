"""``Subscription.replay``: a session as it happened, every stream on one clock.

Events are one ``ReplayEvent`` type, not a union: ``kind`` says which one payload field is
set, and every event carries ``sessionTime``, ``date`` and ``dropped``, so a client reads the
clock and its losses without a fragment per kind.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Hashable
from datetime import datetime
from typing import Annotated, Any

import orjson
import strawberry
from graphql import ExecutionResult, print_ast

from f1graph.execution import PlanExecutionContext
from f1graph.observe import metrics
from f1graph.replay import events as replay_events
from f1graph.replay.clock import MonotonicClock
from f1graph.replay.events import DEFAULT_STREAMS, Event, EventKind, ReplayStream
from f1graph.replay.fanout import EncodedEvents, with_dropped
from f1graph.replay.player import ReplayOptions, play
from f1graph.replay.subscriber import prepared
from f1graph.runtime import Info
from f1graph.schema.common import Presents
from f1graph.schema.interval import Interval
from f1graph.schema.race_analysis_types import Standing
from f1graph.schema.scalars import dumps_json
from f1graph.schema.timing import Overtake, PitStop, Position, RaceControlMessage, Weather

# The replay's own enums, registered with the graph (in place) under these names.
strawberry.enum(ReplayStream, name="ReplayStream", description="A stream of a replay.")
strawberry.enum(
    EventKind, name="ReplayEventKind", description="Which payload field of a ReplayEvent is set."
)


@strawberry.type(description="A lap completed, with the tyres it was run on.")
class ReplayLap(Presents[replay_events.LapDone]):
    driver_number: int = strawberry.field(description="The driver's car number.")
    lap_number: int = strawberry.field(description="The lap completed.")
    lap_duration: float | None = strawberry.field(description="Lap time [s].")
    duration_sector_1: float | None = strawberry.field(description="Sector 1 time [s].")
    duration_sector_2: float | None = strawberry.field(description="Sector 2 time [s].")
    duration_sector_3: float | None = strawberry.field(description="Sector 3 time [s].")
    is_pit_out_lap: bool | None = strawberry.field(description="Whether it began in the pits.")
    compound: str | None = strawberry.field(description="SOFT, MEDIUM, HARD, INTERMEDIATE, WET.")
    tyre_age_laps: int | None = strawberry.field(description="Tyre age on this lap [laps].")


@strawberry.type(description="A driver's tyres: stint, compound and age.")
class ReplayTyres(Presents[replay_events.Tyres]):
    driver_number: int = strawberry.field(description="The driver's car number.")
    stint_number: int = strawberry.field(description="The stint, from 1.")
    compound: str | None = strawberry.field(description="SOFT, MEDIUM, HARD, INTERMEDIATE, WET.")
    tyre_age_laps: int | None = strawberry.field(description="Tyre age [laps].")


@strawberry.type(description="Every car's latest position fix (x/y on the circuit's grid).")
class CarLocations(Presents[replay_events.LocationFrame]):
    driver_numbers: list[int] = strawberry.field(description="Cars, in the order of x and y.")
    x: list[int] = strawberry.field(description="x of each car.")
    y: list[int] = strawberry.field(description="y of each car.")


@strawberry.type(description="The circuit, drawn from one car's path over one lap.")
class TrackOutline(Presents[replay_events.TrackOutline]):
    x: list[int] = strawberry.field(description="x of the path's points.")
    y: list[int] = strawberry.field(description="y of the path's points.")
    min_x: int = strawberry.field(description="Smallest x of any car.")
    max_x: int = strawberry.field(description="Largest x of any car.")
    min_y: int = strawberry.field(description="Smallest y of any car.")
    max_y: int = strawberry.field(description="Largest y of any car.")


@strawberry.type(description="The state at an instant: running order, tyres, status, lap.")
class ReplaySnapshot(Presents[replay_events.Snapshot]):
    at: datetime = strawberry.field(description="The instant (UTC).")
    order: list[Standing] = strawberry.field(
        description="The running order: Session.standings(at:) at this instant."
    )
    tyres: list[ReplayTyres] = strawberry.field(description="Every driver's tyres.")
    track_status: str = strawberry.field(description="GREEN, YELLOW, VSC, SC or RED.")
    lap_number: int | None = strawberry.field(description="The leader's lap.")
    track: TrackOutline | None = strawberry.field(
        description="The circuit, when LOCATIONS are asked for and the session has them."
    )


@strawberry.type(description="The end of a replay.")
class ReplayEnd(Presents[replay_events.EndOfReplay]):
    sent: int = strawberry.field(description="Events sent, this one excluded.")
    dropped: int = strawberry.field(description="Events dropped because the client was slow.")


@strawberry.type(description="One replay event; `kind` names the one payload field set.")
class ReplayEvent:
    kind: EventKind = strawberry.field(description="What the event carries.")
    session_time: float = strawberry.field(
        description="Seconds since the session's scheduled start (negative before it)."
    )
    date: datetime = strawberry.field(description="The instant in UTC.")
    dropped: int = strawberry.field(
        description="Events dropped so far because this client read too slowly."
    )
    snapshot: ReplaySnapshot | None = strawberry.field(default=None, description="SNAPSHOT.")
    position: Position | None = strawberry.field(default=None, description="POSITION.")
    interval: Interval | None = strawberry.field(default=None, description="INTERVAL.")
    lap: ReplayLap | None = strawberry.field(default=None, description="LAP.")
    stint: ReplayTyres | None = strawberry.field(default=None, description="STINT.")
    pit_stop: PitStop | None = strawberry.field(default=None, description="PIT_STOP.")
    race_control: RaceControlMessage | None = strawberry.field(
        default=None, description="RACE_CONTROL."
    )
    track_status: str | None = strawberry.field(
        default=None, description="TRACK_STATUS: GREEN, YELLOW, VSC, SC or RED."
    )
    weather: Weather | None = strawberry.field(default=None, description="WEATHER.")
    overtake: Overtake | None = strawberry.field(default=None, description="OVERTAKE.")
    locations: CarLocations | None = strawberry.field(default=None, description="LOCATIONS.")
    end: ReplayEnd | None = strawberry.field(default=None, description="END.")


_PAYLOAD_FIELD = {
    EventKind.SNAPSHOT: "snapshot",
    EventKind.POSITION: "position",
    EventKind.INTERVAL: "interval",
    EventKind.LAP: "lap",
    EventKind.STINT: "stint",
    EventKind.PIT_STOP: "pit_stop",
    EventKind.RACE_CONTROL: "race_control",
    EventKind.TRACK_STATUS: "track_status",
    EventKind.WEATHER: "weather",
    EventKind.OVERTAKE: "overtake",
    EventKind.LOCATIONS: "locations",
    EventKind.END: "end",
}


def as_replay_event(event: Event, origin_ms: int, dropped: int) -> ReplayEvent:
    """The graph's view of an event; payloads are the shared records, not copies."""
    payload: dict[str, Any] = {_PAYLOAD_FIELD[event.kind]: event.payload}
    return ReplayEvent(
        kind=event.kind,
        session_time=(event.t_ms - origin_ms) / 1000.0,
        date=event.date,
        dropped=dropped,
        **payload,
    )


class PerEventMemoExecutionContext(PlanExecutionContext):
    """Gives each subscription event its own memo of collected subfields, and executes a replay
    event once for every subscriber of the same subscription (:mod:`f1graph.replay.fanout`).

    graphql-core 3.3 runs each event on a shallow copy of the subscription's executor, so all
    events share one memo, keyed by the identity of lists made afresh for every event: it grows
    with every event for as long as the subscription lasts (measured: about 2 KB an event, 13 MB
    for one subscriber over a race). Used by the whole schema; queries run one event only, as
    compiled plans (:class:`PlanExecutionContext`).
    """

    _operation_key: str | None = None

    def build_per_event_executor(self, payload: Any) -> Any:
        shared = getattr(payload, "fanout", None)
        if shared is not None:
            return _SharedEvent(self, payload, shared)  # the executor copy only on a miss
        return self.fresh_event_executor(payload)

    def fresh_event_executor(self, payload: Any) -> Any:
        executor = super().build_per_event_executor(payload)
        executor._relevant_sub_fields = {}
        return executor

    def subscription_key(self) -> str:
        """The selection and variables (what an event's answer depends on besides the event)."""
        if self._operation_key is None:
            values = getattr(self.variable_values, "coerced", self.variable_values)
            variables = orjson.dumps(values, option=orjson.OPT_SORT_KEYS, default=str).decode()
            fragments = "".join(print_ast(f.definition) for f in self.fragments.values())
            self._operation_key = print_ast(self.operation) + fragments + variables
        return self._operation_key


class _SharedEvent:
    """A per-event executor whose answer is taken from, or added to, the shared answers."""

    _bytes = b""

    def __init__(
        self,
        parent: PerEventMemoExecutionContext,
        payload: Any,
        shared: tuple[EncodedEvents, Hashable, int],
    ) -> None:
        self.parent = parent
        self.payload = payload
        self.memo, event, self.dropped = shared
        self.key = (parent.subscription_key(), event)

    def execute_operation(self, *args: Any) -> Any:
        encoded = self.memo.get(self.key, count=False)  # the caller counted its own look-up
        if encoded is not None:
            return self._answer(encoded)
        result = self.parent.fresh_event_executor(self.payload).execute_operation(*args)
        if isinstance(result, ExecutionResult):
            return self._keep(result)
        return self._keep_later(result)

    async def encoded(self) -> bytes | ExecutionResult:
        """The answer's ``data`` as bytes (the subscriber's own ``dropped`` written in), or the
        execution result when it has errors."""
        pending = self.execute_operation(False)
        result: ExecutionResult = pending if isinstance(pending, ExecutionResult) else await pending
        if result.errors or not isinstance(result.data, orjson.Fragment):
            return result
        encoded: bytes = self._bytes
        return encoded

    async def _keep_later(self, pending: Awaitable[ExecutionResult]) -> ExecutionResult:
        return self._keep(await pending)

    def _keep(self, result: ExecutionResult) -> ExecutionResult:
        if result.errors:
            return result
        encoded = dumps_json(result.data)
        self.memo.put(self.key, encoded)
        return self._answer(encoded)

    def _answer(self, encoded: bytes) -> ExecutionResult:
        self._bytes = with_dropped(encoded, self.dropped)
        return ExecutionResult(data=orjson.Fragment(self._bytes))  # type: ignore[arg-type]


FromArg = Annotated[
    datetime | None,
    strawberry.argument(name="from", description="Start here (UTC); default: the scheduled start."),
]


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Replay a session as it happened: a SNAPSHOT of the state at `from`, then "
        "every event after it in session time order up to `to`, then END. `speed` 1 is real "
        "time, 10 ten times faster, 0 as fast as the client reads. `include` picks streams "
        "(default: all but LOCATIONS); LOCATIONS come `locationHz` times per session second. A "
        "client too slow for `speed` loses the oldest events due (counted in `dropped`) and "
        "gets a SNAPSHOT of the state in their place."
    )
    async def replay(
        self,
        info: Info,
        session_key: Annotated[int, strawberry.argument(description="OpenF1 key of the session.")],
        speed: Annotated[
            float,
            strawberry.argument(description="Session seconds per wall second; 0: no waiting."),
        ] = 1.0,
        from_: FromArg = None,
        to: Annotated[datetime | None, strawberry.argument(description="Stop here (UTC).")] = None,
        include: Annotated[
            list[ReplayStream] | None,
            strawberry.argument(description="The streams to send; default all but LOCATIONS."),
        ] = None,
        location_hz: Annotated[
            float,
            strawberry.argument(description="LOCATIONS frames per session second (at most 10)."),
        ] = 1.0,
    ) -> AsyncGenerator[ReplayEvent, None]:
        options = ReplayOptions(
            speed=speed,
            start=from_,
            end=to,
            streams=DEFAULT_STREAMS if include is None else frozenset(include),
            location_hz=location_hz,
        )
        options.check()
        metrics.subscriber("replay", +1)
        counted = 0  # dropped events already counted in the metrics
        try:
            services = info.context.services
            timeout_s = services.settings.request_timeout_s
            async with prepared(services.replays, session_key, options, timeout_s) as timeline:
                async for event, dropped in play(timeline, options, MonotonicClock()):
                    metrics.replay_dropped(dropped - counted)
                    counted = dropped
                    yield as_replay_event(event, timeline.origin_ms, dropped)
        finally:
            metrics.subscriber("replay", -1)

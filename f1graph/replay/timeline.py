"""A loaded session: every stream as a time-sorted event array, shared by all its subscribers."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from f1graph.analysis import stints
from f1graph.analysis.running_order import RunningOrder
from f1graph.analysis.track_status import TrackTimeline
from f1graph.data import Datasets, race_start_grid
from f1graph.errors import NotFoundError
from f1graph.openf1 import ENDPOINTS, SESSIONS
from f1graph.openf1.records import Lap
from f1graph.replay.events import Event, EventKind, LapDone, ReplayStream, Tyres
from f1graph.replay.locations import Locations, location_reader
from f1graph.replay.state import SessionState
from f1graph.times import epoch_ms

if TYPE_CHECKING:
    from f1graph.telemetry import TelemetryStore


@dataclass(frozen=True, slots=True)
class Stream:
    """One stream's events in time order, with their instants [epoch ms] for bisection."""

    times: list[int]
    events: list[Event]

    @classmethod
    def of(cls, events: list[Event]) -> Stream:
        events.sort(key=lambda e: e.t_ms)  # stable: one instant keeps OpenF1's order
        return cls([e.t_ms for e in events], events)


@dataclass(eq=False)
class Timeline:
    """Everything a replay of one session reads; built once, never changed after."""

    session_key: int
    date_start: datetime | None
    date_end: datetime | None
    origin_ms: int  # session time 0: the scheduled start, else the first event
    streams: dict[ReplayStream, Stream]
    state: SessionState
    locations: Locations = field(repr=False)

    @property
    def last_ms(self) -> int | None:
        lasts = [s.times[-1] for s in self.streams.values() if s.times]
        return max(lasts) if lasts else None


_ENDPOINTS = (
    "position",
    "intervals",
    "laps",
    "stints",
    "pit",
    "race_control",
    "weather",
    "overtakes",
)


async def load_timeline(
    datasets: Datasets, session_key: int, telemetry: TelemetryStore | None = None
) -> Timeline:
    """Read the session's datasets (through the cache) and order every stream by time; the
    running order starts from the race's starting grid, as ``Session.standings`` does.

    A dataset OpenF1 does not have for the session is an empty stream; an unknown session
    raises :class:`NotFoundError`.
    """
    sessions = await datasets.get(SESSIONS, session_key)
    if not sessions.rows:
        raise NotFoundError(f"Session {session_key} does not exist.")
    session = sessions.rows[0]
    loaded, grid = await asyncio.gather(
        asyncio.gather(*(datasets.get(ENDPOINTS[e], session_key) for e in _ENDPOINTS)),
        race_start_grid(datasets, session_key),
    )
    rows: dict[str, list[Any]] = {e: d.rows for e, d in zip(_ENDPOINTS, loaded, strict=True)}
    track = TrackTimeline.build(rows["race_control"], rows["laps"], session.date_end)
    running = RunningOrder.of_session(session, rows["laps"], rows["position"], grid)
    state = SessionState.build(
        rows["position"], rows["intervals"], rows["laps"], rows["stints"], track, running
    )

    def dated(kind: EventKind, records: Sequence[Any]) -> list[Event]:
        return [Event(kind, epoch_ms(r.date), r.date, r) for r in records]

    streams = {
        ReplayStream.POSITIONS: dated(EventKind.POSITION, rows["position"]),
        ReplayStream.INTERVALS: dated(EventKind.INTERVAL, rows["intervals"]),
        ReplayStream.LAPS: _lap_events(rows["laps"], state),
        ReplayStream.STINTS: _stint_events(state),
        ReplayStream.PIT_STOPS: dated(EventKind.PIT_STOP, rows["pit"]),
        ReplayStream.RACE_CONTROL: dated(EventKind.RACE_CONTROL, rows["race_control"]),
        ReplayStream.TRACK_STATUS: [
            Event(EventKind.TRACK_STATUS, epoch_ms(at), at, status.value)
            for at, status in zip(track.times, track.statuses, strict=True)
        ],
        ReplayStream.WEATHER: dated(EventKind.WEATHER, rows["weather"]),
        ReplayStream.OVERTAKES: dated(EventKind.OVERTAKE, rows["overtakes"]),
    }
    built = {name: Stream.of(events) for name, events in streams.items()}
    firsts = [s.times[0] for s in built.values() if s.times]
    if session.date_start is not None:
        origin = epoch_ms(session.date_start)
    else:
        origin = min(firsts) if firsts else 0
    return Timeline(
        session_key=session_key,
        date_start=session.date_start,
        date_end=session.date_end,
        origin_ms=origin,
        streams=built,
        state=state,
        locations=Locations(location_reader(datasets.source, telemetry, session_key)),
    )


def _lap_events(laps: Sequence[Lap], state: SessionState) -> list[Event]:
    out: list[Event] = []
    for lap in laps:
        end = state.lap_ends.get((lap.driver_number, lap.lap_number))
        if end is None:
            continue
        driver_stints = [span.stint for span in state.stints.get(lap.driver_number, [])]
        stint = stints.stint_for_lap(lap, driver_stints)
        age = None
        if stint is not None:
            age = stints.tyre_age(lap, stint, stints.previous_stint(stint, driver_stints))
        done = LapDone(
            driver_number=lap.driver_number,
            lap_number=lap.lap_number,
            lap_duration=lap.lap_duration,
            duration_sector_1=lap.duration_sector_1,
            duration_sector_2=lap.duration_sector_2,
            duration_sector_3=lap.duration_sector_3,
            is_pit_out_lap=lap.is_pit_out_lap,
            compound=stint.compound if stint is not None else None,
            tyre_age_laps=age,
        )
        out.append(Event(EventKind.LAP, epoch_ms(end), end, done))
    return out


def _stint_events(state: SessionState) -> list[Event]:
    """A tyre change when a stint's first lap starts (the first stint's too)."""
    return [
        Event(
            EventKind.STINT,
            epoch_ms(span.begin),
            span.begin,
            Tyres(
                span.stint.driver_number,
                span.stint.stint_number,
                span.stint.compound,
                span.stint.tyre_age_at_start,
            ),
        )
        for spans in state.stints.values()
        for span in spans
        if span.begin is not None
    ]

"""What a replay emits: one event type with a kind, a session time and one typed payload.

Events of the session's own data (``POSITION`` ... ``OVERTAKE``) are built once per loaded
session and shared by every subscriber; ``SNAPSHOT``, ``LOCATIONS`` and ``END`` are made per
subscriber (they depend on its ``from``, its location rate and what it dropped).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from f1graph.analysis.intervals import Standing


class ReplayStream(Enum):
    """A stream a subscriber can ask for; ``LOCATIONS`` only when named."""

    POSITIONS = "POSITIONS"
    INTERVALS = "INTERVALS"
    LAPS = "LAPS"
    STINTS = "STINTS"
    PIT_STOPS = "PIT_STOPS"
    RACE_CONTROL = "RACE_CONTROL"
    TRACK_STATUS = "TRACK_STATUS"
    WEATHER = "WEATHER"
    OVERTAKES = "OVERTAKES"
    LOCATIONS = "LOCATIONS"


DEFAULT_STREAMS: frozenset[ReplayStream] = frozenset(ReplayStream) - {ReplayStream.LOCATIONS}


class EventKind(Enum):
    """What an event carries."""

    SNAPSHOT = "SNAPSHOT"
    POSITION = "POSITION"
    INTERVAL = "INTERVAL"
    LAP = "LAP"
    STINT = "STINT"
    PIT_STOP = "PIT_STOP"
    RACE_CONTROL = "RACE_CONTROL"
    TRACK_STATUS = "TRACK_STATUS"
    WEATHER = "WEATHER"
    OVERTAKE = "OVERTAKE"
    LOCATIONS = "LOCATIONS"
    END = "END"


@dataclass(frozen=True, slots=True)
class Event:
    """One event at ``date`` (``t_ms``: the same instant in epoch milliseconds, UTC)."""

    kind: EventKind
    t_ms: int
    date: datetime
    payload: Any


@dataclass(frozen=True, slots=True)
class LapDone:
    """A lap completed: its times [s] and the tyres it was run on."""

    driver_number: int
    lap_number: int
    lap_duration: float | None
    duration_sector_1: float | None
    duration_sector_2: float | None
    duration_sector_3: float | None
    is_pit_out_lap: bool | None
    compound: str | None
    tyre_age_laps: int | None


@dataclass(frozen=True, slots=True)
class Tyres:
    """A driver's tyres: the stint, its compound and the tyre age [laps] (at an instant)."""

    driver_number: int
    stint_number: int
    compound: str | None
    tyre_age_laps: int | None


@dataclass(frozen=True, slots=True)
class LocationFrame:
    """Every car's latest position fix at one instant, on the circuit's x/y grid."""

    driver_numbers: list[int]
    x: list[int]
    y: list[int]


@dataclass(frozen=True, slots=True)
class TrackOutline:
    """The circuit drawn from one car's path over one lap, with the bounds of every car's."""

    x: list[int]
    y: list[int]
    min_x: int
    max_x: int
    min_y: int
    max_y: int


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The state at ``at``: running order (``standings``), tyres, track status, leader's lap."""

    at: datetime
    order: list[Standing]
    tyres: list[Tyres]
    track_status: str
    lap_number: int | None
    track: TrackOutline | None


@dataclass(frozen=True, slots=True)
class EndOfReplay:
    """The last event: how many events were sent and dropped."""

    sent: int
    dropped: int

"""The 18 OpenF1 endpoints: their record type and how f1graph fetches and caches them.

Each endpoint is a typed constant (``LAPS: Endpoint[Lap]``...): whatever is fetched through it
(a :class:`~f1graph.data.Dataset` of ``LAPS`` holds ``Lap`` records) carries the record type
from the client to the resolvers, so the type checker follows the data the whole way.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Final, Generic, TypeVar, cast

import msgspec

from f1graph.openf1 import records as r

R = TypeVar("R")


@dataclass(frozen=True, eq=False)
class Endpoint(Generic[R]):
    """One OpenF1 endpoint.

    ``per_session`` endpoints are fetched and cached as a session's whole dataset;
    ``telemetry`` ones are fetched per (session, driver, time window) instead.
    """

    name: str
    record: type[R]
    per_session: bool = True
    telemetry: bool = False
    ttl_s: float = 300.0  # the legacy system's TTL, for a session live or just ended

    def decode(self, body: bytes) -> list[R]:
        """Parse a JSON array of this endpoint's rows into records.

        The fast path decodes straight into typed records. A malformed value (OpenF1 has served
        ``"NaT"`` for a date) only costs its row: the rows are then converted one by one, an
        unreadable optional value becomes null, and a row missing a required value is dropped.
        """
        try:
            rows: list[R] = _DECODERS[self.name].decode(body)
            return rows
        except msgspec.ValidationError:
            pass
        raw = msgspec.json.decode(body)
        if not isinstance(raw, list):
            raise msgspec.ValidationError(f"{self.name}: expected a JSON array of rows")
        return [rec for row in raw if (rec := self._lenient(row)) is not None]

    def _lenient(self, row: object) -> R | None:
        if not isinstance(row, dict):
            return None
        try:
            return msgspec.convert(row, self.record)
        except msgspec.ValidationError:
            pass
        record = cast(type[msgspec.Struct], self.record)
        fields = {f.name: f for f in msgspec.structs.fields(record)}
        clean = {}
        for key, value in row.items():
            field = fields.get(key)
            if field is None:
                continue
            try:
                msgspec.convert({key: value}, _single_field_type(record, key))
                clean[key] = value
            except msgspec.ValidationError:
                if field.required:
                    return None
        try:
            return msgspec.convert(clean, self.record)
        except msgspec.ValidationError:
            return None


_MIN = 60.0
CAR_DATA: Final = Endpoint("car_data", r.CarData, telemetry=True, ttl_s=10 * _MIN)
DRIVERS: Final = Endpoint("drivers", r.Driver, ttl_s=30 * _MIN)
INTERVALS: Final = Endpoint("intervals", r.Interval, ttl_s=5 * _MIN)
LAPS: Final = Endpoint("laps", r.Lap, ttl_s=15 * _MIN)
LOCATION: Final = Endpoint("location", r.Location, telemetry=True, ttl_s=10 * _MIN)
MEETINGS: Final = Endpoint("meetings", r.Meeting, per_session=False, ttl_s=60 * _MIN)
OVERTAKES: Final = Endpoint("overtakes", r.Overtake, ttl_s=5 * _MIN)
PIT: Final = Endpoint("pit", r.Pit, ttl_s=30 * _MIN)
POSITION: Final = Endpoint("position", r.Position, ttl_s=5 * _MIN)
RACE_CONTROL: Final = Endpoint("race_control", r.RaceControl, ttl_s=5 * _MIN)
SESSIONS: Final = Endpoint("sessions", r.Session, ttl_s=60 * _MIN)
SESSION_RESULT: Final = Endpoint("session_result", r.SessionResult, ttl_s=30 * _MIN)
STARTING_GRID: Final = Endpoint("starting_grid", r.StartingGrid, ttl_s=30 * _MIN)
STINTS: Final = Endpoint("stints", r.Stint, ttl_s=30 * _MIN)
TEAM_RADIO: Final = Endpoint("team_radio", r.TeamRadio, ttl_s=5 * _MIN)
WEATHER: Final = Endpoint("weather", r.Weather, ttl_s=5 * _MIN)
CHAMPIONSHIP_DRIVERS: Final = Endpoint(
    "championship_drivers", r.ChampionshipDriver, ttl_s=60 * _MIN
)
CHAMPIONSHIP_TEAMS: Final = Endpoint("championship_teams", r.ChampionshipTeam, ttl_s=60 * _MIN)

ENDPOINTS: Final[dict[str, Endpoint[Any]]] = {
    e.name: e
    for e in (
        CAR_DATA,
        DRIVERS,
        INTERVALS,
        LAPS,
        LOCATION,
        MEETINGS,
        OVERTAKES,
        PIT,
        POSITION,
        RACE_CONTROL,
        SESSIONS,
        SESSION_RESULT,
        STARTING_GRID,
        STINTS,
        TEAM_RADIO,
        WEATHER,
        CHAMPIONSHIP_DRIVERS,
        CHAMPIONSHIP_TEAMS,
    )
}
"""Every endpoint by its OpenF1 name (for names read at run time: a REST path, a file name)."""

# Datasets that make up a session, in the order a preload fetches them (telemetry excluded).
SESSION_DATASETS: Final[tuple[str, ...]] = tuple(
    name
    for name, e in ENDPOINTS.items()
    if e.per_session and not e.telemetry and name != "sessions"
)


def _list_decoder(record: type[msgspec.Struct]) -> msgspec.json.Decoder[list[Any]]:
    return msgspec.json.Decoder(list[record])  # type: ignore[valid-type]


_DECODERS: Final[dict[str, msgspec.json.Decoder[list[Any]]]] = {
    name: _list_decoder(e.record) for name, e in ENDPOINTS.items()
}


@cache
def _single_field_type(record: type[msgspec.Struct], name: str) -> type[msgspec.Struct]:
    """A struct holding only ``record``'s field ``name``, made optional, to test one value."""
    field = next(f for f in msgspec.structs.fields(record) if f.name == name)
    return msgspec.defstruct(f"{record.__name__}_{name}", [(name, field.type | None, None)])


def endpoint(name: str) -> Endpoint[Any]:
    """The endpoint called ``name``; raises ``KeyError`` for an unknown one."""
    return ENDPOINTS[name]

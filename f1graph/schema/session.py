"""The ``Session`` type: one practice, qualifying, sprint or race, and all its data."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, cast

import strawberry

from f1graph.errors import NotFoundError
from f1graph.openf1 import (
    INTERVALS,
    LAPS,
    MEETINGS,
    OVERTAKES,
    PIT,
    POSITION,
    RACE_CONTROL,
    SESSION_RESULT,
    STINTS,
    TEAM_RADIO,
    WEATHER,
    records,
    where,
)
from f1graph.runtime import Info
from f1graph.schema.analysis_fields import SessionAnalysisFields
from f1graph.schema.common import (
    UNKNOWN,
    Presents,
    arg,
    in_window,
    query_rows,
)
from f1graph.schema.coverage import COVERAGE_DESCRIPTION, DatasetCoverage, session_coverage
from f1graph.schema.driver import Driver
from f1graph.schema.interval import Interval
from f1graph.schema.lap import Lap
from f1graph.schema.result import GridSlot, SessionResult
from f1graph.schema.session_data import filed_grid_rows, known_rows, session_drivers, session_view
from f1graph.schema.stint import Stint
from f1graph.schema.telemetry import SessionTelemetryFields
from f1graph.schema.timing import (
    Overtake,
    PitStop,
    Position,
    RaceControlMessage,
    TeamRadio,
    Weather,
)

if TYPE_CHECKING:
    from f1graph.schema.meeting import Meeting

FromArg = Annotated[datetime | None, strawberry.argument(name="from", description="From (UTC).")]
ToArg = Annotated[datetime | None, strawberry.argument(description="Until (UTC), inclusive.")]


@strawberry.type(description="One session of a meeting: practice, qualifying, sprint or race.")
class Session(SessionAnalysisFields, SessionTelemetryFields, Presents[records.Session]):
    session_key: int = strawberry.field(description="OpenF1's key of the session.")
    meeting_key: int | None = strawberry.field(description="The meeting it belongs to.")
    session_name: str | None = strawberry.field(description="E.g. Practice 1, Qualifying, Race.")
    session_type: str | None = strawberry.field(description="Practice, Qualifying or Race.")
    date_start: datetime | None = strawberry.field(description="Scheduled start (UTC).")
    date_end: datetime | None = strawberry.field(description="Scheduled end (UTC).")
    location: str | None = strawberry.field(description="The city or area.")
    country_key: int | None = strawberry.field(description="OpenF1's key of the country.")
    country_code: str | None = strawberry.field(description="ISO 3166 alpha-3 country code.")
    country_name: str | None = strawberry.field(description="The country.")
    circuit_key: int | None = strawberry.field(description="OpenF1's key of the circuit.")
    circuit_short_name: str | None = strawberry.field(description="The circuit's short name.")
    gmt_offset: str | None = strawberry.field(description="Local time offset from UTC.")
    year: int | None = strawberry.field(description="The season.")
    is_cancelled: bool | None = strawberry.field(description="Whether it was cancelled.")

    @strawberry.field(description="The meeting (Grand Prix) the session belongs to.")
    async def meeting(
        self, info: Info
    ) -> Annotated[Meeting, strawberry.lazy("f1graph.schema.meeting")] | None:
        if self.meeting_key is None:
            return None
        rows = await query_rows(info, MEETINGS, where(meeting_key=self.meeting_key))
        return cast("Meeting", rows[0]) if rows else None

    @strawberry.field(description=COVERAGE_DESCRIPTION)
    async def coverage(self, info: Info) -> list[DatasetCoverage]:
        return await session_coverage(info, self.session_key)

    @strawberry.field(
        description="The drivers entered, by car number. Without OpenF1 driver data, every car "
        "with laps, stints or positions in the session, its number known and names null."
    )
    async def drivers(self, info: Info) -> list[Driver]:
        found = await session_drivers(info, self.session_key)
        return Driver.many(list(found.values()))

    @strawberry.field(
        description="One driver (see drivers); null with a NOT_FOUND error if not in the session."
    )
    async def driver(
        self, info: Info, driver_number: Annotated[int, arg("The car number.")]
    ) -> Driver | None:
        found = (await session_drivers(info, self.session_key)).get(driver_number)
        if found is None:
            raise NotFoundError(
                f"Driver {driver_number} did not take part in session {self.session_key}."
            )
        return Driver.one(found)

    @strawberry.field(
        description="Laps of every driver, optionally one driver's or one lap number." + UNKNOWN
    )
    async def laps(
        self,
        info: Info,
        driver_number: Annotated[int | None, arg("Only this car number.")] = None,
        lap_number: Annotated[int | None, arg("Only this lap number.")] = None,
    ) -> list[Lap] | None:
        dataset = await session_view(info, self.session_key).known(LAPS)
        if dataset is None:
            return None
        rows = dataset.rows if driver_number is None else dataset.for_driver(driver_number)
        if lap_number is not None:
            rows = [r for r in rows if r.lap_number == lap_number]
        return Lap.many(rows)

    @strawberry.field(description="Every stint of every driver." + UNKNOWN)
    async def stints(
        self,
        info: Info,
        compound: Annotated[str | None, arg("Only this compound, e.g. SOFT (any case).")] = None,
    ) -> list[Stint] | None:
        rows = await known_rows(info, STINTS, self.session_key)
        if rows is None:
            return None
        if compound is not None:
            rows = [r for r in rows if (r.compound or "").lower() == compound.lower()]
        return Stint.many(rows)

    @strawberry.field(description="Every pit-lane visit, in time order." + UNKNOWN)
    async def pit_stops(self, info: Info) -> list[PitStop] | None:
        found = await known_rows(info, PIT, self.session_key)
        return None if found is None else PitStop.many(found)

    @strawberry.field(description="Every position change, in time order." + UNKNOWN)
    async def positions(self, info: Info) -> list[Position] | None:
        found = await known_rows(info, POSITION, self.session_key)
        return None if found is None else Position.many(found)

    @strawberry.field(
        description="Gaps over the session (races only), optionally narrowed." + UNKNOWN
    )
    async def intervals(
        self,
        info: Info,
        driver_number: Annotated[int | None, arg("Only this car number.")] = None,
        from_: FromArg = None,
        to: ToArg = None,
    ) -> list[Interval] | None:
        dataset = await session_view(info, self.session_key).known(INTERVALS)
        if dataset is None:
            return None
        rows = dataset.rows if driver_number is None else dataset.for_driver(driver_number)
        if from_ is not None or to is not None:
            rows = [r for r in rows if in_window(r.date, from_, to)]
        return Interval.many(rows)

    @strawberry.field(
        description="Race-control messages, optionally filtered (all filters ANDed)." + UNKNOWN
    )
    async def race_control(
        self,
        info: Info,
        category: Annotated[
            str | None, arg("Flag, SafetyCar, Drs, CarEvent, SessionStatus or Other (any case).")
        ] = None,
        flag: Annotated[str | None, arg("E.g. YELLOW, RED, BLUE (any case).")] = None,
        driver_number: Annotated[int | None, arg("Only this car number.")] = None,
        lap_number: Annotated[int | None, arg("Only messages of this lap.")] = None,
    ) -> list[RaceControlMessage] | None:
        rows: list[Any] | None = await known_rows(info, RACE_CONTROL, self.session_key)
        if rows is None:
            return None
        return RaceControlMessage.many(
            [
                r
                for r in rows
                if (category is None or (r.category or "").lower() == category.lower())
                and (flag is None or (r.flag or "").lower() == flag.lower())
                and (driver_number is None or r.driver_number == driver_number)
                and (lap_number is None or r.lap_number == lap_number)
            ],
        )

    @strawberry.field(description="Weather readings, in time order." + UNKNOWN)
    async def weather(self, info: Info) -> list[Weather] | None:
        found = await known_rows(info, WEATHER, self.session_key)
        return None if found is None else Weather.many(found)

    @strawberry.field(description="The classification, by position (unclassified last)." + UNKNOWN)
    async def result(self, info: Info) -> list[SessionResult] | None:
        rows = await known_rows(info, SESSION_RESULT, self.session_key)
        if rows is None:
            return None
        return SessionResult.many(sorted(rows, key=lambda r: (r.position is None, r.position or 0)))

    @strawberry.field(
        description="The starting grid. OpenF1 files a race's grid under the qualifying session "
        "that set it; for a race with none of its own, that session's grid is returned."
    )
    async def starting_grid(self, info: Info) -> list[GridSlot]:
        rows = await filed_grid_rows(info, self.session_key)
        return GridSlot.many(sorted(rows, key=lambda r: (r.position is None, r.position or 0)))

    @strawberry.field(description="Every overtake (races only), in time order.")
    async def overtakes(self, info: Info) -> list[Overtake]:
        return Overtake.many(await session_view(info, self.session_key).rows(OVERTAKES))

    @strawberry.field(description="Team radio clips, in time order.")
    async def team_radio(self, info: Info) -> list[TeamRadio]:
        return TeamRadio.many(await session_view(info, self.session_key).rows(TEAM_RADIO))

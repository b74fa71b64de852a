"""The ``Driver`` type: a driver as entered in one session, with everything they did in it."""

from __future__ import annotations

from typing import Annotated

import strawberry

from f1graph.errors import NotFoundError
from f1graph.openf1 import INTERVALS, LAPS, PIT, POSITION, SESSION_RESULT, STINTS, records
from f1graph.runtime import Info
from f1graph.schema.analysis_fields import DriverAnalysisFields
from f1graph.schema.common import UNKNOWN, Presents, arg
from f1graph.schema.interval import Interval
from f1graph.schema.lap import Lap
from f1graph.schema.result import SessionResult
from f1graph.schema.session_data import known_driver_rows, session_view
from f1graph.schema.stint import Stint
from f1graph.schema.telemetry import DriverTelemetryFields
from f1graph.schema.timing import PitStop, Position


@strawberry.type(description="A driver as entered in one session.")
class Driver(DriverAnalysisFields, DriverTelemetryFields, Presents[records.Driver]):
    session_key: int = strawberry.field(description="The session.")
    meeting_key: int | None = strawberry.field(description="The meeting of the session.")
    driver_number: int = strawberry.field(description="The car number.")
    broadcast_name: str | None = strawberry.field(
        description="Name as shown on TV, e.g. M VERSTAPPEN."
    )
    full_name: str | None = strawberry.field(description="Full name.")
    first_name: str | None = strawberry.field(description="First name.")
    last_name: str | None = strawberry.field(description="Last name.")
    name_acronym: str | None = strawberry.field(description="Three-letter acronym, e.g. VER.")
    team_name: str | None = strawberry.field(description="Team.")
    team_colour: str | None = strawberry.field(description="Team colour as hex RRGGBB.")
    headshot_url: str | None = strawberry.field(description="Portrait picture.")
    country_code: str | None = strawberry.field(description="Nationality, ISO 3166 alpha-3.")

    @strawberry.field(description="The driver's laps, by lap number." + UNKNOWN)
    async def laps(self, info: Info) -> list[Lap] | None:
        rows = await known_driver_rows(info, LAPS, self.session_key, self.driver_number)
        return None if rows is None else Lap.many(rows)

    @strawberry.field(
        description="One lap; null with a NOT_FOUND error if the driver has no such lap."
    )
    async def lap(
        self, info: Info, lap_number: Annotated[int, arg("The lap number, from 1.")]
    ) -> Lap | None:
        dataset = await session_view(info, self.session_key).dataset(LAPS)
        row = dataset.by_driver_lap.get((self.driver_number, lap_number))
        if row is None:
            raise NotFoundError(
                f"Driver {self.driver_number} has no lap {lap_number} "
                f"in session {self.session_key}."
            )
        return Lap.one(row)

    @strawberry.field(description="The driver's stints, in order." + UNKNOWN)
    async def stints(self, info: Info) -> list[Stint] | None:
        rows = await known_driver_rows(info, STINTS, self.session_key, self.driver_number)
        return None if rows is None else Stint.many(rows)

    @strawberry.field(description="The driver's pit-lane visits, in time order." + UNKNOWN)
    async def pit_stops(self, info: Info) -> list[PitStop] | None:
        rows = await known_driver_rows(info, PIT, self.session_key, self.driver_number)
        return None if rows is None else PitStop.many(rows)

    @strawberry.field(description="The driver's position changes, in time order." + UNKNOWN)
    async def positions(self, info: Info) -> list[Position] | None:
        rows = await known_driver_rows(info, POSITION, self.session_key, self.driver_number)
        return None if rows is None else Position.many(rows)

    @strawberry.field(description="The driver's gaps over the session (races only)." + UNKNOWN)
    async def intervals(self, info: Info) -> list[Interval] | None:
        rows = await known_driver_rows(info, INTERVALS, self.session_key, self.driver_number)
        return None if rows is None else Interval.many(rows)

    @strawberry.field(description="The driver's classification in the session, if published.")
    async def result(self, info: Info) -> SessionResult | None:
        rows = await session_view(info, self.session_key).driver_rows(
            SESSION_RESULT, self.driver_number
        )
        return SessionResult.one(rows[0]) if rows else None

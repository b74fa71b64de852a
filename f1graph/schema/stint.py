"""The ``Stint`` type: a run on one set of tyres."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, cast

import strawberry

from f1graph.openf1 import LAPS, records
from f1graph.runtime import Info
from f1graph.schema.analysis_fields import StintAnalysisFields
from f1graph.schema.common import Presents
from f1graph.schema.session_data import session_view

if TYPE_CHECKING:
    from f1graph.schema.lap import Lap


@strawberry.type(description="A run on one set of tyres, from its first to its last lap.")
class Stint(StintAnalysisFields, Presents[records.Stint]):
    session_key: int = strawberry.field(description="The session.")
    meeting_key: int | None = strawberry.field(description="The meeting of the session.")
    driver_number: int = strawberry.field(description="The driver's car number.")
    stint_number: int = strawberry.field(description="The stint's number for the driver, from 1.")
    lap_start: int | None = strawberry.field(description="First lap of the stint.")
    lap_end: int | None = strawberry.field(description="Last lap of the stint.")
    compound: str | None = strawberry.field(
        description="Tyre compound: SOFT, MEDIUM, HARD, INTERMEDIATE, WET (or UNKNOWN)."
    )
    tyre_age_at_start: int | None = strawberry.field(
        description="Age of the tyres at the stint's start [laps]."
    )

    @strawberry.field(description="The laps of the stint, in order.")
    async def laps(self, info: Info) -> list[Annotated[Lap, strawberry.lazy("f1graph.schema.lap")]]:
        if self.lap_start is None:
            return []
        end = self.lap_end if self.lap_end is not None else 10_000
        rows = await session_view(info, self.session_key).driver_rows(LAPS, self.driver_number)
        return cast("list[Lap]", [r for r in rows if self.lap_start <= r.lap_number <= end])

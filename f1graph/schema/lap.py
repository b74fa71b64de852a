"""The ``Lap`` type and its mini-sector ``Segment``s."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, cast

import strawberry

from f1graph.analysis.stints import stint_for_lap
from f1graph.openf1 import STINTS, records
from f1graph.runtime import Info
from f1graph.schema.analysis_fields import LapAnalysisFields
from f1graph.schema.common import Presents
from f1graph.schema.session_data import session_drivers, session_view
from f1graph.schema.telemetry import LapTelemetryFields

if TYPE_CHECKING:
    from f1graph.schema.driver import Driver
    from f1graph.schema.stint import Stint


@strawberry.enum(description="What a mini-sector's colour code means (OpenF1 documentation).")
class SegmentStatus(Enum):
    YELLOW = strawberry.enum_value(2048, description="2048: sector completed, no improvement.")
    GREEN = strawberry.enum_value(2049, description="2049: the driver's personal best.")
    PURPLE = strawberry.enum_value(2051, description="2051: the overall best of the session.")
    PIT_LANE = strawberry.enum_value(2064, description="2064: the car is in the pit lane.")
    NOT_AVAILABLE = strawberry.enum_value(0, description="0: not available.")
    NO_STATUS = strawberry.enum_value(-1, description="null: no status recorded.")
    UNKNOWN = strawberry.enum_value(-2, description="Any other code (2050, 2052, 2068 are seen).")


_BY_CODE: dict[int, SegmentStatus] = {
    2048: SegmentStatus.YELLOW,
    2049: SegmentStatus.GREEN,
    2051: SegmentStatus.PURPLE,
    2064: SegmentStatus.PIT_LANE,
    0: SegmentStatus.NOT_AVAILABLE,
}


def segment_status(code: int | None) -> SegmentStatus:
    """The status of a mini-sector code; ``None`` is NO_STATUS, undocumented codes UNKNOWN."""
    if code is None:
        return SegmentStatus.NO_STATUS
    return _BY_CODE.get(code, SegmentStatus.UNKNOWN)


@strawberry.type(description="One mini-sector of a lap, with its colour code.")
class Segment:
    sector: int = strawberry.field(description="The sector, 1 to 3.")
    index: int = strawberry.field(description="The mini-sector's position in its sector, from 0.")
    code: int | None = strawberry.field(description="The raw code OpenF1 sent (null: none).")
    status: SegmentStatus = strawberry.field(description="What the code means.")


@strawberry.type(description="One lap of one driver, as OpenF1 timed it.")
class Lap(LapAnalysisFields, LapTelemetryFields, Presents[records.Lap]):
    session_key: int = strawberry.field(description="The session the lap belongs to.")
    meeting_key: int | None = strawberry.field(description="The meeting of the session.")
    driver_number: int = strawberry.field(description="The driver's car number.")
    lap_number: int = strawberry.field(description="The lap's number, from 1.")
    date_start: datetime | None = strawberry.field(
        description="When the lap started (UTC); null for some first laps."
    )
    lap_duration: float | None = strawberry.field(
        description="Lap time [s]; null for lap 1 and incomplete laps (not a DNF)."
    )
    duration_sector_1: float | None = strawberry.field(description="Sector 1 time [s].")
    duration_sector_2: float | None = strawberry.field(description="Sector 2 time [s].")
    duration_sector_3: float | None = strawberry.field(description="Sector 3 time [s].")
    i1_speed: int | None = strawberry.field(description="Speed at intermediate 1 [km/h].")
    i2_speed: int | None = strawberry.field(description="Speed at intermediate 2 [km/h].")
    st_speed: int | None = strawberry.field(description="Speed at the speed trap [km/h].")
    is_pit_out_lap: bool | None = strawberry.field(
        description="Whether the lap started in the pit lane."
    )
    segments_sector_1: list[int | None] | None = strawberry.field(
        description="Raw mini-sector codes of sector 1."
    )
    segments_sector_2: list[int | None] | None = strawberry.field(
        description="Raw mini-sector codes of sector 2."
    )
    segments_sector_3: list[int | None] | None = strawberry.field(
        description="Raw mini-sector codes of sector 3."
    )

    @strawberry.field(description="Every mini-sector of the lap, sector by sector, decoded.")
    def segments(self) -> list[Segment]:
        out: list[Segment] = []
        for sector, codes in (
            (1, self.segments_sector_1),
            (2, self.segments_sector_2),
            (3, self.segments_sector_3),
        ):
            for index, code in enumerate(codes or ()):
                out.append(
                    Segment(sector=sector, index=index, code=code, status=segment_status(code))
                )
        return out

    @strawberry.field(description="The driver who ran the lap.")
    async def driver(
        self, info: Info
    ) -> Annotated[Driver, strawberry.lazy("f1graph.schema.driver")] | None:
        found = (await session_drivers(info, self.session_key)).get(self.driver_number)
        return cast("Driver", found)

    @strawberry.field(description="The stint (tyre set) the lap was run on, if known.")
    async def stint(
        self, info: Info
    ) -> Annotated[Stint, strawberry.lazy("f1graph.schema.stint")] | None:
        stints = await session_view(info, self.session_key).driver_rows(STINTS, self.driver_number)
        found = stint_for_lap(self, stints)  # type: ignore[arg-type]
        return cast("Stint", found) if found is not None else None

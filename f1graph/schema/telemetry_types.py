"""The results of the car-data analyses (the series are in
:mod:`f1graph.schema.telemetry_series`)."""

from __future__ import annotations

import strawberry

from f1graph.analysis import comparison as comparison_analysis
from f1graph.analysis import telemetry as telemetry_analysis
from f1graph.schema.common import Presents
from f1graph.schema.scalars import FloatArray


@strawberry.type(description="One car's speeds [km/h], from car data and the speed traps.")
class SpeedAnalysis(Presents[telemetry_analysis.SpeedAnalysis]):
    driver_number: int = strawberry.field(description="The car number.")
    samples: int = strawberry.field(description="Car-data samples read.")
    top_speed_kph: int | None = strawberry.field(
        name="topSpeed", description="Highest speed sampled [km/h]."
    )
    mean_speed_kph: float | None = strawberry.field(
        name="meanSpeed",
        description="Mean of the samples with speed > 0 [km/h] (time parked does not count).",
    )
    max_i1_speed_kph: int | None = strawberry.field(
        name="maxI1Speed", description="Best intermediate-1 speed over the laps [km/h]."
    )
    max_i2_speed_kph: int | None = strawberry.field(
        name="maxI2Speed", description="Best intermediate-2 speed over the laps [km/h]."
    )
    max_st_speed_kph: int | None = strawberry.field(
        name="maxStSpeed", description="Best speed-trap speed over the laps [km/h]."
    )


@strawberry.type(
    description="One car's DRS use. DRS is open on codes 10, 12 and 14 (0 and 1 off, 8 "
    "eligible but closed, 2, 3 and 9 unknown). From 2026 there is no DRS: applicable is false "
    "and every figure is zero."
)
class DrsAnalysis(Presents[telemetry_analysis.DrsAnalysis]):
    driver_number: int = strawberry.field(description="The car number.")
    applicable: bool = strawberry.field(description="Whether the season had DRS.")
    samples: int = strawberry.field(description="Car-data samples read.")
    openings: int = strawberry.field(
        description="Transitions into an open code: open samples whose previous sample was not."
    )
    open_time_s: float = strawberry.field(
        name="openTime",
        description="Time open [s]: each open sample holds until the next, at most 1 s.",
    )
    open_sample_share: float | None = strawberry.field(
        description="Share of samples with DRS open, 0 to 1 (null with no samples)."
    )
    laps_with_drs: list[int] = strawberry.field(
        description="Lap numbers whose time window holds at least one open sample."
    )


@strawberry.type(description="Time spent in one gear.")
class GearTime(Presents[telemetry_analysis.GearTime]):
    gear: int = strawberry.field(description="The gear, 0 (neutral) to 8.")
    time_s: float = strawberry.field(
        name="time", description="Time in it [s] (samples hold at most 1 s)."
    )
    time_share: float = strawberry.field(description="Share of the car's time, 0 to 1.")


@strawberry.type(description="One car's gear and engine use.")
class GearAnalysis(Presents[telemetry_analysis.GearAnalysis]):
    driver_number: int = strawberry.field(description="The car number.")
    samples: int = strawberry.field(description="Car-data samples read.")
    time_in_gear: list[GearTime] = strawberry.field(description="Each gear used, ascending.")
    gear_changes: int = strawberry.field(
        description="Changes to a different gear, neutral samples left out (5-0-5 is none)."
    )
    top_rpm: int | None = strawberry.field(description="Highest engine speed [rpm].")
    mean_rpm: float | None = strawberry.field(
        description="Mean engine speed while running (rpm > 0) [rpm]."
    )


@strawberry.type(description="One car's figures in a comparison.")
class DriverComparison(Presents[comparison_analysis.DriverComparison]):
    driver_number: int = strawberry.field(description="The car number.")
    samples: int = strawberry.field(description="Car-data samples compared.")
    top_speed_kph: int | None = strawberry.field(
        name="topSpeed", description="Highest speed [km/h]."
    )
    mean_speed_kph: float | None = strawberry.field(
        name="meanSpeed", description="Mean moving speed [km/h]."
    )
    full_throttle_share: float | None = strawberry.field(
        description="Share of samples at full throttle (>= 98 %), 0 to 1."
    )
    braking_share: float | None = strawberry.field(
        description="Share of samples braking (brake > 0), 0 to 1."
    )
    drs_open_share: float | None = strawberry.field(
        description="Share of samples with DRS open, 0 to 1; null in seasons without DRS."
    )


@strawberry.type(
    description="One car's lap on the comparison's distance grid (linear interpolation)."
)
class LapTrace(Presents[comparison_analysis.LapTrace]):
    driver_number: int = strawberry.field(description="The car number.")
    lap_number: int = strawberry.field(description="The lap.")
    lap_distance_m: float = strawberry.field(
        name="lapDistance", description="Distance the car covered [m]."
    )
    speed_kph: FloatArray = strawberry.field(
        name="speed", description="Speed at each grid point [km/h]."
    )
    throttle_pct: FloatArray = strawberry.field(
        name="throttle", description="Throttle at each grid point [%]."
    )
    brake_pct: FloatArray = strawberry.field(
        name="brake", description="Brake at each grid point [%]."
    )


@strawberry.type(description="Cars side by side over a session or one lap.")
class Comparison(Presents[comparison_analysis.Comparison]):
    lap_number: int | None = strawberry.field(description="The lap compared; null: the session.")
    drivers: list[DriverComparison] = strawberry.field(description="Each car, by car number.")
    distance_m: FloatArray = strawberry.field(
        name="distance",
        description="The traces' common grid [m]: every 10 m from the line up to the shortest "
        "distance any car covered on the lap (distance integrated from speed). "
        "Empty without a lap.",
    )
    traces: list[LapTrace] = strawberry.field(description="Each car's lap on that grid.")

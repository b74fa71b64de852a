"""Result types of the lap, stint, pit and performance analyses (sources: analysis dataclasses).

Times are seconds and speeds km/h; field names follow OpenF1's (``lapDuration``, ``stSpeed``).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from f1graph.analysis import laps as laps_analysis
from f1graph.analysis import performance as performance_analysis
from f1graph.analysis import pits as pits_analysis
from f1graph.analysis import stints as stints_analysis
from f1graph.schema.common import Presents

if TYPE_CHECKING:
    from f1graph.schema.lap import Lap

F = strawberry.field
UNDECIDED = (
    " Null while a lap's cleanliness is undecided: the session's pit or race-control data is "
    "unavailable (extensions.unavailable)."
)


@strawberry.type(description="The best time in one sector, with who set it and on which lap.")
class SectorBest(Presents[laps_analysis.SectorBest]):
    sector: int = F(description="The sector, 1 to 3.")
    duration_s: float = F(name="duration", description="The sector time [s].")
    driver_number: int = F(description="Who set it.")
    lap_number: int = F(description="On which lap.")


@strawberry.type(description="The highest speed at one speed trap, with who and on which lap.")
class SpeedTrapBest(Presents[laps_analysis.SpeedTrapBest]):
    trap: str = F(description="i1_speed, i2_speed or st_speed.")
    speed_kph: int = F(name="speed", description="The speed [km/h].")
    driver_number: int = F(description="Who set it.")
    lap_number: int = F(description="On which lap.")


@strawberry.type(description="Session totals of the lap data.")
class LapStatistics(Presents[laps_analysis.LapStatistics]):
    total_laps: int = F(description="Lap rows recorded.")
    timed_laps: int = F(description="Laps with a lap time.")
    max_lap_number: int | None = F(
        description="The race distance [laps]: the highest lap number a car completed (timed, "
        "or followed by a later lap), never the untimed row a car files after the flag."
    )
    driver_count: int = F(description="Drivers with at least one lap.")
    fastest_lap: Annotated[Lap, strawberry.lazy("f1graph.schema.lap")] | None = F(
        description="The fastest lap (ties: the earlier)."
    )
    best_sector_1: SectorBest | None = F(description="Best sector 1.")
    best_sector_2: SectorBest | None = F(description="Best sector 2.")
    best_sector_3: SectorBest | None = F(description="Best sector 3.")
    max_i1_speed: SpeedTrapBest | None = F(description="Highest intermediate 1 speed.")
    max_i2_speed: SpeedTrapBest | None = F(description="Highest intermediate 2 speed.")
    max_st_speed: SpeedTrapBest | None = F(description="Highest speed-trap speed.")
    clean_lap_count: int | None = F(description="Clean laps (see DriverLapAnalysis)." + UNDECIDED)
    mean_clean_lap_s: float | None = F(name="meanCleanLap", description="Mean clean lap [s].")


@strawberry.type(
    description="A driver's pace. A clean lap has a lap time, is not lap 1, not a pit-out or "
    "pit-in lap, was not run under SC, VSC or red flag, and is within 107% "
    "(CLEAN_LAP_THRESHOLD) of the driver's best lap among laps passing the other tests. While "
    "the session's pit or race-control data is unavailable (extensions.unavailable), a lap "
    "passing the tests that do not need it is undecided, and the clean-lap figures are null."
)
class DriverLapAnalysis(Presents[laps_analysis.DriverLapAnalysis]):
    driver_number: int = F(description="The driver's car number.")
    lap_count: int = F(description="Laps recorded.")
    clean_lap_count: int | None = F(description="Clean laps." + UNDECIDED)
    best_clean_lap_s: float | None = F(name="best", description="Best clean lap [s].")
    mean_clean_lap_s: float | None = F(name="mean", description="Mean of clean laps [s].")
    median_clean_lap_s: float | None = F(name="median", description="Median of clean laps [s].")
    stdev_clean_lap_s: float | None = F(
        name="stdev", description="Sample standard deviation of clean laps [s]; null under 2."
    )
    best_sector_1_s: float | None = F(name="bestSector1", description="Best sector 1 [s].")
    best_sector_2_s: float | None = F(name="bestSector2", description="Best sector 2 [s].")
    best_sector_3_s: float | None = F(name="bestSector3", description="Best sector 3 [s].")
    theoretical_best_s: float | None = F(
        name="theoreticalBest", description="Sum of the driver's best sectors [s]."
    )


@strawberry.type(description="One stint of a strategy: compound and lap range.")
class StrategyStint(Presents[stints_analysis.StrategyStint]):
    stint_number: int = F(description="The stint's number, from 1.")
    compound: str | None = F(description="The compound.")
    lap_start: int | None = F(description="First lap.")
    lap_end: int | None = F(description="Last lap.")
    lap_count: int | None = F(
        description="Laps run on the stint's tyres; a lap two stints share in OpenF1 (the "
        "in-lap) counts for the earlier one only."
    )
    tyre_age_at_start: int | None = F(description="Tyre age at the start [laps].")


@strawberry.type(description="A driver's tyre strategy.")
class DriverStrategy(Presents[stints_analysis.DriverStrategy]):
    driver_number: int = F(description="The driver's car number.")
    stints: list[StrategyStint] = F(description="Stints in order.")
    stops: int = F(
        description="Stops: tyre changes (stints minus one), less those made while the session "
        "was suspended (red flag) when race control says so."
    )
    red_flag_changes: int | None = F(
        description="Tyre changes made while the session was suspended (red flag), not counted "
        "as stops; null when race control is unavailable (then every change counts as a stop)."
    )
    label: str = F(description="Compound initials joined by '-', e.g. M-H-H ('?' unknown).")


@strawberry.type(description="How many drivers ran one strategy.")
class StrategyCount(Presents[stints_analysis.StrategyCount]):
    label: str = F(description="The strategy label, e.g. M-H-H.")
    count: int = F(description="Drivers who ran it.")


@strawberry.type(description="One stint's clean-lap pace and tyre degradation.")
class StintWear(Presents[stints_analysis.StintWear]):
    driver_number: int = F(description="The driver's car number.")
    stint_number: int = F(description="The stint.")
    compound: str | None = F(description="The compound.")
    lap_start: int | None = F(description="First lap.")
    lap_end: int | None = F(description="Last lap.")
    clean_lap_count: int | None = F(description="Clean laps in the stint." + UNDECIDED)
    mean_clean_lap_s: float | None = F(name="meanCleanLap", description="Mean clean lap [s].")
    degradation_s_per_lap: float | None = F(
        name="degradation",
        description="Least-squares slope of clean lap time against tyre age [s per lap]; "
        "null under 3 clean laps." + UNDECIDED,
    )


@strawberry.type(description="How one compound went over the session.")
class CompoundPerformance(Presents[stints_analysis.CompoundPerformance]):
    compound: str = F(description="The compound.")
    stint_count: int = F(description="Stints run on it.")
    laps_run: int = F(description="Laps run on it.")
    clean_lap_count: int | None = F(description="Clean laps on it." + UNDECIDED)
    best_clean_lap_s: float | None = F(name="bestCleanLap", description="Best clean lap [s].")
    mean_clean_lap_s: float | None = F(name="meanCleanLap", description="Mean clean lap [s].")
    mean_degradation_s_per_lap: float | None = F(
        name="meanDegradation", description="Mean of its stints' degradation [s per lap]."
    )


@strawberry.type(description="One pit stop, with lane and stationary times.")
class PitStopSummary(Presents[pits_analysis.PitStopSummary]):
    date: datetime = F(description="Pit entry (UTC).")
    driver_number: int = F(description="The driver's car number.")
    name_acronym: str | None = F(description="The driver's acronym.")
    team_name: str | None = F(description="The team.")
    lap_number: int | None = F(description="The lap the car pitted on.")
    lane_duration_s: float | None = F(
        name="laneDuration", description="Pit entry to exit [s] (lane_duration, or pit_duration)."
    )
    stop_duration_s: float | None = F(
        name="stopDuration", description="Stationary time [s]; from 2025 on."
    )


@strawberry.type(description="A team's pit stops.")
class TeamPitStops(Presents[pits_analysis.TeamPitStops]):
    team_name: str | None = F(description="The team.")
    stop_count: int = F(description="Stops.")
    mean_lane_duration_s: float | None = F(name="meanLaneDuration", description="Mean [s].")
    best_lane_duration_s: float | None = F(name="bestLaneDuration", description="Best [s].")


@strawberry.type(description="Every stop, the fastest, and per-team means.")
class PitStopAnalysis(Presents[pits_analysis.PitStopAnalysis]):
    stops: list[PitStopSummary] = F(description="Every stop in time order.")
    fastest: PitStopSummary | None = F(description="The shortest lane time.")
    fastest_stationary: PitStopSummary | None = F(description="The shortest stationary time.")
    teams: list[TeamPitStops] = F(description="Per team, by mean lane time.")


@strawberry.type(description="A driver's session in figures.")
class DriverPerformance(Presents[performance_analysis.DriverPerformance]):
    driver_number: int = F(description="The driver's car number.")
    laps_completed: int = F(description="Laps completed (classification, else laps run).")
    best_lap_s: float | None = F(name="bestLap", description="Best lap [s].")
    best_lap_number: int | None = F(description="Which lap was the best.")
    mean_clean_lap_s: float | None = F(
        name="meanLap", description="Mean clean lap [s]." + UNDECIDED
    )
    best_sector_1_s: float | None = F(name="bestSector1", description="Best sector 1 [s].")
    best_sector_2_s: float | None = F(name="bestSector2", description="Best sector 2 [s].")
    best_sector_3_s: float | None = F(name="bestSector3", description="Best sector 3 [s].")
    top_speed_kph: int | None = F(
        name="topSpeed", description="Highest i1, i2 or speed-trap speed [km/h]."
    )
    pit_stops: int | None = F(
        description="The driver's pit-lane visits (rows in OpenF1's pit data); null when the "
        "session's pit data is unavailable (see extensions.unavailable)."
    )
    start_position: int | None = F(
        description="The grid slot, else (races) the last position row before the start; null "
        "when neither is known."
    )
    finish_position: int | None = F(
        description="Classified position, else the place in the running order at the end."
    )
    places_gained: int | None = F(description="Start minus finish: positive is forward.")
    dnf: bool | None = F(description="Did not finish (session_result).")
    dns: bool | None = F(description="Did not start (session_result).")
    dsq: bool | None = F(description="Disqualified (session_result).")

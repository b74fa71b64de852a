"""The session-wide analyses: every result the session view memoises once per dataset version.

Each constant is an :class:`~f1graph.data.session.Analysis`: a pure function of
:mod:`f1graph.analysis` over one session's datasets (and over other analyses of this list), with
no argument of the request. Anything that needs such an argument (``standings(at)``, one
driver's lap analysis, one stint's degradation) is computed per call from these.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from f1graph.analysis import incidents, intervals, laps, performance, pits, positions, stints
from f1graph.analysis import race_control as rc
from f1graph.analysis.clean import LapContext, LapExclusion
from f1graph.analysis.track_status import TrackStatus
from f1graph.data.session import START_GRID, Analysis, Inputs

LAP_CONTEXT = Analysis(
    "lap_context",
    lambda i: LapContext.build(
        i.rows("laps"), i.rows("pit"), i.rows("race_control"), i.session_end
    ),
    reads=("laps", "pit", "race_control", "sessions"),
)
"""The session's laps with pits and track status applied: the one clean-lap definition."""


@dataclass(frozen=True, slots=True)
class LapFacts:
    """What the analyses say of one lap."""

    is_pit_in_lap: bool
    is_clean: bool
    clean_lap_exclusion: LapExclusion | None
    is_personal_best: bool
    tyre_age: int | None
    compound: str | None
    track_status: TrackStatus | None


FactsByLap = dict[tuple[int, int], LapFacts]


def _lap_facts(i: Inputs) -> FactsByLap:
    ctx = i.get(LAP_CONTEXT)
    deleted = incidents.deleted_laps(i.rows("race_control"))
    stints_by_driver: dict[int, list[Any]] = {}
    for s in i.rows("stints"):
        stints_by_driver.setdefault(s.driver_number, []).append(s)
    out: FactsByLap = {}
    for driver in ctx.drivers:
        driver_laps = ctx.driver_laps(driver)  # by lap number
        for n, lap in enumerate(driver_laps):
            stint = stints.stint_for_lap(lap, stints_by_driver.get(driver, []))
            out[(lap.driver_number, lap.lap_number)] = LapFacts(
                is_pit_in_lap=ctx.is_pit_in_lap(lap),
                is_clean=ctx.is_clean(lap),
                clean_lap_exclusion=ctx.exclusion(lap),
                is_personal_best=laps.is_personal_best(lap, driver_laps[: n + 1], deleted),
                tyre_age=None if stint is None else stints.tyre_age(lap, stint),
                compound=None if stint is None else stint.compound,
                track_status=ctx.track_status(lap),
            )
    return out


LAP_FACTS = Analysis("lap_facts", _lap_facts, reads=("race_control", "stints"), uses=(LAP_CONTEXT,))
"""Per (driver, lap): what the analyses say of the lap (``Lap.isClean``, ``Lap.tyreAge``...)."""

FASTEST_LAP = Analysis("fastest_lap", lambda i: laps.fastest_lap(i.rows("laps")), reads=("laps",))
FASTEST_LAPS = Analysis(
    "fastest_laps", lambda i: laps.fastest_laps(i.rows("laps")), reads=("laps",)
)
LAP_STATISTICS = Analysis(
    "lap_statistics", lambda i: laps.lap_statistics(i.get(LAP_CONTEXT)), uses=(LAP_CONTEXT,)
)
LAP_ANALYSIS = Analysis(
    "lap_analysis", lambda i: laps.lap_analysis(i.get(LAP_CONTEXT)), uses=(LAP_CONTEXT,)
)
GAP_ANALYSIS = Analysis(
    "gap_analysis", lambda i: intervals.gap_analysis(i.rows("intervals")), reads=("intervals",)
)
POSITION_CHANGES = Analysis(
    "position_changes",
    lambda i: positions.position_changes(i.rows("position"), i.start_grid),
    reads=("position", START_GRID),
)
RACE_PROGRESS = Analysis(
    "race_progress",
    lambda i: positions.race_progress(i.rows("laps"), i.rows("position")),
    reads=("laps", "position"),
)
SAFETY_CAR_PERIODS = Analysis(
    "safety_car_periods",
    lambda i: rc.safety_car_periods(i.rows("race_control"), i.rows("laps"), i.session_end),
    reads=("race_control", "laps", "sessions"),
)
FLAGS = Analysis("flags", lambda i: rc.flags(i.rows("race_control")), reads=("race_control",))
INCIDENTS = Analysis(
    "incidents", lambda i: incidents.incidents(i.rows("race_control")), reads=("race_control",)
)
TIMELINE = Analysis(
    "timeline",
    lambda i: rc.timeline(i.rows("race_control"), i.rows("pit"), i.get(SAFETY_CAR_PERIODS)),
    reads=("race_control", "pit"),
    uses=(SAFETY_CAR_PERIODS,),
)
RACE_CONTROL_STATISTICS = Analysis(
    "race_control_statistics",
    lambda i: rc.race_control_statistics(i.rows("race_control"), i.get(SAFETY_CAR_PERIODS)),
    reads=("race_control",),
    uses=(SAFETY_CAR_PERIODS,),
)
TYRE_STRATEGIES = Analysis(
    "tyre_strategies", lambda i: stints.tyre_strategies(i.rows("stints")), reads=("stints",)
)
COMMON_STRATEGIES = Analysis(
    "common_strategies",
    lambda i: stints.common_strategies(i.get(TYRE_STRATEGIES)),
    uses=(TYRE_STRATEGIES,),
)
PIT_STOP_ANALYSIS = Analysis(
    "pit_stop_analysis",
    lambda i: pits.pit_stop_analysis(i.rows("pit"), i.rows("drivers")),
    reads=("pit", "drivers"),
)
TYRE_PERFORMANCE = Analysis(
    "tyre_performance",
    lambda i: stints.tyre_performance(i.rows("stints"), i.get(LAP_CONTEXT)),
    reads=("stints",),
    uses=(LAP_CONTEXT,),
)
WEAR_ANALYSIS = Analysis(
    "wear_analysis",
    lambda i: stints.stint_wear(i.rows("stints"), i.get(LAP_CONTEXT)),
    reads=("stints",),
    uses=(LAP_CONTEXT,),
)
PERFORMANCE = Analysis(
    "performance",
    lambda i: performance.driver_performance(
        i.get(LAP_CONTEXT), i.rows("position"), i.rows("session_result"), i.start_grid
    ),
    reads=("position", "session_result", START_GRID),
    uses=(LAP_CONTEXT,),
)

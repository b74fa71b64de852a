"""The session-wide analyses: every result the session view memoises once per dataset version.

Each constant is an :class:`~f1graph.data.session.Analysis`: a pure function of
:mod:`f1graph.analysis` over one session's datasets (and over other analyses of this list), with
no argument of the request. Anything that needs such an argument (``standings(at)``, one
driver's lap analysis, one stint's degradation) is computed per call from these.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from f1graph.analysis import (
    incidents,
    intervals,
    laps,
    performance,
    pits,
    positions,
    running_order,
    stints,
)
from f1graph.analysis import race_control as rc
from f1graph.analysis.clean import LapContext, LapExclusion
from f1graph.analysis.track_status import TrackStatus
from f1graph.data.session import START_GRID, Analysis, Inputs
from f1graph.openf1 import (
    DRIVERS,
    INTERVALS,
    LAPS,
    PIT,
    POSITION,
    RACE_CONTROL,
    SESSION_RESULT,
    SESSIONS,
    STINTS,
    Endpoint,
)
from f1graph.openf1.records import Driver

LAP_CONTEXT = Analysis(
    "lap_context",
    lambda i: LapContext.build(i.rows(LAPS), i.known(PIT), i.known(RACE_CONTROL), i.session_end),
    reads=(LAPS, PIT, RACE_CONTROL, SESSIONS),
)
"""The session's laps with pits and track status applied: the one clean-lap definition. Pit or
race-control rows missing although the session should have them are unknown, so the laps whose
cleanliness needs them are undecided (:mod:`f1graph.analysis.clean`)."""


@dataclass(frozen=True, slots=True)
class LapFacts:
    """What the analyses say of one lap."""

    is_pit_in_lap: bool | None
    is_clean: bool | None
    clean_lap_exclusion: LapExclusion | None
    is_personal_best: bool | None
    tyre_age: int | None
    compound: str | None
    track_status: TrackStatus | None


LAP_FACT_NEEDS: dict[str, tuple[str, ...]] = {
    "is_pit_in_lap": ("pit",),
    "is_clean": ("pit", "race_control"),
    "clean_lap_exclusion": ("pit", "race_control"),
    "is_personal_best": ("race_control",),
    "tyre_age": ("stints",),
    "compound": ("stints",),
    "track_status": ("race_control",),
}
"""The datasets each fact is derived from: when one is unavailable the answer lists it, and the
facts typed nullable above are null (unknown) rather than a guess."""


@dataclass(frozen=True, slots=True)
class SessionFacts:
    """Every lap's facts, and the source datasets missing although the session should have
    them."""

    by_lap: dict[tuple[int, int], LapFacts]
    missing: frozenset[str]


_FACT_SOURCES: tuple[Endpoint[Any], ...] = (LAPS, PIT, RACE_CONTROL, SESSIONS, STINTS)


def _lap_facts(i: Inputs) -> SessionFacts:
    missing = frozenset(e.name for e in _FACT_SOURCES if i.known(e) is None)
    ctx = i.get(LAP_CONTEXT)
    race_control = i.known(RACE_CONTROL)
    deleted = None if race_control is None else incidents.deleted_laps(race_control)
    stints_by_driver: dict[int, list[Any]] = {}
    for s in sorted(i.rows(STINTS), key=lambda s: s.stint_number):
        stints_by_driver.setdefault(s.driver_number, []).append(s)
    out: dict[tuple[int, int], LapFacts] = {}
    for driver in ctx.drivers:
        driver_laps = ctx.driver_laps(driver)  # by lap number
        driver_stints = stints_by_driver.get(driver, [])
        for n, lap in enumerate(driver_laps):
            stint = stints.stint_for_lap(lap, driver_stints)
            age = None
            if stint is not None:
                age = stints.tyre_age(lap, stint, stints.previous_stint(stint, driver_stints))
            out[(lap.driver_number, lap.lap_number)] = LapFacts(
                is_pit_in_lap=ctx.is_pit_in_lap(lap),
                is_clean=ctx.is_clean(lap),
                clean_lap_exclusion=ctx.exclusion(lap),
                is_personal_best=laps.is_personal_best(lap, driver_laps[: n + 1], deleted),
                tyre_age=age,
                compound=None if stint is None else stint.compound,
                track_status=ctx.track_status(lap),
            )
    return SessionFacts(out, missing)


LAP_FACTS = Analysis("lap_facts", _lap_facts, reads=_FACT_SOURCES, uses=(LAP_CONTEXT,))
"""Every lap's facts (``Lap.isClean``, ``Lap.tyreAge``...) and the datasets they lacked."""

FASTEST_LAP = Analysis("fastest_lap", lambda i: laps.fastest_lap(i.rows(LAPS)), reads=(LAPS,))
FASTEST_LAPS = Analysis("fastest_laps", lambda i: laps.fastest_laps(i.rows(LAPS)), reads=(LAPS,))
LAP_STATISTICS = Analysis(
    "lap_statistics", lambda i: laps.lap_statistics(i.get(LAP_CONTEXT)), uses=(LAP_CONTEXT,)
)
LAP_ANALYSIS = Analysis(
    "lap_analysis", lambda i: laps.lap_analysis(i.get(LAP_CONTEXT)), uses=(LAP_CONTEXT,)
)
GAP_ANALYSIS = Analysis(
    "gap_analysis", lambda i: intervals.gap_analysis(i.rows(INTERVALS)), reads=(INTERVALS,)
)


def _running_order(i: Inputs) -> running_order.RunningOrder:
    sessions = i.rows(SESSIONS)
    return running_order.RunningOrder.of_session(
        sessions[0] if sessions else None, i.rows(LAPS), i.rows(POSITION), i.start_grid
    )


RUNNING_ORDER = Analysis(
    "running_order", _running_order, reads=(LAPS, POSITION, SESSIONS, START_GRID)
)
"""The one running order (:mod:`f1graph.analysis.running_order`): standings at any instant,
position changes, finishing positions and race progress all read it."""
LATEST_INTERVALS = Analysis(
    "latest_intervals",
    lambda i: intervals.LatestRows.of(i.rows(INTERVALS)),
    reads=(INTERVALS,),
)
"""Interval rows per car in time order, for the standings at an instant."""
POSITION_CHANGES = Analysis(
    "position_changes",
    lambda i: positions.position_changes(i.get(RUNNING_ORDER)),
    uses=(RUNNING_ORDER,),
)
RACE_PROGRESS = Analysis(
    "race_progress", lambda i: i.get(RUNNING_ORDER).progress(), uses=(RUNNING_ORDER,)
)
SAFETY_CAR_PERIODS = Analysis(
    "safety_car_periods",
    lambda i: rc.safety_car_periods(i.rows(RACE_CONTROL), i.rows(LAPS), i.session_end),
    reads=(RACE_CONTROL, LAPS, SESSIONS),
)
FLAGS = Analysis("flags", lambda i: rc.flags(i.rows(RACE_CONTROL)), reads=(RACE_CONTROL,))
INCIDENTS = Analysis(
    "incidents", lambda i: incidents.incidents(i.rows(RACE_CONTROL)), reads=(RACE_CONTROL,)
)
TIMELINE = Analysis(
    "timeline",
    lambda i: rc.timeline(i.rows(RACE_CONTROL), i.rows(PIT), i.get(SAFETY_CAR_PERIODS)),
    reads=(RACE_CONTROL, PIT),
    uses=(SAFETY_CAR_PERIODS,),
)
RACE_CONTROL_STATISTICS = Analysis(
    "race_control_statistics",
    lambda i: rc.race_control_statistics(i.rows(RACE_CONTROL), i.get(SAFETY_CAR_PERIODS)),
    reads=(RACE_CONTROL,),
    uses=(SAFETY_CAR_PERIODS,),
)
RED_FLAG_LAPS = Analysis(
    "red_flag_laps",
    lambda i: (
        None if i.known(RACE_CONTROL) is None else rc.red_flag_laps(i.get(LAP_CONTEXT).timeline)
    ),
    reads=(RACE_CONTROL, SESSIONS),
    uses=(LAP_CONTEXT,),
)
"""The red-flag periods by the leader's laps; None when race control is unavailable."""
TYRE_STRATEGIES = Analysis(
    "tyre_strategies",
    lambda i: stints.tyre_strategies(i.rows(STINTS), i.get(RED_FLAG_LAPS)),
    reads=(STINTS,),
    uses=(RED_FLAG_LAPS,),
)
COMMON_STRATEGIES = Analysis(
    "common_strategies",
    lambda i: stints.common_strategies(i.get(TYRE_STRATEGIES)),
    uses=(TYRE_STRATEGIES,),
)
PIT_STOP_ANALYSIS = Analysis(
    "pit_stop_analysis",
    lambda i: pits.pit_stop_analysis(i.rows(PIT), i.rows(DRIVERS)),
    reads=(PIT, DRIVERS),
)
TYRE_PERFORMANCE = Analysis(
    "tyre_performance",
    lambda i: stints.tyre_performance(i.rows(STINTS), i.get(LAP_CONTEXT)),
    reads=(STINTS,),
    uses=(LAP_CONTEXT,),
)
WEAR_ANALYSIS = Analysis(
    "wear_analysis",
    lambda i: stints.stint_wear(i.rows(STINTS), i.get(LAP_CONTEXT)),
    reads=(STINTS,),
    uses=(LAP_CONTEXT,),
)
PERFORMANCE = Analysis(
    "performance",
    lambda i: performance.driver_performance(
        i.get(LAP_CONTEXT),
        i.get(RUNNING_ORDER),
        i.rows(SESSION_RESULT),
        pits_known=i.known(PIT) is not None,
    ),
    reads=(SESSION_RESULT, PIT, SESSIONS),
    uses=(LAP_CONTEXT, RUNNING_ORDER),
)
DRIVERS_BY_NUMBER = Analysis(
    "drivers_by_number",
    lambda i: {d.driver_number: d for d in sorted(i.rows(DRIVERS), key=lambda d: d.driver_number)},
    reads=(DRIVERS,),
)
"""The session's ``drivers`` rows by car number."""


_SEEN_IN: tuple[Endpoint[Any], ...] = (LAPS, STINTS, POSITION)


def _seen_drivers(i: Inputs) -> dict[int, Driver]:
    sessions = i.rows(SESSIONS)
    meeting_key = sessions[0].meeting_key if sessions else None
    numbers = sorted({n for ep in _SEEN_IN for n in i.dataset(ep).by_driver})
    return {
        n: Driver(session_key=i.session_key, meeting_key=meeting_key, driver_number=n)
        for n in numbers
    }


SEEN_DRIVERS = Analysis("seen_drivers", _seen_drivers, reads=(SESSIONS, LAPS, STINTS, POSITION))
"""Without ``drivers`` rows: every car seen in the laps, stints or positions, as a driver whose
number is known and names are null."""

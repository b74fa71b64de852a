"""Analysis fields (issue 3) of Session, Driver, Lap and Stint, as mixins of those types.

Each resolver fetches datasets through the request's loaders (no extra upstream call) and calls
a pure function of :mod:`f1graph.analysis`. Session-wide results are derived once per dataset
version (``Services.derived``), so per-lap and per-driver fields do not recompute them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import strawberry

from f1graph.analysis import incidents as inc
from f1graph.analysis import intervals, laps, performance, pits, positions, race_control, stints
from f1graph.analysis.clean import CLEAN_LAP_THRESHOLD, LapExclusion
from f1graph.runtime import Info
from f1graph.schema import lap_analysis_types as lt
from f1graph.schema import race_analysis_types as rt
from f1graph.schema.common import UNKNOWN, arg, as_graph, one_as_graph
from f1graph.schema.lap_facts import fact
from f1graph.schema.session_data import (
    clean_lap_context,
    known_driver_rows,
    known_rows,
    lap_context,
    rows,
    session_end,
    starting_grid_rows,
)
from f1graph.times import utc

if TYPE_CHECKING:
    from f1graph.schema.lap import Lap

T = TypeVar("T")
LapRef = Annotated["Lap", strawberry.lazy("f1graph.schema.lap")]
CLEAN = (
    "A clean lap has a lap time, is not lap 1, not a pit-out or pit-in lap, was not run under "
    f"SC, VSC or red flag, and is within {CLEAN_LAP_THRESHOLD:.0%} of the driver's best lap."
)
LapExclusionEnum = strawberry.enum(LapExclusion, description="Why a lap is not clean.")


def _computed(info: Info, fn: Callable[..., T], *inputs: Any) -> T:
    """``fn(*inputs)``, computed once per version of its inputs (datasets, lap contexts)."""
    # ids are safe in the key: the cache holds the inputs, so their ids cannot be reused
    key = (fn.__module__, fn.__qualname__, *map(id, inputs))
    return info.context.services.derived.get(key, inputs, lambda: fn(*inputs))


async def _sc_periods(info: Info, session_key: int) -> list[race_control.SafetyCarPeriod] | None:
    """The SC/VSC periods; None when race control is unavailable (unknown, not "none")."""
    rc, lap_rows, end = await asyncio.gather(
        known_rows(info, "race_control", session_key),
        rows(info, "laps", session_key),
        session_end(info, session_key),
    )
    if rc is None:
        return None
    return _computed(info, race_control.safety_car_periods, rc, lap_rows, end)


async def _red_flag_laps(info: Info, session_key: int) -> list[stints.LapSpan] | None:
    """The red-flag periods by the leader's laps; None when race control is unavailable."""
    if await known_rows(info, "race_control", session_key) is None:
        return None
    ctx = await lap_context(info, session_key)
    return _computed(info, race_control.red_flag_laps, ctx.timeline)


async def _strategies(info: Info, session_key: int) -> list[stints.DriverStrategy] | None:
    stint_rows, red = await asyncio.gather(
        known_rows(info, "stints", session_key), _red_flag_laps(info, session_key)
    )
    if stint_rows is None:
        return None
    return _computed(info, stints.tyre_strategies, stint_rows, red)


async def _performance(info: Info, session_key: int) -> list[performance.DriverPerformance]:
    ctx = await clean_lap_context(info, session_key)
    pos, result, grid, pits_known = await asyncio.gather(
        rows(info, "position", session_key),
        rows(info, "session_result", session_key),
        starting_grid_rows(info, session_key),
        known_rows(info, "pit", session_key),
    )
    return _computed(
        info, performance.driver_performance, ctx, pos, result, grid, pits_known is not None
    )


@strawberry.type
class SessionAnalysisFields:
    """Analysis fields of ``Session``."""

    if TYPE_CHECKING:
        session_key: int

    @strawberry.field(description="The fastest lap: smallest lap time (ties: earlier start).")
    async def fastest_lap(self, info: Info) -> LapRef | None:
        return laps.fastest_lap(await rows(info, "laps", self.session_key))  # type: ignore[return-value]

    @strawberry.field(description="Each driver's fastest lap, fastest first.")
    async def fastest_laps(self, info: Info) -> list[LapRef]:
        ranked = laps.fastest_laps(await rows(info, "laps", self.session_key))
        return [r.lap for r in ranked]  # type: ignore[misc]

    @strawberry.field(description="Session lap totals: bests per sector and speed trap. " + CLEAN)
    async def lap_statistics(self, info: Info) -> lt.LapStatistics:
        ctx = await clean_lap_context(info, self.session_key)
        return one_as_graph(lt.LapStatistics, _computed(info, laps.lap_statistics, ctx))

    @strawberry.field(description="Per driver: pace of clean laps and theoretical best. " + CLEAN)
    async def lap_analysis(self, info: Info) -> list[lt.DriverLapAnalysis]:
        ctx = await clean_lap_context(info, self.session_key)
        return as_graph(lt.DriverLapAnalysis, _computed(info, laps.lap_analysis, ctx))

    @strawberry.field(
        description="The running order at an instant: each driver's latest position and "
        "interval at or before it, by position."
    )
    async def standings(
        self, info: Info, at: Annotated[datetime, arg("The instant (UTC).")]
    ) -> list[rt.Standing]:
        pos, gaps = await asyncio.gather(
            rows(info, "position", self.session_key), rows(info, "intervals", self.session_key)
        )
        return as_graph(rt.Standing, intervals.standings(pos, gaps, utc(at)))

    @strawberry.field(
        description="Per driver: gaps to the car ahead and to the leader (races only)." + UNKNOWN
    )
    async def gap_analysis(self, info: Info) -> list[rt.GapAnalysis] | None:
        gaps = await known_rows(info, "intervals", self.session_key)
        if gaps is None:
            return None
        return as_graph(rt.GapAnalysis, _computed(info, intervals.gap_analysis, gaps))

    @strawberry.field(
        description="Per driver: start (grid, else first position), finish, places gained, "
        "every change."
    )
    async def position_changes(self, info: Info) -> list[rt.DriverPositions]:
        pos, grid = await asyncio.gather(
            rows(info, "position", self.session_key), starting_grid_rows(info, self.session_key)
        )
        return as_graph(rt.DriverPositions, _computed(info, positions.position_changes, pos, grid))

    @strawberry.field(description="Lap by lap: the order cars completed the lap, and the leader.")
    async def race_progress(self, info: Info) -> list[rt.LapProgress]:
        lap_rows, pos = await asyncio.gather(
            rows(info, "laps", self.session_key), rows(info, "position", self.session_key)
        )
        return as_graph(rt.LapProgress, _computed(info, positions.race_progress, lap_rows, pos))

    @strawberry.field(
        description="SC and VSC periods from race-control messages; one still open at the "
        "session's end ends there." + UNKNOWN
    )
    async def safety_car_periods(self, info: Info) -> list[rt.SafetyCarPeriod] | None:
        found = await _sc_periods(info, self.session_key)
        return None if found is None else as_graph(rt.SafetyCarPeriod, found)

    @strawberry.field(description="Flag messages in order, counted by flag." + UNKNOWN)
    async def flags(self, info: Info) -> rt.FlagSummary | None:
        rc = await known_rows(info, "race_control", self.session_key)
        return None if rc is None else one_as_graph(rt.FlagSummary, race_control.flags(rc))

    @strawberry.field(
        description="Investigations, penalties, deleted lap times, notes on cars." + UNKNOWN
    )
    async def incidents(self, info: Info) -> list[rt.Incident] | None:
        rc = await known_rows(info, "race_control", self.session_key)
        return None if rc is None else as_graph(rt.Incident, inc.incidents(rc))

    @strawberry.field(
        description="Race control, pit stops and SC/VSC periods in time order." + UNKNOWN
    )
    async def timeline(self, info: Info) -> list[rt.TimelineEvent] | None:
        rc, pit_rows, periods = await asyncio.gather(
            known_rows(info, "race_control", self.session_key),
            known_rows(info, "pit", self.session_key),
            _sc_periods(info, self.session_key),
        )
        if rc is None or pit_rows is None or periods is None:
            return None
        return as_graph(rt.TimelineEvent, race_control.timeline(rc, pit_rows, periods))

    @strawberry.field(
        description="Counts by category and flag, penalties, deleted laps, SC/VSC periods and "
        "red flags, all from race control." + UNKNOWN
    )
    async def race_control_statistics(self, info: Info) -> rt.RaceControlStatistics | None:
        rc, periods = await asyncio.gather(
            known_rows(info, "race_control", self.session_key), _sc_periods(info, self.session_key)
        )
        if rc is None or periods is None:
            return None
        stats = race_control.race_control_statistics(rc, periods)
        return one_as_graph(rt.RaceControlStatistics, stats)

    @strawberry.field(
        description="Per driver: compounds in order with lap ranges, stops, label." + UNKNOWN
    )
    async def tyre_strategies(self, info: Info) -> list[lt.DriverStrategy] | None:
        found = await _strategies(info, self.session_key)
        return None if found is None else as_graph(lt.DriverStrategy, found)

    @strawberry.field(
        description="Each strategy label with how many drivers ran it, most first." + UNKNOWN
    )
    async def common_strategies(self, info: Info) -> list[lt.StrategyCount] | None:
        found = await _strategies(info, self.session_key)
        if found is None:
            return None
        return as_graph(lt.StrategyCount, stints.common_strategies(found))

    @strawberry.field(
        description="Every pit stop, the fastest, and per-team mean lane time." + UNKNOWN
    )
    async def pit_stop_analysis(self, info: Info) -> lt.PitStopAnalysis | None:
        pit_rows, drivers = await asyncio.gather(
            known_rows(info, "pit", self.session_key), rows(info, "drivers", self.session_key)
        )
        if pit_rows is None:
            return None
        return one_as_graph(lt.PitStopAnalysis, pits.pit_stop_analysis(pit_rows, drivers))

    @strawberry.field(
        description="Per compound: laps run, clean-lap pace, degradation. " + CLEAN + UNKNOWN
    )
    async def tyre_performance(self, info: Info) -> list[lt.CompoundPerformance] | None:
        ctx = await clean_lap_context(info, self.session_key)
        stint_rows = await known_rows(info, "stints", self.session_key)
        if stint_rows is None:
            return None
        return as_graph(
            lt.CompoundPerformance, _computed(info, stints.tyre_performance, stint_rows, ctx)
        )

    @strawberry.field(
        description="Per stint: clean laps and degradation [s per lap]. " + CLEAN + UNKNOWN
    )
    async def wear_analysis(self, info: Info) -> list[lt.StintWear] | None:
        ctx = await clean_lap_context(info, self.session_key)
        stint_rows = await known_rows(info, "stints", self.session_key)
        if stint_rows is None:
            return None
        return as_graph(lt.StintWear, _computed(info, stints.stint_wear, stint_rows, ctx))

    @strawberry.field(description="Per driver: the session in figures (see DriverPerformance).")
    async def performance(self, info: Info) -> list[lt.DriverPerformance]:
        return as_graph(lt.DriverPerformance, await _performance(info, self.session_key))


@strawberry.type
class DriverAnalysisFields:
    """Analysis fields of ``Driver``."""

    if TYPE_CHECKING:
        session_key: int
        driver_number: int

    @strawberry.field(description="The driver's fastest lap (ties: the earlier).")
    async def fastest_lap(self, info: Info) -> LapRef | None:
        ctx = await lap_context(info, self.session_key)
        return laps.fastest_lap(ctx.driver_laps(self.driver_number))  # type: ignore[return-value]

    @strawberry.field(description="The driver's pace of clean laps. " + CLEAN)
    async def lap_analysis(self, info: Info) -> lt.DriverLapAnalysis:
        ctx = await clean_lap_context(info, self.session_key)
        found = laps.driver_lap_analysis(ctx, self.driver_number)
        return one_as_graph(lt.DriverLapAnalysis, found)

    @strawberry.field(description="The driver's session in figures. " + CLEAN)
    async def performance(self, info: Info) -> lt.DriverPerformance | None:
        for p in await _performance(info, self.session_key):
            if p.driver_number == self.driver_number:
                return one_as_graph(lt.DriverPerformance, p)
        return None


@strawberry.type
class LapAnalysisFields:
    """Analysis fields of ``Lap``."""

    if TYPE_CHECKING:
        session_key: int
        driver_number: int
        lap_number: int
        lap_duration: float | None

    # Sync resolvers: a lap's facts come at once when warm, or as an awaitable graphql-core awaits.
    @strawberry.field(
        description="Whether the driver entered the pit lane on this lap (from pit data)." + UNKNOWN
    )
    def is_pit_in_lap(self, info: Info) -> bool | None:
        return fact(info, self, "is_pit_in_lap")  # type: ignore[no-any-return]

    @strawberry.field(description="Whether this is a clean lap. " + CLEAN)
    def is_clean(self, info: Info) -> bool:
        return fact(info, self, "is_clean")  # type: ignore[no-any-return]

    @strawberry.field(description="Why the lap is not clean (the first test it fails), or null.")
    def clean_lap_exclusion(self, info: Info) -> LapExclusionEnum | None:  # type: ignore[valid-type]
        return fact(info, self, "clean_lap_exclusion")  # type: ignore[no-any-return]

    @strawberry.field(
        description="Whether the lap was the driver's fastest so far in the session "
        "(deleted lap times excluded)."
    )
    def is_personal_best(self, info: Info) -> bool:
        return fact(info, self, "is_personal_best")  # type: ignore[no-any-return]

    @strawberry.field(
        description="Tyre age at this lap [laps]: the stint's tyre age at its start on its first "
        "own lap (the out-lap: 0 for a new set), one more each lap after. Where OpenF1 files "
        "the in-lap under both stints, it belongs to the earlier stint."
    )
    def tyre_age(self, info: Info) -> int | None:
        return fact(info, self, "tyre_age")  # type: ignore[no-any-return]

    @strawberry.field(description="The tyre compound of this lap's stint.")
    def compound(self, info: Info) -> str | None:
        return fact(info, self, "compound")  # type: ignore[no-any-return]

    @strawberry.field(
        description="The most restrictive track status during the lap (GREEN, YELLOW, VSC, SC, "
        "RED) from race control; null without a start time or duration, or when the session's "
        "race control is unavailable (extensions.unavailable)."
    )
    def track_status(self, info: Info) -> rt.TrackStatusEnum | None:  # type: ignore[valid-type]
        return fact(info, self, "track_status")  # type: ignore[no-any-return]


@strawberry.type
class StintAnalysisFields:
    """Analysis fields of ``Stint``."""

    if TYPE_CHECKING:
        session_key: int
        driver_number: int
        lap_start: int | None
        lap_end: int | None

    @strawberry.field(
        description="Laps run on the stint's tyres, from its first own lap to lapEnd: where "
        "OpenF1 files the in-lap as both the last lap of the previous stint and the first of "
        "this one, it counts for the previous stint only."
    )
    async def lap_count(self, info: Info) -> int | None:
        driver_stints = await known_driver_rows(
            info, "stints", self.session_key, self.driver_number
        )
        previous = stints.previous_stint(self, driver_stints or [])  # type: ignore[arg-type]
        first = stints.first_own_lap(self, previous)  # type: ignore[arg-type]
        return stints.stint_lap_count(first, self.lap_end)

    @strawberry.field(
        description="Least-squares slope of clean lap time against tyre age within the stint "
        "[s per lap]; null under 3 clean laps. " + CLEAN
    )
    async def degradation(self, info: Info) -> float | None:
        ctx = await clean_lap_context(info, self.session_key)
        return stints.stint_degradation(self, ctx.clean_laps(self.driver_number))  # type: ignore[arg-type]

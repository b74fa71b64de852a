"""Analysis fields (issue 3) of Session, Driver, Lap and Stint, as mixins of those types.

Each resolver reads its session through the request's session view: a session-wide analysis
(:mod:`f1graph.data.analyses`) is computed once per dataset version and shared by every
request; what takes an argument (an instant, a driver, a stint) is computed per call from those
(the memo rule: :mod:`f1graph.data.session`). A resolver first asks the view which of the
datasets it needs are unknown (missing although the session should have them), so that the
request lists them in ``extensions.unavailable`` and the field is null rather than a guess.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import strawberry

from f1graph.analysis import intervals, laps, running_order, stints
from f1graph.analysis.clean import CLEAN_LAP_THRESHOLD, LapExclusion
from f1graph.analysis.track_status import TrackStatus
from f1graph.data import Analysis, SessionView
from f1graph.data import analyses as a
from f1graph.openf1 import INTERVALS, PIT, POSITION, RACE_CONTROL, STINTS, Endpoint
from f1graph.runtime import Info
from f1graph.schema import lap_analysis_types as lt
from f1graph.schema import race_analysis_types as rt
from f1graph.schema.common import UNKNOWN, arg, loaders
from f1graph.schema.session_data import clean_lap_context, known_driver_rows, session_view
from f1graph.times import utc

if TYPE_CHECKING:
    from f1graph.schema.lap import Lap

T = TypeVar("T")
LapRef = Annotated["Lap", strawberry.lazy("f1graph.schema.lap")]
RUNNING = (
    "one running order per session, built from the position feed and completed from the laps "
    "where the feed is silent (a car with no position rows takes the place left free, in "
    "lap-chart order); the start is the starting grid, else position rows dated before the "
    "start, else null. Standings, position changes, finishing positions and race progress all "
    "read it, so they agree."
)
CLEAN = (
    "A clean lap has a lap time, is not lap 1, not a pit-out or pit-in lap, was not run under "
    f"SC, VSC or red flag, and is within {CLEAN_LAP_THRESHOLD:.0%} of the driver's best lap. "
    "When the session's pit or race-control data is unavailable (extensions.unavailable), a lap "
    "passing the tests that do not need it is undecided, and figures over clean laps are null."
)
strawberry.enum(LapExclusion, description="Why a lap is not clean.")  # marks the class itself


def fact(info: Info, lap: Any, name: str) -> Any:
    """One of the lap's facts (:data:`~f1graph.data.analyses.LAP_FACTS`; null for an unknown
    lap), at once when the session's datasets are at hand, else awaitable; the answer lists the
    datasets the fact needed that are unavailable."""
    view = session_view(info, lap.session_key)
    found = view.ready(a.LAP_FACTS)
    if found is None:
        return _fact_later(info, view, lap, name)
    return _one(info, found[0], lap, name)


async def _fact_later(info: Info, view: SessionView, lap: Any, name: str) -> Any:
    return _one(info, await view.get(a.LAP_FACTS), lap, name)


def _one(info: Info, facts: a.SessionFacts, lap: Any, name: str) -> Any:
    for endpoint in a.LAP_FACT_NEEDS[name]:
        if endpoint in facts.missing:
            loaders(info).mark_unavailable(lap.session_key, endpoint)
    found = facts.by_lap.get((lap.driver_number, lap.lap_number))
    return None if found is None else getattr(found, name)


async def _all_known(view: SessionView, *endpoints: Endpoint[Any]) -> bool:
    """Whether every one of ``endpoints`` is known (each unknown one is listed as unavailable)."""
    found = await asyncio.gather(*(view.known(e) for e in endpoints))
    return all(d is not None for d in found)


async def _performance(view: SessionView) -> list[Any]:
    await asyncio.gather(view.known(PIT), view.known(RACE_CONTROL), view.known(POSITION))
    return await view.get(a.PERFORMANCE)


async def _running_order(
    info: Info, session_key: int, analysis: Analysis[T]
) -> tuple[running_order.RunningOrder, T]:
    """The session's one running order and an analysis read with it; when the position feed is
    missing the order is completed from the laps, and the answer lists ``position``."""
    view = session_view(info, session_key)
    running, found, _ = await asyncio.gather(
        view.get(a.RUNNING_ORDER), view.get(analysis), view.known(POSITION)
    )
    return running, found


@strawberry.type
class SessionAnalysisFields:
    """Analysis fields of ``Session``."""

    if TYPE_CHECKING:
        session_key: int

    @strawberry.field(description="The fastest lap: smallest lap time (ties: earlier start).")
    async def fastest_lap(self, info: Info) -> LapRef | None:
        found = await session_view(info, self.session_key).get(a.FASTEST_LAP)
        return found  # type: ignore[return-value]

    @strawberry.field(description="Each driver's fastest lap, fastest first.")
    async def fastest_laps(self, info: Info) -> list[LapRef]:
        ranked = await session_view(info, self.session_key).get(a.FASTEST_LAPS)
        return [r.lap for r in ranked]  # type: ignore[misc]

    @strawberry.field(description="Session lap totals: bests per sector and speed trap. " + CLEAN)
    async def lap_statistics(self, info: Info) -> lt.LapStatistics:
        await clean_lap_context(info, self.session_key)
        found = await session_view(info, self.session_key).get(a.LAP_STATISTICS)
        return lt.LapStatistics.one(found)

    @strawberry.field(description="Per driver: pace of clean laps and theoretical best. " + CLEAN)
    async def lap_analysis(self, info: Info) -> list[lt.DriverLapAnalysis]:
        await clean_lap_context(info, self.session_key)
        found = await session_view(info, self.session_key).get(a.LAP_ANALYSIS)
        return lt.DriverLapAnalysis.many(found)

    @strawberry.field(description="The running order at an instant, by position: " + RUNNING)
    async def standings(
        self, info: Info, at: Annotated[datetime, arg("The instant (UTC).")]
    ) -> list[rt.Standing]:
        running, gaps = await _running_order(info, self.session_key, a.LATEST_INTERVALS)
        return rt.Standing.many(intervals.standings(running, gaps, utc(at)))

    @strawberry.field(
        description="Per driver: gaps to the car ahead and to the leader (races only)." + UNKNOWN
    )
    async def gap_analysis(self, info: Info) -> list[rt.GapAnalysis] | None:
        view = session_view(info, self.session_key)
        if not await _all_known(view, INTERVALS):
            return None
        return rt.GapAnalysis.many(await view.get(a.GAP_ANALYSIS))

    @strawberry.field(
        description="Per driver: start, finish, places gained and every change of place, "
        "from the running order: " + RUNNING
    )
    async def position_changes(self, info: Info) -> list[rt.DriverPositions]:
        _, found = await _running_order(info, self.session_key, a.POSITION_CHANGES)
        return rt.DriverPositions.many(found)

    @strawberry.field(
        description="Lap by lap: every car that completed the lap, by its place in the running "
        "order when it completed it; the leader is the first. " + RUNNING
    )
    async def race_progress(self, info: Info) -> list[rt.LapProgress]:
        _, found = await _running_order(info, self.session_key, a.RACE_PROGRESS)
        return rt.LapProgress.many(found)

    @strawberry.field(
        description="SC and VSC periods from race-control messages; one still open at the "
        "session's end ends there." + UNKNOWN
    )
    async def safety_car_periods(self, info: Info) -> list[rt.SafetyCarPeriod] | None:
        view = session_view(info, self.session_key)
        if not await _all_known(view, RACE_CONTROL):
            return None
        return rt.SafetyCarPeriod.many(await view.get(a.SAFETY_CAR_PERIODS))

    @strawberry.field(description="Flag messages in order, counted by flag." + UNKNOWN)
    async def flags(self, info: Info) -> rt.FlagSummary | None:
        view = session_view(info, self.session_key)
        if not await _all_known(view, RACE_CONTROL):
            return None
        return rt.FlagSummary.one(await view.get(a.FLAGS))

    @strawberry.field(
        description="Investigations, penalties, deleted lap times, notes on cars." + UNKNOWN
    )
    async def incidents(self, info: Info) -> list[rt.Incident] | None:
        view = session_view(info, self.session_key)
        if not await _all_known(view, RACE_CONTROL):
            return None
        return rt.Incident.many(await view.get(a.INCIDENTS))

    @strawberry.field(
        description="Race control, pit stops and SC/VSC periods in time order." + UNKNOWN
    )
    async def timeline(self, info: Info) -> list[rt.TimelineEvent] | None:
        view = session_view(info, self.session_key)
        if not await _all_known(view, RACE_CONTROL, PIT):
            return None
        return rt.TimelineEvent.many(await view.get(a.TIMELINE))

    @strawberry.field(
        description="Counts by category and flag, penalties, deleted laps, SC/VSC periods and "
        "red flags, all from race control." + UNKNOWN
    )
    async def race_control_statistics(self, info: Info) -> rt.RaceControlStatistics | None:
        view = session_view(info, self.session_key)
        if not await _all_known(view, RACE_CONTROL):
            return None
        return rt.RaceControlStatistics.one(await view.get(a.RACE_CONTROL_STATISTICS))

    @strawberry.field(
        description="Per driver: compounds in order with lap ranges, stops, label." + UNKNOWN
    )
    async def tyre_strategies(self, info: Info) -> list[lt.DriverStrategy] | None:
        view = session_view(info, self.session_key)
        stints_known, _ = await asyncio.gather(view.known(STINTS), view.known(RACE_CONTROL))
        if stints_known is None:
            return None
        return lt.DriverStrategy.many(await view.get(a.TYRE_STRATEGIES))

    @strawberry.field(
        description="Each strategy label with how many drivers ran it, most first." + UNKNOWN
    )
    async def common_strategies(self, info: Info) -> list[lt.StrategyCount] | None:
        view = session_view(info, self.session_key)
        stints_known, _ = await asyncio.gather(view.known(STINTS), view.known(RACE_CONTROL))
        if stints_known is None:
            return None
        return lt.StrategyCount.many(await view.get(a.COMMON_STRATEGIES))

    @strawberry.field(
        description="Every pit stop, the fastest, and per-team mean lane time." + UNKNOWN
    )
    async def pit_stop_analysis(self, info: Info) -> lt.PitStopAnalysis | None:
        view = session_view(info, self.session_key)
        if not await _all_known(view, PIT):
            return None
        return lt.PitStopAnalysis.one(await view.get(a.PIT_STOP_ANALYSIS))

    @strawberry.field(
        description="Per compound: laps run, clean-lap pace, degradation. " + CLEAN + UNKNOWN
    )
    async def tyre_performance(self, info: Info) -> list[lt.CompoundPerformance] | None:
        await clean_lap_context(info, self.session_key)
        view = session_view(info, self.session_key)
        if not await _all_known(view, STINTS):
            return None
        return lt.CompoundPerformance.many(await view.get(a.TYRE_PERFORMANCE))

    @strawberry.field(
        description="Per stint: clean laps and degradation [s per lap]. " + CLEAN + UNKNOWN
    )
    async def wear_analysis(self, info: Info) -> list[lt.StintWear] | None:
        await clean_lap_context(info, self.session_key)
        view = session_view(info, self.session_key)
        if not await _all_known(view, STINTS):
            return None
        return lt.StintWear.many(await view.get(a.WEAR_ANALYSIS))

    @strawberry.field(description="Per driver: the session in figures (see DriverPerformance).")
    async def performance(self, info: Info) -> list[lt.DriverPerformance]:
        found = await _performance(session_view(info, self.session_key))
        return lt.DriverPerformance.many(found)


@strawberry.type
class DriverAnalysisFields:
    """Analysis fields of ``Driver``."""

    if TYPE_CHECKING:
        session_key: int
        driver_number: int

    @strawberry.field(description="The driver's fastest lap (ties: the earlier).")
    async def fastest_lap(self, info: Info) -> LapRef | None:
        ctx = await session_view(info, self.session_key).get(a.LAP_CONTEXT)
        return laps.fastest_lap(ctx.driver_laps(self.driver_number))  # type: ignore[return-value]

    @strawberry.field(description="The driver's pace of clean laps. " + CLEAN)
    async def lap_analysis(self, info: Info) -> lt.DriverLapAnalysis:
        ctx = await clean_lap_context(info, self.session_key)
        found = laps.driver_lap_analysis(ctx, self.driver_number)
        return lt.DriverLapAnalysis.one(found)

    @strawberry.field(description="The driver's session in figures. " + CLEAN)
    async def performance(self, info: Info) -> lt.DriverPerformance | None:
        for p in await _performance(session_view(info, self.session_key)):
            if p.driver_number == self.driver_number:
                return lt.DriverPerformance.one(p)
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

    @strawberry.field(description="Whether this is a clean lap; null when undecided. " + CLEAN)
    def is_clean(self, info: Info) -> bool | None:
        return fact(info, self, "is_clean")  # type: ignore[no-any-return]

    @strawberry.field(
        description="Why the lap is not clean (the first test it fails); null for a clean lap "
        "and while isClean is null."
    )
    def clean_lap_exclusion(self, info: Info) -> LapExclusion | None:
        return fact(info, self, "clean_lap_exclusion")  # type: ignore[no-any-return]

    @strawberry.field(
        description="Whether the lap was the driver's fastest so far in the session "
        "(deleted lap times excluded); null for a timed lap when the session's race control, "
        "which deletes lap times, is unavailable (extensions.unavailable)."
    )
    def is_personal_best(self, info: Info) -> bool | None:
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
    def track_status(self, info: Info) -> TrackStatus | None:
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
        driver_stints = await known_driver_rows(info, STINTS, self.session_key, self.driver_number)
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

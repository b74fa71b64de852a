"""Race-control messages: safety-car periods, flags, one timeline, and totals (incidents are in
:mod:`f1graph.analysis.incidents`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from f1graph.analysis.incidents import IncidentKind, deleted_laps, incidents
from f1graph.analysis.track_status import TrackStatus, TrackTimeline
from f1graph.openf1.records import Lap, Pit, RaceControl


@dataclass(frozen=True, slots=True)
class SafetyCarPeriod:
    """One SC or VSC period: deployed and ended, first and last (leader's) lap, duration [s]."""

    kind: TrackStatus
    deployed: datetime
    ended: datetime | None
    first_lap: int | None
    last_lap: int | None
    duration_s: float | None


def safety_car_periods(
    race_control: Sequence[RaceControl],
    laps: Sequence[Lap] = (),
    session_end: datetime | None = None,
) -> list[SafetyCarPeriod]:
    """Every SC and VSC period in time order, by the rules of
    :mod:`f1graph.analysis.track_status`; one still open at the end ends at ``session_end``
    (``ended`` and ``duration_s`` None when that is unknown)."""
    timeline = TrackTimeline.build(race_control, laps, session_end)
    return [
        SafetyCarPeriod(
            kind=p.status,
            deployed=p.start,
            ended=p.end,
            first_lap=p.start_lap,
            last_lap=p.end_lap,
            duration_s=(p.end - p.start).total_seconds() if p.end is not None else None,
        )
        for p in timeline.periods
        if p.status in (TrackStatus.SC, TrackStatus.VSC)
    ]


def red_flag_laps(timeline: TrackTimeline) -> list[tuple[int | None, int | None]]:
    """Each red-flag period (see :mod:`f1graph.analysis.track_status`) as the leader's first and
    last lap under it (None where race control gives no lap)."""
    return [(p.start_lap, p.end_lap) for p in timeline.periods if p.status is TrackStatus.RED]


@dataclass(frozen=True, slots=True)
class FlagMessage:
    """A race-control message that shows a flag."""

    date: datetime
    flag: str
    scope: str | None
    sector: int | None
    driver_number: int | None
    lap_number: int | None
    message: str | None


@dataclass(frozen=True, slots=True)
class FlagCount:
    """How many messages showed one flag."""

    flag: str
    count: int


@dataclass(frozen=True, slots=True)
class FlagSummary:
    """Flag messages in time order, and their counts by flag (most frequent first)."""

    messages: list[FlagMessage]
    counts: list[FlagCount]


def flags(race_control: Sequence[RaceControl]) -> FlagSummary:
    """The messages with a non-null ``flag``, in time order, counted by flag."""
    shown = sorted((m for m in race_control if m.flag), key=lambda m: m.date)
    messages = [
        FlagMessage(
            m.date, m.flag or "", m.scope, m.sector, m.driver_number, m.lap_number, m.message
        )
        for m in shown
    ]
    counted = Counter(m.flag for m in messages)
    counts = [FlagCount(f, n) for f, n in sorted(counted.items(), key=lambda x: (-x[1], x[0]))]
    return FlagSummary(messages, counts)


class TimelineKind(Enum):
    """The source of a timeline event."""

    RACE_CONTROL = "RACE_CONTROL"
    PIT_STOP = "PIT_STOP"
    SAFETY_CAR_DEPLOYED = "SAFETY_CAR_DEPLOYED"
    SAFETY_CAR_ENDED = "SAFETY_CAR_ENDED"


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """One event of the merged timeline; ``duration_s`` is a pit stop's lane time or an SC/VSC
    period's length."""

    date: datetime
    kind: TimelineKind
    lap_number: int | None
    driver_number: int | None
    category: str | None
    flag: str | None
    message: str
    duration_s: float | None


def timeline(
    race_control: Sequence[RaceControl],
    pits: Sequence[Pit] = (),
    sc_periods: Sequence[SafetyCarPeriod] = (),
) -> list[TimelineEvent]:
    """Race-control messages, pit stops (at pit entry) and SC/VSC starts and ends in one list,
    in time order (a tie keeps that order of sources)."""
    events = [
        TimelineEvent(
            m.date,
            TimelineKind.RACE_CONTROL,
            m.lap_number,
            m.driver_number,
            m.category,
            m.flag,
            m.message or "",
            None,
        )
        for m in race_control
    ]
    for p in pits:
        lane = p.lane_duration if p.lane_duration is not None else p.pit_duration
        events.append(
            TimelineEvent(
                p.date,
                TimelineKind.PIT_STOP,
                p.lap_number,
                p.driver_number,
                None,
                None,
                f"CAR {p.driver_number} PIT STOP",
                lane,
            )
        )
    for s in sc_periods:
        events.append(
            TimelineEvent(
                s.deployed,
                TimelineKind.SAFETY_CAR_DEPLOYED,
                s.first_lap,
                None,
                None,
                None,
                f"{s.kind.value} DEPLOYED",
                s.duration_s,
            )
        )
        if s.ended is not None:
            events.append(
                TimelineEvent(
                    s.ended,
                    TimelineKind.SAFETY_CAR_ENDED,
                    s.last_lap,
                    None,
                    None,
                    None,
                    f"{s.kind.value} ENDED",
                    s.duration_s,
                )
            )
    order = list(TimelineKind)
    return sorted(events, key=lambda e: (e.date, order.index(e.kind)))


@dataclass(frozen=True, slots=True)
class CategoryCount:
    """How many messages fell in one category."""

    category: str
    count: int


@dataclass(frozen=True, slots=True)
class RaceControlStatistics:
    """Totals over a session's race-control messages."""

    message_count: int
    by_category: list[CategoryCount]
    by_flag: list[FlagCount]
    penalties: int
    investigations: int
    deleted_laps: int
    safety_car_periods: int
    virtual_safety_car_periods: int
    red_flags: int


def race_control_statistics(
    race_control: Sequence[RaceControl], sc_periods: Sequence[SafetyCarPeriod] = ()
) -> RaceControlStatistics:
    """Counts by category and flag (most frequent first), penalty and investigation messages,
    distinct deleted laps (driver, lap), SC and VSC periods, and RED flag messages."""
    counted = Counter(m.category or "Unknown" for m in race_control)
    found = incidents(race_control)
    kinds = Counter(i.kind for i in found)
    return RaceControlStatistics(
        message_count=len(race_control),
        by_category=[
            CategoryCount(c, n) for c, n in sorted(counted.items(), key=lambda x: (-x[1], x[0]))
        ],
        by_flag=flags(race_control).counts,
        penalties=kinds[IncidentKind.PENALTY],
        investigations=kinds[IncidentKind.INVESTIGATION],
        deleted_laps=len(deleted_laps(race_control)),
        safety_car_periods=sum(1 for s in sc_periods if s.kind is TrackStatus.SC),
        virtual_safety_car_periods=sum(1 for s in sc_periods if s.kind is TrackStatus.VSC),
        red_flags=sum(1 for m in race_control if (m.flag or "").upper() == "RED"),
    )

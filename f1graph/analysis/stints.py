"""Tyres: stint, compound and tyre age of a lap; strategies, degradation, compound performance."""

from __future__ import annotations

import itertools
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from f1graph.analysis.clean import LapContext
from f1graph.openf1.records import Lap, Stint

MIN_DEGRADATION_LAPS: Final = 3
"""Fewer clean laps than this in a stint give no degradation figure."""

_LETTERS: Final = {"SOFT": "S", "MEDIUM": "M", "HARD": "H", "INTERMEDIATE": "I", "WET": "W"}


def compound_letter(compound: str | None) -> str:
    """S, M, H, I or W; ``?`` for an unknown or missing compound."""
    return _LETTERS.get((compound or "").upper(), "?")


def _by_number(stints: Sequence[Stint]) -> list[Stint]:
    return sorted(stints, key=lambda s: (s.driver_number, s.stint_number))


def first_own_lap(stint: Stint, previous: Stint | None) -> int | None:
    """The first lap run on the stint's tyres: ``lap_start``, or ``lap_start + 1`` where the
    driver's previous stint ends on that same lap. Some OpenF1 sessions file a stop's in-lap
    as both the last lap of one stint and the first of the next (Monaco 2024, Canada 2024); the
    in-lap is run on the old tyres, so it belongs to the earlier stint only."""
    if stint.lap_start is None:
        return None
    ended = None if previous is None else previous.lap_end
    if ended is not None and ended >= stint.lap_start:
        return ended + 1
    return stint.lap_start


def own_lap_ranges(stints: Sequence[Stint]) -> dict[tuple[int, int], tuple[int | None, int | None]]:
    """Per ``(driver_number, stint_number)``: the first and last lap run on that stint's tyres
    (see :func:`first_own_lap`); the last is ``lap_end`` (None while open)."""
    out: dict[tuple[int, int], tuple[int | None, int | None]] = {}
    previous: Stint | None = None
    for stint in _by_number(stints):
        if previous is not None and previous.driver_number != stint.driver_number:
            previous = None
        out[stint.driver_number, stint.stint_number] = (
            first_own_lap(stint, previous),
            stint.lap_end,
        )
        previous = stint
    return out


def stint_lap_count(first: int | None, last: int | None) -> int | None:
    """Laps run on a stint's tyres: ``last - first + 1`` over its own laps (see
    :func:`first_own_lap`), so a lap two overlapping stints share is counted once; 0 for a
    stint that has no lap of its own; None while either end is unknown."""
    if first is None or last is None:
        return None
    return max(0, last - first + 1)


def stint_for_lap(lap: Lap, stints: Sequence[Stint]) -> Stint | None:
    """The driver's stint whose laps include the lap (``lap_start <= lap_number <= lap_end``,
    an unknown end open); a lap two stints share (the in-lap, see :func:`first_own_lap`)
    belongs to the earlier stint."""
    for stint in sorted(stints, key=lambda s: s.stint_number):
        if (
            stint.driver_number == lap.driver_number
            and stint.lap_start is not None
            and stint.lap_start <= lap.lap_number
            and (stint.lap_end is None or lap.lap_number <= stint.lap_end)
        ):
            return stint
    return None


def tyre_age(lap: Lap, stint: Stint, previous: Stint | None = None) -> int | None:
    """Tyre age [laps] on this lap of ``stint`` (``previous``: the driver's stint before it):
    ``tyre_age_at_start`` on the stint's first own lap (the out-lap, see
    :func:`first_own_lap`), one more each lap after. So the out-lap of a new set is 0 whichever
    way the session files its stints."""
    first = first_own_lap(stint, previous)
    if stint.tyre_age_at_start is None or first is None:
        return None
    return stint.tyre_age_at_start + max(0, lap.lap_number - first)


def previous_stint(stint: Stint, stints: Sequence[Stint]) -> Stint | None:
    """The driver's stint just before ``stint`` (by stint number), if any."""
    earlier = [
        s
        for s in stints
        if s.driver_number == stint.driver_number and s.stint_number < stint.stint_number
    ]
    return max(earlier, key=lambda s: s.stint_number, default=None)


@dataclass(frozen=True, slots=True)
class StrategyStint:
    """One stint of a strategy: compound and lap range."""

    stint_number: int
    compound: str | None
    lap_start: int | None
    lap_end: int | None
    lap_count: int | None
    tyre_age_at_start: int | None


@dataclass(frozen=True, slots=True)
class DriverStrategy:
    """A driver's stints in order, the stops between them, and a label such as ``M-H-H``."""

    driver_number: int
    stints: list[StrategyStint]
    stops: int
    red_flag_changes: int | None
    label: str


@dataclass(frozen=True, slots=True)
class StrategyCount:
    """How many drivers ran one strategy label."""

    label: str
    count: int


LapSpan = tuple[int | None, int | None]
"""A stretch of the race by the leader's lap numbers: first and last lap (None: open)."""


def in_lap_of_change(before: Stint, after: Stint) -> int | None:
    """The lap on which the driver came in to change from ``before``'s tyres to ``after``'s:
    ``before.lap_end``, else the lap before ``after.lap_start``."""
    if before.lap_end is not None:
        return before.lap_end
    return None if after.lap_start is None else after.lap_start - 1


def is_red_flag_change(in_lap: int | None, red_flags: Sequence[LapSpan]) -> bool:
    """Whether a tyre change made on ``in_lap`` was made while the session was suspended: the
    lap lies within a red-flag period's laps (first to last lap of the leader under it)."""
    if in_lap is None:
        return False
    return any(
        (first is None or first <= in_lap) and (last is None or in_lap <= last)
        for first, last in red_flags
    )


def tyre_strategies(
    stints: Sequence[Stint], red_flags: Sequence[LapSpan] | None = ()
) -> list[DriverStrategy]:
    """Per driver (by number): stints by ``stint_number`` with their own lap counts (see
    :func:`stint_lap_count`), the label = compound letters joined by ``-`` (``?`` for an unknown
    compound), and the stops: tyre changes (stints - 1) less those made while the session was
    suspended (see :func:`is_red_flag_change`), which are counted in ``red_flag_changes``.
    ``red_flags`` None means race control is unknown: then every change counts as a stop and
    ``red_flag_changes`` is None."""
    grouped: defaultdict[int, list[Stint]] = defaultdict(list)
    for stint in stints:
        grouped[stint.driver_number].append(stint)
    ranges = own_lap_ranges(stints)
    out = []
    for driver in sorted(grouped):
        ordered = sorted(grouped[driver], key=lambda s: s.stint_number)
        summaries = [
            StrategyStint(
                s.stint_number,
                s.compound,
                s.lap_start,
                s.lap_end,
                stint_lap_count(*ranges[s.driver_number, s.stint_number]),
                s.tyre_age_at_start,
            )
            for s in ordered
        ]
        label = "-".join(compound_letter(s.compound) for s in ordered)
        changes = len(ordered) - 1
        red: int | None = None
        if red_flags is not None:
            red = sum(
                1
                for a, b in itertools.pairwise(ordered)
                if is_red_flag_change(in_lap_of_change(a, b), red_flags)
            )
        out.append(DriverStrategy(driver, summaries, changes - (red or 0), red, label))
    return out


def common_strategies(strategies: Sequence[DriverStrategy]) -> list[StrategyCount]:
    """Strategy labels with how many drivers ran each, by count (descending) then label."""
    counted = Counter(s.label for s in strategies)
    return [StrategyCount(k, n) for k, n in sorted(counted.items(), key=lambda x: (-x[1], x[0]))]


def _stint_clean_laps(stint: Stint, context: LapContext) -> list[Lap] | None:
    return context.clean_among(
        lap
        for lap in context.driver_laps(stint.driver_number)
        if stint_for_lap(lap, [stint]) is not None
    )


def stint_degradation(stint: Stint, clean_laps: Sequence[Lap] | None) -> float | None:
    """Least-squares slope [s per lap of tyre age] of lap time against tyre age over the
    ``clean_laps`` that fall in the stint; None with fewer than ``MIN_DEGRADATION_LAPS``, and
    when the clean laps are unknown (``clean_laps`` None, see :mod:`f1graph.analysis.clean`)."""
    if clean_laps is None:
        return None
    points = [
        (float(lap.lap_number - (stint.lap_start or 0)), lap.lap_duration)
        for lap in clean_laps
        if lap.lap_duration is not None and stint_for_lap(lap, [stint]) is not None
    ]
    if len(points) < MIN_DEGRADATION_LAPS:
        return None
    # The slope is the same against tyre age or lap number: they differ by a constant.
    xs, ys = zip(*points, strict=True)
    try:
        return statistics.linear_regression(xs, ys).slope
    except statistics.StatisticsError:  # every point on one lap: no slope to speak of
        return None


@dataclass(frozen=True, slots=True)
class StintWear:
    """One stint's clean laps and degradation [s per lap of tyre age]."""

    driver_number: int
    stint_number: int
    compound: str | None
    lap_start: int | None
    lap_end: int | None
    clean_lap_count: int | None
    mean_clean_lap_s: float | None
    degradation_s_per_lap: float | None


def _lap_times(laps: Sequence[Lap]) -> list[float]:
    return [lap.lap_duration for lap in laps if lap.lap_duration is not None]


def stint_wear(stints: Sequence[Stint], context: LapContext) -> list[StintWear]:
    """Every stint (by driver, then stint number) with its clean laps' count and mean and
    :func:`stint_degradation` (None while one of its laps is undecided)."""
    out = []
    for stint in sorted(stints, key=lambda s: (s.driver_number, s.stint_number)):
        laps = _stint_clean_laps(stint, context)
        times = [] if laps is None else _lap_times(laps)
        out.append(
            StintWear(
                stint.driver_number,
                stint.stint_number,
                stint.compound,
                stint.lap_start,
                stint.lap_end,
                None if laps is None else len(times),
                statistics.fmean(times) if times else None,
                stint_degradation(stint, laps),
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class CompoundPerformance:
    """How one compound went: laps run, clean-lap pace [s] and mean degradation [s/lap]."""

    compound: str
    stint_count: int
    laps_run: int
    clean_lap_count: int | None
    best_clean_lap_s: float | None
    mean_clean_lap_s: float | None
    mean_degradation_s_per_lap: float | None


def tyre_performance(stints: Sequence[Stint], context: LapContext) -> list[CompoundPerformance]:
    """Per compound (``UNKNOWN`` when missing): stints, lap rows run on it, count, best and mean
    of its clean laps, and the mean of its stints' degradation figures (the clean-lap figures
    None while a lap run on it is undecided); ordered by compound name."""
    wear = {(w.driver_number, w.stint_number): w for w in stint_wear(stints, context)}
    by_compound: defaultdict[str, list[Stint]] = defaultdict(list)
    for stint in stints:
        by_compound[(stint.compound or "UNKNOWN").upper()].append(stint)
    out = []
    for compound in sorted(by_compound):
        group = by_compound[compound]
        run = [lap for lap in context.laps if stint_for_lap(lap, group) is not None]
        clean = context.clean_among(run)
        times = [] if clean is None else _lap_times(clean)
        slopes = [
            w.degradation_s_per_lap
            for s in group
            if (w := wear[s.driver_number, s.stint_number]).degradation_s_per_lap is not None
        ]
        out.append(
            CompoundPerformance(
                compound=compound,
                stint_count=len(group),
                laps_run=len(run),
                clean_lap_count=None if clean is None else len(times),
                best_clean_lap_s=min(times, default=None),
                mean_clean_lap_s=statistics.fmean(times) if times else None,
                mean_degradation_s_per_lap=statistics.fmean(slopes) if slopes else None,
            )
        )
    return out

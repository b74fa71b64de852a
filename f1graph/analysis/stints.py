"""Tyres: stint, compound and tyre age of a lap; strategies, degradation, compound performance."""

from __future__ import annotations

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


def stint_for_lap(lap: Lap, stints: Sequence[Stint]) -> Stint | None:
    """The driver's stint with ``lap_start <= lap_number <= lap_end`` (an unknown end is open)."""
    for stint in stints:
        if (
            stint.driver_number == lap.driver_number
            and stint.lap_start is not None
            and stint.lap_start <= lap.lap_number
            and (stint.lap_end is None or lap.lap_number <= stint.lap_end)
        ):
            return stint
    return None


def tyre_age(lap: Lap, stint: Stint) -> int | None:
    """Tyre age [laps] on this lap: ``tyre_age_at_start + (lap_number - lap_start)``."""
    if stint.tyre_age_at_start is None or stint.lap_start is None:
        return None
    return stint.tyre_age_at_start + (lap.lap_number - stint.lap_start)


@dataclass(frozen=True, slots=True)
class StintSummary:
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
    stints: list[StintSummary]
    stops: int
    label: str


@dataclass(frozen=True, slots=True)
class StrategyCount:
    """How many drivers ran one strategy label."""

    label: str
    count: int


def tyre_strategies(stints: Sequence[Stint]) -> list[DriverStrategy]:
    """Per driver (by number): stints by ``stint_number``, stops = stints - 1, and the label =
    compound letters joined by ``-`` (``?`` for an unknown compound)."""
    grouped: defaultdict[int, list[Stint]] = defaultdict(list)
    for stint in stints:
        grouped[stint.driver_number].append(stint)
    out = []
    for driver in sorted(grouped):
        ordered = sorted(grouped[driver], key=lambda s: s.stint_number)
        summaries = [
            StintSummary(
                s.stint_number,
                s.compound,
                s.lap_start,
                s.lap_end,
                s.lap_end - s.lap_start + 1
                if s.lap_start is not None and s.lap_end is not None
                else None,
                s.tyre_age_at_start,
            )
            for s in ordered
        ]
        label = "-".join(compound_letter(s.compound) for s in ordered)
        out.append(DriverStrategy(driver, summaries, len(ordered) - 1, label))
    return out


def common_strategies(strategies: Sequence[DriverStrategy]) -> list[StrategyCount]:
    """Strategy labels with how many drivers ran each, by count (descending) then label."""
    counted = Counter(s.label for s in strategies)
    return [StrategyCount(k, n) for k, n in sorted(counted.items(), key=lambda x: (-x[1], x[0]))]


def _stint_clean_laps(stint: Stint, context: LapContext) -> list[Lap]:
    return [
        lap
        for lap in context.clean_laps(stint.driver_number)
        if stint_for_lap(lap, [stint]) is not None
    ]


def stint_degradation(stint: Stint, clean_laps: Sequence[Lap]) -> float | None:
    """Least-squares slope [s per lap of tyre age] of lap time against tyre age over the
    ``clean_laps`` that fall in the stint; None with fewer than ``MIN_DEGRADATION_LAPS``."""
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
    clean_lap_count: int
    mean_clean_lap_s: float | None
    degradation_s_per_lap: float | None


def stint_wear(stints: Sequence[Stint], context: LapContext) -> list[StintWear]:
    """Every stint (by driver, then stint number) with its clean laps' mean and
    :func:`stint_degradation`."""
    out = []
    for stint in sorted(stints, key=lambda s: (s.driver_number, s.stint_number)):
        laps = _stint_clean_laps(stint, context)
        times = [lap.lap_duration for lap in laps if lap.lap_duration is not None]
        out.append(
            StintWear(
                stint.driver_number,
                stint.stint_number,
                stint.compound,
                stint.lap_start,
                stint.lap_end,
                len(times),
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
    clean_lap_count: int
    best_clean_lap_s: float | None
    mean_clean_lap_s: float | None
    mean_degradation_s_per_lap: float | None


def tyre_performance(stints: Sequence[Stint], context: LapContext) -> list[CompoundPerformance]:
    """Per compound (``UNKNOWN`` when missing): stints, lap rows run on it, best and mean clean
    lap, and the mean of its stints' degradation figures; ordered by compound name."""
    wear = {(w.driver_number, w.stint_number): w for w in stint_wear(stints, context)}
    by_compound: defaultdict[str, list[Stint]] = defaultdict(list)
    for stint in stints:
        by_compound[(stint.compound or "UNKNOWN").upper()].append(stint)
    out = []
    for compound in sorted(by_compound):
        group = by_compound[compound]
        run = [lap for lap in context.laps if stint_for_lap(lap, group) is not None]
        clean = [lap.lap_duration for lap in run if context.is_clean(lap)]
        times = [t for t in clean if t is not None]
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
                clean_lap_count=len(times),
                best_clean_lap_s=min(times, default=None),
                mean_clean_lap_s=statistics.fmean(times) if times else None,
                mean_degradation_s_per_lap=statistics.fmean(slopes) if slopes else None,
            )
        )
    return out

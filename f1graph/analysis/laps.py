"""Lap times: fastest laps, session lap statistics and per-driver lap analysis."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from f1graph.analysis.clean import LapContext, LapKey
from f1graph.openf1.records import Lap


def _tie_key(lap: Lap) -> tuple[int, float, int, int]:
    # Earlier date_start wins a tie; laps without a start sort after dated ones.
    when = lap.date_start.timestamp() if lap.date_start is not None else float("inf")
    return (0 if lap.date_start is not None else 1, when, lap.driver_number, lap.lap_number)


def _timed(laps: Sequence[Lap]) -> list[tuple[float, Lap]]:
    return [(lap.lap_duration, lap) for lap in laps if lap.lap_duration is not None]


def fastest_lap(laps: Sequence[Lap]) -> Lap | None:
    """The lap with the smallest non-null ``lap_duration``; a tie goes to the earlier
    ``date_start``."""
    timed = _timed(laps)
    if not timed:
        return None
    return min(timed, key=lambda t: (t[0], _tie_key(t[1])))[1]


@dataclass(frozen=True, slots=True)
class RankedLap:
    """A driver's fastest lap, ranked against the other drivers' fastest laps."""

    position: int
    driver_number: int
    lap_number: int
    lap_duration_s: float
    gap_to_fastest_s: float
    date_start: datetime | None
    lap: Lap


def fastest_laps(laps: Sequence[Lap]) -> list[RankedLap]:
    """Each driver's fastest lap (as :func:`fastest_lap`), ascending by ``lap_duration``."""
    best: dict[int, tuple[float, Lap]] = {}
    for duration, lap in _timed(laps):
        held = best.get(lap.driver_number)
        if held is None or (duration, _tie_key(lap)) < (held[0], _tie_key(held[1])):
            best[lap.driver_number] = (duration, lap)
    ranked = sorted(best.values(), key=lambda t: (t[0], _tie_key(t[1])))
    return [
        RankedLap(
            position=i,
            driver_number=lap.driver_number,
            lap_number=lap.lap_number,
            lap_duration_s=duration,
            gap_to_fastest_s=round(duration - ranked[0][0], 3),
            date_start=lap.date_start,
            lap=lap,
        )
        for i, (duration, lap) in enumerate(ranked, start=1)
    ]


@dataclass(frozen=True, slots=True)
class SectorBest:
    """The best time in one sector and who set it."""

    sector: int
    duration_s: float
    driver_number: int
    lap_number: int


@dataclass(frozen=True, slots=True)
class SpeedTrapBest:
    """The highest speed at one trap (``i1``, ``i2`` or ``st``) and who set it."""

    trap: str
    speed_kph: int
    driver_number: int
    lap_number: int


@dataclass(frozen=True, slots=True)
class LapStatistics:
    """Session totals over every driver's laps."""

    total_laps: int
    timed_laps: int
    max_lap_number: int | None
    driver_count: int
    fastest_lap: Lap | None
    best_sector_1: SectorBest | None
    best_sector_2: SectorBest | None
    best_sector_3: SectorBest | None
    max_i1_speed: SpeedTrapBest | None
    max_i2_speed: SpeedTrapBest | None
    max_st_speed: SpeedTrapBest | None
    clean_lap_count: int | None
    mean_clean_lap_s: float | None


_SECTORS: dict[int, Callable[[Lap], float | None]] = {
    1: lambda lap: lap.duration_sector_1,
    2: lambda lap: lap.duration_sector_2,
    3: lambda lap: lap.duration_sector_3,
}
_TRAPS: dict[str, Callable[[Lap], int | None]] = {
    "i1": lambda lap: lap.i1_speed,
    "i2": lambda lap: lap.i2_speed,
    "st": lambda lap: lap.st_speed,
}


def best_sector(laps: Sequence[Lap], sector: int) -> SectorBest | None:
    """The smallest non-null time in ``sector`` (1-3); a tie goes to the earlier lap."""
    get = _SECTORS[sector]
    timed = [(t, lap) for lap in laps if (t := get(lap)) is not None]
    if not timed:
        return None
    t, lap = min(timed, key=lambda x: (x[0], _tie_key(x[1])))
    return SectorBest(sector, t, lap.driver_number, lap.lap_number)


def max_speed(laps: Sequence[Lap], trap: str) -> SpeedTrapBest | None:
    """The highest non-null speed [km/h] at ``trap`` (i1, i2, st); a tie goes to the earlier lap."""
    get = _TRAPS[trap]
    fast = [(v, lap) for lap in laps if (v := get(lap)) is not None]
    if not fast:
        return None
    v, lap = min(fast, key=lambda x: (-x[0], _tie_key(x[1])))
    return SpeedTrapBest(trap, v, lap.driver_number, lap.lap_number)


def _mean(values: Sequence[float]) -> float | None:
    return statistics.fmean(values) if values else None


def completed_laps(laps: Sequence[Lap]) -> list[Lap]:
    """The laps a car completed: those with a ``lap_duration``, or followed by a later lap of the
    same car (lap 1 may have no duration yet was completed). The row a car files after the
    chequered flag (no time, nothing after it) is not a completed lap."""
    numbers = {(lap.driver_number, lap.lap_number) for lap in laps}
    return [
        lap
        for lap in laps
        if lap.lap_duration is not None or (lap.driver_number, lap.lap_number + 1) in numbers
    ]


def race_distance(laps: Sequence[Lap]) -> int | None:
    """The session's distance [laps]: the highest lap number any car completed (see
    :func:`completed_laps`), so 78 for a 78-lap race whose cars file an untimed lap 79 after
    the flag; None without completed laps."""
    return max((lap.lap_number for lap in completed_laps(laps)), default=None)


def _clean_times(clean: Sequence[Lap]) -> list[float]:
    return [lap.lap_duration for lap in clean if lap.lap_duration is not None]


def lap_statistics(context: LapContext) -> LapStatistics:
    """Totals over the session: lap rows, the race distance (:func:`race_distance`), the
    fastest lap, best sectors and speed-trap maxima over all laps, and the count and mean of
    clean laps (None while a lap is undecided, see :mod:`f1graph.analysis.clean`)."""
    laps = context.laps
    clean = context.clean_laps()
    times = None if clean is None else _clean_times(clean)
    return LapStatistics(
        total_laps=len(laps),
        timed_laps=len(_timed(laps)),
        max_lap_number=race_distance(laps),
        driver_count=len(context.drivers),
        fastest_lap=fastest_lap(laps),
        best_sector_1=best_sector(laps, 1),
        best_sector_2=best_sector(laps, 2),
        best_sector_3=best_sector(laps, 3),
        max_i1_speed=max_speed(laps, "i1"),
        max_i2_speed=max_speed(laps, "i2"),
        max_st_speed=max_speed(laps, "st"),
        clean_lap_count=None if times is None else len(times),
        mean_clean_lap_s=None if times is None else _mean(times),
    )


@dataclass(frozen=True, slots=True)
class DriverLapAnalysis:
    """One driver's lap times: clean-lap statistics [s], best sectors and theoretical best."""

    driver_number: int
    lap_count: int
    clean_lap_count: int | None
    best_clean_lap_s: float | None
    mean_clean_lap_s: float | None
    median_clean_lap_s: float | None
    stdev_clean_lap_s: float | None
    best_sector_1_s: float | None
    best_sector_2_s: float | None
    best_sector_3_s: float | None
    theoretical_best_s: float | None


def driver_lap_analysis(context: LapContext, driver_number: int) -> DriverLapAnalysis:
    """Count, best, mean, median and sample standard deviation of the driver's clean laps (None
    while one of their laps is undecided, see :mod:`f1graph.analysis.clean`); best sectors over
    all their laps; theoretical best = sum of the three best sectors (None if one is missing).
    """
    laps = context.driver_laps(driver_number)
    clean = context.clean_laps(driver_number)
    times = [] if clean is None else _clean_times(clean)
    sectors = [best_sector(laps, s) for s in (1, 2, 3)]
    best = [s.duration_s if s is not None else None for s in sectors]
    parts = [b for b in best if b is not None]
    return DriverLapAnalysis(
        driver_number=driver_number,
        lap_count=len(laps),
        clean_lap_count=None if clean is None else len(times),
        best_clean_lap_s=min(times, default=None),
        mean_clean_lap_s=_mean(times),
        median_clean_lap_s=statistics.median(times) if times else None,
        stdev_clean_lap_s=statistics.stdev(times) if len(times) >= 2 else None,
        best_sector_1_s=best[0],
        best_sector_2_s=best[1],
        best_sector_3_s=best[2],
        theoretical_best_s=round(sum(parts), 3) if len(parts) == 3 else None,
    )


def lap_analysis(context: LapContext) -> list[DriverLapAnalysis]:
    """:func:`driver_lap_analysis` for every driver with laps, fastest clean lap first
    (drivers without a clean lap last, by number)."""
    rows = [driver_lap_analysis(context, d) for d in context.drivers]
    return sorted(
        rows,
        key=lambda r: (r.best_clean_lap_s is None, r.best_clean_lap_s or 0.0, r.driver_number),
    )


def is_personal_best(
    lap: Lap, laps: Sequence[Lap], deleted: Collection[LapKey] | None = ()
) -> bool | None:
    """True when the lap improved on every earlier timed lap of the same driver in ``laps`` (a
    personal best when it was set, as timing screens show it); laps in ``deleted`` never count.
    ``deleted`` None means the deleted lap times are unknown (no race-control rows): then a
    timed lap is None (it may have been deleted, or an earlier faster one), an untimed one
    False."""
    if lap.lap_duration is None:
        return False
    if deleted is None:
        return None
    if (lap.driver_number, lap.lap_number) in deleted:
        return False
    return all(
        other.lap_duration > lap.lap_duration
        for other in laps
        if other.driver_number == lap.driver_number
        and other.lap_number < lap.lap_number
        and other.lap_duration is not None
        and (other.driver_number, other.lap_number) not in deleted
    )

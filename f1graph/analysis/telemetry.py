"""Telemetry analyses over car data columns: speed, DRS and gears (drivers side by side are in
:mod:`f1graph.analysis.comparison`).

Definitions used throughout:

- A sample holds from its own date until the next sample's, but for at most
  :data:`MAX_SAMPLE_HOLD_MS`: a longer gap is missing data, not time spent in that state. The
  last sample of a range holds for no time. Time-weighted figures (time with DRS open, time in
  each gear) sum these holds.
- Shares of samples (DRS open, full throttle, braking) count samples, which OpenF1 sends at a
  near-constant 3.7 Hz per car.
- Mean speed counts only moving samples (speed > 0), so time parked in the garage or on the
  grid does not dilute it; mean rpm counts only samples with the engine running (rpm > 0).
- DRS: codes 10, 12 and 14 mean open; 0 and 1 off; 8 detected (eligible, not yet open); 2, 3
  and 9 unknown, read as not open. DRS was abolished for 2026: from that season on the ``drs``
  channel is still reported as OpenF1 sends it, but nothing counts as open and the DRS analyses
  say ``applicable=False``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from f1graph.openf1.columns import CarDataColumns
from f1graph.openf1.records import Lap
from f1graph.times import epoch_ms

__all__ = [
    "DRS_OPEN_CODES",
    "FULL_THROTTLE_PCT",
    "LAST_DRS_SEASON",
    "MAX_SAMPLE_HOLD_MS",
    "DrsAnalysis",
    "GearAnalysis",
    "GearTime",
    "SpeedAnalysis",
    "distance_m",
    "downsample",
    "drs_analysis",
    "drs_applicable",
    "drs_open",
    "gear_analysis",
    "lap_window_ms",
    "mean_speed_kph",
    "sample_hold_ms",
    "sample_share",
    "season_of",
    "speed_analysis",
    "time_ordered",
    "top_speed_kph",
]

DRS_OPEN_CODES = (10, 12, 14)
LAST_DRS_SEASON = 2025
MAX_SAMPLE_HOLD_MS = 1_000
FULL_THROTTLE_PCT = 98


FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.integer[Any]]


# Building blocks ---------------------------------------------------------------------------


def drs_applicable(season: int) -> bool:
    """Whether the season had DRS at all (it was replaced by overtake mode in 2026)."""
    return season <= LAST_DRS_SEASON


def drs_open(drs: IntArray, season: int) -> npt.NDArray[np.bool_]:
    """Per sample, whether the flap is open: codes 10, 12 or 14; always False from 2026."""
    if not drs_applicable(season):
        return np.zeros(len(drs), dtype=np.bool_)
    return np.isin(drs, DRS_OPEN_CODES)


def sample_hold_ms(date_ms: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """How long each sample holds [ms]: until the next one, capped at 1 s; the last holds 0."""
    hold = np.zeros(len(date_ms), dtype=np.int64)
    if len(date_ms) > 1:
        np.minimum(np.diff(date_ms), MAX_SAMPLE_HOLD_MS, out=hold[:-1])
    return hold


def distance_m(date_ms: npt.NDArray[np.int64], speed_kph: IntArray) -> FloatArray:
    """Distance covered [m] at each sample since the first, by the trapezoidal rule: each
    interval adds the mean of its two end speeds times its duration (gaps included)."""
    if len(date_ms) == 0:
        return np.zeros(0)
    speed_ms = speed_kph.astype(np.float64) / 3.6
    steps = (speed_ms[1:] + speed_ms[:-1]) / 2 * (np.diff(date_ms) / 1000.0)
    return np.concatenate(([0.0], np.cumsum(steps)))


def downsample(cols: CarDataColumns, max_points: int) -> npt.NDArray[np.intp]:
    """Indices (ascending) of at most ``max_points`` samples that keep the speed trace's shape.

    Never invents a sample: the first and last are kept, the rest are cut into equal buckets
    by index and each bucket keeps its slowest and fastest sample. Meant for one car's rows.
    """
    count = len(cols)
    if max_points < 1:
        raise ValueError(f"max_points must be at least 1, not {max_points}.")
    if count <= max_points:
        return np.arange(count, dtype=np.intp)
    if max_points < 4:
        return np.array([0, count - 1][:max_points], dtype=np.intp)
    inner = count - 2
    bucket_size = -(-inner // ((max_points - 2) // 2))  # ceil, so buckets * 2 + 2 <= max_points
    buckets = -(-inner // bucket_size)
    speed = cols.speed[1:-1].astype(np.int32)
    padded_low = np.full(buckets * bucket_size, np.iinfo(np.int32).max, dtype=np.int32)
    padded_high = np.full(buckets * bucket_size, np.iinfo(np.int32).min, dtype=np.int32)
    padded_low[:inner] = speed
    padded_high[:inner] = speed
    starts = np.arange(buckets) * bucket_size + 1
    slowest = starts + padded_low.reshape(buckets, bucket_size).argmin(axis=1)
    fastest = starts + padded_high.reshape(buckets, bucket_size).argmax(axis=1)
    return np.unique(np.concatenate(([0, count - 1], slowest, fastest))).astype(np.intp)


def lap_window_ms(lap: Lap) -> tuple[int, int] | None:
    """The lap's time span [start, end) in epoch milliseconds, or None when OpenF1 lacks its
    start or duration (lap 1 and unfinished laps often have no duration)."""
    if lap.date_start is None or lap.lap_duration is None:
        return None
    start_ms = epoch_ms(lap.date_start)
    return start_ms, start_ms + round(lap.lap_duration * 1000)


def time_ordered(cols: CarDataColumns) -> CarDataColumns:
    if len(cols) > 1 and bool((np.diff(cols.date_ms) < 0).any()):
        return cols.sorted_by_time()
    return cols


def _per_driver(cols: CarDataColumns, laps: Sequence[Lap]) -> dict[int, CarDataColumns]:
    """One time-ordered block per car found in the samples or the laps."""
    drivers = sorted(set(cols.driver_numbers()) | {lap.driver_number for lap in laps})
    return {n: time_ordered(cols.select_driver(n)) for n in drivers}


def season_of(cols: CarDataColumns) -> int:
    return datetime.fromtimestamp(int(cols.date_ms[0]) / 1000, UTC).year


def sample_share(mask: npt.NDArray[np.bool_]) -> float | None:
    return float(np.count_nonzero(mask) / len(mask)) if len(mask) else None


def _max_or_none(values: Sequence[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return max(known) if known else None


def top_speed_kph(cols: CarDataColumns) -> int | None:
    return int(cols.speed.max()) if len(cols) else None


def mean_speed_kph(cols: CarDataColumns) -> float | None:
    moving = cols.speed[cols.speed > 0]
    return float(moving.mean()) if len(moving) else None


# Speed ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SpeedAnalysis:
    """One car's speeds [km/h]: from telemetry (top, mean while moving) and the speed traps
    (best intermediate 1 and 2 and speed-trap figures over its laps)."""

    driver_number: int
    samples: int
    top_speed_kph: int | None
    mean_speed_kph: float | None
    max_i1_speed_kph: int | None
    max_i2_speed_kph: int | None
    max_st_speed_kph: int | None


def speed_analysis(cols: CarDataColumns, laps: Sequence[Lap]) -> list[SpeedAnalysis]:
    """Per car (every car in the samples or the laps), ascending car number."""
    result = []
    for number, own in _per_driver(cols, laps).items():
        own_laps = [lap for lap in laps if lap.driver_number == number]
        result.append(
            SpeedAnalysis(
                driver_number=number,
                samples=len(own),
                top_speed_kph=top_speed_kph(own),
                mean_speed_kph=mean_speed_kph(own),
                max_i1_speed_kph=_max_or_none([lap.i1_speed for lap in own_laps]),
                max_i2_speed_kph=_max_or_none([lap.i2_speed for lap in own_laps]),
                max_st_speed_kph=_max_or_none([lap.st_speed for lap in own_laps]),
            )
        )
    return result


# DRS --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DrsAnalysis:
    """One car's DRS use. An opening is a sample with DRS open whose previous sample was not
    (a range that starts open does not count the opening it started in)."""

    driver_number: int
    applicable: bool
    samples: int
    openings: int
    open_time_s: float
    open_sample_share: float | None
    laps_with_drs: tuple[int, ...]


def drs_analysis(cols: CarDataColumns, laps: Sequence[Lap], season: int) -> list[DrsAnalysis]:
    """Per car: openings, time open [s], share of samples open, and the laps whose time
    window holds at least one open sample. From 2026 every figure is zero: no DRS."""
    result = []
    for number, own in _per_driver(cols, laps).items():
        is_open = drs_open(own.drs, season)
        open_dates = own.date_ms[is_open]
        windows = [
            (lap.lap_number, window)
            for lap in laps
            if lap.driver_number == number and (window := lap_window_ms(lap)) is not None
        ]
        laps_with_drs = sorted(
            lap_number
            for lap_number, (start, end) in windows
            if np.searchsorted(open_dates, start) < np.searchsorted(open_dates, end)
        )
        result.append(
            DrsAnalysis(
                driver_number=number,
                applicable=drs_applicable(season),
                samples=len(own),
                openings=int(np.count_nonzero(is_open[1:] & ~is_open[:-1])),
                open_time_s=float(sample_hold_ms(own.date_ms)[is_open].sum() / 1000),
                open_sample_share=sample_share(is_open),
                laps_with_drs=tuple(laps_with_drs),
            )
        )
    return result


# Gears ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GearTime:
    """Time spent in one gear (0 = neutral) [s] and its share of the car's time."""

    gear: int
    time_s: float
    time_share: float


@dataclass(frozen=True, slots=True)
class GearAnalysis:
    """One car's gear use. A gear change is a different gear from the previous sample's,
    neutral (0) samples left out, so 5-0-5 is no change and 2-0-1 (pit stop) is one."""

    driver_number: int
    samples: int
    time_in_gear: tuple[GearTime, ...]
    gear_changes: int
    top_rpm: int | None
    mean_rpm: float | None


def gear_analysis(cols: CarDataColumns) -> list[GearAnalysis]:
    """Per car: time-weighted share of each gear, gear changes, top and mean rpm (engine on)."""
    result = []
    for number, own in _per_driver(cols, ()).items():
        hold = sample_hold_ms(own.date_ms)
        total_ms = int(hold.sum())
        gears, gear_index = np.unique(own.n_gear, return_inverse=True)
        per_gear_ms = np.bincount(gear_index, weights=hold, minlength=len(gears))
        time_in_gear = (
            tuple(
                GearTime(int(gear), float(ms / 1000), float(ms / total_ms))
                for gear, ms in zip(gears, per_gear_ms, strict=True)
            )
            if total_ms > 0
            else ()
        )
        engaged = own.n_gear[own.n_gear != 0]
        running = own.rpm[own.rpm > 0]
        result.append(
            GearAnalysis(
                driver_number=number,
                samples=len(own),
                time_in_gear=time_in_gear,
                gear_changes=int(np.count_nonzero(engaged[1:] != engaged[:-1])),
                top_rpm=int(own.rpm.max()) if len(own) else None,
                mean_rpm=float(running.mean()) if len(running) else None,
            )
        )
    return result

"""Cars side by side: speeds, throttle, braking and DRS shares, and for one lap traces of speed,
throttle and brake on a common distance grid (definitions as in
:mod:`f1graph.analysis.telemetry`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from f1graph.analysis.telemetry import (
    FULL_THROTTLE_PCT,
    LAST_DRS_SEASON,
    FloatArray,
    distance_m,
    drs_applicable,
    drs_open,
    lap_window_ms,
    mean_speed_kph,
    sample_share,
    season_of,
    time_ordered,
    top_speed_kph,
)
from f1graph.openf1.columns import CarDataColumns
from f1graph.openf1.records import Lap


@dataclass(frozen=True, slots=True)
class DriverComparison:
    """One car's figures over the compared range: speeds [km/h] and shares of samples at
    full throttle (>= 98 %), braking (brake > 0) and with DRS open (None when no DRS)."""

    driver_number: int
    samples: int
    top_speed_kph: int | None
    mean_speed_kph: float | None
    full_throttle_share: float | None
    braking_share: float | None
    drs_open_share: float | None


@dataclass(frozen=True, slots=True)
class LapTrace:
    """One car's lap on the comparison's common distance grid: speed [km/h], throttle and
    brake [%], linearly interpolated; ``lap_distance_m`` is the distance it covered."""

    driver_number: int
    lap_number: int
    lap_distance_m: float
    speed_kph: FloatArray
    throttle_pct: FloatArray
    brake_pct: FloatArray


@dataclass(frozen=True, slots=True)
class Comparison:
    """Cars side by side over the whole range or one lap; traces only for one lap, sampled
    every ``grid_step_m`` from the line up to the shortest distance any car covered."""

    lap_number: int | None
    drivers: tuple[DriverComparison, ...]
    distance_m: FloatArray
    traces: tuple[LapTrace, ...]


def _lap_of(laps: Sequence[Lap], driver_number: int, lap_number: int) -> Lap | None:
    for lap in laps:
        if lap.driver_number == driver_number and lap.lap_number == lap_number:
            return lap
    return None


def compare_drivers(
    cols_by_driver: Mapping[int, CarDataColumns],
    laps: Sequence[Lap],
    lap_number: int | None = None,
    *,
    season: int | None = None,
    grid_step_m: float = 10.0,
) -> Comparison:
    """The cars in ``cols_by_driver`` side by side, over all their samples or, with
    ``lap_number``, over that lap's window only (a car without that timed lap gets empty
    figures and no trace). ``season`` defaults to the year of the samples."""
    ranges: dict[int, CarDataColumns] = {}
    for number, cols in sorted(cols_by_driver.items()):
        own = time_ordered(cols)
        if lap_number is not None:
            lap = _lap_of(laps, number, lap_number)
            window = lap_window_ms(lap) if lap is not None else None
            own = own.slice_time(*window) if window is not None else CarDataColumns.empty()
        ranges[number] = own
    if season is None:
        dated = [own for own in ranges.values() if len(own)]
        season = season_of(dated[0]) if dated else LAST_DRS_SEASON + 1
    drivers = tuple(
        DriverComparison(
            driver_number=number,
            samples=len(own),
            top_speed_kph=top_speed_kph(own),
            mean_speed_kph=mean_speed_kph(own),
            full_throttle_share=sample_share(own.throttle >= FULL_THROTTLE_PCT),
            braking_share=sample_share(own.brake > 0),
            drs_open_share=sample_share(drs_open(own.drs, season))
            if drs_applicable(season)
            else None,
        )
        for number, own in ranges.items()
    )
    if lap_number is None:
        return Comparison(None, drivers, np.zeros(0), ())
    distances = {n: distance_m(own.date_ms, own.speed) for n, own in ranges.items() if len(own)}
    if not distances:
        return Comparison(lap_number, drivers, np.zeros(0), ())
    grid = np.arange(0.0, min(d[-1] for d in distances.values()) + 1e-9, grid_step_m)
    traces = tuple(
        LapTrace(
            driver_number=number,
            lap_number=lap_number,
            lap_distance_m=float(dist[-1]),
            speed_kph=np.interp(grid, dist, ranges[number].speed),
            throttle_pct=np.interp(grid, dist, ranges[number].throttle),
            brake_pct=np.interp(grid, dist, ranges[number].brake),
        )
        for number, dist in distances.items()
    )
    return Comparison(lap_number, drivers, grid, traces)

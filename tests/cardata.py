"""Car data made up to agree with a session's real laps, for the fake OpenF1 and for tests.

No recording of a whole race's ``car_data`` exists here, so this builds one: every car gets
samples at about 3.7 Hz across each of its timed laps, following one made-up circuit.

The circuit is a lap simulation on a distance grid: ten corners with apex speeds, a
speed-dependent traction limit accelerating out of them and a braking limit into them. Each
real lap replays that profile stretched to its own duration, so the distance it covers is the
circuit's length, ``lap_length_m`` (by default the length at which the session's fastest lap
runs the profile at its natural speed). Gear comes from speed, rpm from speed and gear,
throttle and brake from whether the profile is accelerating, cornering or braking. Before 2026
the two longest straights are DRS zones: code 8 (detected) from just before the straight, then
12 (open) to the braking point, on laps from lap 3 whose time is within 10 % of the car's
median, with probability ``drs_probability``; from 2026 the ``drs`` channel is all 0.

Everything is drawn from ``numpy.random.default_rng(seed)``: same laps and seed, same data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

import numpy as np
import numpy.typing as npt
import orjson

from f1graph.analysis.telemetry import LAST_DRS_SEASON, lap_window_ms
from f1graph.openf1.columns import CarDataColumns
from f1graph.openf1.records import Lap
from f1graph.times import epoch_ms

__all__ = ["SAMPLE_INTERVAL_MS", "car_data_rows_json", "generate_car_data", "implied_lap_length_m"]

SAMPLE_INTERVAL_MS = 1000 / 3.7
_NOMINAL_LENGTH_M = 5_000.0
_GRID_M = 5.0
_PHASES = 4096
_PHASE_GRID = (np.arange(_PHASES) + 0.5) / _PHASES
_TOP_SPEED_MS = 92.0  # 331 km/h
# (position as a fraction of the lap, apex speed [km/h], length of the apex [m])
_CORNERS = (
    (0.05, 105, 60),
    (0.13, 185, 40),
    (0.22, 80, 70),
    (0.38, 255, 30),
    (0.47, 140, 50),
    (0.55, 95, 60),
    (0.71, 205, 40),
    (0.79, 120, 50),
    (0.87, 165, 40),
    (0.95, 230, 30),
)
# upper speed [km/h] of gears 1..8
_GEAR_TOP_KPH = np.array([95, 130, 160, 190, 225, 260, 295, 345])
_REDLINE_RPM = 12_000
_DRS_DETECTION_PHASE = 0.02


@dataclass(frozen=True, slots=True)
class _Circuit:
    """The profile on a grid uniform in time: speed relative to the lap's mean speed,
    throttle and brake [%], DRS zone per phase (-1 outside, 0 or 1 inside)."""

    relative_speed: npt.NDArray[np.float64]
    throttle: npt.NDArray[np.int16]
    brake: npt.NDArray[np.int16]
    drs_zone: npt.NDArray[np.int8]
    drs_open: npt.NDArray[np.bool_]
    mean_speed_ms: float


@cache
def _circuit() -> _Circuit:
    """The profile, laid out on a lap of :data:`_NOMINAL_LENGTH_M`."""
    points = int(_NOMINAL_LENGTH_M / _GRID_M)
    step = _NOMINAL_LENGTH_M / points
    limit = np.full(points, _TOP_SPEED_MS)
    for at, apex_kph, length_m in _CORNERS:
        first = int(at * points)
        limit[first : first + max(1, int(length_m / step))] = apex_kph / 3.6
    # Three laps in a row so the middle one starts and ends at the speed it wraps round with.
    limit3 = np.tile(limit, 3)
    forward = limit3.copy()
    for i in range(1, len(forward)):
        grip = 14.0 * (1 - (forward[i - 1] / _TOP_SPEED_MS) ** 2) + 0.2
        forward[i] = min(limit3[i], np.sqrt(forward[i - 1] ** 2 + 2 * grip * step))
    speed3 = forward.copy()
    for i in range(len(speed3) - 2, -1, -1):
        braking = 25.0 + 25.0 * (speed3[i + 1] / _TOP_SPEED_MS) ** 2
        speed3[i] = min(speed3[i], np.sqrt(speed3[i + 1] ** 2 + 2 * braking * step))
    lap = slice(points, 2 * points + 1)
    speed, fwd, lim = speed3[lap], forward[lap], limit3[lap]
    braking_mask = speed < fwd - 1e-6
    cornering = ~braking_mask & (speed >= lim - 1e-6) & (lim < _TOP_SPEED_MS)
    seconds = np.concatenate(([0.0], np.cumsum(step / ((speed[1:] + speed[:-1]) / 2))))
    phase_of_point = seconds / seconds[-1]
    nearest = np.clip(np.searchsorted(phase_of_point, _PHASE_GRID), 0, len(speed) - 1)
    mean_speed = _NOMINAL_LENGTH_M / seconds[-1]
    throttle = np.where(braking_mask, 0, np.where(cornering, 30 + 40 * speed / _TOP_SPEED_MS, 100))
    full = throttle[nearest] == 100
    zone, is_open = _drs_zones(full)
    return _Circuit(
        relative_speed=np.interp(_PHASE_GRID, phase_of_point, speed) / mean_speed,
        throttle=throttle[nearest].astype(np.int16),
        brake=np.where(braking_mask, 100, 0)[nearest].astype(np.int16),
        drs_zone=zone,
        drs_open=is_open,
        mean_speed_ms=float(mean_speed),
    )


def _drs_zones(full: npt.NDArray[np.bool_]) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.bool_]]:
    """The two longest full-throttle runs that do not cross the line become DRS zones."""
    edges = np.flatnonzero(np.diff(full.astype(np.int8)))
    runs = [(s + 1, e + 1) for s, e in pairwise(edges) if full[s + 1]]
    longest = sorted(sorted(runs, key=lambda r: r[0] - r[1])[:2])
    zone = np.full(len(full), -1, dtype=np.int8)
    is_open = np.zeros(len(full), dtype=np.bool_)
    detection = int(_DRS_DETECTION_PHASE * len(full))
    for number, (start, end) in enumerate(longest):
        zone[max(0, start - detection) : end] = number
        is_open[start + (end - start) // 10 : end] = True
    return zone, is_open


def implied_lap_length_m(laps: Sequence[Lap]) -> float:
    """The circuit length [m] at which the fastest timed lap runs the profile at its own pace."""
    durations = [d for lap in laps if (d := lap.lap_duration) is not None and d > 0]
    if not durations:
        raise ValueError("No lap has a duration, so no lap length can be implied.")
    return _circuit().mean_speed_ms * min(durations)


def _season(laps: Sequence[Lap]) -> int:
    years = [lap.date_start.year for lap in laps if lap.date_start is not None]
    if not years:
        raise ValueError("No lap has a start date, so car data cannot be placed in time.")
    return min(years)


def _start_ms(lap: Lap) -> int | None:
    if lap.date_start is None:
        return None
    return epoch_ms(lap.date_start)


def _windows(own: Sequence[Lap]) -> npt.NDArray[np.int64]:
    """Rows of (lap number, start, end) [ms]; a lap with no duration ends where the next starts."""
    ordered = sorted((lap for lap in own if lap.date_start is not None), key=lambda x: x.lap_number)
    rows: list[tuple[int, int, int]] = []
    for lap, following in zip(ordered, [*ordered[1:], None], strict=True):
        window = lap_window_ms(lap)
        if window is None and following is not None:
            start, end = _start_ms(lap), _start_ms(following)
            window = (start, end) if start is not None and end is not None and end > start else None
        if window is not None:
            rows.append((lap.lap_number, *window))
    return np.array(rows, dtype=np.int64).reshape(-1, 3)


def _car(
    number: int,
    windows: npt.NDArray[np.int64],
    lap_length_m: float,
    drs_probability: float,
    rng: np.random.Generator,
) -> CarDataColumns:
    """One car's samples over its lap windows; ``drs_probability`` 0 turns DRS off."""
    circuit = _circuit()
    lap_numbers, starts, ends = windows[:, 0], windows[:, 1], windows[:, 2]
    count = int((ends.max() - starts.min()) / SAMPLE_INTERVAL_MS) + 1
    ticks = (
        starts.min() + rng.uniform(0, SAMPLE_INTERVAL_MS) + np.arange(count) * SAMPLE_INTERVAL_MS
    )
    date_ms = np.round(ticks + rng.uniform(-15, 15, count)).astype(np.int64)
    lap_index = np.searchsorted(starts, date_ms, side="right") - 1
    inside = (lap_index >= 0) & (date_ms < ends[np.maximum(lap_index, 0)])
    date_ms, lap_index = date_ms[inside], lap_index[inside]
    lap_ms = ends - starts
    phase = (date_ms - starts[lap_index]) / lap_ms[lap_index]
    at = np.minimum((phase * _PHASES).astype(np.intp), _PHASES - 1)

    mean_speed_kph = lap_length_m / (lap_ms[lap_index] / 1000) * 3.6
    exact_speed = mean_speed_kph * np.interp(phase, _PHASE_GRID, circuit.relative_speed)
    speed = np.clip(np.round(exact_speed + rng.normal(0, 0.8, len(at))), 0, None)
    gear = np.searchsorted(_GEAR_TOP_KPH[:-1], speed, side="right") + 1
    rpm = _REDLINE_RPM * speed / _GEAR_TOP_KPH[gear - 1] + rng.normal(0, 60, len(at))
    throttle = circuit.throttle[at].astype(np.float64)
    partial = (throttle > 0) & (throttle < 100)
    throttle[partial] += rng.normal(0, 3, int(partial.sum()))

    drs = np.zeros(len(at), dtype=np.int16)
    eligible = (
        (lap_numbers >= 3)[:, None]
        & (lap_ms <= 1.1 * np.median(lap_ms))[:, None]
        & (rng.random((len(windows), 2)) < drs_probability)
    )
    zone = circuit.drs_zone[at]
    active = np.zeros(len(at), dtype=np.bool_)
    active[zone >= 0] = eligible[lap_index[zone >= 0], zone[zone >= 0]]
    drs[active] = np.where(circuit.drs_open[at[active]], 12, 8)
    return CarDataColumns(
        date_ms=date_ms,
        driver_number=np.full(len(at), number, dtype=np.int16),
        speed=speed.astype(np.int16),
        rpm=np.clip(np.round(rpm), 4_000, 12_500).astype(np.int32),
        n_gear=gear.astype(np.int8),
        throttle=np.clip(np.round(throttle), 0, 100).astype(np.int16),
        brake=circuit.brake[at],
        drs=drs,
    )


def generate_car_data(
    laps: Sequence[Lap],
    seed: int = 0,
    *,
    season: int | None = None,
    lap_length_m: float | None = None,
    drs_probability: float = 0.6,
) -> CarDataColumns:
    """Car data for every car in ``laps`` over its laps, ordered by date as OpenF1 sends it.

    ``season`` defaults to the year of the laps, ``lap_length_m`` to
    :func:`implied_lap_length_m`; from 2026 there is no DRS, so the channel is all 0.
    """
    season = _season(laps) if season is None else season
    length_m = implied_lap_length_m(laps) if lap_length_m is None else lap_length_m
    probability = drs_probability if season <= LAST_DRS_SEASON else 0.0
    rng = np.random.default_rng(seed)
    per_car: dict[int, list[Lap]] = defaultdict(list)
    for lap in laps:
        per_car[lap.driver_number].append(lap)
    cars = []
    for number in sorted(per_car):
        windows = _windows(per_car[number])
        if len(windows):
            cars.append(_car(number, windows, length_m, probability, rng))
    return CarDataColumns.concat(cars).sorted_by_time()


def car_data_rows_json(
    cols: CarDataColumns, *, session_key: int | None = None, meeting_key: int | None = None
) -> bytes:
    """The columns as OpenF1 ``car_data`` JSON: an array of rows, keys in OpenF1's order."""
    dates = np.datetime_as_string(cols.date_ms.astype("datetime64[ms]"), unit="us").tolist()
    meeting = orjson.dumps(meeting_key).decode()
    session = orjson.dumps(session_key).decode()
    rows = [
        f'{{"brake":{b},"date":"{d}+00:00","driver_number":{n},"drs":{drs},'
        f'"meeting_key":{meeting},"n_gear":{g},"rpm":{r},"session_key":{session},'
        f'"speed":{s},"throttle":{t}}}'
        for b, d, n, drs, g, r, s, t in zip(
            cols.brake.tolist(),
            dates,
            cols.driver_number.tolist(),
            cols.drs.tolist(),
            cols.n_gear.tolist(),
            cols.rpm.tolist(),
            cols.speed.tolist(),
            cols.throttle.tolist(),
            strict=True,
        )
    ]
    return ("[" + ",".join(rows) + "]").encode()

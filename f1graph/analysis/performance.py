"""One line per driver: pace, sectors, top speed, pit stops, start, finish and classification."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from f1graph.analysis.clean import LapContext
from f1graph.analysis.laps import best_sector, completed_laps, fastest_lap
from f1graph.analysis.running_order import RunningOrder
from f1graph.openf1.records import Lap, SessionResult


@dataclass(frozen=True, slots=True)
class DriverPerformance:
    """A driver's session in figures; times [s], speed [km/h]."""

    driver_number: int
    laps_completed: int
    best_lap_s: float | None
    best_lap_number: int | None
    mean_clean_lap_s: float | None
    best_sector_1_s: float | None
    best_sector_2_s: float | None
    best_sector_3_s: float | None
    top_speed_kph: int | None
    pit_stops: int | None
    start_position: int | None
    finish_position: int | None
    places_gained: int | None
    dnf: bool | None
    dns: bool | None
    dsq: bool | None


def laps_completed(laps: Sequence[Lap]) -> int:
    """How many of one driver's laps were completed (see :func:`completed_laps`)."""
    return len(completed_laps(laps))


def _top_speed(laps: Sequence[Lap]) -> int | None:
    speeds = [
        v for lap in laps for v in (lap.i1_speed, lap.i2_speed, lap.st_speed) if v is not None
    ]
    return max(speeds, default=None)


def driver_performance(
    context: LapContext,
    running: RunningOrder,
    session_result: Sequence[SessionResult] = (),
    pits_known: bool = True,
) -> list[DriverPerformance]:
    """Per driver: laps completed (``session_result.number_of_laps`` when known, else
    :func:`laps_completed`), fastest lap, mean of clean laps (None while one is undecided),
    best sectors, top speed (max of the i1, i2 and speed-trap speeds), pit rows (None when
    ``pits_known`` is false: the session's pit data is missing, so the count is unknown, not
    zero), start and finish from the running order (:mod:`f1graph.analysis.running_order`:
    the grid, else position rows before the start, else None; the classified position, else
    (unless it did not start) the place after the last row and lap), places gained = start -
    finish, and ``dnf``/``dns``/``dsq`` from ``session_result`` only (None when it has no row:
    a lap without a duration is not a retirement). Ordered by finish, drivers without one
    last."""
    results = {r.driver_number: r for r in session_result}
    starts = running.starts
    last_position = running.finish
    drivers = (
        set(context.drivers)
        | results.keys()
        | starts.keys()
        | last_position.keys()
        | {p.driver_number for p in context.pits}
    )
    out = []
    for driver in drivers:
        laps = context.driver_laps(driver)
        result = results.get(driver)
        best = fastest_lap(laps)
        clean = [
            lap.lap_duration
            for lap in context.clean_laps(driver) or ()  # None: undecided, so no mean
            if lap.lap_duration is not None
        ]
        sectors = [best_sector(laps, s) for s in (1, 2, 3)]
        start = starts.get(driver)
        finish = result.position if result is not None else None
        if finish is None and not (result is not None and result.dns):
            finish = last_position.get(driver)
        completed = result.number_of_laps if result is not None else None
        out.append(
            DriverPerformance(
                driver_number=driver,
                laps_completed=completed if completed is not None else laps_completed(laps),
                best_lap_s=best.lap_duration if best is not None else None,
                best_lap_number=best.lap_number if best is not None else None,
                mean_clean_lap_s=statistics.fmean(clean) if clean else None,
                best_sector_1_s=sectors[0].duration_s if sectors[0] else None,
                best_sector_2_s=sectors[1].duration_s if sectors[1] else None,
                best_sector_3_s=sectors[2].duration_s if sectors[2] else None,
                top_speed_kph=_top_speed(laps),
                pit_stops=sum(1 for p in context.pits if p.driver_number == driver)
                if pits_known
                else None,
                start_position=start,
                finish_position=finish,
                places_gained=start - finish if start is not None and finish is not None else None,
                dnf=result.dnf if result is not None else None,
                dns=result.dns if result is not None else None,
                dsq=result.dsq if result is not None else None,
            )
        )
    return sorted(
        out, key=lambda p: (p.finish_position is None, p.finish_position or 0, p.driver_number)
    )

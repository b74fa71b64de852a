"""One line per driver: pace, sectors, top speed, pit stops, start, finish and classification."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from f1graph.analysis.clean import LapContext
from f1graph.analysis.laps import best_sector, completed_laps, fastest_lap
from f1graph.analysis.positions import start_positions
from f1graph.openf1.records import Lap, Position, SessionResult, StartingGrid


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
    positions: Sequence[Position] = (),
    session_result: Sequence[SessionResult] = (),
    starting_grid: Sequence[StartingGrid] = (),
    pits_known: bool = True,
) -> list[DriverPerformance]:
    """Per driver: laps completed (``session_result.number_of_laps`` when known, else
    :func:`laps_completed`), fastest lap, mean of clean laps, best sectors, top speed (max of
    the i1, i2 and speed-trap speeds), pit rows (None when ``pits_known`` is false: the
    session's pit data is missing, so the count is unknown, not zero), start (grid slot, else
    first position row),
    finish (classified position, else last position row), places gained = start - finish, and
    ``dnf``/``dns``/``dsq`` from ``session_result`` only (None when it has no row: a lap without
    a duration is not a retirement). Ordered by finish, drivers without one last."""
    results = {r.driver_number: r for r in session_result}
    starts = start_positions(positions, starting_grid)
    last_position: dict[int, tuple[datetime, int]] = {}
    for row in positions:
        held = last_position.get(row.driver_number)
        if held is None or row.date >= held[0]:
            last_position[row.driver_number] = (row.date, row.position)
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
            lap.lap_duration for lap in context.clean_laps(driver) if lap.lap_duration is not None
        ]
        sectors = [best_sector(laps, s) for s in (1, 2, 3)]
        start = starts[driver][0] if driver in starts else None
        finish = result.position if result is not None else None
        if finish is None and driver in last_position:
            finish = last_position[driver][1]
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

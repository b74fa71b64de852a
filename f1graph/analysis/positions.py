"""Positions over a session: each driver's start, finish and changes, read from the one
:class:`~f1graph.analysis.running_order.RunningOrder` (so they agree with the standings at any
instant and with the race progress lap by lap)."""

from __future__ import annotations

from dataclasses import dataclass

from f1graph.analysis.running_order import PositionChange, RunningOrder


@dataclass(frozen=True, slots=True)
class DriverPositions:
    """One driver's start, finish and every change of position in between."""

    driver_number: int
    start_position: int | None
    start_from_grid: bool
    finish_position: int | None
    places_gained: int | None
    changes: list[PositionChange]


def position_changes(running: RunningOrder) -> list[DriverPositions]:
    """Per driver of the running order: its start (grid, else position rows before the start,
    else None), its finish (its place after the last row and lap), places gained = start -
    finish, and every change of its place from the start on. Ordered by finish."""
    changes = running.changes()
    finish = running.finish
    out = []
    for driver, last in finish.items():
        start = running.starts.get(driver)
        out.append(
            DriverPositions(
                driver_number=driver,
                start_position=start,
                start_from_grid=running.start_from_grid and start is not None,
                finish_position=last,
                places_gained=None if start is None else start - last,
                changes=changes.get(driver, []),
            )
        )
    return sorted(out, key=lambda d: (d.finish_position is None, d.finish_position or 0))

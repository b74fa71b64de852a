"""Positions over a session: each driver's start, finish and changes, and the order lap by lap."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from f1graph.openf1.records import Lap, Position, StartingGrid


@dataclass(frozen=True, slots=True)
class PositionChange:
    """A driver's position moving from one place to another at ``date``."""

    date: datetime
    from_position: int
    to_position: int

    @property
    def places_gained(self) -> int:
        """Positive when the driver moved forward."""
        return self.from_position - self.to_position


@dataclass(frozen=True, slots=True)
class DriverPositions:
    """One driver's start, finish and every change of position in between."""

    driver_number: int
    start_position: int | None
    start_from_grid: bool
    finish_position: int | None
    places_gained: int | None
    changes: list[PositionChange]


def _by_driver(positions: Sequence[Position]) -> dict[int, list[Position]]:
    grouped: defaultdict[int, list[Position]] = defaultdict(list)
    for row in positions:
        grouped[row.driver_number].append(row)
    for rows in grouped.values():
        rows.sort(key=lambda r: r.date)
    return grouped


def start_positions(
    positions: Sequence[Position], starting_grid: Sequence[StartingGrid] = ()
) -> dict[int, tuple[int, bool]]:
    """Each driver's start position and whether it came from the starting grid: the grid slot
    when known, else the driver's first position row."""
    out = {g.driver_number: (g.position, True) for g in starting_grid if g.position is not None}
    for driver, rows in _by_driver(positions).items():
        out.setdefault(driver, (rows[0].position, False))
    return out


def position_changes(
    positions: Sequence[Position], starting_grid: Sequence[StartingGrid] = ()
) -> list[DriverPositions]:
    """Per driver: start position (see :func:`start_positions`), finish = last position row,
    places gained = start - finish, and every row whose position differs from the one before
    (starting from the start position). Ordered by finish, drivers without one last."""
    grouped = _by_driver(positions)
    starts = start_positions(positions, starting_grid)
    out: list[DriverPositions] = []
    for driver in grouped.keys() | starts.keys():
        rows = grouped.get(driver, [])
        start, from_grid = starts.get(driver, (None, False))
        changes: list[PositionChange] = []
        held = start
        for row in rows:
            if held is not None and row.position != held:
                changes.append(PositionChange(row.date, held, row.position))
            held = row.position
        finish = rows[-1].position if rows else None
        out.append(
            DriverPositions(
                driver_number=driver,
                start_position=start,
                start_from_grid=from_grid,
                finish_position=finish,
                places_gained=start - finish if start is not None and finish is not None else None,
                changes=changes,
            )
        )
    return sorted(
        out, key=lambda d: (d.finish_position is None, d.finish_position or 0, d.driver_number)
    )


@dataclass(frozen=True, slots=True)
class LapOrderEntry:
    """A driver's place at the end of a lap, and the position OpenF1 reported at that instant."""

    position: int
    driver_number: int
    completed_at: datetime
    reported_position: int | None


@dataclass(frozen=True, slots=True)
class LapProgress:
    """The order in which drivers completed one lap; the first is the leader."""

    lap_number: int
    leader_driver_number: int
    order: list[LapOrderEntry]


def lap_end_times(laps: Sequence[Lap]) -> dict[tuple[int, int], datetime]:
    """When each (driver, lap) was completed: the start of the driver's next lap when recorded
    (the same timing line), else ``date_start + lap_duration``; laps never completed are absent."""
    by_key = {(lap.driver_number, lap.lap_number): lap for lap in laps}
    ends: dict[tuple[int, int], datetime] = {}
    for (driver, number), lap in by_key.items():
        nxt = by_key.get((driver, number + 1))
        if nxt is not None and nxt.date_start is not None:
            ends[driver, number] = nxt.date_start
        elif lap.date_start is not None and lap.lap_duration is not None:
            ends[driver, number] = lap.date_start + timedelta(seconds=lap.lap_duration)
    return ends


def _position_at(rows: list[Position], at: datetime) -> int | None:
    held = None
    for row in rows:
        if row.date > at:
            break
        held = row.position
    return held


def race_progress(laps: Sequence[Lap], positions: Sequence[Position] = ()) -> list[LapProgress]:
    """Lap by lap, the drivers who completed that lap in the order they crossed the line at its
    end (see :func:`lap_end_times`), as on a lap chart: lapped cars are placed by when they
    completed the same lap. ``reported_position`` is OpenF1's position feed at that instant."""
    grouped = _by_driver(positions)
    per_lap: defaultdict[int, list[tuple[datetime, int]]] = defaultdict(list)
    for (driver, number), end in lap_end_times(laps).items():
        per_lap[number].append((end, driver))
    out: list[LapProgress] = []
    for number in sorted(per_lap):
        crossed = sorted(per_lap[number])
        order = [
            LapOrderEntry(i, driver, end, _position_at(grouped.get(driver, []), end))
            for i, (end, driver) in enumerate(crossed, start=1)
        ]
        out.append(LapProgress(number, order[0].driver_number, order))
    return out

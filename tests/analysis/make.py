"""Small hand-made records for edge cases; times are seconds after ``T0``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from f1graph.openf1.records import Interval, Lap, Pit, Position, RaceControl, Stint

T0 = datetime(2026, 1, 1, 14, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    """``T0`` plus ``seconds``."""
    return T0 + timedelta(seconds=seconds)


def lap(driver: int, number: int, start: float | None, duration: float | None, **kw: Any) -> Lap:
    """A lap starting ``start`` seconds after T0."""
    return Lap(
        driver_number=driver,
        lap_number=number,
        date_start=None if start is None else at(start),
        lap_duration=duration,
        **kw,
    )


def stint_laps(
    driver: int, times: list[float | None], first: int = 1, start: float = 0.0
) -> list[Lap]:
    """Consecutive laps from lap ``first``, each starting when the one before ends (90 s when
    the time is unknown)."""
    out = []
    clock = start
    for i, t in enumerate(times):
        out.append(lap(driver, first + i, clock, t))
        clock += t if t is not None else 90.0
    return out


def msg(seconds: float, message: str, lap_number: int | None = None, **kw: Any) -> RaceControl:
    """A race-control message."""
    return RaceControl(date=at(seconds), message=message, lap_number=lap_number, **kw)


def pit(driver: int, lap_number: int, seconds: float = 0.0, **kw: Any) -> Pit:
    """A pit row."""
    return Pit(date=at(seconds), driver_number=driver, lap_number=lap_number, **kw)


def pos(seconds: float, driver: int, position: int) -> Position:
    """A position row."""
    return Position(date=at(seconds), driver_number=driver, position=position)


def gap(
    seconds: float, driver: int, interval: float | str | None, leader: float | str | None
) -> Interval:
    """An interval row."""
    return Interval(date=at(seconds), driver_number=driver, interval=interval, gap_to_leader=leader)


def stint(
    driver: int, number: int, start: int, end: int, compound: str | None, age: int = 0
) -> Stint:
    """A stint row."""
    return Stint(
        driver_number=driver,
        stint_number=number,
        lap_start=start,
        lap_end=end,
        compound=compound,
        tyre_age_at_start=age,
    )

"""One running order per session: the start, the order at any instant, every change, the finish
and the order lap by lap all come from :class:`RunningOrder`, so those views cannot disagree.

OpenF1's position feed records *changes*: a car that never changed place (one that led from
pole to flag) may have no row at all, and some sessions have no rows before the start or none
at all. The running order completes the feed from the laps where it is silent:

* **The start** is the starting grid; else, for a race, each car's latest position row dated
  before the start (the earliest lap-1 start, else the scheduled start); otherwise unknown
  (None). It is never a car's first position *change*.
* **The order at an instant**: each car with a position row at or before it claims that place
  (on a tie, the more recent row wins; before the start, a car with no row yet claims its grid
  slot); cars with no claim take
  the places left free, in lap-chart order (more laps completed first, then the one that
  completed its last lap earlier, then the start order), once they have completed a lap (or
  have a start place): before that, nothing places them. Two cars claiming one place (the
  feed filing one car's move before the other's) are told apart by the more recent row, the
  other taking the next place.
* **A change** is a car's place in that order moving, at or after the start.
* **The finish** is the order after the last row and lap.
* **Race progress**: for each lap, every car that completed it, with its place in the running
  order at the instant it completed it (the leader is the first).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from f1graph.openf1.records import Lap, Position, Session, StartingGrid

_NEVER = datetime(1900, 1, 1, tzinfo=UTC)  # before anything: a grid slot's claim


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


def start_instant(laps: Sequence[Lap], scheduled: datetime | None) -> datetime | None:
    """When the race started: the earliest start of a lap 1, else the scheduled start."""
    starts = [lap.date_start for lap in laps if lap.lap_number == 1 and lap.date_start]
    return min(starts, default=scheduled)


@dataclass(frozen=True, slots=True)
class PositionChange:
    """A car's place in the running order moving from one place to another at ``date``."""

    date: datetime
    from_position: int
    to_position: int

    @property
    def places_gained(self) -> int:
        """Positive when the car moved forward."""
        return self.from_position - self.to_position


@dataclass(frozen=True, slots=True)
class Placed:
    """A car's place in the running order at an instant; ``date`` is when the feed row it
    rests on was filed (None when the place was completed from the laps)."""

    position: int
    driver_number: int
    date: datetime | None


@dataclass(frozen=True, slots=True)
class LapPlace:
    """A car completing a lap, its place in the running order then, and the feed's position."""

    position: int
    driver_number: int
    completed_at: datetime
    reported_position: int | None


@dataclass(frozen=True, slots=True)
class LapOrder:
    """The cars that completed one lap, by their place when they completed it."""

    lap_number: int
    leader_driver_number: int
    order: list[LapPlace]


@dataclass(frozen=True, slots=True, eq=False)
class RunningOrder:
    """The running order as a step function of time (see the module docstring)."""

    starts: dict[int, int]
    start_from_grid: bool
    start_at: datetime | None
    times: tuple[datetime, ...]
    orders: tuple[tuple[Placed, ...], ...]
    lap_ends: dict[tuple[int, int], datetime]
    feed: dict[int, tuple[Position, ...]]

    @classmethod
    def of_session(
        cls,
        session: Session | None,
        laps: Sequence[Lap],
        positions: Sequence[Position],
        starting_grid: Sequence[StartingGrid],
    ) -> RunningOrder:
        """The running order of ``session`` (its record, None when unknown): for a race, the
        start is ``starting_grid``, else the position rows dated before the start."""
        return cls.build(
            laps,
            positions,
            starting_grid,
            None if session is None else session.date_start,
            is_race=session is not None and session.session_type == "Race",
        )

    @classmethod
    def build(
        cls,
        laps: Sequence[Lap],
        positions: Sequence[Position],
        starting_grid: Sequence[StartingGrid] = (),
        scheduled_start: datetime | None = None,
        is_race: bool = False,
    ) -> RunningOrder:
        """Replay the position feed and the lap completions into the running order."""
        ends = lap_end_times(laps)
        feed: defaultdict[int, list[Position]] = defaultdict(list)
        for row in sorted(positions, key=lambda r: r.date):
            feed[row.driver_number].append(row)
        start_at = start_instant(laps, scheduled_start) if is_race else None
        grid = {g.driver_number: g.position for g in starting_grid if g.position is not None}
        starts: dict[int, int] = dict(grid)
        if not grid and start_at is not None:
            for driver, rows in feed.items():
                before = [r for r in rows if r.date < start_at]
                if before:
                    starts[driver] = before[-1].position
        drivers = sorted(
            {d for d, _ in ends} | {lap.driver_number for lap in laps} | feed.keys() | grid.keys()
        )
        events: defaultdict[datetime, list[tuple[str, int, int]]] = defaultdict(list)
        for driver, rows in feed.items():
            for row in rows:
                events[row.date].append(("row", driver, row.position))
        for (driver, number), end in ends.items():
            events[end].append(("lap", driver, number))
        claims: dict[int, tuple[int, datetime]] = {d: (p, _NEVER) for d, p in grid.items()}
        done: dict[int, tuple[int, datetime]] = {}
        times: list[datetime] = []
        orders: list[tuple[Placed, ...]] = []
        current = _order(drivers, claims, done, starts)
        times.append(_NEVER)
        orders.append(current)
        for at in sorted(events):
            if start_at is not None and at >= start_at:
                # from the start, a grid slot no longer places a car: rows or laps do
                claims = {d: c for d, c in claims.items() if c[1] != _NEVER}
            for kind, driver, value in events[at]:
                if kind == "row":
                    claims[driver] = (value, at)
                elif value >= done.get(driver, (0, at))[0]:
                    done[driver] = (value, at)
            order = _order(drivers, claims, done, starts)
            if order != current:
                times.append(at)
                orders.append(order)
                current = order
        return cls(
            starts=starts,
            start_from_grid=bool(grid),
            start_at=start_at,
            times=tuple(times),
            orders=tuple(orders),
            lap_ends=ends,
            feed={d: tuple(rows) for d, rows in feed.items()},
        )

    def at(self, instant: datetime) -> tuple[Placed, ...]:
        """The order at ``instant`` (after every row and lap completion filed at it)."""
        return self.orders[bisect.bisect_right(self.times, instant) - 1]

    def position_at(self, driver_number: int, instant: datetime) -> int | None:
        """The car's place at ``instant``; None for a car not in the session."""
        for placed in self.at(instant):
            if placed.driver_number == driver_number:
                return placed.position
        return None

    @property
    def finish(self) -> dict[int, int]:
        """Each car's place in the order after the last row and lap completion."""
        return {p.driver_number: p.position for p in self.orders[-1]}

    def changes(self) -> dict[int, list[PositionChange]]:
        """Per car, every move of its place at or after the start (from its start place, or
        from its first place when the start is unknown)."""
        held: dict[int, int | None] = dict(self.starts)
        out: dict[int, list[PositionChange]] = defaultdict(list)
        for at, order in zip(self.times, self.orders, strict=True):
            counted = self.start_at is None or at >= self.start_at
            for placed in order:
                before = held.get(placed.driver_number)
                if before is not None and before != placed.position and counted:
                    out[placed.driver_number].append(PositionChange(at, before, placed.position))
                if counted or placed.driver_number not in self.starts:
                    held[placed.driver_number] = placed.position
        return dict(out)

    def reported_at(self, driver_number: int, instant: datetime) -> int | None:
        """The position feed's own last row for the car at or before ``instant``."""
        rows = self.feed.get(driver_number, ())
        i = bisect.bisect_right([r.date for r in rows], instant)
        return rows[i - 1].position if i else None

    def progress(self) -> list[LapOrder]:
        """Lap by lap: each car that completed the lap, by its place when it did (see the
        module docstring); ties (the feed lagging the line) by the instant it completed it."""
        per_lap: defaultdict[int, list[tuple[int, datetime, int]]] = defaultdict(list)
        for (driver, number), end in self.lap_ends.items():
            place = self.position_at(driver, end)
            per_lap[number].append((place if place is not None else 1 << 20, end, driver))
        out: list[LapOrder] = []
        for number in sorted(per_lap):
            order = [
                LapPlace(place, driver, end, self.reported_at(driver, end))
                for place, end, driver in sorted(per_lap[number])
            ]
            out.append(LapOrder(number, order[0].driver_number, order))
        return out


def _order(
    drivers: Sequence[int],
    claims: dict[int, tuple[int, datetime]],
    done: dict[int, tuple[int, datetime]],
    starts: dict[int, int],
) -> tuple[Placed, ...]:
    """The order from the cars' claims, the unclaimed places filled in lap-chart order."""
    claimed = sorted(
        (claims[d][0], -claims[d][1].timestamp() if claims[d][1] != _NEVER else 0.0, d)
        for d in drivers
        if d in claims
    )
    taken = {position for position, _, _ in claimed}
    free = [p for p in range(1, len(drivers) + 1) if p not in taken]
    # a car with no claim is placed once the laps say something of it (or it has a start)
    silent = sorted(
        (d for d in drivers if d not in claims and (d in done or d in starts)),
        key=lambda d: (
            -done[d][0] if d in done else 0,
            done[d][1].timestamp() if d in done else float("inf"),
            starts.get(d, 1 << 20),
            d,
        ),
    )
    slots = free + list(range(len(drivers) + 1, len(drivers) + 1 + len(silent)))
    ranked = sorted(
        [(position, 0, stamp, d) for position, stamp, d in claimed]
        + [(slots[i], 1, 0.0, d) for i, d in enumerate(silent)]
    )
    out: list[Placed] = []
    held = 0
    for wanted, _, _, d in ranked:
        held = max(wanted, held + 1)  # two claims of one place: the later row keeps it
        date = claims[d][1] if d in claims and claims[d][1] != _NEVER else None
        out.append(Placed(held, d, date))
    return tuple(out)

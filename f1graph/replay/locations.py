"""Car locations for a replay: a session's ``location`` rows as columns, loaded on first use.

:func:`location_reader` reads them through the telemetry store (windows of every car, cached
and shared with the rest of the graph), or in one read from the source where there is no
store. Samples at x = y = 0 (no position fix yet) are dropped.
"""

from __future__ import annotations

import asyncio
import statistics
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from f1graph.data.deadline import in_background
from f1graph.openf1 import Source, where
from f1graph.openf1.columns import LocationColumns
from f1graph.openf1.records import Lap
from f1graph.replay.events import LocationFrame, TrackOutline
from f1graph.times import epoch_ms

if TYPE_CHECKING:
    from f1graph.telemetry import TelemetryStore

STALE_MS = 5_000  # a car whose last fix is older than this is left out of a frame
OUTLINE_POINTS = 400

# One car's fixes: date [epoch ms], x, y
_Track = tuple[npt.NDArray[np.int64], npt.NDArray[np.int32], npt.NDArray[np.int32]]
LocationReader = Callable[[], Awaitable[LocationColumns]]


def location_reader(
    source: Source, telemetry: TelemetryStore | None, session_key: int
) -> LocationReader:
    """How to read the session's location rows (see the module docstring)."""

    async def through_store() -> LocationColumns:
        assert telemetry is not None
        cols = (await telemetry.session_columns(session_key, "location")).cols
        assert isinstance(cols, LocationColumns)
        return cols

    async def at_once() -> LocationColumns:
        body = await source.fetch("location", where(session_key=session_key))
        return await asyncio.to_thread(LocationColumns.from_json, body)

    return through_store if telemetry is not None else at_once


class Locations:
    """One session's car locations, loaded once: concurrent first callers share the load, which
    runs in the background (a caller that stops waiting leaves it running)."""

    def __init__(self, read: LocationReader) -> None:
        self._read = read
        self._loading: asyncio.Task[None] | None = None
        self._outline: tuple[TrackOutline | None] | None = None
        self._per_driver: dict[int, _Track] | None = None
        self.samples = 0

    async def load(self, timeout_s: float | None = None) -> None:
        """Fetch and index the session's location rows (no-op once done); :class:`TimeoutError`
        when that takes more than ``timeout_s`` (the load goes on)."""
        if self._per_driver is not None:
            return
        task = self._loading
        if task is None or (task.done() and (task.cancelled() or task.exception() is not None)):
            task = self._loading = in_background(self._fill())  # a failed load is tried again
        await asyncio.wait_for(asyncio.shield(task), timeout_s)

    async def _fill(self) -> None:
        columns = await self._read()
        fixed = columns.take((columns.x != 0) | (columns.y != 0)).sorted_by_time()
        self.samples = len(fixed)
        self._per_driver = {
            number: (cols.date_ms, cols.x, cols.y) for number, cols in fixed.by_driver().items()
        }

    @property
    def loaded(self) -> bool:
        return self._per_driver is not None

    @property
    def last_ms(self) -> int | None:
        """The last fix of any car [epoch ms]; ``None`` before loading or without fixes."""
        lasts = [int(dates[-1]) for dates, _, _ in (self._per_driver or {}).values()]
        return max(lasts) if lasts else None

    def frame_at(self, t_ms: int) -> LocationFrame:
        """Each car's latest fix at or before ``t_ms`` (none older than ``STALE_MS``)."""
        numbers: list[int] = []
        xs: list[int] = []
        ys: list[int] = []
        for number, (dates, x, y) in (self._per_driver or {}).items():
            i = int(np.searchsorted(dates, t_ms, side="right")) - 1
            if i >= 0 and t_ms - int(dates[i]) <= STALE_MS:
                numbers.append(number)
                xs.append(int(x[i]))
                ys.append(int(y[i]))
        return LocationFrame(numbers, xs, ys)

    def outline(self, laps: Sequence[Lap]) -> TrackOutline | None:
        """The path of the car with most fixes over its lap nearest the median lap time (not a
        pit in or out lap), else over its first two minutes; ``None`` without locations."""
        if self._outline is None and self._per_driver is not None:
            self._outline = (self._draw(laps),)
        return self._outline[0] if self._outline else None

    def _draw(self, laps: Sequence[Lap]) -> TrackOutline | None:
        if not self._per_driver:
            return None
        number, (dates, x, y) = max(self._per_driver.items(), key=lambda kv: len(kv[1][0]))
        mine = [
            lap
            for lap in laps
            if lap.driver_number == number
            and lap.date_start is not None
            and lap.lap_duration is not None
            and not lap.is_pit_out_lap
        ]
        if mine:
            median = statistics.median(lap.lap_duration or 0.0 for lap in mine)
            lap = min(mine, key=lambda lap: abs((lap.lap_duration or 0.0) - median))
            assert lap.date_start is not None and lap.lap_duration is not None
            lo = epoch_ms(lap.date_start)
            hi = lo + int(lap.lap_duration * 1000)
        else:
            lo = int(dates[0])
            hi = lo + 120_000
        pick = (dates >= lo) & (dates <= hi)
        px, py = x[pick], y[pick]
        stride = max(1, len(px) // OUTLINE_POINTS)
        every_x = np.concatenate([v[1] for v in self._per_driver.values()])
        every_y = np.concatenate([v[2] for v in self._per_driver.values()])
        return TrackOutline(
            x=[int(v) for v in px[::stride]],
            y=[int(v) for v in py[::stride]],
            min_x=int(every_x.min()),
            max_x=int(every_x.max()),
            min_y=int(every_y.min()),
            max_y=int(every_y.max()),
        )

"""Telemetry windows: the unit fetched from OpenF1 and cached, and a session's span of them.

A window is ``[start, start + telemetry_window_s)`` of one session's ``car_data`` or
``location``, for one car or for every car. Windows are aligned to epoch multiples of the window
size, so their keys do not move when a session's record is corrected. A session's telemetry
span runs from one hour before its ``date_start`` (cars leave the pits for the grid about 40
minutes before a race) to 30 minutes after its ``date_end`` (in-laps, parc fermé); nothing
outside it is ever fetched.

Cached payloads are the window's own ``[start, end)`` [ms] (16 bytes) followed by
:meth:`~f1graph.openf1.columns.CarDataColumns.to_bytes`; a payload whose span is not the
expected one (written with another window size) is read as a miss.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any, Final

import numpy as np

from f1graph.cache import keys
from f1graph.errors import BadRequestError
from f1graph.openf1.columns import CarDataColumns, LocationColumns
from f1graph.times import epoch_ms

__all__ = [
    "COLUMNS",
    "SAMPLE_RATE_HZ",
    "SPAN_AFTER",
    "SPAN_BEFORE",
    "Columns",
    "Span",
    "WindowKey",
    "between",
    "concat",
    "pack_window",
    "split_by_driver",
    "unpack_window",
]

Columns = CarDataColumns | LocationColumns

COLUMNS: Final[dict[str, type[CarDataColumns] | type[LocationColumns]]] = {
    "car_data": CarDataColumns,
    "location": LocationColumns,
}
SAMPLE_RATE_HZ: Final = 3.7  # OpenF1's samples per second per car, for estimates only
SPAN_BEFORE: Final = timedelta(hours=1)
SPAN_AFTER: Final = timedelta(minutes=30)
_SPAN = struct.Struct("<qq")


def columns_for(endpoint: str) -> type[CarDataColumns] | type[LocationColumns]:
    """The column class of a telemetry endpoint; ``BadRequestError`` for any other endpoint."""
    try:
        return COLUMNS[endpoint]
    except KeyError:
        raise BadRequestError(f"{endpoint} is not a telemetry endpoint.") from None


@dataclass(frozen=True, slots=True)
class WindowKey:
    """One cached window: a session's endpoint, one car (``None``: every car), its start [ms]."""

    session_key: int
    endpoint: str
    driver_number: int | None
    start_ms: int

    @property
    def cache_key(self) -> str:
        if self.driver_number is None:
            return f"{keys.session_prefix(self.session_key)}{self.endpoint}:all:{self.start_ms}"
        return keys.telemetry_key(
            self.session_key, self.endpoint, self.driver_number, self.start_ms
        )

    def for_driver(self, driver_number: int) -> WindowKey:
        return WindowKey(self.session_key, self.endpoint, driver_number, self.start_ms)


@dataclass(frozen=True, slots=True)
class Span:
    """A session's telemetry span ``[start_ms, end_ms)``, cut into windows of ``window_ms``."""

    start_ms: int
    end_ms: int
    window_ms: int

    @classmethod
    def of_session(cls, date_start: datetime, date_end: datetime, window_s: float) -> Span:
        """The span of a session that ran from ``date_start`` to ``date_end``."""
        window_ms = max(1, round(window_s * 1000))
        first = epoch_ms(date_start - SPAN_BEFORE) // window_ms * window_ms
        end = epoch_ms(max(date_end, date_start) + SPAN_AFTER)
        return cls(first, -(-end // window_ms) * window_ms, window_ms)

    @property
    def duration_s(self) -> float:
        return (self.end_ms - self.start_ms) / 1000

    def clip(self, from_ms: int | None, to_ms: int | None) -> tuple[int, int]:
        """``[from_ms, to_ms)`` cut to the span (an open side is the span's own); may be empty."""
        start = self.start_ms if from_ms is None else max(from_ms, self.start_ms)
        end = self.end_ms if to_ms is None else min(to_ms, self.end_ms)
        return start, max(start, end)

    def window_starts(self, from_ms: int | None = None, to_ms: int | None = None) -> list[int]:
        """Starts [ms] of the windows that overlap ``[from_ms, to_ms)`` within the span."""
        start, end = self.clip(from_ms, to_ms)
        if end <= start:
            return []
        first = (start - self.start_ms) // self.window_ms * self.window_ms + self.start_ms
        return list(range(first, end, self.window_ms))


def between(cols: Columns, from_ms: int, to_ms: int) -> Columns:
    """The rows with ``from_ms <= date_ms < to_ms`` of time-ordered columns, as views."""
    lo, hi = np.searchsorted(cols.date_ms, [from_ms, to_ms])
    if lo == 0 and hi == len(cols):
        return cols
    return type(cols)(**{f.name: getattr(cols, f.name)[lo:hi] for f in fields(cols)})


def split_by_driver(cols: Columns) -> dict[int, Columns]:
    """The rows of each car, ascending car number, keeping their order (one stable sort,
    then views, instead of one mask per car)."""
    if len(cols) == 0:
        return {}
    order = np.argsort(cols.driver_number, kind="stable")
    grouped = cols.take(order)
    cuts = [0, *(np.flatnonzero(np.diff(grouped.driver_number)) + 1).tolist(), len(grouped)]
    names = [f.name for f in fields(grouped)]
    return {
        int(grouped.driver_number[lo]): type(grouped)(
            **{n: getattr(grouped, n)[lo:hi] for n in names}
        )
        for lo, hi in pairwise(cuts)
    }


def time_ordered(cols: Columns) -> Columns:
    """The columns ordered by date (OpenF1 sends them so; this makes sure)."""
    if len(cols) > 1 and bool((np.diff(cols.date_ms) < 0).any()):
        return cols.sorted_by_time()
    return cols


def concat(endpoint: str, parts: list[Columns]) -> Columns:
    """The rows of every part, in order, as the endpoint's columns (empty for no parts)."""
    kind: Any = columns_for(endpoint)
    return kind.concat(parts)  # type: ignore[no-any-return]


def pack_window(start_ms: int, end_ms: int, cols: Columns) -> bytes:
    """The cached form of a window: its span, then its columns."""
    return _SPAN.pack(start_ms, end_ms) + cols.to_bytes()


def unpack_window(payload: bytes, endpoint: str, start_ms: int, end_ms: int) -> Columns | None:
    """The window's columns, or ``None`` when the payload holds another span or is unreadable."""
    if len(payload) < _SPAN.size or _SPAN.unpack_from(payload) != (start_ms, end_ms):
        return None
    try:
        return columns_for(endpoint).from_bytes(payload[_SPAN.size :])
    except ValueError:
        return None

"""The ``CarData`` and ``Location`` series: one array scalar per channel.

Resolvers hand back a :class:`CarDataSeries` or :class:`LocationSeries` as the source object
of these types; each channel is computed on first read (``distance`` and ``drsOpen`` only when
asked for) and read by graphql-core's default resolver, which is the cheapest path per field.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import strawberry

from f1graph.analysis.telemetry import DRS_OPEN_CODES, distance_m, downsample, drs_applicable
from f1graph.errors import BadRequestError
from f1graph.openf1.columns import CarDataColumns, LocationColumns
from f1graph.schema.scalars import BoolArray, DateTimeArray, FloatArray, IntArray

Index = npt.NDArray[np.intp]

# DRS open per raw code (read as unsigned 16 bits): one lookup instead of np.isin per sample.
_DRS_OPEN = np.zeros(1 << 16, dtype=np.bool_)
_DRS_OPEN[list(DRS_OPEN_CODES)] = True


def drs_open_fast(drs: npt.NDArray[np.int16], season: int) -> npt.NDArray[np.bool_]:
    """:func:`f1graph.analysis.telemetry.drs_open` (codes 10, 12, 14; nothing from 2026), by
    table lookup."""
    if not drs_applicable(season):
        return np.zeros(len(drs), dtype=np.bool_)
    return _DRS_OPEN[drs.astype(np.int16, copy=False).view(np.uint16)]


def even_indices(count: int, max_points: int) -> Index:
    """At most ``max_points`` indices spread evenly over ``count`` samples, first and last
    kept (for location, which has no speed to keep the extremes of)."""
    if count <= max_points:
        return np.arange(count, dtype=np.intp)
    picked = np.round(np.linspace(0, count - 1, max_points)).astype(np.intp)
    return np.unique(picked)


def check_max_points(max_points: int | None) -> None:
    if max_points is not None and max_points < 1:
        raise BadRequestError(f"maxPoints must be at least 1, not {max_points}.")


class _Series:
    """What both series share: the car, the kept indices (maxPoints), the dates."""

    def __init__(self, driver_number: int, date_ms: npt.NDArray[np.int64], kept: Index | None):
        self.driver_number = driver_number
        self.kept = kept
        self._date_ms = date_ms

    def _pick(self, values: npt.NDArray[Any]) -> Any:
        return values if self.kept is None else values[self.kept]

    @cached_property
    def count(self) -> int:
        return len(self._date_ms) if self.kept is None else len(self.kept)

    @cached_property
    def date_ms(self) -> Any:
        return self._pick(self._date_ms)

    @cached_property
    def date(self) -> Any:
        return self.date_ms  # the DateTimeArray scalar writes epoch ms as ISO 8601


class CarDataSeries(_Series):
    """The source object of ``CarData``."""

    def __init__(
        self, driver_number: int, cols: CarDataColumns, season: int, max_points: int | None
    ) -> None:
        kept = None if max_points is None else downsample(cols, max_points)
        super().__init__(driver_number, cols.date_ms, kept)
        self.cols = cols
        self.season = season

    speed = cached_property(lambda self: self._pick(self.cols.speed))
    rpm = cached_property(lambda self: self._pick(self.cols.rpm))
    n_gear = cached_property(lambda self: self._pick(self.cols.n_gear))
    throttle = cached_property(lambda self: self._pick(self.cols.throttle))
    brake = cached_property(lambda self: self._pick(self.cols.brake))
    drs = cached_property(lambda self: self._pick(self.cols.drs))

    @cached_property
    def drs_open(self) -> Any:
        return self._pick(drs_open_fast(self.cols.drs, self.season))

    @cached_property
    def distance(self) -> Any:
        return self._pick(np.round(distance_m(self.cols.date_ms, self.cols.speed), 2))


class LocationSeries(_Series):
    """The source object of ``Location``."""

    def __init__(self, driver_number: int, cols: LocationColumns, max_points: int | None):
        kept = None if max_points is None else even_indices(len(cols), max_points)
        super().__init__(driver_number, cols.date_ms, kept)
        self.cols = cols

    x = cached_property(lambda self: self._pick(self.cols.x))
    y = cached_property(lambda self: self._pick(self.cols.y))
    z = cached_property(lambda self: self._pick(self.cols.z))


_DATE = "When each sample was taken (UTC)."
_DATE_MS = "When each sample was taken, as epoch milliseconds (UTC)."
_COUNT = "Samples in this answer."


@strawberry.type(
    description="One car's car data over a range (a lap, a time window or the whole session): "
    "one array per channel, index i of every array being sample i (about 3.7 samples a second). "
    "With maxPoints, samples are picked, never invented: the first, the last, and the slowest "
    "and fastest of each of equal runs of samples."
)
class CarData:
    driver_number: int = strawberry.field(description="The car number.")
    count: int = strawberry.field(description=_COUNT)
    date: DateTimeArray = strawberry.field(description=_DATE)
    date_ms: IntArray = strawberry.field(description=_DATE_MS)
    speed: IntArray = strawberry.field(description="Speed [km/h].")
    rpm: IntArray = strawberry.field(description="Engine speed [rpm].")
    n_gear: IntArray = strawberry.field(description="Gear: 0 neutral, 1 to 8.")
    throttle: IntArray = strawberry.field(description="Throttle pedal [%], 0 to 100.")
    brake: IntArray = strawberry.field(description="Brake [%]: OpenF1 sends 0 or 100 (pressed).")
    drs: IntArray = strawberry.field(
        description="The raw DRS code: 0 and 1 off, 8 detected (eligible, not open), 10, 12 and "
        "14 open, 2, 3 and 9 unknown. Read it through drsOpen."
    )
    drs_open: BoolArray = strawberry.field(
        description="Whether the DRS flap is open (code 10, 12 or 14). Always false from 2026, "
        "when DRS was replaced by overtake mode."
    )
    distance: FloatArray = strawberry.field(
        description="Distance covered since the first sample of the requested range [m], to the "
        "centimetre: speed integrated over time by the trapezoidal rule on every sample of the "
        "range (before maxPoints picks), each interval adding the mean of its two speeds times "
        "its duration."
    )

    @staticmethod
    def of(
        driver_number: int, cols: CarDataColumns, season: int, max_points: int | None
    ) -> CarData:
        return cast(CarData, CarDataSeries(driver_number, cols, season, max_points))


@strawberry.type(
    description="One car's position over a range: one array per channel, index i of every array "
    "being sample i (about 3.7 a second). Coordinates are on the circuit's own grid, in 1/10 m "
    "(as FastF1 reads them); 0, 0, 0 means no position fix yet. With maxPoints, samples are "
    "picked evenly, first and last kept, never invented."
)
class Location:
    driver_number: int = strawberry.field(description="The car number.")
    count: int = strawberry.field(description=_COUNT)
    date: DateTimeArray = strawberry.field(description=_DATE)
    date_ms: IntArray = strawberry.field(description=_DATE_MS)
    x: IntArray = strawberry.field(description="x on the circuit's grid [1/10 m].")
    y: IntArray = strawberry.field(description="y on the circuit's grid [1/10 m].")
    z: IntArray = strawberry.field(description="z (height) on the circuit's grid [1/10 m].")

    @staticmethod
    def of(driver_number: int, cols: LocationColumns, max_points: int | None) -> Location:
        return cast(Location, LocationSeries(driver_number, cols, max_points))

"""Telemetry held column by column: one numpy array per channel, never one object per sample.

A race holds about 500,000 ``car_data`` rows and as many ``location`` rows (about 3.7 Hz per
car); as Python objects that is hundreds of megabytes and seconds of work, as columns it is
about 11 MB and a few hundred milliseconds to decode.

Dates are ``date_ms``: epoch milliseconds, UTC (OpenF1 sends microseconds, always ``.xxx000``).
A channel value OpenF1 leaves null is read as 0, which is also what OpenF1 itself sends for "no
reading" (for example x = y = z = 0 before a car's first position fix).

The arrays are made read-only on construction so that columns shared through the cache cannot
be changed by one reader under another.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import attrgetter
from typing import Any, ClassVar, Self

import msgspec
import numpy as np
import numpy.typing as npt

from f1graph.errors import UpstreamBadResponseError

__all__ = ["CarDataColumns", "LocationColumns"]

_MAGIC = b"F1GC"
_VERSION = 1
# magic, version, kind, reserved, row count
_HEADER = struct.Struct("<4sBBHQ")
# "2024-06-09T17:59:04.556000+00:00"
_OPENF1_DATE_LENGTH = 32
_UTC_SUFFIX = np.frombuffer(b"+00:00", np.uint8)


class _CarDataRow(msgspec.Struct, gc=False):
    """Decoding shape of a ``car_data`` row; unnamed fields (meeting_key...) are skipped."""

    date: str
    driver_number: int
    speed: int | None = None
    rpm: int | None = None
    n_gear: int | None = None
    throttle: int | None = None
    brake: int | None = None
    drs: int | None = None


class _LocationRow(msgspec.Struct, gc=False):
    """Decoding shape of a ``location`` row."""

    date: str
    driver_number: int
    x: int | None = None
    y: int | None = None
    z: int | None = None


def _utc_naive(date: str) -> str:
    """``date`` as a naive UTC ISO string numpy can parse (slow path for non-``+00:00`` dates)."""
    parsed = datetime.fromisoformat(date)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed.isoformat()


def parse_dates_ms(dates: Sequence[str]) -> npt.NDArray[np.int64]:
    """OpenF1 ISO 8601 dates as epoch milliseconds UTC, parsed by numpy in one call.

    numpy will not parse offsets, so the ``+00:00`` OpenF1 always sends is cut off; any other
    spelling (``Z``, another offset, no fraction) takes a slower per-row path.
    """
    if not dates:
        return np.empty(0, np.int64)
    try:
        raw = np.array(dates, dtype=np.bytes_)
    except UnicodeEncodeError:
        raw = None
    if raw is not None and raw.dtype.itemsize == _OPENF1_DATE_LENGTH:
        chars = raw.view(np.uint8).reshape(len(raw), _OPENF1_DATE_LENGTH)
        # Shorter strings are NUL-padded, so this also checks that every date is full length.
        if (chars[:, -6:] == _UTC_SUFFIX).all():
            naive = raw.astype(f"S{_OPENF1_DATE_LENGTH - 6}")
            return naive.astype("datetime64[ms]").astype(np.int64)
    fixed = [d[:-6] if d.endswith("+00:00") else _utc_naive(d) for d in dates]
    return np.array(fixed, dtype="datetime64[ms]").astype(np.int64)


def _column(rows: Sequence[msgspec.Struct], name: str, dtype: type[np.generic]) -> npt.NDArray[Any]:
    try:
        return np.fromiter(map(attrgetter(name), rows), dtype, len(rows))
    except TypeError:  # a null somewhere: the slow path reads it as 0
        values = (0 if v is None else v for v in map(attrgetter(name), rows))
        return np.fromiter(values, dtype, len(rows))


@dataclass(frozen=True, slots=True)
class _Columns:
    """What car data and location columns share: dates, drivers, and row-wise selection."""

    date_ms: npt.NDArray[np.int64]
    driver_number: npt.NDArray[np.int16]

    _KIND: ClassVar[int]
    _DTYPES: ClassVar[dict[str, type[np.generic]]]
    _DECODER: ClassVar[msgspec.json.Decoder[Any]]

    def __post_init__(self) -> None:
        length = len(self.date_ms)
        for name, dtype in self._DTYPES.items():
            array = np.asarray(getattr(self, name), dtype=dtype)
            if array.ndim != 1 or len(array) != length:
                raise ValueError(
                    f"Column {name} has shape {array.shape}; every column needs ({length},)."
                )
            if array.flags.writeable:
                array = array.view()
                array.flags.writeable = False
            object.__setattr__(self, name, array)

    # Construction -----------------------------------------------------------------------

    @classmethod
    def from_json(cls, data: bytes) -> Self:
        """Columns from the JSON bytes of a list of OpenF1 rows (``b"[]"`` gives empty ones)."""
        try:
            rows = cls._DECODER.decode(data)
        except msgspec.DecodeError as exc:
            raise UpstreamBadResponseError(
                f"OpenF1 sent {cls.__name__} rows that cannot be decoded: {exc}."
            ) from exc
        try:
            date_ms = parse_dates_ms(list(map(attrgetter("date"), rows)))
        except ValueError as exc:
            raise UpstreamBadResponseError(
                f"OpenF1 sent {cls.__name__} rows with a date that is not ISO 8601: {exc}."
            ) from exc
        columns: dict[str, npt.NDArray[Any]] = {"date_ms": date_ms}
        for name, dtype in cls._DTYPES.items():
            if name != "date_ms":
                columns[name] = _column(rows, name, dtype)
        return cls(**columns)

    @classmethod
    def empty(cls) -> Self:
        """Columns with no rows."""
        return cls(**{name: np.empty(0, dtype) for name, dtype in cls._DTYPES.items()})

    @classmethod
    def concat(cls, parts: Sequence[Self]) -> Self:
        """The rows of every part, in the order given (windows fetched in order stay sorted)."""
        if not parts:
            return cls.empty()
        if len(parts) == 1:
            return parts[0]
        return cls(
            **{
                name: np.concatenate([getattr(part, name) for part in parts])
                for name in cls._DTYPES
            }
        )

    # Serialization ----------------------------------------------------------------------

    @classmethod
    def _layout(cls) -> list[tuple[str, type[np.generic]]]:
        return sorted(cls._DTYPES.items(), key=lambda item: -np.dtype(item[1]).itemsize)

    def to_bytes(self) -> bytes:
        """A compact binary form for the cache: a 16-byte header, then each column's raw bytes.

        Columns are little-endian, widest type first (so each stays aligned); no pickle, so
        reading it back runs no code and costs one copy-free ``np.frombuffer`` per column.
        """
        header = _HEADER.pack(_MAGIC, _VERSION, self._KIND, 0, len(self))
        chunks = [header]
        for name, dtype in self._layout():
            array: npt.NDArray[Any] = getattr(self, name)
            chunks.append(array.astype(np.dtype(dtype).newbyteorder("<"), copy=False).tobytes())
        return b"".join(chunks)

    @classmethod
    def from_bytes(cls, data: bytes) -> Self:
        """Columns read back from :meth:`to_bytes`; raises ``ValueError`` on foreign bytes."""
        if len(data) < _HEADER.size:
            raise ValueError(f"{len(data)} bytes are too few to hold {cls.__name__}.")
        magic, version, kind, _, count = _HEADER.unpack_from(data)
        if magic != _MAGIC or version != _VERSION or kind != cls._KIND:
            raise ValueError(f"These bytes do not hold {cls.__name__} (version {_VERSION}).")
        expected = _HEADER.size + count * sum(np.dtype(t).itemsize for t in cls._DTYPES.values())
        if len(data) != expected:
            raise ValueError(
                f"{cls.__name__} of {count} rows needs {expected} bytes, not {len(data)}."
            )
        columns: dict[str, npt.NDArray[Any]] = {}
        offset = _HEADER.size
        for name, dtype in cls._layout():
            little = np.dtype(dtype).newbyteorder("<")
            columns[name] = np.frombuffer(data, little, count, offset).astype(dtype, copy=False)
            offset += count * little.itemsize
        return cls(**columns)

    # Selection --------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.date_ms)

    @property
    def nbytes(self) -> int:
        """Bytes held by the arrays."""
        return sum(getattr(self, name).nbytes for name in self._DTYPES)

    def take(self, index: npt.NDArray[np.intp] | npt.NDArray[np.bool_]) -> Self:
        """The rows picked by an index array or a boolean mask, in that order."""
        return type(self)(**{name: getattr(self, name)[index] for name in self._DTYPES})

    def slice_time(self, from_ms: int | None = None, to_ms: int | None = None) -> Self:
        """The rows with ``from_ms <= date_ms < to_ms`` (half-open; ``None`` leaves a side open)."""
        mask = np.ones(len(self), dtype=np.bool_)
        if from_ms is not None:
            mask &= self.date_ms >= from_ms
        if to_ms is not None:
            mask &= self.date_ms < to_ms
        return self.take(mask)

    def select_driver(self, driver_number: int) -> Self:
        """The rows of one car, in their order."""
        return self.take(self.driver_number == driver_number)

    def driver_numbers(self) -> list[int]:
        """The car numbers present, ascending."""
        return [int(n) for n in np.unique(self.driver_number)]

    def by_driver(self) -> dict[int, Self]:
        """The rows split per car, each in its original order."""
        return {number: self.select_driver(number) for number in self.driver_numbers()}

    def sorted_by_time(self) -> Self:
        """The rows ordered by date (stable, so equal dates keep their order)."""
        return self.take(np.argsort(self.date_ms, kind="stable"))


@dataclass(frozen=True, slots=True)
class CarDataColumns(_Columns):
    """``car_data`` as columns: speed [km/h], rpm [1/min], gear (0 = neutral, 1-8), throttle
    and brake [%] (brake is 0 or 100 in practice), and the raw DRS code (see
    :func:`f1graph.analysis.telemetry.drs_open` for its meaning)."""

    speed: npt.NDArray[np.int16]
    rpm: npt.NDArray[np.int32]
    n_gear: npt.NDArray[np.int8]
    throttle: npt.NDArray[np.int16]
    brake: npt.NDArray[np.int16]
    drs: npt.NDArray[np.int16]

    _KIND: ClassVar[int] = 1
    _DTYPES: ClassVar[dict[str, type[np.generic]]] = {
        "date_ms": np.int64,
        "driver_number": np.int16,
        "speed": np.int16,
        "rpm": np.int32,
        "n_gear": np.int8,
        "throttle": np.int16,
        "brake": np.int16,
        "drs": np.int16,
    }
    _DECODER: ClassVar[msgspec.json.Decoder[Any]] = msgspec.json.Decoder(list[_CarDataRow])


@dataclass(frozen=True, slots=True)
class LocationColumns(_Columns):
    """``location`` as columns: x, y, z on the circuit's own grid (0, 0, 0
    means no position fix yet); FastF1 reads the unit as 1/10 m."""

    x: npt.NDArray[np.int32]
    y: npt.NDArray[np.int32]
    z: npt.NDArray[np.int32]

    _KIND: ClassVar[int] = 2
    _DTYPES: ClassVar[dict[str, type[np.generic]]] = {
        "date_ms": np.int64,
        "driver_number": np.int16,
        "x": np.int32,
        "y": np.int32,
        "z": np.int32,
    }
    _DECODER: ClassVar[msgspec.json.Decoder[Any]] = msgspec.json.Decoder(list[_LocationRow])

"""Telemetry test data: a recorded-data directory with car data, and a fast in-process source.

No whole race of real ``car_data`` is recorded, so :func:`build_telemetry_dir` lays out a
directory like ``../shared/openf1/dev`` for one race (9531 by default): its real session
record, laps and stints, drivers constructed from the laps (none are recorded), its real
``location`` (optionally only some cars), and ``car_data`` generated from its real laps by
:func:`tests.cardata.generate_car_data`. :class:`TelemetrySource` answers the same
telemetry in process, fast, for tests that make many upstream calls.
"""

from __future__ import annotations

import gzip
import operator
from collections.abc import Callable, Collection
from datetime import datetime
from pathlib import Path
from typing import Any

import msgspec
import numpy as np
import orjson

from f1graph.errors import UpstreamUnavailableError
from f1graph.openf1.columns import CarDataColumns, LocationColumns
from f1graph.openf1.filters import Filters
from f1graph.openf1.recorded import RecordedSource
from f1graph.openf1.records import Lap
from f1graph.telemetry import epoch_ms
from tests.cardata import car_data_rows_json, generate_car_data
from tests.data import DATA_DIR, raw_bytes, raw_rows

SESSION = 9531
MEETING = 1237


def laps_of(session_key: int = SESSION) -> list[Lap]:
    return msgspec.json.decode(raw_bytes(session_key, "laps"), type=list[Lap])


def generated_car_data(
    session_key: int = SESSION, drivers: Collection[int] | None = None, seed: int = 0
) -> CarDataColumns:
    """Car data over the real laps of ``drivers`` (default: every car), ordered by date."""
    laps = laps_of(session_key)
    if drivers is not None:
        laps = [lap for lap in laps if lap.driver_number in drivers]
    return generate_car_data(laps, seed=seed)


def build_telemetry_dir(
    dest: Path,
    car_data: CarDataColumns,
    session_key: int = SESSION,
    location_drivers: Collection[int] | None = None,
) -> Path:
    """Write the directory under ``dest`` and return it."""
    dest.mkdir(parents=True, exist_ok=True)
    sessions = [s for s in raw_rows(None, "sessions") if s["session_key"] == session_key]
    (dest / "sessions.json").write_bytes(orjson.dumps(sessions))
    meetings = [m for m in raw_rows(None, "meetings") if m["meeting_key"] == MEETING]
    (dest / "meetings.json").write_bytes(orjson.dumps(meetings))
    folder = dest / str(session_key)
    folder.mkdir(exist_ok=True)
    for name in ("laps.json", "stints.json"):
        (folder / name).symlink_to(DATA_DIR / str(session_key) / name)
    # No drivers are recorded for 9531: constructed from the laps (numbers only).
    numbers = sorted({lap.driver_number for lap in laps_of(session_key)})
    drivers = [
        {"driver_number": n, "session_key": session_key, "meeting_key": MEETING} for n in numbers
    ]
    (folder / "drivers.json").write_bytes(orjson.dumps(drivers))
    source = DATA_DIR / str(session_key) / "location.json.gz"
    if location_drivers is None:
        (folder / "location.json.gz").symlink_to(source)
    else:
        rows = [
            r for r in raw_rows(session_key, "location") if r["driver_number"] in location_drivers
        ]
        (folder / "location.json.gz").write_bytes(gzip.compress(orjson.dumps(rows), 1))
    body = car_data_rows_json(car_data, session_key=session_key, meeting_key=MEETING)
    (folder / "car_data.json.gz").write_bytes(gzip.compress(body, 1))
    return dest


def location_columns(
    session_key: int = SESSION, drivers: Collection[int] | None = None
) -> LocationColumns:
    """The recorded location of the race, optionally only some cars."""
    cols = LocationColumns.from_json(raw_bytes(session_key, "location"))
    return cols if drivers is None else cols.take(np.isin(cols.driver_number, list(drivers)))


def location_rows_json(cols: LocationColumns, session_key: int = SESSION) -> bytes:
    """Location columns as OpenF1 ``location`` JSON rows."""
    dates = np.datetime_as_string(cols.date_ms.astype("datetime64[ms]"), unit="us").tolist()
    rows = [
        {
            "date": f"{d}+00:00",
            "session_key": session_key,
            "meeting_key": MEETING,
            "driver_number": n,
            "x": x,
            "y": y,
            "z": z,
        }
        for d, n, x, y, z in zip(
            dates,
            cols.driver_number.tolist(),
            cols.x.tolist(),
            cols.y.tolist(),
            cols.z.tolist(),
            strict=True,
        )
    ]
    return orjson.dumps(rows)


class TelemetrySource:
    """A fast in-process OpenF1 for telemetry: ``car_data`` and ``location`` answered from
    columns with numpy (OpenF1's semantics for ``session_key``, repeated ``driver_number`` and
    ``date`` comparisons), everything else from a recorded directory. Records every telemetry
    call and can be told to fail."""

    def __init__(
        self, directory: Path, car_data: CarDataColumns, location: LocationColumns
    ) -> None:
        self.recorded = RecordedSource(directory)
        self.columns: dict[str, Any] = {"car_data": car_data, "location": location}
        self.calls: list[tuple[str, Filters]] = []
        self.failing = False

    def count(self, endpoint: str = "car_data") -> int:
        return sum(1 for name, _ in self.calls if name == endpoint)

    async def fetch(self, endpoint: str, filters: Filters) -> bytes:
        if endpoint not in self.columns:
            return await self.recorded.fetch(endpoint, filters)
        self.calls.append((endpoint, filters))
        if self.failing:
            raise UpstreamUnavailableError("OpenF1 kept failing (test).")
        cols = self.columns[endpoint]
        mask = np.ones(len(cols), dtype=np.bool_)
        numbers = [int(f.value) for f in filters if f.field == "driver_number"]
        if numbers:
            mask &= np.isin(cols.driver_number, numbers)
        for f in filters:
            if f.field == "session_key" and int(f.value) != SESSION:
                mask[:] = False
            if f.field == "date":
                ms = epoch_ms(f.value) if isinstance(f.value, datetime) else 0
                mask &= _COMPARE[f.op](cols.date_ms, ms)
        chosen = cols.take(mask)
        if endpoint == "car_data":
            return car_data_rows_json(chosen, session_key=SESSION, meeting_key=MEETING)
        return location_rows_json(chosen)

    async def aclose(self) -> None:
        await self.recorded.aclose()


_COMPARE: dict[str, Callable[[Any, int], Any]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}

"""Telemetry fields (car data, location, car-data analyses) of Session, Driver and Lap.

Series (``carData``, ``location``) are read through the request's telemetry loader, which
batches them and refuses a request that would read a whole race for every car (see
:mod:`f1graph.telemetry.bounds`). ``from`` and ``to`` are UTC instants, ``to`` inclusive, both
cut to the session's telemetry span (one hour before its start to 30 minutes after its end).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, cast

import strawberry

from f1graph.analysis import telemetry as analysis
from f1graph.analysis.comparison import compare_drivers
from f1graph.analysis.telemetry import lap_window_ms
from f1graph.errors import BadRequestError, NotFoundError
from f1graph.openf1 import LAPS
from f1graph.openf1.columns import CarDataColumns, LocationColumns
from f1graph.openf1.records import Lap as LapRecord
from f1graph.runtime import Info
from f1graph.schema.common import arg, loaders
from f1graph.schema.session_data import session_view
from f1graph.schema.telemetry_series import CarData, Location, check_max_points
from f1graph.schema.telemetry_types import Comparison, DrsAnalysis, GearAnalysis, SpeedAnalysis
from f1graph.telemetry import RangeRequest, TelemetryLoader, epoch_ms

FromArg = Annotated[
    datetime | None, strawberry.argument(name="from", description="From this instant (UTC).")
]
ToArg = Annotated[datetime | None, strawberry.argument(description="Until (UTC), inclusive.")]
MaxPointsArg = Annotated[
    int | None,
    strawberry.argument(description="At most this many samples, picked (never invented)."),
]
LapArg = Annotated[int | None, strawberry.argument(description="Only this lap's time window.")]


def _telemetry(info: Info) -> TelemetryLoader:
    return loaders(info).telemetry(info.context.services.telemetry)


def _range(from_: datetime | None, to: datetime | None) -> tuple[int | None, int | None]:
    return (
        None if from_ is None else epoch_ms(from_),
        None if to is None else epoch_ms(to) + 1,
    )


def lap_range_ms(lap: LapRecord, own_laps: Sequence[LapRecord]) -> tuple[int, int]:
    """The lap's ``[start, end)`` [ms]: its start plus its duration or, without a duration
    (lap 1 sometimes, an unfinished lap), until the next lap's start."""
    window = lap_window_ms(lap)
    if window is not None:
        return window
    following = [
        x for x in own_laps if x.lap_number == lap.lap_number + 1 and x.date_start is not None
    ]
    if lap.date_start is not None and following and following[0].date_start is not None:
        return epoch_ms(lap.date_start), epoch_ms(following[0].date_start)
    raise NotFoundError(
        f"Lap {lap.lap_number} of driver {lap.driver_number} has no start or end time in "
        "OpenF1, so its telemetry cannot be placed."
    )


async def _driver_range(
    info: Info,
    session_key: int,
    driver_number: int,
    lap: int | None,
    from_: datetime | None,
    to: datetime | None,
) -> tuple[int | None, int | None]:
    from_ms, to_ms = _range(from_, to)
    if lap is None:
        return from_ms, to_ms
    dataset = await session_view(info, session_key).dataset(LAPS)
    record = dataset.by_driver_lap.get((driver_number, lap))
    if record is None:
        raise NotFoundError(f"Driver {driver_number} has no lap {lap} in session {session_key}.")
    start, end = lap_range_ms(record, dataset.for_driver(driver_number))
    return (start if from_ms is None else max(start, from_ms)), (
        end if to_ms is None else min(end, to_ms)
    )


async def _car_data(
    info: Info, session_key: int, number: int, span: tuple[int | None, int | None], mp: int | None
) -> CarData:
    check_max_points(mp)
    loader = _telemetry(info)
    cols = await loader.series(RangeRequest(session_key, "car_data", number, *span))
    season = (await loader.info(session_key)).season
    return CarData.of(number, cast(CarDataColumns, cols), season, mp)


async def _location(
    info: Info, session_key: int, number: int, span: tuple[int | None, int | None], mp: int | None
) -> Location:
    check_max_points(mp)
    cols = await _telemetry(info).series(RangeRequest(session_key, "location", number, *span))
    return Location.of(number, cast(LocationColumns, cols), mp)


async def _whole_session(info: Info, session_key: int) -> tuple[CarDataColumns, list[Any], int]:
    loader = _telemetry(info)
    cols = await loader.session_columns(session_key, "car_data")
    laps = await session_view(info, session_key).rows(LAPS)
    return cast(CarDataColumns, cols), laps, (await loader.info(session_key)).season


async def _one_car(info: Info, session_key: int, number: int) -> tuple[CarDataColumns, list[Any]]:
    cols = await _telemetry(info).read(RangeRequest(session_key, "car_data", number))
    laps = await session_view(info, session_key).driver_rows(LAPS, number)
    return cast(CarDataColumns, cols), laps


def _of_car(results: Sequence[Any], driver: Any) -> Any:
    """The driver's entry of a per-car analysis, or None when the car has no data at all."""
    return next((r for r in results if r.driver_number == driver.driver_number), None)


@strawberry.type
class SessionTelemetryFields:
    """Telemetry fields of ``Session``."""

    @strawberry.field(
        description="Car data of one car (driverNumber) or of every car, over the session or a "
        "from/to window. Every car needs a window: one query may read at most four cars' whole "
        "session (a BAD_REQUEST error says so)."
    )
    async def car_data(
        self,
        info: Info,
        driver_number: Annotated[int | None, arg("Only this car number.")] = None,
        from_: FromArg = None,
        to: ToArg = None,
        max_points: MaxPointsArg = None,
    ) -> list[CarData]:
        session: Any = self
        if driver_number is not None:
            span = _range(from_, to)
            return [await _car_data(info, session.session_key, driver_number, span, max_points)]
        check_max_points(max_points)
        loader = _telemetry(info)
        per_car = await loader.every_car_series(session.session_key, "car_data", *_range(from_, to))
        season = (await loader.info(session.session_key)).season
        return [
            CarData.of(n, cast(CarDataColumns, c), season, max_points) for n, c in per_car.items()
        ]

    @strawberry.field(description="Per car: top and mean speed, and speed-trap figures.")
    async def speed_analysis(self, info: Info) -> list[SpeedAnalysis]:
        session: Any = self
        cols, laps, _ = await _whole_session(info, session.session_key)
        return SpeedAnalysis.many(analysis.speed_analysis(cols, laps))

    @strawberry.field(description="Per car: DRS openings, time and share open, laps with DRS.")
    async def drs_analysis(self, info: Info) -> list[DrsAnalysis]:
        session: Any = self
        cols, laps, season = await _whole_session(info, session.session_key)
        return DrsAnalysis.many(analysis.drs_analysis(cols, laps, season))

    @strawberry.field(description="Per car: time in each gear, gear changes, top and mean rpm.")
    async def gear_analysis(self, info: Info) -> list[GearAnalysis]:
        session: Any = self
        cols, _, _ = await _whole_session(info, session.session_key)
        return GearAnalysis.many(analysis.gear_analysis(cols))

    @strawberry.field(
        description="Cars side by side over the session or one lap: speeds, throttle and brake "
        "shares, DRS; with a lap, speed, throttle and brake traces on a common distance grid."
    )
    async def compare_drivers(
        self,
        info: Info,
        driver_numbers: Annotated[list[int], arg("The cars to compare, e.g. [1, 44].")],
        lap: Annotated[int | None, arg("Compare this lap, with traces on distance.")] = None,
    ) -> Comparison:
        session: Any = self
        session_key: int = session.session_key
        numbers = sorted(set(driver_numbers))
        if not numbers:
            raise BadRequestError("compareDrivers needs at least one driver number.")
        laps = await session_view(info, session_key).dataset(LAPS)
        requests = []
        for n in numbers:
            record = None if lap is None else laps.by_driver_lap.get((n, lap))
            if lap is not None and record is None:
                requests.append(RangeRequest(session_key, "car_data", n, 0, 0))  # no such lap
                continue
            span = (None, None) if record is None else lap_range_ms(record, laps.for_driver(n))
            requests.append(RangeRequest(session_key, "car_data", n, *span))
        loader = _telemetry(info)
        read = await loader.read_many(requests)
        by_car = {n: cast(CarDataColumns, c) for n, c in zip(numbers, read, strict=True)}
        season = (await loader.info(session_key)).season
        comparison = compare_drivers(by_car, laps.rows, lap, season=season)
        return Comparison.one(comparison)


@strawberry.type
class DriverTelemetryFields:
    """Telemetry fields of ``Driver``."""

    @strawberry.field(description="The car's car data over the session, one lap or from/to.")
    async def car_data(
        self,
        info: Info,
        lap: LapArg = None,
        from_: FromArg = None,
        to: ToArg = None,
        max_points: MaxPointsArg = None,
    ) -> CarData:
        driver: Any = self
        span = await _driver_range(info, driver.session_key, driver.driver_number, lap, from_, to)
        return await _car_data(info, driver.session_key, driver.driver_number, span, max_points)

    @strawberry.field(description="The car's position over the session, one lap or from/to.")
    async def location(
        self,
        info: Info,
        lap: LapArg = None,
        from_: FromArg = None,
        to: ToArg = None,
        max_points: MaxPointsArg = None,
    ) -> Location:
        driver: Any = self
        span = await _driver_range(info, driver.session_key, driver.driver_number, lap, from_, to)
        return await _location(info, driver.session_key, driver.driver_number, span, max_points)

    @strawberry.field(description="Top and mean speed, and speed-trap figures (null: no data).")
    async def speed_analysis(self, info: Info) -> SpeedAnalysis | None:
        driver: Any = self
        cols, laps = await _one_car(info, driver.session_key, driver.driver_number)
        return SpeedAnalysis.one(_of_car(analysis.speed_analysis(cols, laps), driver))

    @strawberry.field(description="DRS openings, time and share open, laps with DRS.")
    async def drs_analysis(self, info: Info) -> DrsAnalysis | None:
        driver: Any = self
        cols, laps = await _one_car(info, driver.session_key, driver.driver_number)
        season = (await _telemetry(info).info(driver.session_key)).season
        return DrsAnalysis.one(_of_car(analysis.drs_analysis(cols, laps, season), driver))

    @strawberry.field(description="Time in each gear, gear changes, top and mean rpm.")
    async def gear_analysis(self, info: Info) -> GearAnalysis | None:
        driver: Any = self
        cols, _ = await _one_car(info, driver.session_key, driver.driver_number)
        return GearAnalysis.one(_of_car(analysis.gear_analysis(cols), driver))


@strawberry.type
class LapTelemetryFields:
    """Telemetry fields of ``Lap``."""

    @strawberry.field(description="Car data over the lap's time window.")
    async def car_data(self, info: Info, max_points: MaxPointsArg = None) -> CarData:
        lap: Any = self
        span = await _driver_range(
            info, lap.session_key, lap.driver_number, lap.lap_number, None, None
        )
        return await _car_data(info, lap.session_key, lap.driver_number, span, max_points)

    @strawberry.field(description="Position over the lap's time window.")
    async def location(self, info: Info, max_points: MaxPointsArg = None) -> Location:
        lap: Any = self
        span = await _driver_range(
            info, lap.session_key, lap.driver_number, lap.lap_number, None, None
        )
        return await _location(info, lap.session_key, lap.driver_number, span, max_points)

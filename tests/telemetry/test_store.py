"""The telemetry store over a fast in-process OpenF1: windows, shapes, single-flight, stale."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import redis.asyncio as aioredis

from f1graph.cache import Cache, RedisCache
from f1graph.data import Datasets
from f1graph.data.deadline import drain_background
from f1graph.errors import UpstreamError
from f1graph.openf1.columns import CarDataColumns, LocationColumns
from f1graph.runtime import Services, build_services, preload_session
from f1graph.settings import Settings
from f1graph.telemetry import RangeRequest, TelemetryStore, epoch_ms
from tests.data import redis_url
from tests.telemetry_data import (
    SESSION,
    TelemetrySource,
    build_telemetry_dir,
    generated_car_data,
    laps_of,
    location_columns,
)

CARS = (1, 16, 44)
SPAN_START = epoch_ms(datetime(2024, 6, 9, 17, 0, tzinfo=UTC))  # 9531 starts at 18:00
SPAN_END = SPAN_START + 210 * 60_000


@pytest.fixture(scope="module")
def car_data() -> CarDataColumns:
    return generated_car_data(drivers=CARS)


@pytest.fixture(scope="module")
def location() -> LocationColumns:
    return location_columns(drivers=CARS)


@pytest.fixture(scope="module")
def directory(tmp_path_factory: pytest.TempPathFactory, car_data: CarDataColumns) -> Path:
    return build_telemetry_dir(tmp_path_factory.mktemp("openf1"), car_data, location_drivers=())


@pytest.fixture
def source(directory: Path, car_data: CarDataColumns, location: LocationColumns) -> Any:
    return TelemetrySource(directory, car_data, location)


def services_for(source: TelemetrySource, cache: Cache | None = None, **kw: Any) -> Services:
    services = build_services(Settings(**kw), source)
    if cache is not None:  # another process sharing the cache
        services.cache = cache
        services.datasets.cache = cache
        services.telemetry = TelemetryStore(source, cache, services.datasets, services.settings)
    return services


def own(cols: CarDataColumns, number: int) -> CarDataColumns:
    return cols.select_driver(number).slice_time(SPAN_START, SPAN_END)


def lap_window(number: int, lap_number: int) -> tuple[int, int]:
    lap = next(x for x in laps_of() if (x.driver_number, x.lap_number) == (number, lap_number))
    assert lap.date_start is not None and lap.lap_duration is not None
    start = epoch_ms(lap.date_start)
    return start, start + round(lap.lap_duration * 1000)


def date_bounds(filters: Any) -> tuple[int, int]:
    return (
        next(epoch_ms(f.value) for f in filters if f.field == "date" and f.op == ">="),
        next(epoch_ms(f.value) for f in filters if f.field == "date" and f.op == "<"),
    )


class TestColdAndWarm:
    """One car's race is three upstream requests cold and none warm; a lap reads its windows."""

    async def test_whole_race(self, source: TelemetrySource, car_data: CarDataColumns) -> None:
        store = services_for(source).telemetry
        (read,) = await store.read([RangeRequest(SESSION, "car_data", 44)])
        expected = own(car_data, 44)
        assert len(read.cols) == len(expected) > 20_000
        assert np.array_equal(read.cols.date_ms, expected.date_ms)
        assert isinstance(read.cols, CarDataColumns)
        assert np.array_equal(read.cols.speed, expected.speed)
        assert np.array_equal(read.cols.drs, expected.drs)
        assert source.count() == 3
        assert [date_bounds(f) for _, f in source.calls] == [
            (SPAN_START, SPAN_START + 100 * 60_000),
            (SPAN_START + 100 * 60_000, SPAN_START + 200 * 60_000),
            (SPAN_START + 200 * 60_000, SPAN_END),
        ]
        again = await store.read([RangeRequest(SESSION, "car_data", 44)])
        assert np.array_equal(again[0].cols.date_ms, expected.date_ms)
        assert source.count() == 3
        assert store.stats()["windows"] == 42

    async def test_eviction_forgets_everything(self, source: TelemetrySource) -> None:
        services = services_for(source)
        await services.telemetry.read([RangeRequest(SESSION, "car_data", 1)])
        await services.datasets.drop_session(SESSION)
        assert services.telemetry.drop_session(SESSION) == 42 + 1  # windows and the range
        await services.telemetry.read([RangeRequest(SESSION, "car_data", 1)])
        assert source.count() == 6

    async def test_another_process_reads_the_cache(self, source: TelemetrySource) -> None:
        first = services_for(source)
        await first.telemetry.read([RangeRequest(SESSION, "location", 16)])
        second = services_for(source, cache=first.cache)
        (read,) = await second.telemetry.read([RangeRequest(SESSION, "location", 16)])
        assert source.count("location") == 3
        assert isinstance(read.cols, LocationColumns) and len(read.cols) == 25_940

    async def test_one_lap(self, source: TelemetrySource, car_data: CarDataColumns) -> None:
        store = services_for(source).telemetry
        start, end = lap_window(1, 20)
        (read,) = await store.read([RangeRequest(SESSION, "car_data", 1, start, end)])
        assert np.array_equal(read.cols.date_ms, own(car_data, 1).slice_time(start, end).date_ms)
        window = 300_000
        first = (start - SPAN_START) // window * window + SPAN_START
        last = (end - 1 - SPAN_START) // window * window + SPAN_START + window
        assert [date_bounds(f) for _, f in source.calls] == [(first, last)]


class TestSingleFlight:
    """Concurrent identical reads fetch once."""

    async def test_ten_concurrent_reads(self, source: TelemetrySource) -> None:
        store = services_for(source).telemetry
        reads = await asyncio.gather(
            *(store.read([RangeRequest(SESSION, "car_data", 1)]) for _ in range(10))
        )
        assert {len(r[0].cols) for r in reads} == {len(reads[0][0].cols)}
        assert source.count() == 3


class TestShapes:
    """A batch is fetched per car or per window of every car, whichever is fewer requests."""

    async def test_every_car_on_one_lap(
        self, source: TelemetrySource, car_data: CarDataColumns
    ) -> None:
        store = services_for(source).telemetry
        start, end = lap_window(1, 30)
        numbers = sorted({lap.driver_number for lap in laps_of()})
        reads = await store.read(
            [RangeRequest(SESSION, "car_data", n, start, end) for n in numbers]
        )
        windows = len(range((start - SPAN_START) // 300_000, (end - 1 - SPAN_START) // 300_000 + 1))
        assert source.count() == windows
        assert all(f.field != "driver_number" for _, fs in source.calls for f in fs)
        by_number = dict(zip(numbers, reads, strict=True))
        for n in numbers:
            expected = own(car_data, n).slice_time(start, end) if n in CARS else None
            assert len(by_number[n].cols) == (0 if expected is None else len(expected))
        await store.read([RangeRequest(SESSION, "car_data", 16, start, end)])
        assert source.count() == windows

    async def test_session_columns_then_any_car(
        self, source: TelemetrySource, car_data: CarDataColumns
    ) -> None:
        store = services_for(source).telemetry
        read = await store.session_columns(SESSION, "car_data")
        assert source.count() == 42
        assert len(read.cols) == len(car_data.slice_time(SPAN_START, SPAN_END))
        fresh = TelemetryStore(source, store.fetcher.cache, store.datasets, store.settings)
        one, absent = await fresh.read(
            [RangeRequest(SESSION, "car_data", 16), RangeRequest(SESSION, "car_data", 2)]
        )
        assert source.count() == 42  # written per car too, empty for a car with no samples
        assert np.array_equal(one.cols.speed, own(car_data, 16).speed)
        assert len(absent.cols) == 0


class TestStaleOnError:
    """When OpenF1 fails, expired windows are served and marked stale; with none, it raises."""

    async def test_stale_window_served(self, source: TelemetrySource) -> None:
        first = services_for(source, ended_session_ttl_s=0.001)
        (fresh,) = await first.telemetry.read([RangeRequest(SESSION, "car_data", 1)])
        await asyncio.sleep(0.01)
        source.failing = True
        second = services_for(source, cache=first.cache, ended_session_ttl_s=0.001)
        (stale,) = await second.telemetry.read([RangeRequest(SESSION, "car_data", 1)])
        assert stale.stale and not fresh.stale
        assert np.array_equal(stale.cols.date_ms, fresh.cols.date_ms)

    async def test_nothing_cached_raises(self, source: TelemetrySource) -> None:
        source.failing = True
        store = services_for(source).telemetry
        with pytest.raises(UpstreamError):
            await store.read([RangeRequest(SESSION, "car_data", 1)])


class TestStaleAtOnce:
    """An expired window is answered at once, marked stale, while one refresh runs behind it."""

    async def test_stale_window_does_not_wait_for_openf1(self, source: TelemetrySource) -> None:
        first = services_for(source, ended_session_ttl_s=0.001)
        (fresh,) = await first.telemetry.read([RangeRequest(SESSION, "car_data", 1)])
        await asyncio.sleep(0.01)
        release = asyncio.Event()
        asked: list[str] = []
        fetch = source.fetch

        async def held(endpoint: str, filters: Any) -> bytes:
            if endpoint == "car_data":
                asked.append(endpoint)
                await release.wait()  # OpenF1 answers only when the test says so
            return await fetch(endpoint, filters)

        source.fetch = held  # type: ignore[method-assign]
        second = services_for(source, cache=first.cache, ended_session_ttl_s=0.001)
        reads = [RangeRequest(SESSION, "car_data", 1)] * 3
        answers = await asyncio.wait_for(second.telemetry.read(reads), 30)
        assert all(a.stale for a in answers)
        assert np.array_equal(answers[0].cols.date_ms, fresh.cols.date_ms)
        await asyncio.sleep(0.05)
        refreshes = len(asked)
        assert refreshes >= 1  # the refresh is on its way, behind the answer
        release.set()
        await drain_background()
        assert len(asked) == refreshes  # once for the three reads, nothing more asked


class TestPreload:
    """Preloading telemetry loads every window of every car of both endpoints."""

    async def test_preload(
        self, source: TelemetrySource, car_data: CarDataColumns, location: LocationColumns
    ) -> None:
        services = services_for(source)
        report = await preload_session(services, SESSION, telemetry=True)
        loads = {d.endpoint: d for d in report.datasets}
        assert loads["car_data"].rows == len(car_data.slice_time(SPAN_START, SPAN_END))
        assert loads["location"].rows == len(location) == 3 * 25_940
        assert loads["car_data"].error is None
        assert source.count() == source.count("location") == 42
        await services.telemetry.read([RangeRequest(SESSION, "location", 44)])
        assert source.count("location") == 42


REDIS_URL = redis_url(11)


async def flush_redis() -> None:
    client = aioredis.Redis.from_url(REDIS_URL)
    try:
        await client.flushdb()
    finally:
        await client.aclose()


class TestAcrossProcesses:
    """Two processes sharing Redis fetch a window once: one fetches, the other waits for it."""

    async def test_two_stores_one_fetch(self, source: TelemetrySource) -> None:
        await flush_redis()
        settings = Settings(redis_url=REDIS_URL)
        caches = [Cache(RedisCache(REDIS_URL)) for _ in range(2)]
        try:
            stores = [
                TelemetryStore(source, c, Datasets(source, c, settings), settings) for c in caches
            ]
            reads = await asyncio.gather(
                *(s.read([RangeRequest(SESSION, "car_data", 44)]) for s in stores)
            )
            assert source.count() == 3
            assert np.array_equal(reads[0][0].cols.date_ms, reads[1][0].cols.date_ms)
            assert len(reads[0][0].cols) > 20_000
        finally:
            for c in caches:
                await c.aclose()
            await flush_redis()

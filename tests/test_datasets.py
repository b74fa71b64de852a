"""Datasets: one upstream fetch per (endpoint, session), shared, batched and served stale on error.

The upstream is a counting fake that answers from the recorded files; rows are checked against
the raw recorded rows (``tests.data.raw_rows``), read by a different route than the code's.
Each test runs over the memory cache and over a real Redis (database 13, emptied by the test).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import orjson
import pytest
import redis.asyncio as aioredis

from f1graph.cache import Cache, MemoryCache, RedisCache, keys
from f1graph.cache.entry import pack
from f1graph.data import Datasets
from f1graph.data.deadline import (
    DeadlineExceededError,
    cancel_background,
    drain_background,
    reset_deadline,
    set_deadline,
)
from f1graph.errors import UpstreamError, UpstreamUnavailableError
from f1graph.openf1 import DRIVERS, ENDPOINTS, LAPS, TEAM_RADIO
from f1graph.openf1.filters import Filters
from f1graph.settings import Settings
from tests.data import raw_bytes, raw_rows, redis_url

REDIS_URL = redis_url(13)
RACE = 11253
THREE = (11249, 11253, 11280)
FIVE = (7779, 7787, 9070, 9078, 9102)
DAY_S = 24 * 3600.0


class CountingSource:
    """OpenF1 as recorded: answers ``session_key`` queries from the files and logs each call."""

    def __init__(self, delay_s: float = 0.0) -> None:
        self.calls: list[tuple[str, tuple[int, ...]]] = []
        self.delay_s = delay_s
        self.error: UpstreamError | None = None

    async def fetch(self, endpoint: str, filters: Filters) -> bytes:
        assert all(f.field == "session_key" and f.op == "=" for f in filters), filters
        sessions = tuple(int(f.value) for f in filters)
        self.calls.append((endpoint, sessions))
        await asyncio.sleep(self.delay_s)
        if self.error is not None:
            raise self.error
        if endpoint == "sessions":
            rows = [r for r in raw_rows(None, "sessions") if r["session_key"] in sessions]
            return orjson.dumps(rows)
        if len(sessions) == 1 and raw_rows(sessions[0], endpoint):
            return raw_bytes(sessions[0], endpoint)  # byte for byte what OpenF1 sent
        return orjson.dumps([row for sk in sessions for row in raw_rows(sk, endpoint)])

    def fetches(self, endpoint: str) -> list[tuple[int, ...]]:
        return [sessions for name, sessions in self.calls if name == endpoint]

    async def aclose(self) -> None:
        return None


MakeDatasets = Callable[..., Datasets]


async def _flush() -> None:
    r = aioredis.Redis.from_url(REDIS_URL)
    try:
        await r.flushdb()
    finally:
        await r.aclose()


@asynccontextmanager
async def datasets_factory(backend: str) -> AsyncIterator[MakeDatasets]:
    """Builds Datasets like separate processes would: each with its own Redis connection, or
    (memory) all on one cache standing for the processes' shared state."""
    redis = backend == "redis"
    if redis:
        await _flush()
    shared = Cache(MemoryCache(max_bytes=256 * 1024 * 1024))
    caches: list[Cache] = [shared]

    def make(source: CountingSource, **settings: Any) -> Datasets:
        cache = shared
        if redis:
            cache = Cache(RedisCache(REDIS_URL))
            caches.append(cache)
        return Datasets(source, cache, Settings(**settings))

    try:
        yield make
    finally:
        for cache in caches:
            await cache.aclose()
        if redis:
            await _flush()


@pytest.fixture(params=["memory", "redis"])
async def make_datasets(request: pytest.FixtureRequest) -> AsyncIterator[MakeDatasets]:
    async with datasets_factory(request.param) as make:
        yield make


@pytest.fixture
async def make_redis_datasets() -> AsyncIterator[MakeDatasets]:
    async with datasets_factory("redis") as make:
        yield make


def assert_laps_as_recorded(rows: list[Any], session_key: int) -> None:
    raw = raw_rows(session_key, "laps")
    assert len(rows) == len(raw)
    assert {r.session_key for r in rows} == {session_key}
    assert Counter(r.driver_number for r in rows) == Counter(r["driver_number"] for r in raw)
    assert [(r.driver_number, r.lap_number, r.lap_duration) for r in rows] == [
        (r["driver_number"], r["lap_number"], r["lap_duration"]) for r in raw
    ]


class TestColdAndWarm:
    """Cold: one fetch per (endpoint, session). Warm: none, in this process or another."""

    async def test_cold_then_warm(self, make_datasets: MakeDatasets) -> None:
        source = CountingSource()
        datasets = make_datasets(source)
        laps = await datasets.get(LAPS, RACE)
        assert_laps_as_recorded(laps.rows, RACE)
        assert not laps.stale
        # the session's end (for the TTL) comes from its sessions row, fetched once too
        assert sorted(source.calls) == [("laps", (RACE,)), ("sessions", (RACE,))]
        again = await datasets.get(LAPS, RACE)
        assert again is laps  # parsed once
        assert len(source.calls) == 2

    async def test_warm_from_the_cache_in_a_new_process(self, make_datasets: MakeDatasets) -> None:
        source = CountingSource()
        await make_datasets(source).get(LAPS, RACE)
        calls = len(source.calls)
        laps = await make_datasets(source).get(LAPS, RACE)
        assert len(source.calls) == calls
        assert_laps_as_recorded(laps.rows, RACE)

    async def test_ended_session_stays_fresh_long(self, make_datasets: MakeDatasets) -> None:
        datasets = make_datasets(CountingSource(), ended_session_ttl_s=30 * DAY_S)
        await datasets.get(LAPS, RACE)  # a race of March 2026, long over
        entry = await datasets.cache.get(keys.dataset_key(RACE, "laps"))
        assert entry is not None
        assert entry.fresh_until - time.time() == pytest.approx(30 * DAY_S, abs=60)

    async def test_unknown_session_end_uses_the_endpoint_ttl(
        self, make_datasets: MakeDatasets
    ) -> None:
        datasets = make_datasets(CountingSource())
        assert len(await datasets.get(LAPS, 1)) == 0  # no such session: no sessions row
        entry = await datasets.cache.get(keys.dataset_key(1, "laps"))
        assert entry is not None
        assert entry.fresh_until - time.time() == pytest.approx(ENDPOINTS["laps"].ttl_s, abs=60)

    async def test_indexes_by_driver(self, make_datasets: MakeDatasets) -> None:
        laps = await make_datasets(CountingSource()).get(LAPS, RACE)
        raw = raw_rows(RACE, "laps")
        for number in {r["driver_number"] for r in raw}:
            expected = sorted(r["lap_number"] for r in raw if r["driver_number"] == number)
            assert [lap.lap_number for lap in laps.for_driver(number)] == expected
        assert laps.for_driver(999) == []

    async def test_an_empty_session_is_an_empty_dataset(self, make_datasets: MakeDatasets) -> None:
        source = CountingSource()
        datasets = make_datasets(source)
        missing = await datasets.get(TEAM_RADIO, RACE)
        assert len(missing) == 0
        await datasets.get(TEAM_RADIO, RACE)
        assert source.fetches("team_radio") == [(RACE,)]  # no rows is cached like rows


class TestSingleFlight:
    """Concurrent callers of one cold dataset share one upstream fetch."""

    async def test_fifty_concurrent_gets(self, make_datasets: MakeDatasets) -> None:
        source = CountingSource(delay_s=0.05)
        datasets = make_datasets(source)
        results = await asyncio.gather(*(datasets.get(LAPS, RACE) for _ in range(50)))
        assert source.fetches("laps") == [(RACE,)]
        assert all(r is results[0] for r in results)
        assert_laps_as_recorded(results[0].rows, RACE)

    async def test_two_processes_share_one_fetch(self, make_redis_datasets: MakeDatasets) -> None:
        source = CountingSource(delay_s=0.2)  # the one upstream both processes call
        first, second = make_redis_datasets(source), make_redis_datasets(source)
        a, b = await asyncio.gather(first.get(LAPS, RACE), second.get(LAPS, RACE))
        # one took the Redis lock and fetched; the other waited for its entry
        assert source.fetches("laps") == [(RACE,)]
        assert_laps_as_recorded(a.rows, RACE)
        assert_laps_as_recorded(b.rows, RACE)


class TestBatching:
    """Cold sessions are fetched together with repeated session_key, a capped number per call."""

    async def test_three_sessions_one_call(self, make_datasets: MakeDatasets) -> None:
        source = CountingSource()
        datasets = make_datasets(source)
        result = await datasets.get_many(LAPS, list(THREE))
        assert source.fetches("laps") == [THREE]
        assert [d.session_key for d in result] == list(THREE)
        for dataset, sk in zip(result, THREE, strict=True):
            assert_laps_as_recorded(dataset.rows, sk)

    async def test_only_cold_sessions_are_fetched(self, make_datasets: MakeDatasets) -> None:
        source = CountingSource()
        datasets = make_datasets(source)
        await datasets.get(LAPS, 11253)
        await datasets.get_many(LAPS, list(THREE))
        assert source.fetches("laps") == [(11253,), (11249, 11280)]

    async def test_batch_cap(self, make_datasets: MakeDatasets) -> None:
        source = CountingSource()
        datasets = make_datasets(source, batch_max_sessions=2)
        result = await datasets.get_many(LAPS, list(FIVE))
        assert source.fetches("laps") == [FIVE[0:2], FIVE[2:4], FIVE[4:5]]
        for dataset, sk in zip(result, FIVE, strict=True):
            assert_laps_as_recorded(dataset.rows, sk)

    async def test_repeated_keys_keep_order(self, make_datasets: MakeDatasets) -> None:
        source = CountingSource()
        datasets = make_datasets(source)
        result = await datasets.get_many(LAPS, [11280, 11249, 11280])
        assert [d.session_key for d in result] == [11280, 11249, 11280]
        assert source.fetches("laps") == [(11280, 11249)]


class TestStaleOnError:
    """Past the maximum staleness (0 here), OpenF1 is asked first; when it fails, the stale
    entry is served marked stale; with none, the error is raised."""

    async def test_stale_entry_served(self, make_datasets: MakeDatasets) -> None:
        source = CountingSource()
        datasets = make_datasets(source, max_stale_s=0)
        await datasets.cache.put(keys.dataset_key(RACE, "laps"), raw_bytes(RACE, "laps"), 0)
        source.error = UpstreamUnavailableError("OpenF1 failed on /laps (500).")
        laps = await datasets.get(LAPS, RACE)
        assert laps.stale
        assert_laps_as_recorded(laps.rows, RACE)
        assert source.fetches("laps") == [(RACE,)]  # it did try

    async def test_stale_entry_refreshed_when_upstream_answers(
        self, make_datasets: MakeDatasets
    ) -> None:
        source = CountingSource()
        datasets = make_datasets(source, max_stale_s=0)
        await datasets.cache.put(keys.dataset_key(RACE, "laps"), b"[]", 0)
        laps = await datasets.get(LAPS, RACE)
        assert not laps.stale
        assert_laps_as_recorded(laps.rows, RACE)
        entry = await datasets.cache.get(keys.dataset_key(RACE, "laps"))
        assert entry is not None and not entry.stale

    async def test_no_entry_raises(self, make_datasets: MakeDatasets) -> None:
        source = CountingSource()
        source.error = UpstreamUnavailableError("OpenF1 failed on /laps (500).")
        with pytest.raises(UpstreamUnavailableError, match="500"):
            await make_datasets(source, max_stale_s=0).get(LAPS, RACE)

    async def test_stale_is_not_kept_as_fresh(self, make_datasets: MakeDatasets) -> None:
        source = CountingSource()
        datasets = make_datasets(source, max_stale_s=0)
        await datasets.cache.put(keys.dataset_key(RACE, "laps"), raw_bytes(RACE, "laps"), 0)
        source.error = UpstreamUnavailableError("down")
        assert (await datasets.get(LAPS, RACE)).stale
        source.error = None
        laps = await datasets.get(LAPS, RACE)  # OpenF1 is back: asked again
        assert not laps.stale
        assert source.fetches("laps") == [(RACE,), (RACE,)]


class TestStaleAtOnce:
    """A stale entry younger than the maximum staleness is answered at once, marked stale, and
    refreshed once in the background; OpenF1 is never waited on to serve what is cached."""

    async def test_stale_answer_does_not_wait_for_a_slow_upstream(
        self, make_datasets: MakeDatasets
    ) -> None:
        source = CountingSource(delay_s=30.0)
        datasets = make_datasets(source)
        await datasets.cache.put(keys.dataset_key(RACE, "laps"), raw_bytes(RACE, "laps"), 0)
        started = time.monotonic()
        laps = await datasets.get(LAPS, RACE)
        assert time.monotonic() - started < 5.0  # a bound on waiting: the fetch takes 30 s
        assert laps.stale
        assert_laps_as_recorded(laps.rows, RACE)
        await asyncio.sleep(0.05)
        assert source.fetches("laps") == [(RACE,)]  # the refresh started in the background
        cancel_background()
        await drain_background()

    async def test_refresh_replaces_the_entry(self, make_datasets: MakeDatasets) -> None:
        source = CountingSource()
        datasets = make_datasets(source)
        await datasets.cache.put(keys.dataset_key(RACE, "laps"), b"[]", 0)
        first = await asyncio.gather(*(datasets.get(LAPS, RACE) for _ in range(20)))
        assert all(d.stale and d.rows == [] for d in first)
        await drain_background()
        assert source.fetches("laps") == [(RACE,)]  # one refresh for twenty stale answers
        laps = await datasets.get(LAPS, RACE)
        assert not laps.stale
        assert_laps_as_recorded(laps.rows, RACE)

    async def test_failed_refresh_keeps_the_stale_entry(self, make_datasets: MakeDatasets) -> None:
        source = CountingSource()
        source.error = UpstreamUnavailableError("OpenF1 failed on /laps (500).")
        datasets = make_datasets(source)
        await datasets.cache.put(keys.dataset_key(RACE, "laps"), raw_bytes(RACE, "laps"), 0)
        assert (await datasets.get(LAPS, RACE)).stale
        await drain_background()
        again = await datasets.get(LAPS, RACE)
        assert again.stale
        assert_laps_as_recorded(again.rows, RACE)

    async def test_older_than_the_maximum_waits_for_openf1(
        self, make_datasets: MakeDatasets
    ) -> None:
        source = CountingSource()
        datasets = make_datasets(source, max_stale_s=60)
        key = keys.dataset_key(RACE, "laps")
        await datasets.cache.backend.set(key, pack(b"[]", time.time() - 120), 3600)
        laps = await datasets.get(LAPS, RACE)
        assert not laps.stale
        assert_laps_as_recorded(laps.rows, RACE)


class TestDeadline:
    """Under a request deadline a slow OpenF1 answers OPENF1_API_UNAVAILABLE at the deadline,
    and the fetch goes on to fill the cache for the next request."""

    async def test_cold_miss_past_the_deadline(self, make_datasets: MakeDatasets) -> None:
        source = CountingSource(delay_s=1.0)
        datasets = make_datasets(source)
        token = set_deadline(0.2)
        try:
            started = time.monotonic()
            with pytest.raises(DeadlineExceededError, match=r"deadline of 0\.2 s") as info:
                await datasets.get(LAPS, RACE)
            assert time.monotonic() - started < 0.9  # well before the 1 s fetch ends
            assert info.value.code == "OPENF1_API_UNAVAILABLE"
        finally:
            reset_deadline(token)
        await drain_background()
        laps = await datasets.get(LAPS, RACE)  # filled in the background
        assert_laps_as_recorded(laps.rows, RACE)
        assert source.fetches("laps") == [(RACE,)]

    async def test_fast_fetch_within_the_deadline(self, make_datasets: MakeDatasets) -> None:
        source = CountingSource()
        datasets = make_datasets(source)
        token = set_deadline(30.0)
        try:
            assert_laps_as_recorded((await datasets.get(LAPS, RACE)).rows, RACE)
        finally:
            reset_deadline(token)


class TestDropSession:
    """drop_session forgets one session's entries, here and in the cache, and counts them."""

    async def test_drop(self, make_datasets: MakeDatasets) -> None:
        source = CountingSource()
        datasets = make_datasets(source)
        await datasets.get(LAPS, 11253)
        await datasets.get(DRIVERS, 11253)
        await datasets.get(LAPS, 11249)
        # laps, drivers and the sessions row of 11253
        assert await datasets.drop_session(11253) == 3
        await datasets.get(LAPS, 11253)
        await datasets.get(LAPS, 11249)
        assert source.fetches("laps") == [(11253,), (11249,), (11253,)]
        assert await datasets.cache.get(keys.dataset_key(11249, "laps")) is not None

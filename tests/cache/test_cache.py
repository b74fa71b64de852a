"""The Cache facade: fresh and stale entries over either backend, and dropping a session."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from f1graph.cache import Cache, MemoryCache, RedisCache, ResilientCache, keys, make_cache
from f1graph.cache.entry import COMPRESS_ABOVE_BYTES
from f1graph.settings import Settings
from tests.data import raw_bytes, redis_url

REDIS_URL = redis_url(14)


async def _flush() -> None:
    r = aioredis.Redis.from_url(REDIS_URL)
    try:
        await r.flushdb()
    finally:
        await r.aclose()


@pytest.fixture(params=["memory", "redis"])
async def cache(request: pytest.FixtureRequest) -> AsyncIterator[Cache]:
    """A Cache over each backend (Redis: database 14, emptied before and after)."""
    if request.param == "redis":
        await _flush()
        c = Cache(RedisCache(REDIS_URL))
    else:
        c = Cache(MemoryCache(max_bytes=64 * 1024 * 1024))
    yield c
    await c.aclose()
    if request.param == "redis":
        await _flush()


class TestFreshAndStale:
    """An entry is fresh for ``fresh_s``, then kept stale for the grace period."""

    async def test_fresh(self, cache: Cache) -> None:
        key = keys.dataset_key(11253, "laps")
        put = await cache.put(key, b"[]", fresh_s=60)
        got = await cache.get(key)
        assert got == put
        assert got is not None and not got.stale
        assert got.fresh_until == pytest.approx(time.time() + 60, abs=1)

    async def test_stale_is_still_served(self, cache: Cache) -> None:
        key = keys.dataset_key(11253, "laps")
        await cache.put(key, b"[1]", fresh_s=0)
        got = await cache.get(key)
        assert got is not None and got.stale and got.payload == b"[1]"

    async def test_becomes_stale(self, cache: Cache) -> None:
        key = keys.dataset_key(11253, "laps")
        await cache.put(key, b"[]", fresh_s=0.05)
        await asyncio.sleep(0.1)
        got = await cache.get(key)
        assert got is not None and got.stale

    async def test_gone_after_the_grace_period(self) -> None:
        cache = Cache(MemoryCache(max_bytes=1000), stale_grace_s=0.05)
        await cache.put("k", b"[]", fresh_s=0)
        assert await cache.get("k") is not None
        await asyncio.sleep(0.1)
        assert await cache.get("k") is None

    async def test_large_payload_round_trips(self, cache: Cache) -> None:
        payload = raw_bytes(11253, "laps")
        assert len(payload) > COMPRESS_ABOVE_BYTES
        await cache.put(keys.dataset_key(11253, "laps"), payload, fresh_s=60)
        got = await cache.get(keys.dataset_key(11253, "laps"))
        assert got is not None and got.payload == payload

    async def test_hits_and_misses(self, cache: Cache) -> None:
        await cache.put("k", b"[]", fresh_s=60)
        await cache.get("k")
        await cache.get("k")
        await cache.get("absent")
        assert (cache.hits, cache.misses) == (2, 1)


class TestDropSession:
    """drop_session removes that session's entries only and says how many."""

    async def test_drops_one_session(self, cache: Cache) -> None:
        for sk in (11249, 11253):
            for endpoint in ("laps", "drivers", "stints"):
                await cache.put(keys.dataset_key(sk, endpoint), b"[]", fresh_s=60)
        await cache.put(keys.query_key("meetings", "year=2024"), b"[]", fresh_s=60)
        assert await cache.drop_session(11253) == 3
        assert await cache.get(keys.dataset_key(11253, "laps")) is None
        assert await cache.get(keys.dataset_key(11249, "laps")) is not None
        assert await cache.get(keys.query_key("meetings", "year=2024")) is not None
        assert await cache.drop_session(11253) == 0


class TestMakeCache:
    """Settings choose the backend: memory by default, Redis with a URL."""

    async def test_memory_by_default(self) -> None:
        cache = make_cache(Settings(cache_max_bytes=1234))
        assert isinstance(cache.backend, MemoryCache)
        assert cache.backend.max_bytes == 1234
        await cache.aclose()

    async def test_redis_with_url(self) -> None:
        cache = make_cache(Settings(redis_url=REDIS_URL))
        assert isinstance(cache.backend, ResilientCache)
        assert isinstance(cache.backend.redis, RedisCache)
        assert isinstance(cache.backend.fallback, MemoryCache)
        assert await cache.backend.ping()
        await cache.aclose()

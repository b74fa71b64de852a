"""The shared cache on a real Redis (database 14, emptied by each test).

Without a Redis server at 127.0.0.1:6379 these tests fail: they never skip.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from f1graph.cache import keys
from f1graph.cache.redis import RedisCache
from tests.data import redis_url

REDIS_URL = redis_url(14)
HOUR_S = 3600.0


@pytest.fixture
async def redis_db() -> AsyncIterator[aioredis.Redis]:
    """A plain client on database 14, to look behind RedisCache's back."""
    r = aioredis.Redis.from_url(REDIS_URL)
    try:
        await r.flushdb()
        yield r
        await r.flushdb()
    finally:
        await r.aclose()


@pytest.fixture
async def cache(redis_db: aioredis.Redis) -> AsyncIterator[RedisCache]:
    c = RedisCache(REDIS_URL)
    yield c
    await c.aclose()


class TestGetSet:
    """Bytes go in and come out unchanged, and expire on Redis's own clock (PX)."""

    async def test_round_trip(self, cache: RedisCache) -> None:
        payload = bytes(range(256)) * 100
        await cache.set("k", payload, HOUR_S)
        assert await cache.get("k") == payload

    async def test_missing_key(self, cache: RedisCache) -> None:
        assert await cache.get("absent") is None

    async def test_ttl_in_milliseconds(self, cache: RedisCache, redis_db: aioredis.Redis) -> None:
        await cache.set("k", b"v", 12.5)
        pttl = await redis_db.pttl("k")
        assert 12_000 < pttl <= 12_500

    async def test_sub_second_ttl_expires(
        self, cache: RedisCache, redis_db: aioredis.Redis
    ) -> None:
        await cache.set("k", b"v", 0.05)
        assert 0 < await redis_db.pttl("k") <= 50
        await asyncio.sleep(0.1)
        assert await cache.get("k") is None

    async def test_tiny_ttl_still_expires(
        self, cache: RedisCache, redis_db: aioredis.Redis
    ) -> None:
        await cache.set("k", b"v", 0.0001)  # rounds up to 1 ms rather than "no expiry"
        await asyncio.sleep(0.01)
        assert await redis_db.exists("k") == 0


class TestDeletePrefix:
    """A prefix's keys are dropped (in batches), only they, and the count is returned."""

    async def test_many_keys(self, cache: RedisCache, redis_db: aioredis.Redis) -> None:
        doomed = {keys.telemetry_key(11253, "car_data", n, w) for n in range(20) for w in range(60)}
        kept = {keys.dataset_key(11249, "laps"), keys.dataset_key(112530, "laps"), "other"}
        async with redis_db.pipeline(transaction=False) as pipe:
            for key in doomed | kept:
                pipe.set(key, b"[]", px=3_600_000)
            await pipe.execute()
        assert len(doomed) == 1200  # more than one batch of 500
        assert await cache.delete_prefix(keys.session_prefix(11253)) == 1200
        assert {k.decode() for k in await redis_db.keys("*")} == kept

    async def test_glob_characters_are_literal(
        self, cache: RedisCache, redis_db: aioredis.Redis
    ) -> None:
        for key in ("a*b:1", "a?b:2", "a[x]b:3", "aXb:1", "axb:3"):
            await redis_db.set(key, b"v")
        assert await cache.delete_prefix("a*b:") == 1
        assert await cache.delete_prefix("a?b:") == 1
        assert await cache.delete_prefix("a[x]b:") == 1
        assert sorted(await redis_db.keys("*")) == [b"aXb:1", b"axb:3"]

    async def test_nothing_to_drop(self, cache: RedisCache) -> None:
        assert await cache.delete_prefix(keys.session_prefix(1)) == 0


class TestLocks:
    """try_lock is taken by one holder at a time until unlock or its TTL."""

    async def test_second_taker_is_refused(self, cache: RedisCache) -> None:
        assert await cache.try_lock("lock", 10.0)
        assert not await cache.try_lock("lock", 10.0)

    async def test_unlock_frees(self, cache: RedisCache) -> None:
        assert await cache.try_lock("lock", 10.0)
        await cache.unlock("lock")
        assert await cache.try_lock("lock", 10.0)

    async def test_lock_expires(self, cache: RedisCache, redis_db: aioredis.Redis) -> None:
        assert await cache.try_lock("lock", 0.05)
        assert 0 < await redis_db.pttl("lock") <= 50
        await asyncio.sleep(0.1)
        assert await cache.try_lock("lock", 10.0)

    async def test_seen_by_another_process(self, cache: RedisCache) -> None:
        other = RedisCache(REDIS_URL)
        try:
            assert await cache.try_lock("lock", 10.0)
            assert not await other.try_lock("lock", 10.0)
            await cache.unlock("lock")
            assert await other.try_lock("lock", 10.0)
        finally:
            await other.aclose()

    async def test_concurrent_takers_one_wins(self, cache: RedisCache) -> None:
        taken = await asyncio.gather(*(cache.try_lock("lock", 10.0) for _ in range(20)))
        assert sum(taken) == 1


class TestHealth:
    """ping and stats report on the server; an unreachable one pings False."""

    async def test_ping_and_stats(self, cache: RedisCache) -> None:
        await cache.set("a", b"x" * 100, HOUR_S)
        await cache.set("b", b"y", HOUR_S)
        assert await cache.ping()
        stats = await cache.stats()
        assert stats["entries"] == 2
        assert stats["bytes"] > 0

    async def test_unreachable_pings_false(self) -> None:
        down = RedisCache("redis://127.0.0.1:1/0")
        try:
            assert not await down.ping()
        finally:
            await down.aclose()

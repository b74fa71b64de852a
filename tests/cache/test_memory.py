"""The embedded cache: an LRU bounded by bytes, each key with its own expiry."""

from __future__ import annotations

import asyncio

from f1graph.cache import keys
from f1graph.cache.memory import MemoryCache

HOUR_S = 3600.0


class TestBytesBound:
    """Entries are evicted least recently used first once their bytes pass ``max_bytes``."""

    async def test_evicts_oldest_by_bytes(self) -> None:
        cache = MemoryCache(max_bytes=100)
        await cache.set("a", b"a" * 40, HOUR_S)
        await cache.set("b", b"b" * 40, HOUR_S)
        await cache.set("c", b"c" * 40, HOUR_S)  # 120 bytes: "a" must go
        assert await cache.get("a") is None
        assert await cache.get("b") == b"b" * 40
        assert await cache.get("c") == b"c" * 40
        assert (await cache.stats())["bytes"] == 80

    async def test_a_read_keeps_an_entry(self) -> None:
        cache = MemoryCache(max_bytes=100)
        await cache.set("a", b"a" * 40, HOUR_S)
        await cache.set("b", b"b" * 40, HOUR_S)
        assert await cache.get("a") is not None  # "b" is now the least recently used
        await cache.set("c", b"c" * 40, HOUR_S)
        assert await cache.get("b") is None
        assert await cache.get("a") == b"a" * 40

    async def test_one_large_entry_evicts_several_small(self) -> None:
        cache = MemoryCache(max_bytes=100)
        for name in "abcde":
            await cache.set(name, name.encode() * 20, HOUR_S)
        await cache.set("big", b"z" * 90, HOUR_S)
        assert [await cache.get(n) is not None for n in "abcde"] == [False] * 5
        assert await cache.stats() == {"entries": 1, "bytes": 90, "maxBytes": 100}

    async def test_larger_than_the_cache_is_not_kept(self) -> None:
        cache = MemoryCache(max_bytes=100)
        await cache.set("a", b"a" * 40, HOUR_S)
        await cache.set("huge", b"h" * 101, HOUR_S)
        assert await cache.get("huge") is None
        assert await cache.get("a") == b"a" * 40  # and nothing was evicted for it

    async def test_overwrite_counts_bytes_once(self) -> None:
        cache = MemoryCache(max_bytes=100)
        for _ in range(5):
            await cache.set("a", b"a" * 60, HOUR_S)
        assert await cache.stats() == {"entries": 1, "bytes": 60, "maxBytes": 100}


class TestExpiry:
    """Each key expires after its own TTL; others stay."""

    async def test_per_key_ttl(self) -> None:
        cache = MemoryCache(max_bytes=1000)
        await cache.set("short", b"s", 0.05)
        await cache.set("long", b"l", HOUR_S)
        assert await cache.get("short") == b"s"
        await asyncio.sleep(0.1)
        assert await cache.get("short") is None
        assert await cache.get("long") == b"l"

    async def test_rewrite_renews_the_ttl(self) -> None:
        cache = MemoryCache(max_bytes=1000)
        await cache.set("k", b"1", 0.05)
        await cache.set("k", b"2", HOUR_S)
        await asyncio.sleep(0.1)
        assert await cache.get("k") == b"2"

    async def test_expired_bytes_are_freed(self) -> None:
        cache = MemoryCache(max_bytes=100)
        await cache.set("old", b"o" * 60, 0.05)
        await asyncio.sleep(0.1)
        await cache.set("new", b"n" * 60, HOUR_S)
        assert await cache.stats() == {"entries": 1, "bytes": 60, "maxBytes": 100}


class TestDeletePrefix:
    """A session's keys are dropped together, and only they; the count is returned."""

    async def test_drops_only_the_prefix(self) -> None:
        cache = MemoryCache(max_bytes=10_000)
        for endpoint in ("laps", "drivers", "stints"):
            await cache.set(keys.dataset_key(11253, endpoint), b"[]", HOUR_S)
            await cache.set(keys.dataset_key(11249, endpoint), b"[]", HOUR_S)
        await cache.set(keys.telemetry_key(11253, "car_data", 1, 0), b"[]", HOUR_S)
        await cache.set(keys.dataset_key(112530, "laps"), b"[]", HOUR_S)  # a longer key
        assert await cache.delete_prefix(keys.session_prefix(11253)) == 4
        assert await cache.get(keys.dataset_key(11253, "laps")) is None
        assert await cache.get(keys.dataset_key(11249, "laps")) == b"[]"
        assert await cache.get(keys.dataset_key(112530, "laps")) == b"[]"
        assert (await cache.stats())["entries"] == 4

    async def test_nothing_to_drop(self) -> None:
        assert await MemoryCache(max_bytes=100).delete_prefix("f1graph:") == 0


class TestLocks:
    """In one process the lock is always free (single-flight does the work)."""

    async def test_always_taken(self) -> None:
        cache = MemoryCache(max_bytes=100)
        assert await cache.try_lock("k", 1.0)
        assert await cache.try_lock("k", 1.0)
        await cache.unlock("k")
        assert await cache.ping()
        await cache.aclose()

"""Redis with a circuit around it: when Redis is down, the process's memory cache serves.

With ``F1GRAPH_REDIS_URL`` set, this is the backend. Each call goes to Redis while it answers;
when a call fails (Redis down, restarting, dropped mid-load) the guard skips Redis for a few
seconds and the call is answered by an embedded memory LRU instead: reads miss there (or find
what was written during the outage), writes land there, locks are granted (in-process
single-flight still holds). So requests keep succeeding from memory and OpenF1, ``health`` says
degraded, and everything is back on Redis at the first call that succeeds once it returns.
"""

from __future__ import annotations

from f1graph.cache.memory import MemoryCache
from f1graph.cache.redis import RedisCache
from f1graph.openf1.redis_guard import REDIS_ERRORS, RedisGuard


class ResilientCache:
    """A :class:`~f1graph.cache.backend.CacheBackend`: Redis first, memory when Redis fails."""

    name = "redis"

    def __init__(self, redis: RedisCache, fallback: MemoryCache, guard: RedisGuard) -> None:
        self.redis = redis
        self.fallback = fallback
        self.guard = guard

    @property
    def degraded(self) -> bool:
        return self.guard.degraded

    async def get(self, key: str) -> bytes | None:
        async def from_redis() -> bytes | None:
            value = await self.redis.get(key)
            return value if value is not None else await self.fallback.get(key)

        return await self.guard.call(from_redis, lambda: self.fallback.get(key))

    async def set(self, key: str, value: bytes, ttl_s: float) -> None:
        await self.guard.call(
            lambda: self.redis.set(key, value, ttl_s),
            lambda: self.fallback.set(key, value, ttl_s),
        )

    async def delete_prefix(self, prefix: str) -> int:
        here = await self.fallback.delete_prefix(prefix)

        async def nothing() -> int:
            return 0

        return here + await self.guard.call(lambda: self.redis.delete_prefix(prefix), nothing)

    async def counters(self, keys: list[str]) -> list[int]:
        # while Redis is down, this process's own generations: answers stored in Redis are
        # unreachable from here until it is back (never served against data it did not see)
        return await self.guard.call(
            lambda: self.redis.counters(keys), lambda: self.fallback.counters(keys)
        )

    async def bump(self, key: str, ttl_s: float) -> None:
        await self.guard.call(
            lambda: self.redis.bump(key, ttl_s), lambda: self.fallback.bump(key, ttl_s)
        )

    async def try_lock(self, key: str, ttl_s: float) -> bool:
        async def granted() -> bool:
            return True  # one process: in-process single-flight is enough

        return await self.guard.call(lambda: self.redis.try_lock(key, ttl_s), granted)

    async def try_locks(self, keys: list[str], ttl_s: float) -> list[bool]:
        async def granted() -> list[bool]:
            return [True] * len(keys)

        return await self.guard.call(lambda: self.redis.try_locks(keys, ttl_s), granted)

    async def unlock(self, key: str) -> None:
        async def nothing() -> None:
            return None

        await self.guard.call(lambda: self.redis.unlock(key), nothing)

    async def ping(self) -> bool:
        """Whether Redis answers now (tried even while the guard skips it: health asks)."""
        try:
            ok = await self.redis.ping_or_raise()
        except REDIS_ERRORS as error:
            self.guard.failed(error)
            return False
        self.guard.succeeded()
        return ok

    async def stats(self) -> dict[str, int]:
        fallback = await self.fallback.stats()
        memory = {"fallbackEntries": fallback["entries"], "fallbackBytes": fallback["bytes"]}

        async def none() -> dict[str, int]:
            return {}

        return await self.guard.call(self.redis.stats, none) | memory

    async def aclose(self) -> None:
        await self.redis.aclose()

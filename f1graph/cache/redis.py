"""The shared cache: Redis, so replicas share datasets, in-flight locks and the rate budget."""

from __future__ import annotations

import secrets

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

MAX_CONNECTIONS = 50
COUNTER_TTL_MS = 40 * 24 * 3600 * 1000  # a generation outlives the entries it versions
POOL_TIMEOUT_S = 30.0
CONNECT_TIMEOUT_S = 1.0
SOCKET_TIMEOUT_S = 5.0


class RedisCache:
    """Bytes cache in Redis; keys expire on their own (``PX``)."""

    name = "redis"

    def __init__(self, url: str) -> None:
        self.url = url
        # a blocking pool: a burst of concurrent writes (a telemetry preload) waits for a free
        # connection instead of failing with MaxConnectionsError
        # a hung or dead Redis fails fast (the resilient backend then falls back to memory);
        # one immediate retry on a fresh connection covers pooled ones a restart has closed
        self._pool = aioredis.BlockingConnectionPool.from_url(
            url,
            max_connections=MAX_CONNECTIONS,
            timeout=POOL_TIMEOUT_S,
            socket_connect_timeout=CONNECT_TIMEOUT_S,
            socket_timeout=SOCKET_TIMEOUT_S,
            retry=Retry(NoBackoff(), 1),
        )
        self._redis: aioredis.Redis = aioredis.Redis(connection_pool=self._pool)

    async def get(self, key: str) -> bytes | None:
        value = await self._redis.get(key)
        return value if isinstance(value, bytes) else None

    async def set(self, key: str, value: bytes, ttl_s: float) -> None:
        await self._redis.set(key, value, px=max(1, int(ttl_s * 1000)))

    async def delete_prefix(self, prefix: str) -> int:
        dropped = 0
        batch: list[bytes] = []
        async for key in self._redis.scan_iter(match=_escape(prefix) + "*", count=500):
            batch.append(key)
            if len(batch) >= 500:
                dropped += await self._redis.unlink(*batch)
                batch.clear()
        if batch:
            dropped += await self._redis.unlink(*batch)
        return dropped

    async def counters(self, keys: list[str]) -> list[int]:
        async with self._redis.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.set(key, secrets.randbits(52), nx=True, px=COUNTER_TTL_MS)
            pipe.mget(keys)
            results = await pipe.execute()
        return [int(v) for v in results[-1]]

    async def bump(self, key: str, ttl_s: float) -> None:
        ttl_ms = max(COUNTER_TTL_MS, int(ttl_s * 1000))
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(key, secrets.randbits(52), nx=True, px=ttl_ms)
            pipe.incr(key)
            pipe.pexpire(key, ttl_ms)
            await pipe.execute()

    async def try_lock(self, key: str, ttl_s: float) -> bool:
        return bool(await self._redis.set(key, b"1", nx=True, px=max(1, int(ttl_s * 1000))))

    async def try_locks(self, keys: list[str], ttl_s: float) -> list[bool]:
        async with self._redis.pipeline(transaction=True) as pipe:  # MULTI/EXEC: atomic
            for key in keys:
                pipe.set(key, b"1", nx=True, px=max(1, int(ttl_s * 1000)))
            return [bool(taken) for taken in await pipe.execute()]

    async def unlock(self, key: str) -> None:
        await self._redis.delete(key)

    async def ping(self) -> bool:
        try:
            return await self.ping_or_raise()
        except (RedisError, OSError):
            return False

    async def ping_or_raise(self) -> bool:
        return bool(await self._redis.ping())

    async def stats(self) -> dict[str, int]:
        info = await self._redis.info("memory")
        return {"entries": int(await self._redis.dbsize()), "bytes": int(info["used_memory"])}

    async def aclose(self) -> None:
        await self._redis.aclose()
        await self._pool.disconnect()


def _escape(prefix: str) -> str:
    for ch in "\\*?[]":
        prefix = prefix.replace(ch, "\\" + ch)
    return prefix

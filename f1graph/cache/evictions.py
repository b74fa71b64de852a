"""Evictions announced to every process sharing one Redis (pub/sub), so none keeps serving a
session it still holds parsed in memory after another process dropped it from the cache.

The shared entries live in Redis, so dropping them once is enough; what each process must also
forget is its own in-memory copies (parsed datasets, decoded telemetry windows). A process
ignores its own announcements (it already forgot).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Callable

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from f1graph.cache.keys import PREFIX
from f1graph.observe import get_logger

CHANNEL = f"{PREFIX}:evictions"  # + ":{db}": pub/sub ignores database numbers
RETRY_S = 1.0
log = get_logger(__name__)


class EvictionBus:
    """Publishes this process's evictions and calls ``forget`` for every other process's."""

    def __init__(self, redis_url: str, forget: Callable[[int], None]) -> None:
        self.origin = uuid.uuid4().hex  # this process's messages carry it and are skipped
        self.forget = forget
        self.received = 0
        self._redis: aioredis.Redis = aioredis.Redis.from_url(redis_url)
        self.channel = f"{CHANNEL}:{self._redis.connection_pool.connection_kwargs.get('db', 0)}"
        self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Subscribe (before returning, so no later announcement is missed) and listen."""
        await self._pubsub.subscribe(self.channel)
        self._task = asyncio.create_task(self._listen(), name="f1graph-evictions")

    async def publish(self, session_key: int) -> None:
        try:
            await self._redis.publish(self.channel, f"{self.origin} {session_key}")
        except (RedisError, OSError) as exc:
            log.warning("eviction_not_announced", session_key=session_key, error=str(exc))

    async def _listen(self) -> None:
        while True:
            try:
                async for message in self._pubsub.listen():
                    if message.get("type") == "message":
                        self._handle(message["data"])
            except (RedisError, OSError) as exc:
                log.warning("eviction_listener_retrying", error=str(exc))
                await asyncio.sleep(RETRY_S)
                with contextlib.suppress(RedisError, OSError):
                    await self._pubsub.subscribe(self.channel)

    def _handle(self, data: bytes | str) -> None:
        text = data.decode() if isinstance(data, bytes) else data
        origin, _, raw_key = text.partition(" ")
        if origin == self.origin or not raw_key.isdigit():
            return
        self.received += 1
        self.forget(int(raw_key))

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        with contextlib.suppress(RedisError, OSError):
            await self._pubsub.aclose()
        await self._redis.aclose()

"""The circuit breaker shared through Redis: one replica finding OpenF1 down opens it for all.

Each process keeps its own :class:`~f1graph.openf1.breaker.CircuitBreaker` (the calls it makes
count there), and publishes when it opens (``f1graph:v1:breaker``, expiring when the circuit
would half-open), when a trial call closes it, and when it is reset by hand. Before a call a
process looks at the shared state (read in the background at most once a second, so no call
waits on Redis) and adopts an open circuit another process published, until that one's reset
time. With Redis down each process keeps its own breaker (see
:mod:`~f1graph.openf1.redis_guard`).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import orjson
import redis.asyncio as aioredis

from f1graph.openf1.breaker import BreakerState, CircuitBreaker, log_transition
from f1graph.openf1.redis_guard import RedisGuard

KEY = "f1graph:v1:breaker"
SYNC_EVERY_S = 1.0


class SharedBreaker(CircuitBreaker):
    """A :class:`CircuitBreaker` whose open state is published to, and read from, Redis."""

    def __init__(
        self,
        redis_url: str,
        failure_threshold: int = 5,
        reset_timeout_s: float = 30.0,
        guard: RedisGuard | None = None,
    ) -> None:
        super().__init__(failure_threshold, reset_timeout_s)
        self.guard = guard or RedisGuard("breaker")
        self._redis = aioredis.Redis.from_url(
            redis_url, socket_connect_timeout=1.0, socket_timeout=2.0
        )
        self._synced_at = 0.0
        self._tasks: set[asyncio.Task[None]] = set()

    # -- the local breaker, with publication ---------------------------------------------------

    def before_call(self) -> None:
        self._sync_soon()
        super().before_call()

    def record_failure(self, reason: str) -> None:
        was_open = self._state is BreakerState.OPEN
        opened_before = self._opened_at
        super().record_failure(reason)
        if self._state is BreakerState.OPEN and (not was_open or self._opened_at != opened_before):
            until = time.time() + self.reset_timeout_s
            self._spawn(self._publish_open(until, reason))

    def record_success(self) -> None:
        was_closed = self._state is BreakerState.CLOSED and self._consecutive == 0
        super().record_success()
        if not was_closed:
            self._spawn(self._publish_closed())

    def reset(self) -> None:
        super().reset()
        self._spawn(self._publish_closed())

    async def sync(self) -> None:
        """Adopt an open circuit another process published (a no-op while Redis is down)."""

        async def read() -> bytes | None:
            value = await self._redis.get(KEY)
            return value if isinstance(value, bytes) else None

        async def nothing() -> bytes | None:
            return None

        self._synced_at = time.monotonic()
        raw = await self.guard.call(read, nothing)
        if raw is None:
            return
        shared: dict[str, Any] = orjson.loads(raw)
        remaining = float(shared["until"]) - time.time()
        if remaining > 0 and self.state is BreakerState.CLOSED:
            log_transition(BreakerState.CLOSED, BreakerState.OPEN, "opened by another process")
            self._state = BreakerState.OPEN
            self._opened_at = time.monotonic() - (self.reset_timeout_s - remaining)
            self._consecutive = max(self._consecutive, self.failure_threshold)
            self._last_reason = f"opened by another process: {shared['reason']}"

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._redis.aclose()

    # -- Redis -----------------------------------------------------------------------------------

    def _sync_soon(self) -> None:
        if time.monotonic() - self._synced_at >= SYNC_EVERY_S:
            self._synced_at = time.monotonic()
            self._spawn(self.sync())

    async def _publish_open(self, until: float, reason: str) -> None:
        value = orjson.dumps({"until": until, "reason": reason})
        ttl_ms = max(1, int(self.reset_timeout_s * 1000))

        async def write() -> None:
            await self._redis.set(KEY, value, px=ttl_ms)

        await self.guard.call(write, _nothing)

    async def _publish_closed(self) -> None:
        async def delete() -> None:
            await self._redis.delete(KEY)

        await self.guard.call(delete, _nothing)

    def _spawn(self, work: Any) -> None:
        try:
            task = asyncio.get_running_loop().create_task(work)
        except RuntimeError:  # no loop (a synchronous caller): local state only
            work.close()
            return
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


async def _nothing() -> None:
    return None

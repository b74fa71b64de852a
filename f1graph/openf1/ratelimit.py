"""The upstream rate budget: at most N requests a second and M a minute, never a burst past them.

A moving window (``limits``) counts requests; a caller over budget waits until the window has
room instead of failing. With Redis the window is shared by every process of the deployment;
while Redis is down each process counts in its own memory (:class:`FailoverLimiter`).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from limits import RateLimitItem, RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter

from f1graph.observe import metrics
from f1graph.openf1.redis_guard import RedisGuard


class FailoverLimiter(MovingWindowRateLimiter):
    """A moving window in Redis, counted in this process's memory while Redis fails."""

    def __init__(self, shared: MovingWindowRateLimiter, guard: RedisGuard) -> None:
        super().__init__(MemoryStorage())
        self.shared = shared
        self.guard = guard

    async def hit(self, item: RateLimitItem, *identifiers: str, cost: int = 1) -> bool:
        return await self.guard.call(
            lambda: self.shared.hit(item, *identifiers, cost=cost),
            lambda: super(FailoverLimiter, self).hit(item, *identifiers, cost=cost),
        )

    async def test(self, item: RateLimitItem, *identifiers: str, cost: int = 1) -> bool:
        return await self.guard.call(
            lambda: self.shared.test(item, *identifiers, cost=cost),
            lambda: super(FailoverLimiter, self).test(item, *identifiers, cost=cost),
        )

    async def get_window_stats(self, item: RateLimitItem, *identifiers: str) -> Any:
        return await self.guard.call(
            lambda: self.shared.get_window_stats(item, *identifiers),
            lambda: super(FailoverLimiter, self).get_window_stats(item, *identifiers),
        )


def moving_window(redis_url: str | None, key_prefix: str) -> MovingWindowRateLimiter:
    """A moving-window limiter whose counts live in Redis at ``redis_url`` (shared by every
    process, keys under ``key_prefix``), or in this process's memory without one.

    The one place a ``redis://`` URL becomes the ``async+redis://`` storage URI of ``limits``.
    """
    if redis_url:
        uri = redis_url if redis_url.startswith("async+") else "async+" + redis_url
        storage = RedisStorage(
            uri,
            implementation="redispy",
            key_prefix=key_prefix,
            socket_connect_timeout=1.0,
            socket_timeout=5.0,
        )
        return FailoverLimiter(MovingWindowRateLimiter(storage), RedisGuard(key_prefix))
    return MovingWindowRateLimiter(MemoryStorage())


class RateBudget:
    """Waits, when needed, so calls stay within ``per_second`` and ``per_minute``."""

    def __init__(
        self,
        per_second: int,
        per_minute: int,
        redis_url: str | None = None,
        key_prefix: str = "f1graph:v1:rate",
    ) -> None:
        self._limiter = moving_window(redis_url, key_prefix)
        self._items = (RateLimitItemPerSecond(per_second), RateLimitItemPerMinute(per_minute))
        self.waited_s = 0.0  # total time callers spent waiting for the budget
        self.acquired = 0

    async def acquire(self) -> None:
        """Return once one more upstream request fits in every window."""
        started = time.monotonic()
        while True:
            if all([await self._limiter.test(item, "openf1") for item in self._items]):
                # test-then-hit can race another task; hit re-checks each window atomically
                if await self._limiter.hit(self._items[0], "openf1"):
                    if await self._limiter.hit(self._items[1], "openf1"):
                        break
            await asyncio.sleep(await self._delay())
        self.acquired += 1
        waited_s = time.monotonic() - started
        self.waited_s += waited_s
        metrics.rate_budget_wait(waited_s)

    async def _delay(self) -> float:
        now = time.time()
        waits = []
        for item in self._items:
            stats = await self._limiter.get_window_stats(item, "openf1")
            if stats.remaining <= 0:
                waits.append(stats.reset_time - now)
        return min(max(min(waits, default=0.05), 0.01), 1.0)

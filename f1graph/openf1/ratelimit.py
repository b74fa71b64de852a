"""The upstream rate budget: at most N requests a second and M a minute, never a burst past them.

A moving window (``limits``) counts requests; a caller over budget waits until the window has
room instead of failing. With Redis the window is shared by every process of the deployment.
"""

from __future__ import annotations

import asyncio
import time

from limits import RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter


class RateBudget:
    """Waits, when needed, so calls stay within ``per_second`` and ``per_minute``."""

    def __init__(self, per_second: int, per_minute: int, redis_url: str | None = None) -> None:
        storage: Storage
        if redis_url:
            uri = "async+" + redis_url if not redis_url.startswith("async+") else redis_url
            storage = RedisStorage(uri, implementation="redispy", key_prefix="f1graph:v1:rate")
        else:
            storage = MemoryStorage()
        self._limiter = MovingWindowRateLimiter(storage)
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
        self.waited_s += time.monotonic() - started

    async def _delay(self) -> float:
        now = time.time()
        waits = []
        for item in self._items:
            stats = await self._limiter.get_window_stats(item, "openf1")
            if stats.remaining <= 0:
                waits.append(stats.reset_time - now)
        return min(max(min(waits, default=0.05), 0.01), 1.0)

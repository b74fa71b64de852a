"""A circuit around Redis itself: when Redis fails, skip it for a moment and use what this
process has, then try it again.

Redis is shared state (cache, locks, the OpenF1 budget, the breaker), never a reason for a
request to fail: every Redis call of f1graph goes through a :class:`RedisGuard` with a local
fallback. After a failed call Redis is not tried for ``retry_s`` seconds (no request pays for a
dead Redis twice in a row); the first call after that tries it again, and it is back as soon as
one succeeds. redis-py reconnects its pool by itself.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from redis.exceptions import RedisError

from f1graph.observe import get_logger, metrics

T = TypeVar("T")

log = get_logger("f1graph.redis")

# what a dead, restarting or unreachable Redis raises (OSError: sockets; TimeoutError: reads)
REDIS_ERRORS: tuple[type[BaseException], ...] = (RedisError, OSError, TimeoutError)
RETRY_S = 2.0


class RedisGuard:
    """Whether Redis is usable now, and calls to it with a fallback when it is not."""

    def __init__(self, name: str, retry_s: float = RETRY_S) -> None:
        self.name = name
        self.retry_s = retry_s
        self.failures = 0
        self.last_error: str | None = None
        self._down_until = 0.0
        self._down = False

    @property
    def up(self) -> bool:
        """False while Redis is skipped after a failure."""
        return time.monotonic() >= self._down_until

    @property
    def degraded(self) -> bool:
        """True from a failure until the next call to Redis succeeds."""
        return self._down

    def failed(self, error: BaseException) -> None:
        self.failures += 1
        self.last_error = f"{type(error).__name__}: {error}"
        self._down_until = time.monotonic() + self.retry_s
        metrics.redis_failure(self.name)
        if not self._down:
            log.warning("redis_down", use=self.name, error=self.last_error, fallback="memory")
            metrics.redis_down(self.name, True)
        self._down = True

    def succeeded(self) -> None:
        if self._down:
            log.warning("redis_back", use=self.name)
            metrics.redis_down(self.name, False)
        self._down = False

    async def call(
        self, use_redis: Callable[[], Awaitable[T]], fallback: Callable[[], Awaitable[T]]
    ) -> T:
        """``use_redis()`` while Redis is up and answers; ``fallback()`` otherwise."""
        if not self.up:
            return await fallback()
        try:
            result = await use_redis()
        except REDIS_ERRORS as error:
            self.failed(error)
            return await fallback()
        self.succeeded()
        return result

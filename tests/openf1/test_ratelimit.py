"""The rate budget never lets more than N requests into any sliding second (or M a minute).

Callers over budget wait rather than fail, so the assertions are about *when* acquisitions
complete: timestamps are recorded as each ``acquire()`` returns and every window is counted.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from f1graph.openf1.ratelimit import RateBudget
from tests.data import redis_url

REDIS_URL = redis_url(15)
# An acquisition is timed when acquire() returns, a moment after the budget counted it; this
# slack keeps that moment from making a legal spacing of exactly 1 s look like 0.999 s.
SLACK_S = 0.02


def most_in_any_window(stamps: list[float], window_s: float) -> int:
    """The largest number of timestamps inside any half-open window of ``window_s`` seconds."""
    stamps = sorted(stamps)
    return max(
        sum(1 for t in stamps[i:] if t < start + window_s - SLACK_S)
        for i, start in enumerate(stamps)
    )


async def acquire_times(budget: RateBudget, n: int) -> list[float]:
    stamps = []
    for _ in range(n):
        await budget.acquire()
        stamps.append(time.monotonic())
    return stamps


class TestWindowHelper:
    """The window counter used below counts what it should."""

    def test_counts(self) -> None:
        assert most_in_any_window([0.0, 0.5, 0.99, 1.0, 1.5], 1.0) == 3
        assert most_in_any_window([0.0, 0.1, 0.2], 1.0) == 3
        assert most_in_any_window([0.0, 1.0, 2.0], 1.0) == 1


class TestPerSecond:
    """At most ``per_second`` acquisitions complete in any one-second window."""

    async def test_sequential(self) -> None:
        budget = RateBudget(per_second=5, per_minute=1000)
        started = time.monotonic()
        stamps = await acquire_times(budget, 12)
        assert most_in_any_window(stamps, 1.0) <= 5
        # 12 requests at 5 a second need a third window: the 11th waits two seconds
        assert stamps[-1] - started >= 2.0 - SLACK_S
        assert budget.acquired == 12
        assert budget.waited_s >= 2.0 - SLACK_S

    async def test_concurrent_callers(self) -> None:
        budget = RateBudget(per_second=5, per_minute=1000)
        started = time.monotonic()
        stamps = await asyncio.gather(*(acquire_times(budget, 1) for _ in range(12)))
        flat = [t for s in stamps for t in s]
        assert most_in_any_window(flat, 1.0) <= 5
        assert max(flat) - started >= 2.0 - SLACK_S

    async def test_within_budget_no_wait(self) -> None:
        budget = RateBudget(per_second=5, per_minute=1000)
        started = time.monotonic()
        await acquire_times(budget, 5)
        assert time.monotonic() - started < 0.5


class TestPerMinute:
    """Once ``per_minute`` is spent, callers wait even though the second's budget has room."""

    async def test_blocks_past_the_minute_budget(self) -> None:
        budget = RateBudget(per_second=100, per_minute=3)
        started = time.monotonic()
        await acquire_times(budget, 3)
        assert time.monotonic() - started < 0.5
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(budget.acquire(), timeout=0.6)
        assert budget.acquired == 3


@pytest.fixture
async def redis_db() -> AsyncIterator[aioredis.Redis]:
    """Database 15, empty before and after; fails (not skips) without a Redis server."""
    r = aioredis.Redis.from_url(REDIS_URL)
    try:
        await r.flushdb()
        yield r
        await r.flushdb()
    finally:
        await r.aclose()


class TestShared:
    """With Redis, budgets in different processes draw on one window."""

    async def test_two_processes_stay_within_budget_together(
        self, redis_db: aioredis.Redis
    ) -> None:
        first = RateBudget(per_second=5, per_minute=1000, redis_url=REDIS_URL)
        second = RateBudget(per_second=5, per_minute=1000, redis_url=REDIS_URL)
        started = time.monotonic()
        a, b = await asyncio.gather(acquire_times(first, 6), acquire_times(second, 6))
        assert most_in_any_window(a + b, 1.0) <= 5
        assert max(a + b) - started >= 2.0 - SLACK_S
        assert first.acquired == second.acquired == 6
        assert await redis_db.keys("f1graph:v1:rate*")  # the window lives in Redis

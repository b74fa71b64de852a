"""The breaker's open state is shared through Redis: what one process opens, the others adopt;
a reset or a successful trial closes it for all; with Redis down each keeps its own."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from f1graph.errors import CircuitOpenError
from f1graph.openf1.breaker import BreakerState
from f1graph.openf1.shared_breaker import KEY, SharedBreaker
from tests.data import redis_url
from tests.servers import free_port

REDIS_URL = redis_url(11)


@pytest.fixture
async def pair() -> AsyncIterator[tuple[SharedBreaker, SharedBreaker]]:
    """Two processes' breakers on one Redis (database 11, emptied around the test)."""
    plain = aioredis.Redis.from_url(REDIS_URL)
    await plain.delete(KEY)
    here = SharedBreaker(REDIS_URL, failure_threshold=2, reset_timeout_s=60)
    there = SharedBreaker(REDIS_URL, failure_threshold=2, reset_timeout_s=60)
    yield here, there
    for breaker in (here, there):
        await breaker.aclose()
    await plain.delete(KEY)
    await plain.aclose()


async def settle(breaker: SharedBreaker) -> None:
    """Wait for the breaker's publications to reach Redis."""
    for task in list(breaker._tasks):
        await task


class TestShared:
    """One replica opening the circuit opens it for every replica."""

    async def test_open_is_adopted(self, pair: tuple[SharedBreaker, SharedBreaker]) -> None:
        here, there = pair
        here.before_call()
        here.record_failure("OpenF1 failed on /laps (500).")
        here.record_failure("OpenF1 failed on /laps (500).")
        assert here.state is BreakerState.OPEN
        await settle(here)
        await there.sync()
        assert there.state is BreakerState.OPEN
        with pytest.raises(CircuitOpenError):
            there.before_call()
        status = there.status()
        assert (
            status.last_failure_reason == "opened by another process: OpenF1 failed on /laps (500)."
        )
        assert status.next_retry is not None

    async def test_reset_closes_for_all(self, pair: tuple[SharedBreaker, SharedBreaker]) -> None:
        here, there = pair
        for _ in range(2):
            here.record_failure("down")
        await settle(here)
        here.reset()
        await settle(here)
        await there.sync()
        assert there.state is BreakerState.CLOSED

    async def test_a_closed_circuit_publishes_nothing(
        self, pair: tuple[SharedBreaker, SharedBreaker]
    ) -> None:
        here, there = pair
        here.before_call()
        here.record_success()
        await settle(here)
        await there.sync()
        assert there.state is BreakerState.CLOSED


class TestRedisDown:
    """Without Redis the breaker works on its own, and no call fails because of Redis."""

    async def test_local_only(self) -> None:
        breaker = SharedBreaker(
            f"redis://127.0.0.1:{free_port()}/0", failure_threshold=1, reset_timeout_s=60
        )
        try:
            breaker.before_call()
            breaker.record_failure("down")
            await settle(breaker)
            await breaker.sync()
            assert breaker.state is BreakerState.OPEN
            assert breaker.guard.degraded
        finally:
            await breaker.aclose()

"""The circuit breaker, driven through OpenF1Client against respx (no retries: one try a call)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import respx

from f1graph.errors import CircuitOpenError, UpstreamLiveSessionError, UpstreamUnavailableError
from f1graph.openf1.breaker import BreakerState, CircuitBreaker
from f1graph.openf1.client import OpenF1Client
from f1graph.openf1.filters import where
from f1graph.openf1.ratelimit import RateBudget

BASE = "http://127.0.0.1:8765/v1"
LAPS = f"{BASE}/laps"
THRESHOLD = 5
RESET_S = 0.05


@pytest.fixture
def openf1() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as router:
        yield router


@pytest.fixture
async def client() -> AsyncIterator[OpenF1Client]:
    c = OpenF1Client(
        BASE,
        budget=RateBudget(per_second=1000, per_minute=100_000),
        breaker=CircuitBreaker(failure_threshold=THRESHOLD, reset_timeout_s=RESET_S),
        retries=0,
        backoff_max_s=0.01,
    )
    yield c
    await c.aclose()


async def fail_times(client: OpenF1Client, n: int) -> None:
    for _ in range(n):
        with pytest.raises(UpstreamUnavailableError):
            await client.fetch("laps", where(session_key=11253))


async def open_breaker(client: OpenF1Client, openf1: respx.MockRouter) -> respx.Route:
    route = openf1.get(LAPS).respond(500, html="<html>down</html>")
    await fail_times(client, THRESHOLD)
    assert client.breaker.state is BreakerState.OPEN
    return route


class TestOpening:
    """The breaker opens after five consecutive failed calls, and only then."""

    async def test_stays_closed_below_the_threshold(
        self, client: OpenF1Client, openf1: respx.MockRouter
    ) -> None:
        openf1.get(LAPS).respond(500, html="<html>down</html>")
        await fail_times(client, THRESHOLD - 1)
        assert client.breaker.state is BreakerState.CLOSED
        assert client.breaker.status().consecutive_failures == THRESHOLD - 1

    async def test_opens_after_consecutive_failures(
        self, client: OpenF1Client, openf1: respx.MockRouter
    ) -> None:
        route = await open_breaker(client, openf1)
        assert route.call_count == THRESHOLD

    async def test_a_success_restarts_the_count(
        self, client: OpenF1Client, openf1: respx.MockRouter
    ) -> None:
        down = httpx.Response(500, html="<html>down</html>")
        openf1.get(LAPS).mock(side_effect=[down] * 4 + [httpx.Response(200, json=[])] + [down] * 4)
        await fail_times(client, 4)
        await client.fetch("laps", ())
        await fail_times(client, 4)
        assert client.breaker.state is BreakerState.CLOSED
        assert client.breaker.status().consecutive_failures == 4

    async def test_live_session_refusals_do_not_count(
        self, client: OpenF1Client, openf1: respx.MockRouter
    ) -> None:
        openf1.get(LAPS).respond(401, json={"detail": "live"})
        for _ in range(THRESHOLD + 2):
            with pytest.raises(UpstreamLiveSessionError):
                await client.fetch("laps", ())
        assert client.breaker.state is BreakerState.CLOSED

    async def test_empty_results_do_not_count(
        self, client: OpenF1Client, openf1: respx.MockRouter
    ) -> None:
        openf1.get(LAPS).respond(404, json={"detail": "No results found."})
        for _ in range(THRESHOLD + 2):
            assert await client.fetch("laps", ()) == b"[]"
        assert client.breaker.status().failures == 0


class TestOpen:
    """While open, calls fail at once with CircuitOpenError and OpenF1 is not called."""

    async def test_rejects_without_calling_upstream(
        self, client: OpenF1Client, openf1: respx.MockRouter
    ) -> None:
        route = await open_breaker(client, openf1)
        acquired = client.budget.acquired
        for _ in range(3):
            with pytest.raises(CircuitOpenError, match="5 times in a row"):
                await client.fetch("laps", where(session_key=11253))
        assert route.call_count == THRESHOLD
        assert client.budget.acquired == acquired  # not even the rate budget was spent
        assert client.breaker.status().rejected == 3

    async def test_other_endpoints_are_rejected_too(
        self, client: OpenF1Client, openf1: respx.MockRouter
    ) -> None:
        await open_breaker(client, openf1)
        drivers = openf1.get(f"{BASE}/drivers").respond(200, json=[])
        with pytest.raises(CircuitOpenError):
            await client.fetch("drivers", ())
        assert drivers.call_count == 0

    async def test_status_while_open(self, client: OpenF1Client, openf1: respx.MockRouter) -> None:
        before = datetime.now(UTC)
        await open_breaker(client, openf1)
        status = client.breaker.status()
        assert status.state is BreakerState.OPEN
        assert status.consecutive_failures == status.failures == THRESHOLD
        assert status.requests == THRESHOLD
        assert status.successes == 0
        assert status.last_failure is not None and status.last_failure >= before
        assert status.last_failure_reason is not None and "500" in status.last_failure_reason
        assert status.next_retry is not None
        assert before < status.next_retry <= datetime.now(UTC) + timedelta(seconds=RESET_S)


class TestHalfOpen:
    """After the reset timeout one trial call goes through; it closes or re-opens the breaker."""

    async def test_half_open_after_the_reset_timeout(
        self, client: OpenF1Client, openf1: respx.MockRouter
    ) -> None:
        await open_breaker(client, openf1)
        await asyncio.sleep(RESET_S * 1.5)
        assert client.breaker.state is BreakerState.HALF_OPEN
        assert client.breaker.status().next_retry is None

    async def test_success_closes(self, client: OpenF1Client, openf1: respx.MockRouter) -> None:
        route = await open_breaker(client, openf1)
        await asyncio.sleep(RESET_S * 1.5)
        route.respond(200, json=[])
        assert await client.fetch("laps", ()) == b"[]"
        status = client.breaker.status()
        assert status.state is BreakerState.CLOSED
        assert (status.consecutive_failures, status.successes) == (0, 1)
        assert route.call_count == THRESHOLD + 1

    async def test_failure_reopens_at_once(
        self, client: OpenF1Client, openf1: respx.MockRouter
    ) -> None:
        route = await open_breaker(client, openf1)
        await asyncio.sleep(RESET_S * 1.5)
        await fail_times(client, 1)  # the trial call fails: one failure is enough
        assert client.breaker.state is BreakerState.OPEN
        with pytest.raises(CircuitOpenError):
            await client.fetch("laps", ())
        assert route.call_count == THRESHOLD + 1
        await asyncio.sleep(RESET_S * 1.5)  # and a new timeout starts
        assert client.breaker.state is BreakerState.HALF_OPEN

    async def test_one_trial_at_a_time(
        self, client: OpenF1Client, openf1: respx.MockRouter
    ) -> None:
        route = await open_breaker(client, openf1)
        await asyncio.sleep(RESET_S * 1.5)
        release = asyncio.Event()

        async def slow_success(request: httpx.Request) -> httpx.Response:
            await release.wait()
            return httpx.Response(200, json=[])

        route.side_effect = slow_success
        trial = asyncio.create_task(client.fetch("laps", ()))
        await asyncio.sleep(0.01)
        with pytest.raises(CircuitOpenError):
            await client.fetch("laps", ())
        release.set()
        assert await trial == b"[]"
        assert client.breaker.state is BreakerState.CLOSED
        assert route.call_count == THRESHOLD + 1

    async def test_cancelled_trial_frees_the_slot(
        self, client: OpenF1Client, openf1: respx.MockRouter
    ) -> None:
        route = await open_breaker(client, openf1)
        await asyncio.sleep(RESET_S * 1.5)

        async def never_answers(request: httpx.Request) -> httpx.Response:
            await asyncio.sleep(60)
            raise AssertionError("unreachable")

        route.side_effect = never_answers
        trial = asyncio.create_task(client.fetch("laps", ()))
        await asyncio.sleep(0.01)
        trial.cancel()  # the client went away
        with pytest.raises(asyncio.CancelledError):
            await trial
        route.side_effect = None
        route.respond(200, json=[])
        assert await client.fetch("laps", ()) == b"[]"  # the next call is the trial
        assert client.breaker.state is BreakerState.CLOSED
        assert client.breaker.status().failures == THRESHOLD  # cancelling is not a failure


class TestReset:
    """reset() closes the breaker by hand and keeps the counters of past calls."""

    async def test_reset_closes_and_keeps_counters(
        self, client: OpenF1Client, openf1: respx.MockRouter
    ) -> None:
        route = await open_breaker(client, openf1)
        with pytest.raises(CircuitOpenError):
            await client.fetch("laps", ())
        client.breaker.reset()
        status = client.breaker.status()
        assert status.state is BreakerState.CLOSED
        assert status.consecutive_failures == 0
        assert (status.failures, status.requests, status.rejected) == (THRESHOLD, THRESHOLD, 1)
        route.respond(200, json=[])
        assert await client.fetch("laps", ()) == b"[]"
        assert route.call_count == THRESHOLD + 1

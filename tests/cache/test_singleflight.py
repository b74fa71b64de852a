"""Single-flight: concurrent callers for one key share one piece of work, result or error."""

from __future__ import annotations

import asyncio

import pytest

from f1graph.cache.singleflight import SingleFlight
from f1graph.errors import UpstreamUnavailableError


class Counter:
    """Work that counts its calls and takes a moment, so callers overlap."""

    def __init__(self, delay_s: float = 0.02) -> None:
        self.calls: list[list[str]] = []
        self.delay_s = delay_s

    async def one(self) -> str:
        self.calls.append(["one"])
        await asyncio.sleep(self.delay_s)
        return "value"

    async def batch(self, keys: list[str]) -> dict[str, str]:
        self.calls.append(list(keys))
        await asyncio.sleep(self.delay_s)
        return {k: k.upper() for k in keys}


class TestDo:
    """Fifty concurrent misses make one call, and all get its result."""

    async def test_fifty_callers_one_call(self) -> None:
        flight: SingleFlight[str, str] = SingleFlight()
        work = Counter()
        results = await asyncio.gather(*(flight.do("laps", work.one) for _ in range(50)))
        assert results == ["value"] * 50
        assert len(work.calls) == 1
        assert len(flight) == 0

    async def test_different_keys_run_separately(self) -> None:
        flight: SingleFlight[str, str] = SingleFlight()
        work = Counter()
        await asyncio.gather(flight.do("laps", work.one), flight.do("stints", work.one))
        assert len(work.calls) == 2

    async def test_later_call_runs_again(self) -> None:
        flight: SingleFlight[str, str] = SingleFlight()
        work = Counter()
        await flight.do("laps", work.one)
        await flight.do("laps", work.one)
        assert len(work.calls) == 2  # single-flight is not a cache

    async def test_error_reaches_every_waiter(self) -> None:
        flight: SingleFlight[str, str] = SingleFlight()
        calls = 0
        error = UpstreamUnavailableError("OpenF1 failed on /laps (500).")

        async def failing() -> str:
            nonlocal calls
            calls += 1
            await asyncio.sleep(0.02)
            raise error

        results = await asyncio.gather(
            *(flight.do("laps", failing) for _ in range(50)), return_exceptions=True
        )
        assert calls == 1
        assert all(r is error for r in results)
        assert len(flight) == 0
        assert await flight.do("laps", Counter().one) == "value"  # the failure is not kept

    async def test_lone_failure_is_raised(self) -> None:
        flight: SingleFlight[str, str] = SingleFlight()

        async def failing() -> str:
            raise UpstreamUnavailableError("down")

        with pytest.raises(UpstreamUnavailableError):
            await flight.do("laps", failing)


class TestMany:
    """The batch form computes missing keys in one call and awaits those already in flight."""

    async def test_one_call_for_all_keys(self) -> None:
        flight: SingleFlight[str, str] = SingleFlight()
        work = Counter()
        assert await flight.many(["a", "b", "c"], work.batch) == {"a": "A", "b": "B", "c": "C"}
        assert work.calls == [["a", "b", "c"]]

    async def test_duplicate_keys_computed_once(self) -> None:
        flight: SingleFlight[str, str] = SingleFlight()
        work = Counter()
        assert await flight.many(["a", "a", "b"], work.batch) == {"a": "A", "b": "B"}
        assert work.calls == [["a", "b"]]

    async def test_overlapping_batches_share_keys(self) -> None:
        flight: SingleFlight[str, str] = SingleFlight()
        work = Counter(delay_s=0.05)
        first = asyncio.create_task(flight.many(["a", "b"], work.batch))
        await asyncio.sleep(0)  # let the first batch claim a and b
        second = await flight.many(["b", "c"], work.batch)
        assert second == {"b": "B", "c": "C"}
        assert await first == {"a": "A", "b": "B"}
        assert work.calls == [["a", "b"], ["c"]]
        assert len(flight) == 0

    async def test_fifty_concurrent_batches(self) -> None:
        flight: SingleFlight[str, str] = SingleFlight()
        work = Counter()
        results = await asyncio.gather(*(flight.many(["a", "b"], work.batch) for _ in range(50)))
        assert all(r == {"a": "A", "b": "B"} for r in results)
        assert work.calls == [["a", "b"]]

    async def test_error_reaches_waiters_of_the_batch(self) -> None:
        flight: SingleFlight[str, str] = SingleFlight()

        async def failing(keys: list[str]) -> dict[str, str]:
            await asyncio.sleep(0.02)
            raise UpstreamUnavailableError("down")

        first = asyncio.create_task(flight.many(["a", "b"], failing))
        await asyncio.sleep(0)
        with pytest.raises(UpstreamUnavailableError):
            await flight.do("b", Counter().one)
        with pytest.raises(UpstreamUnavailableError):
            await first
        assert len(flight) == 0

    async def test_work_missing_a_key_fails_everyone(self) -> None:
        flight: SingleFlight[str, str] = SingleFlight()

        async def partial(keys: list[str]) -> dict[str, str]:
            await asyncio.sleep(0.02)
            return {"a": "A"}

        first = asyncio.create_task(flight.many(["a", "b"], partial))
        await asyncio.sleep(0)
        with pytest.raises(KeyError):
            await flight.do("b", Counter().one)
        with pytest.raises(KeyError):
            await first
        assert len(flight) == 0

    async def test_cancelled_caller_hands_the_work_to_a_waiter(self) -> None:
        flight: SingleFlight[str, str] = SingleFlight()
        hanging, prompt = Counter(delay_s=10.0), Counter()
        first = asyncio.create_task(flight.do("laps", hanging.one))
        await asyncio.sleep(0)
        waiter = asyncio.create_task(flight.do("laps", prompt.one))
        await asyncio.sleep(0)
        first.cancel()  # e.g. its client went away
        assert await asyncio.wait_for(waiter, timeout=1.0) == "value"
        assert first.cancelled()
        assert (len(hanging.calls), len(prompt.calls)) == (1, 1)
        assert len(flight) == 0

    async def test_cancelled_waiter_is_cancelled(self) -> None:
        flight: SingleFlight[str, str] = SingleFlight()
        work = Counter(delay_s=0.05)
        first = asyncio.create_task(flight.do("laps", work.one))
        await asyncio.sleep(0)
        waiter = asyncio.create_task(flight.do("laps", work.one))
        await asyncio.sleep(0)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        assert await first == "value"  # the work itself goes on
        assert len(work.calls) == 1

    async def test_many_waiters_of_a_cancelled_caller_share_the_retry(self) -> None:
        flight: SingleFlight[str, str] = SingleFlight()
        hanging, prompt = Counter(delay_s=10.0), Counter()
        first = asyncio.create_task(flight.do("laps", hanging.one))
        await asyncio.sleep(0)
        waiters = [asyncio.create_task(flight.do("laps", prompt.one)) for _ in range(20)]
        await asyncio.sleep(0)
        first.cancel()
        assert await asyncio.wait_for(asyncio.gather(*waiters), timeout=1.0) == ["value"] * 20
        assert len(prompt.calls) == 1

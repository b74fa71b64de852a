"""The one cross-process lock protocol, on a real Redis (database 10, emptied by each test)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from f1graph.cache import Entry, fetch_once
from f1graph.cache.keys import lock_key
from f1graph.cache.redis import RedisCache
from tests.data import redis_url

REDIS_URL = redis_url(10)
Fetch = Callable[[dict[str, Entry | None]], Awaitable[dict[str, str]]]
Read = Callable[[str], Awaitable[str | None]]


@pytest.fixture
async def backends() -> AsyncIterator[tuple[RedisCache, RedisCache]]:
    """Two clients of one Redis: this process and another one."""
    here, there = RedisCache(REDIS_URL), RedisCache(REDIS_URL)
    await here.delete_prefix("")
    yield here, there
    await here.delete_prefix("")
    await here.aclose()
    await there.aclose()


class TestFetchOnce:
    """Keys locked by another process are awaited, concurrently; free keys are fetched here."""

    async def test_waits_for_the_other_process_and_fetches_the_rest(
        self, backends: tuple[RedisCache, RedisCache]
    ) -> None:
        here, there = backends
        assert await there.try_lock(lock_key("a"), 30)
        assert await there.try_lock(lock_key("b"), 30)
        fetched: list[list[str]] = []
        stored: dict[str, str] = {}

        async def fetch(items: dict[str, Entry | None]) -> dict[str, str]:
            fetched.append(sorted(items))
            return {k: f"{k} fetched here" for k in items}

        async def read(item: str) -> str | None:
            return stored.get(item)

        async def other_process() -> None:
            await asyncio.sleep(0.2)
            stored["a"] = stored["b"] = "stored there"
            await there.unlock(lock_key("a"))
            await there.unlock(lock_key("b"))

        writer = asyncio.create_task(other_process())
        got = await fetch_once(here, {"a": None, "b": None, "c": None}, str, fetch, read)
        await writer
        assert got == {"a": "stored there", "b": "stored there", "c": "c fetched here"}
        assert fetched == [["c"]]
        assert await there.try_lock(lock_key("c"), 30)  # released once fetched

    async def test_fetches_here_when_the_other_process_gives_up(
        self, backends: tuple[RedisCache, RedisCache]
    ) -> None:
        here, there = backends
        assert await there.try_lock(lock_key("a"), 30)

        async def fetch(items: dict[str, Entry | None]) -> dict[str, str]:
            return {k: "fetched here" for k in items}

        async def read(item: str) -> str | None:
            return None

        async def give_up() -> None:
            await asyncio.sleep(0.2)
            await there.unlock(lock_key("a"))

        quitter = asyncio.create_task(give_up())
        assert await fetch_once(here, {"a": None}, str, fetch, read) == {"a": "fetched here"}
        await quitter
        assert await here.try_lock(lock_key("a"), 30)  # the lock was released after the fetch

    async def test_two_processes_asking_together_do_not_split_the_keys(
        self, backends: tuple[RedisCache, RedisCache]
    ) -> None:
        """The same 40 keys asked by two processes at once: one fetches them all in one call."""
        here, there = backends
        keys: dict[str, Entry | None] = {f"w{i:02d}": None for i in range(40)}
        calls: list[tuple[str, int]] = []
        stored: dict[str, str] = {}

        def process(name: str) -> tuple[Fetch, Read]:
            async def fetch(items: dict[str, Entry | None]) -> dict[str, str]:
                calls.append((name, len(items)))
                await asyncio.sleep(0.05)
                stored.update({k: f"by {name}" for k in items})
                return {k: f"by {name}" for k in items}

            async def read(item: str) -> str | None:
                await asyncio.sleep(0)  # a Redis round trip's worth of yielding
                return stored.get(item)

            return fetch, read

        (fetch_here, read_here), (fetch_there, read_there) = process("here"), process("there")
        got_here, got_there = await asyncio.gather(
            fetch_once(here, keys, str, fetch_here, read_here),
            fetch_once(there, keys, str, fetch_there, read_there),
        )
        assert len(calls) == 1 and calls[0][1] == 40, calls
        assert got_here == got_there == {k: f"by {calls[0][0]}" for k in keys}


class TestTryLocks:
    """Several locks in one atomic step: taken where free, refused where another holds them."""

    async def test_free_keys_only(self, backends: tuple[RedisCache, RedisCache]) -> None:
        here, there = backends
        assert await there.try_locks(["a", "b"], 30) == [True, True]
        assert await here.try_locks(["a", "c", "b", "d"], 30) == [False, True, False, True]
        await there.unlock("a")
        assert await here.try_locks(["a"], 30) == [True]

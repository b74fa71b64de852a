"""The cross-process lock protocol: what one process fetches, the others wait for.

Session datasets (:mod:`f1graph.data.datasets`) and telemetry windows
(:mod:`f1graph.telemetry.fetch`) both load a set of cache keys this way. Each key's lock
(``SET NX PX`` in Redis, always granted in memory) is tried; the keys taken are fetched here
and unlocked, the others are awaited concurrently: each is read from the cache as soon as the
process holding its lock has stored it, or fetched here when that process gave up (its lock is
free again) or when the wait outlasts the lock's own lifetime.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TypeVar

from f1graph.cache.backend import CacheBackend
from f1graph.cache.entry import Entry
from f1graph.cache.keys import lock_key

K = TypeVar("K")
V = TypeVar("V")

LOCK_TTL_S = 30.0
LOCK_POLL_S = 0.05


async def fetch_once(
    backend: CacheBackend,
    stale: Mapping[K, Entry | None],
    cache_key: Callable[[K], str],
    fetch: Callable[[dict[K, Entry | None]], Awaitable[dict[K, V]]],
    stored: Callable[[K], Awaitable[V | None]],
) -> dict[K, V]:
    """Every item of ``stale`` (item -> its expired entry, if any), fetched once across processes.

    ``cache_key(item)`` is where the item is cached (its lock is derived from it);
    ``fetch(items)`` fetches items upstream and caches them; ``stored(item)`` is the item once
    another process has cached it fresh, else ``None``.
    """
    mine: dict[K, Entry | None] = {}
    theirs: list[K] = []
    out: dict[K, V] = {}
    taken: list[K] = []
    # every lock first, one call after another: two processes asking for the same keys then
    # take them in step, so the first takes them all and fetches them as merged ranges (checking
    # the cache between locks let them alternate, and each fetched every other telemetry window)
    for item in stale:
        if await backend.try_lock(lock_key(cache_key(item)), LOCK_TTL_S):
            taken.append(item)
        else:
            theirs.append(item)
    for item in taken:
        # another process may have stored it between this one's miss and its lock
        value = await stored(item) if backend.name != "memory" else None
        if value is not None:
            await backend.unlock(lock_key(cache_key(item)))
            out[item] = value
        else:
            mine[item] = stale[item]
    try:
        if mine:
            out.update(await fetch(mine))
    finally:
        for item in mine:
            await backend.unlock(lock_key(cache_key(item)))

    async def wait(item: K) -> V:
        deadline = time.monotonic() + LOCK_TTL_S
        lock = lock_key(cache_key(item))
        while time.monotonic() < deadline:
            await asyncio.sleep(LOCK_POLL_S)
            value = await stored(item)
            if value is not None:
                return value
            if await backend.try_lock(lock, LOCK_TTL_S):
                try:  # the lock is free: stored just now, or the other process gave up
                    value = await stored(item)
                    if value is not None:
                        return value
                    return (await fetch({item: stale[item]}))[item]
                finally:
                    await backend.unlock(lock)
        return (await fetch({item: stale[item]}))[item]

    waited = await asyncio.gather(*(wait(item) for item in theirs))
    out.update(zip(theirs, waited, strict=True))
    return out

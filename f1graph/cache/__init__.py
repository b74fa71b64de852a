"""The cache: an embedded byte-bounded LRU by default, Redis when configured.

Also the one cross-process lock protocol (:func:`~f1graph.cache.lock.fetch_once`) that session
datasets and telemetry windows load through.
"""

from __future__ import annotations

import time

from f1graph.cache import keys, reads
from f1graph.cache.backend import CacheBackend
from f1graph.cache.entry import Entry, pack, unpack
from f1graph.cache.generations import bump
from f1graph.cache.lock import fetch_once
from f1graph.cache.memory import MemoryCache
from f1graph.cache.redis import RedisCache
from f1graph.cache.resilient import ResilientCache
from f1graph.cache.ttl import STALE_GRACE_S, fresh_ttl_s
from f1graph.observe import metrics
from f1graph.openf1.redis_guard import RedisGuard
from f1graph.settings import Settings


class Cache:
    """Entries with a fresh period and a stale grace period, over a backend."""

    def __init__(self, backend: CacheBackend, stale_grace_s: float = STALE_GRACE_S) -> None:
        self.backend = backend
        self.stale_grace_s = stale_grace_s
        self.hits = 0
        self.misses = 0

    async def get(self, key: str) -> Entry | None:
        raw = await self.backend.get(key)
        metrics.cache_lookup(self.backend.name, raw is not None)
        if raw is None:
            self.misses += 1
            return None
        self.hits += 1
        return unpack(raw)

    async def put(self, key: str, payload: bytes, fresh_s: float) -> Entry:
        fresh_until = time.time() + fresh_s
        await self.backend.set(key, pack(payload, fresh_until), fresh_s + self.stale_grace_s)
        session_key = keys.session_of_key(key)
        if session_key is not None:  # a session's data changed: answers that read it are void
            reads.note_put(session_key)
            await bump(self.backend, session_key, fresh_s + self.stale_grace_s)
        return Entry(payload, fresh_until)

    async def drop_session(self, session_key: int) -> int:
        """Drop every cached entry of one session; return how many there were."""
        dropped = await self.backend.delete_prefix(keys.session_prefix(session_key))
        await self.backend.delete_prefix(keys.generation_key(session_key))  # answers reading it
        return dropped

    async def aclose(self) -> None:
        await self.backend.aclose()


def make_cache(settings: Settings, guard: RedisGuard | None = None) -> Cache:
    """Memory, or Redis guarded by ``guard`` with memory as its fallback while it is down."""
    backend: CacheBackend
    if settings.redis_url:
        backend = ResilientCache(
            RedisCache(settings.redis_url),
            MemoryCache(settings.cache_max_bytes),
            guard or RedisGuard("cache"),
        )
    else:
        backend = MemoryCache(settings.cache_max_bytes)
    return Cache(backend)


__all__ = [
    "Cache",
    "CacheBackend",
    "Entry",
    "MemoryCache",
    "RedisCache",
    "ResilientCache",
    "fetch_once",
    "fresh_ttl_s",
    "keys",
    "make_cache",
    "reads",
]

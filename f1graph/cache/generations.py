"""Session generations: a counter per session that every write under the session's keys bumps.

``evictSession`` (:meth:`f1graph.cache.Cache.drop_session`) drops it with the session's
entries; it is created at a random value, so a generation seen before an eviction never comes back.
Answers cached with the generations they read are therefore unreachable after any refresh,
re-ingest or eviction of what they read.
"""

from __future__ import annotations

from collections.abc import Sequence

from f1graph.cache import keys
from f1graph.cache.backend import CacheBackend


async def generations(backend: CacheBackend, session_keys: Sequence[int]) -> list[int]:
    """The current generation of each session (created when it has none)."""
    return await backend.counters([keys.generation_key(sk) for sk in session_keys])


async def bump(backend: CacheBackend, session_key: int, ttl_s: float) -> None:
    """Advance the session's generation: something under its keys was written."""
    await backend.bump(keys.generation_key(session_key), ttl_s)

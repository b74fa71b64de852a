"""The embedded cache: an LRU bounded by bytes, with a time-to-use per entry (cachetools)."""

from __future__ import annotations

import secrets
import time

from cachetools import TLRUCache


class MemoryCache:
    """Process-local bytes cache; the least recently used entries go first when full."""

    name = "memory"

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._expiry: dict[str, float] = {}  # absolute expiry per key, read by ttu below
        self._data: TLRUCache[str, bytes] = TLRUCache(
            maxsize=max_bytes,
            ttu=lambda key, _value, now: self._expiry.get(key, now),
            timer=time.monotonic,
            getsizeof=len,
        )
        self._counters: dict[str, int] = {}  # session generations; tiny, never evicted by size

    async def get(self, key: str) -> bytes | None:
        return self._data.get(key)

    async def set(self, key: str, value: bytes, ttl_s: float) -> None:
        if len(value) > self.max_bytes:
            return  # larger than the whole cache: serve it, don't keep it
        self._expiry[key] = time.monotonic() + ttl_s
        self._data[key] = value
        if len(self._expiry) > 2 * len(self._data) + 1024:
            self._expiry = {k: v for k, v in self._expiry.items() if k in self._data}

    async def delete_prefix(self, prefix: str) -> int:
        doomed = [k for k in list(self._data.keys()) if k.startswith(prefix)]
        for k in doomed:
            self._data.pop(k, None)
            self._expiry.pop(k, None)
        for k in [k for k in self._counters if k.startswith(prefix)]:
            del self._counters[k]
        return len(doomed)

    async def counters(self, keys: list[str]) -> list[int]:
        return [self._counters.setdefault(k, secrets.randbits(52)) for k in keys]

    async def bump(self, key: str, ttl_s: float) -> None:
        self._counters[key] = self._counters.get(key, secrets.randbits(52)) + 1

    async def try_lock(self, key: str, ttl_s: float) -> bool:
        return True  # one process: in-process single-flight is enough

    async def try_locks(self, keys: list[str], ttl_s: float) -> list[bool]:
        return [True] * len(keys)

    async def unlock(self, key: str) -> None:
        return None

    async def ping(self) -> bool:
        return True

    async def stats(self) -> dict[str, int]:
        return {
            "entries": len(self._data),
            "bytes": int(self._data.currsize),
            "maxBytes": self.max_bytes,
        }

    async def aclose(self) -> None:
        return None

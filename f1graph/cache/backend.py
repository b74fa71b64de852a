"""What a cache backend offers; memory and Redis implement it."""

from __future__ import annotations

from typing import Protocol


class CacheBackend(Protocol):
    """Bytes by key, each with an expiry, plus the cross-process lock single-flight needs."""

    name: str

    async def get(self, key: str) -> bytes | None: ...

    async def set(self, key: str, value: bytes, ttl_s: float) -> None: ...

    async def delete_prefix(self, prefix: str) -> int:
        """Drop every key starting with ``prefix``; return how many were dropped."""
        ...

    async def counters(self, keys: list[str]) -> list[int]:
        """The integer at each key, created at a random value where there is none."""
        ...

    async def bump(self, key: str, ttl_s: float) -> None:
        """Add one to the integer at ``key`` (created at a random value), kept ``ttl_s``."""
        ...

    async def try_lock(self, key: str, ttl_s: float) -> bool:
        """Take a lock that other processes see; ``True`` when taken (always, in memory)."""
        ...

    async def try_locks(self, keys: list[str], ttl_s: float) -> list[bool]:
        """:meth:`try_lock` for each of ``keys`` at once (atomically in Redis): a process that
        asks first takes every free key, not one of two with another process."""
        ...

    async def unlock(self, key: str) -> None: ...

    async def ping(self) -> bool: ...

    async def stats(self) -> dict[str, int]: ...

    async def aclose(self) -> None: ...

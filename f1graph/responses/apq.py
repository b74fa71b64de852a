"""Automatic persisted queries, in the protocol Apollo clients speak.

A client sends ``extensions.persistedQuery = {"version": 1, "sha256Hash": <hex>}`` without the
query; an unknown hash answers ``PersistedQueryNotFound`` (``extensions.code``
``PERSISTED_QUERY_NOT_FOUND``), and the client retries with the query and the hash, which is
checked and remembered (in the shared cache when configured, so every replica knows it).
"""

from __future__ import annotations

import hashlib
from typing import Any

from cachetools import LRUCache

from f1graph.cache import CacheBackend, keys

NOT_FOUND = "PersistedQueryNotFound"
KEEP_S = 30 * 24 * 3600.0


class PersistedQueryError(Exception):
    """An answer to a persisted-query request that cannot run: message and code."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def body(self) -> dict[str, Any]:
        return {"errors": [{"message": self.message, "extensions": {"code": self.code}}]}


class PersistedQueries:
    """Query texts by SHA-256 hash: in this process, and shared when ``shared`` is given."""

    def __init__(self, shared: CacheBackend | None) -> None:
        self.shared = shared
        self._local: LRUCache[str, str] = LRUCache(maxsize=4096)

    async def resolve(self, query: str | None, extensions: dict[str, Any] | None) -> str | None:
        """The query to run: ``query`` itself (remembered under its hash when the request
        names one), or the text remembered for the hash; raise for a miss or a bad hash."""
        persisted = (extensions or {}).get("persistedQuery")
        if persisted is None:
            return query
        if not isinstance(persisted, dict) or persisted.get("version") != 1:
            raise PersistedQueryError(
                "Only version 1 of persisted queries is supported.", "PERSISTED_QUERY_NOT_SUPPORTED"
            )
        digest = persisted.get("sha256Hash")
        if not isinstance(digest, str) or len(digest) != 64:
            raise PersistedQueryError(
                "extensions.persistedQuery.sha256Hash must be 64 hexadecimal digits.",
                "BAD_REQUEST",
            )
        digest = digest.lower()
        if query is not None:
            if hashlib.sha256(query.encode()).hexdigest() != digest:
                raise PersistedQueryError("provided sha does not match query", "BAD_REQUEST")
            await self._remember(digest, query)
            return query
        found = await self._lookup(digest)
        if found is None:
            raise PersistedQueryError(NOT_FOUND, "PERSISTED_QUERY_NOT_FOUND")
        return found

    async def _remember(self, digest: str, query: str) -> None:
        if self._local.get(digest) == query:
            return
        self._local[digest] = query
        if self.shared is not None:
            await self.shared.set(f"{keys.PREFIX}:apq:{digest}", query.encode(), KEEP_S)

    async def _lookup(self, digest: str) -> str | None:
        found = self._local.get(digest)
        if found is None and self.shared is not None:
            raw = await self.shared.get(f"{keys.PREFIX}:apq:{digest}")
            if raw is not None:
                found = self._local[digest] = raw.decode()
        return found

"""Execute once, answer many: coalescing, the response cache, persisted queries, HTTP caching.

- ``operation``: a request's normalized operation and key; ``rights``: the caller's rights.
- ``front``: :class:`Responses`, which every query of ``/graphql`` and the REST shim passes.
- ``store``: answers as bytes (in-process LRU, and Redis when configured); ``encoding``: zstd,
  gzip or none, chosen by measurement; ``apq``: automatic persisted queries.
"""

from __future__ import annotations

from f1graph.cache import Cache
from f1graph.data import Datasets
from f1graph.responses.apq import PersistedQueries, PersistedQueryError
from f1graph.responses.front import Call, Produced, Responses
from f1graph.responses.operation import Operation, operation_of, request_key
from f1graph.responses.rights import rights_of
from f1graph.responses.store import ResponseStore
from f1graph.settings import Settings


def build_responses(settings: Settings, cache: Cache, datasets: Datasets) -> Responses:
    """The process's front over its cache: answers shared through Redis when configured."""
    shared = cache.backend if settings.redis_url else None
    store = ResponseStore(settings.response_cache_max_bytes, shared, settings.ended_session_ttl_s)
    return Responses(store, cache.backend, datasets, enabled=settings.response_cache)


def build_persisted_queries(settings: Settings, cache: Cache) -> PersistedQueries:
    """Persisted queries, shared through Redis when configured."""
    return PersistedQueries(cache.backend if settings.redis_url else None)


__all__ = [
    "Call",
    "Operation",
    "PersistedQueries",
    "PersistedQueryError",
    "Produced",
    "ResponseStore",
    "Responses",
    "build_persisted_queries",
    "build_responses",
    "operation_of",
    "request_key",
    "rights_of",
]

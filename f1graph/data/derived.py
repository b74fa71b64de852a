"""The process-wide store of session-wide analyses, each kept per dataset version.

A value is kept with the exact dataset objects it was computed from; it is reused only while
the datasets layer still hands out those same objects (datasets are parsed once and replaced
when refreshed), so a refresh recomputes it and nothing stale is served from here. Only the
session view (:mod:`f1graph.data.session`, which states the memo rule) reads and fills it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from cachetools import LRUCache

from f1graph.observe import metrics

T = TypeVar("T")


class Derived:
    """A small LRU of values derived from datasets, keyed by analysis and session."""

    def __init__(self, maxsize: int = 512) -> None:
        self._values: LRUCache[Hashable, tuple[tuple[Any, ...], Any]] = LRUCache(maxsize=maxsize)

    def get(self, key: Hashable, inputs: Sequence[Any], compute: Callable[[], T]) -> T:
        """The value for ``key`` computed from ``inputs``, recomputed when any input changed."""
        held = self._values.get(key)
        if held is not None and len(held[0]) == len(inputs):
            if all(a is b for a, b in zip(held[0], inputs, strict=True)):
                metrics.cache_lookup("derived", True)
                value: T = held[1]
                return value
        metrics.cache_lookup("derived", False)
        value = compute()
        self._values[key] = (tuple(inputs), value)
        return value

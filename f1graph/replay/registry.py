"""One loaded copy of a session per process, shared by its subscribers, released when unused.

Subscribers take a session with :meth:`Registry.use`; the first loads it (concurrent first
callers share that load), the last one out releases it after ``linger_s`` so that a client
seeking (which re-subscribes) does not reload it.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Protocol

from f1graph.data import Datasets
from f1graph.replay.timeline import Timeline, load_timeline
from f1graph.telemetry import TelemetryStore

LINGER_S = 30.0


class HasData(Protocol):
    """What a registry reads sessions through (the process's services)."""

    datasets: Datasets
    telemetry: TelemetryStore


@dataclass(eq=False)
class _Entry:
    task: asyncio.Task[Timeline]
    users: int = 0
    release: asyncio.TimerHandle | None = field(default=None, repr=False)


class Registry:
    """The loaded sessions of one set of services."""

    def __init__(
        self,
        datasets: Datasets,
        telemetry: TelemetryStore | None = None,
        linger_s: float = LINGER_S,
    ) -> None:
        # Weak references: the registry must not keep the services of a closed app alive.
        self._datasets = weakref.ref(datasets)
        self._telemetry = weakref.ref(telemetry) if telemetry is not None else None
        self.linger_s = linger_s
        self.loads = 0  # timelines built since start, for tests and metrics
        self._entries: dict[int, _Entry] = {}

    def users(self, session_key: int) -> int:
        entry = self._entries.get(session_key)
        return entry.users if entry is not None else 0

    def loaded(self) -> list[int]:
        return sorted(self._entries)

    @asynccontextmanager
    async def use(self, session_key: int) -> AsyncIterator[Timeline]:
        """The session's timeline, held while the block runs."""
        entry = self._entries.get(session_key)
        if entry is None or _failed(entry.task):
            task = asyncio.ensure_future(self._load(session_key))
            task.add_done_callback(_failed)  # a load nobody waits for any more fails quietly
            entry = self._entries[session_key] = _Entry(task)
        entry.users += 1
        if entry.release is not None:
            entry.release.cancel()
            entry.release = None
        try:
            yield await asyncio.shield(entry.task)
        finally:
            entry.users -= 1
            if entry.users == 0:
                self._schedule_release(session_key, entry)

    async def _load(self, session_key: int) -> Timeline:
        datasets = self._datasets()
        if datasets is None:
            raise RuntimeError("The services of this registry were closed.")
        telemetry = self._telemetry() if self._telemetry is not None else None
        self.loads += 1
        return await load_timeline(datasets, session_key, telemetry)

    def _schedule_release(self, session_key: int, entry: _Entry) -> None:
        if self.linger_s <= 0 or _failed(entry.task):
            self._drop(session_key, entry)
        else:
            loop = asyncio.get_running_loop()
            entry.release = loop.call_later(self.linger_s, self._drop, session_key, entry)

    def _drop(self, session_key: int, entry: _Entry) -> None:
        if self._entries.get(session_key) is entry and entry.users == 0:
            del self._entries[session_key]
            if not entry.task.done():
                entry.task.cancel()


def _failed(task: asyncio.Task[Timeline]) -> bool:
    return task.done() and (task.cancelled() or task.exception() is not None)


_REGISTRIES: weakref.WeakKeyDictionary[Datasets, Registry] = weakref.WeakKeyDictionary()


def registry_for(services: HasData) -> Registry:
    """The process-wide registry of these services (one per app), made on first use."""
    registry = _REGISTRIES.get(services.datasets)
    if registry is None:
        registry = Registry(services.datasets, getattr(services, "telemetry", None))
        _REGISTRIES[services.datasets] = registry
    return registry

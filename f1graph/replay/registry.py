"""One loaded copy of a session per process, shared by its subscribers, released when unused.

The process's registry is ``Services.replays`` (made with the services, no module state).

Subscribers take a session with :meth:`Registry.use`; the first loads it (concurrent first
callers share that load), the last one out releases it after ``linger_s`` so that a client
seeking (which re-subscribes) does not reload it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from f1graph.data import Datasets
from f1graph.replay.timeline import Timeline, load_timeline
from f1graph.telemetry import TelemetryStore

LINGER_S = 30.0


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
        self._datasets = datasets
        self._telemetry = telemetry
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
        self.loads += 1
        return await load_timeline(self._datasets, session_key, self._telemetry)

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

"""One loaded copy of a session per process, shared by its subscribers, released when unused.

The process's registry is ``Services.replays`` (made with the services, no module state).

Subscribers take a session with :meth:`Registry.use`; the first loads it (concurrent first
callers share that load), the last one out releases it after ``linger_s`` so that a client
seeking (which re-subscribes) does not reload it. The load runs in the background: a subscriber
that stops waiting for it (its deadline passed) leaves it running, and a released session whose
load is still running is released once it ends, so that it is loaded once however often
clients come back.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from f1graph.data import Datasets
from f1graph.data.deadline import in_background
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
    async def use(
        self, session_key: int, timeout_s: float | None = None
    ) -> AsyncIterator[Timeline]:
        """The session's timeline, held while the block runs; :class:`TimeoutError` when it is
        not loaded within ``timeout_s`` (the load goes on)."""
        entry = self._entries.get(session_key)
        if entry is None or _failed(entry.task):
            # no deadline, retrieved failure: a load nobody waits for any more goes on quietly
            entry = self._entries[session_key] = _Entry(in_background(self._load(session_key)))
        entry.users += 1
        if entry.release is not None:
            entry.release.cancel()
            entry.release = None
        try:
            yield await asyncio.wait_for(asyncio.shield(entry.task), timeout_s)
        finally:
            entry.users -= 1
            if entry.users == 0:
                self._schedule_release(session_key, entry)

    async def _load(self, session_key: int) -> Timeline:
        self.loads += 1
        return await load_timeline(self._datasets, session_key, self._telemetry)

    def _schedule_release(self, session_key: int, entry: _Entry) -> None:
        if entry.release is not None:
            entry.release.cancel()
            entry.release = None
        if self.linger_s <= 0 or _failed(entry.task):
            self._drop(session_key, entry)
        else:
            loop = asyncio.get_running_loop()
            entry.release = loop.call_later(self.linger_s, self._drop, session_key, entry)

    def _drop(self, session_key: int, entry: _Entry) -> None:
        if self._entries.get(session_key) is not entry or entry.users:
            return
        if not entry.task.done():  # loading still: released when loaded (then lingers)
            entry.task.add_done_callback(lambda _: self._loaded_unused(session_key, entry))
            return
        del self._entries[session_key]

    def _loaded_unused(self, session_key: int, entry: _Entry) -> None:
        if self._entries.get(session_key) is entry and entry.users == 0:
            self._schedule_release(session_key, entry)


def _failed(task: asyncio.Task[Timeline]) -> bool:
    return task.done() and (task.cancelled() or task.exception() is not None)

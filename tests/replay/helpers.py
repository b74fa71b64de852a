"""Shared pieces of the replay tests: a fake clock, a loaded timeline, raw-row readings."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from f1graph.openf1 import Filters
from f1graph.openf1.recorded import RecordedSource
from f1graph.replay.clock import Clock
from f1graph.replay.events import Event
from f1graph.replay.player import ReplayOptions, play
from f1graph.replay.timeline import Timeline, load_timeline
from f1graph.runtime import build_services
from f1graph.settings import Settings
from tests.data import DATA_DIR, raw_rows


class FakeClock:
    """A clock that jumps instead of sleeping, and remembers every sleep."""

    def __init__(self) -> None:
        self.t = 0.0
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += seconds


def recorded_settings() -> Settings:
    return Settings(source=DATA_DIR)


class HeldLocations:
    """The recorded data as a source whose ``location`` requests wait until :meth:`release`
    (called from any thread): a cold location load that takes as long as a test wants."""

    def __init__(self) -> None:
        self.source = RecordedSource(DATA_DIR)
        self.released = threading.Event()
        self.asked: list[Filters] = []  # every location request, in order

    def release(self) -> None:
        self.released.set()

    async def fetch(self, endpoint: str, filters: Filters) -> bytes:
        if endpoint == "location":
            self.asked.append(filters)
            while not self.released.is_set():  # noqa: ASYNC110 (set from another thread)
                await asyncio.sleep(0.05)
        return await self.source.fetch(endpoint, filters)

    async def aclose(self) -> None:
        await self.source.aclose()


_LOADED: dict[int, Timeline] = {}


async def timeline(session_key: int) -> Timeline:
    """The session loaded once for all the tests (a timeline is pure data once built)."""
    if session_key not in _LOADED:
        services = build_services(recorded_settings())
        try:
            _LOADED[session_key] = await load_timeline(
                services.datasets, session_key, services.telemetry
            )
        finally:
            await services.aclose()
    return _LOADED[session_key]


async def collect(
    tl: Timeline, options: ReplayOptions, clock: Clock | None = None
) -> list[tuple[Event, int, float]]:
    """Every ``(event, dropped, wall time when yielded)`` of a replay read at once."""
    clock = clock or FakeClock()
    out = []
    events: AsyncIterator[tuple[Event, int]] = play(tl, options, clock)
    async for event, dropped in events:
        out.append((event, dropped, clock.now()))
    return out


def when(text: str) -> datetime:
    return datetime.fromisoformat(text)


def latest_positions(session_key: int, at: datetime) -> list[int]:
    """Drivers by their latest position row at or before ``at``, read from the raw rows."""
    held: dict[int, tuple[datetime, int]] = {}
    for row in raw_rows(session_key, "position"):
        date = when(row["date"])
        if date <= at and (
            row["driver_number"] not in held or date >= held[row["driver_number"]][0]
        ):
            held[row["driver_number"]] = (date, row["position"])
    return [d for d, _ in sorted(held.items(), key=lambda kv: (kv[1][1], kv[0]))]


def raw_count(session_key: int, endpoint: str, after: datetime, until: Any = None) -> int:
    return sum(
        1
        for row in raw_rows(session_key, endpoint)
        if when(row["date"]) > after and (until is None or when(row["date"]) <= until)
    )

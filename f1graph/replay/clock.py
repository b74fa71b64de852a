"""The wall clock a replay is paced by; tests pass a fake one that never really sleeps."""

from __future__ import annotations

import asyncio
import time
from typing import Protocol


class Clock(Protocol):
    """Seconds on a monotonic wall clock, and a way to wait for them."""

    def now(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


TICK_S = 0.05


class MonotonicClock:
    """The process's monotonic clock and ``asyncio.sleep``, never shorter than ``TICK_S``.

    A subscriber at high speed has an event due every few milliseconds; waking it for each one
    costs the loop a task switch and a timer per event and subscriber (200 subscribers at speed
    100: 12,000 wake-ups a second). Sleeping at least a tick lets the player send what fell due
    meanwhile in one go (:func:`f1graph.replay.player.play` sends overdue events at once), at
    most ``TICK_S`` late.
    """

    def now(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(seconds, TICK_S))

"""Shared helpers for the benchmarks: servers on loopback, timing, printing ratios."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

LAP_FIELDS = (
    "sessionKey meetingKey driverNumber lapNumber dateStart lapDuration durationSector1 "
    "durationSector2 durationSector3 i1Speed i2Speed stSpeed isPitOutLap segmentsSector1 "
    "segmentsSector2 segmentsSector3"
)


def median_ms(fn: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def report(name: str, value: float, unit: str = "") -> None:
    print(f"{name:<60} {value:>12.2f} {unit}")

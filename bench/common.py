"""Shared helpers for the benchmarks: servers on loopback, timing, printing ratios."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx

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


@contextmanager
def recorded_server(**env_extra: str) -> Iterator[tuple[str, int]]:
    """``f1graph serve`` (one worker) on the recorded data in a process of its own, memory
    cache; yields its base URL and process id, and stops it on exit."""
    from tests.data import DATA_DIR

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "F1GRAPH_SOURCE": str(DATA_DIR),
        "F1GRAPH_HOST": "127.0.0.1",
        "F1GRAPH_PORT": str(port),
        **env_extra,
    }
    env.pop("F1GRAPH_REDIS_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "f1graph.cli", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                httpx.get(f"{base}/healthz", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("f1graph serve did not start") from None
                time.sleep(0.2)
        yield base, server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)

"""Issue 14 figure: ``/healthz`` latency while one worker fans a replay out to many subscribers.

Run: ``.venv/bin/python -m bench.fanout [subscribers ...] [--graphql-ws]`` (default 200).
Starts ``f1graph serve`` (one worker, recorded data) in its own process; the subscribers run in
a second process (so their own work does not delay the probe), each subscribed over
graphql-transport-ws (graphql-ws with ``--graphql-ws``) to 11253 at speed 100 from the racing
part; this process probes ``/healthz`` every 50 ms and reports its p50, p99 and worst latency,
with the events the subscribers received.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import re
import statistics
import sys
import time

import httpx
from websockets.asyncio.client import connect

from bench.common import recorded_server, report
from bench.replay import BUSY_FROM, proc_stat, subscribe

SPEED = 100.0
WINDOW_S = 15.0
SETTLE_S = 3.0  # connections made and first snapshots sent before probing starts


QUERY = (
    "subscription($key: Int!, $speed: Float!, $from: DateTime) {"
    " replay(sessionKey: $key, speed: $speed, from: $from) { kind sessionTime dropped } }"
)
DROPPED = re.compile(rb'"dropped":(\d+)')


async def lean_subscriber(url: str, seconds: float, protocol: str) -> tuple[int, int]:
    """Counts messages without parsing them (the clients must not be the bottleneck)."""
    variables = {"key": 11253, "speed": SPEED, "from": BUSY_FROM}
    events, last = 0, b""
    legacy = protocol == "graphql-ws"
    async with connect(url, subprotocols=[protocol], max_size=None) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init"}))
        await ws.recv()
        payload = {"query": QUERY, "variables": variables}
        kind = "start" if legacy else "subscribe"
        await ws.send(json.dumps({"id": "1", "type": kind, "payload": payload}))
        started = time.perf_counter()
        result = b'"data"' if legacy else b'"next"'
        while time.perf_counter() - started < seconds:
            message = await ws.recv(decode=False)
            if result not in message[:40]:
                if legacy and b'"ka"' in message[:20]:
                    continue
                break
            events += 1
            last = message
    found = DROPPED.search(last)
    return events, int(found.group(1)) if found else 0


def _subscribers(
    url: str, n: int, protocol: str, out: multiprocessing.Queue[tuple[int, int]]
) -> None:
    async def run() -> None:
        seconds = WINDOW_S + SETTLE_S
        got = await asyncio.gather(*(lean_subscriber(url, seconds, protocol) for _ in range(n)))
        out.put((sum(e for e, _ in got), sum(d for _, d in got)))

    asyncio.run(run())


def fan_out(base: str, n: int, pid: int, protocol: str) -> None:
    url = base.replace("http", "ws") + "/graphql"
    asyncio.run(subscribe(url, {"key": 11253, "speed": 0, "include": []}))  # load beforehand
    out: multiprocessing.Queue[tuple[int, int]] = multiprocessing.Queue()
    clients = multiprocessing.Process(target=_subscribers, args=(url, n, protocol, out))
    clients.start()
    time.sleep(SETTLE_S)
    cpu0 = proc_stat(pid)[0]
    latencies: list[float] = []
    with httpx.Client(timeout=120) as client:
        wall0 = time.perf_counter()
        while time.perf_counter() - wall0 < WINDOW_S:
            started = time.perf_counter()
            client.get(f"{base}/healthz").raise_for_status()
            latencies.append((time.perf_counter() - started) * 1000)
            time.sleep(max(0.0, 0.05 - (time.perf_counter() - started)))
        wall = time.perf_counter() - wall0
    cpu = proc_stat(pid)[0] - cpu0
    events, dropped = out.get(timeout=120)
    clients.join(timeout=60)
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    label = f"{n} {protocol} subscribers at speed {SPEED:g}"
    report(f"{label}: /healthz p50", statistics.median(latencies), "ms")
    report(f"{label}: /healthz p99", p99, "ms")
    report(f"{label}: /healthz worst", latencies[-1], "ms")
    report(f"{label}: events received in all", events)
    report(f"{label}: events dropped in all", dropped)
    report(f"{label}: server CPU (of one core)", 100 * cpu / wall, "%")


def main() -> None:
    protocol = "graphql-ws" if "--graphql-ws" in sys.argv else "graphql-transport-ws"
    counts = [int(a) for a in sys.argv[1:] if a.isdigit()] or [200]
    with recorded_server() as (base, pid):
        for n in counts:
            fan_out(base, n, pid, protocol)


if __name__ == "__main__":
    main()

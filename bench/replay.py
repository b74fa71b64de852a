"""Issue 6 figures: events per second one subscriber receives at speed 0, and the server's
memory and CPU with 100 concurrent subscribers to one session at speed 10.

Run: ``.venv/bin/python -m bench.replay``. Starts ``f1graph serve`` in its own process on the
recorded data (so its CPU and memory are read from /proc apart from the clients'), then drives
it over graphql-transport-ws with the ``websockets`` client.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from websockets.asyncio.client import connect

from bench.common import recorded_server, report

EVENT = "kind sessionTime dropped"
SUBSCRIBERS = 100
SPEED = 10.0
WINDOW_S = 30.0  # wall seconds the hundred subscribers are watched
BUSY_FROM = "2026-03-29T05:20:00Z"  # racing: every stream is active


@dataclass
class Received:
    events: int = 0
    dropped: int = 0
    seconds: float = 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def proc_stat(pid: int) -> tuple[float, int, int]:
    """CPU seconds (user + system), resident and peak resident memory [bytes] of ``pid``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    status = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    kib = lambda name: int(status[name].split()[0]) * 1024  # noqa: E731
    return cpu, kib("VmRSS"), kib("VmHWM")


async def subscribe(
    url: str, variables: dict[str, object], stop_after_s: float | None = None
) -> Received:
    query = (
        "subscription($key: Int!, $speed: Float!, $from: DateTime, $include: [ReplayStream!],"
        " $hz: Float!) { replay(sessionKey: $key, speed: $speed, from: $from, include: $include,"
        f" locationHz: $hz) {{ {EVENT} }} }}"
    )
    got = Received()
    started = time.perf_counter()
    async with connect(
        url,
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        max_size=None,
        close_timeout=1,
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init"}))
        await ws.recv()
        payload = {"query": query, "variables": {"hz": 1.0, **variables}}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        while stop_after_s is None or time.perf_counter() - started < stop_after_s:
            message = json.loads(await ws.recv())
            if message["type"] != "next":
                break
            event = message["payload"]["data"]["replay"]
            got.events += 1
            got.dropped = event["dropped"]
        got.seconds = time.perf_counter() - started
        await ws.send(json.dumps({"id": "1", "type": "complete"}))
    return got


async def one_subscriber(url: str) -> None:
    for label, variables in (
        ("11253, default streams", {"key": 11253, "speed": 0}),
        (
            "9531, laps + locations at 4 Hz",
            {"key": 9531, "speed": 0, "include": ["LAPS", "LOCATIONS"], "hz": 4.0},
        ),
    ):
        await subscribe(url, variables)  # loads the session into the registry
        got = await subscribe(url, variables)
        report(f"speed 0, one subscriber, {label}: events", got.events)
        report(f"speed 0, one subscriber, {label}: events/s", got.events / got.seconds, "ev/s")


async def hundred_subscribers(url: str, pid: int) -> None:
    await subscribe(url, {"key": 11253, "speed": 0, "include": []})  # load once beforehand
    cpu0, rss0, _ = proc_stat(pid)
    wall0 = time.perf_counter()
    variables = {"key": 11253, "speed": SPEED, "from": BUSY_FROM}
    tasks = [
        asyncio.create_task(subscribe(url, variables, stop_after_s=WINDOW_S))
        for _ in range(SUBSCRIBERS)
    ]
    peak_rss = rss0
    samples: list[int] = []
    while time.perf_counter() - wall0 < WINDOW_S:
        await asyncio.sleep(0.5)
        samples.append(proc_stat(pid)[1])
        peak_rss = max(peak_rss, samples[-1])
    cpu1, _, _ = proc_stat(pid)
    wall = time.perf_counter() - wall0
    results = await asyncio.gather(*tasks)
    events = sum(r.events for r in results)
    report(f"{SUBSCRIBERS} subscribers at speed {SPEED:g}: wall [s]", wall, "s")
    report(f"{SUBSCRIBERS} subscribers: events received in all", events)
    report(f"{SUBSCRIBERS} subscribers: events/s in all", events / wall, "ev/s")
    report(f"{SUBSCRIBERS} subscribers: events dropped in all", sum(r.dropped for r in results))
    report(f"{SUBSCRIBERS} subscribers: server CPU (of one core)", 100 * (cpu1 - cpu0) / wall, "%")
    report(f"{SUBSCRIBERS} subscribers: server RSS before", rss0 / 2**20, "MiB")
    report(f"{SUBSCRIBERS} subscribers: server RSS peak during", peak_rss / 2**20, "MiB")
    third = len(samples) // 3
    report(f"{SUBSCRIBERS} subscribers: RSS at 1/3 of the window", samples[third] / 2**20, "MiB")
    report(f"{SUBSCRIBERS} subscribers: RSS at the end of the window", samples[-1] / 2**20, "MiB")
    report(
        f"{SUBSCRIBERS} subscribers: per subscriber", (peak_rss - rss0) / SUBSCRIBERS / 1024, "KiB"
    )


def main() -> None:
    with recorded_server() as (base, pid):
        url = base.replace("http://", "ws://") + "/graphql"
        _, rss, _ = proc_stat(pid)
        report("server RSS after start", rss / 2**20, "MiB")
        asyncio.run(hundred_subscribers(url, pid))  # first: only 11253 is loaded
        asyncio.run(one_subscriber(url))


if __name__ == "__main__":
    main()

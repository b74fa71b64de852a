"""Issue 10 figures: compiled execution plans against graphql-core, and /healthz under load.

Run: ``.venv/bin/python -m bench.execution``. A fake OpenF1 (the recorded data) is served in
this process; f1graph runs as ``f1graph serve`` in a process of its own (as in production, so
the load generator here does not share its interpreter), once with compiled plans and once with
graphql-core's standard executor (``F1GRAPH_EXECUTOR=standard``). Every figure is measured in
this one run, warm, over HTTP on loopback.
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import orjson

from bench.common import LAP_FIELDS, median_ms, report
from tests.data import DATA_DIR
from tests.fake_openf1 import FakeOpenF1, make_fake_openf1
from tests.servers import serve_in_thread

DESIGN_CARD = """query($k: Int!) { session(sessionKey: $k) { sessionKey drivers {
  driverNumber nameAcronym
  laps { lapNumber lapDuration durationSector1 isPitOutLap segments { sector index code status } }
  stints { stintNumber compound lapStart lapEnd tyreAgeAtStart } } } }"""
LAPS = "query($k: Int!) { session(sessionKey: $k) { laps { " + LAP_FIELDS + " } } }"
QUERIES = {"design card": DESIGN_CARD, "full-race laps": LAPS}
TINY = "query($k: Int!) { session(sessionKey: $k) { sessionKey } }"  # the HTTP stack's floor
RACE = 11253
RUNS = 15
LOAD = 8  # design-card queries at once while /healthz is polled


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def gateway(fake_url: str, executor: str) -> Iterator[str]:
    """``f1graph serve`` in a process of its own, over the fake OpenF1."""
    port = free_port()
    env = os.environ | {
        "F1GRAPH_OPENF1_URL": f"{fake_url}/v1",
        "F1GRAPH_HOST": "127.0.0.1",
        "F1GRAPH_PORT": str(port),
        "F1GRAPH_RATE_PER_SECOND": "1000",
        "F1GRAPH_RATE_PER_MINUTE": "100000",
        "F1GRAPH_EXECUTOR": executor,
        "F1GRAPH_CLIENT_COST_PER_MINUTE": "0",  # off: the bench is one client on purpose
        "F1GRAPH_RESPONSE_CACHE": "off",  # every answer executed, none served as stored bytes
    }
    env.pop("F1GRAPH_SOURCE", None)
    env.pop("F1GRAPH_REDIS_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "f1graph.cli", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("f1graph serve did not start")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


async def post(client: httpx.AsyncClient, url: str, query: str, encoding: str = "gzip") -> bytes:
    response = await client.post(
        f"{url}/graphql",
        json={"query": query, "variables": {"k": RACE}},
        headers={"accept-encoding": encoding},
    )
    response.raise_for_status()
    body = response.content
    assert b'"errors"' not in body[:200], body[:500]
    return body


async def timed(url: str, query: str, runs: int, encoding: str = "identity") -> tuple[float, bytes]:
    """Median wall time [ms] of ``runs`` sequential requests (the answer not compressed unless
    ``encoding`` asks), and the last answer."""
    async with httpx.AsyncClient(timeout=300) as client:
        body = await post(client, url, query, encoding)
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            body = await post(client, url, query, encoding)
            times.append((time.perf_counter() - started) * 1000)
    return (statistics.median(times) if times else 0.0), body


Probe = tuple[float, float, int]  # p99 [ms], worst [ms], polls


def summary(latencies: list[float]) -> Probe:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return p99, ordered[-1], len(ordered)


async def under_load(url: str, rounds: int = 6) -> tuple[Probe, Probe]:
    """/healthz, and a one-field query, each polled every 5 ms (by clients of their own) while
    ``LOAD`` design-card queries run: p99, max, and how many polls of each."""
    healthz: list[float] = []
    small: list[float] = []
    async with (
        httpx.AsyncClient(timeout=300) as load,
        httpx.AsyncClient(timeout=300) as probe,
        httpx.AsyncClient(timeout=300) as asker,
    ):
        await post(load, url, DESIGN_CARD)
        await post(asker, url, TINY, "identity")
        done = asyncio.Event()

        async def poll_healthz() -> None:
            while not done.is_set():
                started = time.perf_counter()
                (await probe.get(f"{url}/healthz")).raise_for_status()
                healthz.append((time.perf_counter() - started) * 1000)
                await asyncio.sleep(0.005)

        async def poll_small() -> None:
            while not done.is_set():
                started = time.perf_counter()
                await post(asker, url, TINY, "identity")
                small.append((time.perf_counter() - started) * 1000)
                await asyncio.sleep(0.005)

        pollers = [asyncio.create_task(poll_healthz()), asyncio.create_task(poll_small())]
        for _ in range(rounds):
            await asyncio.gather(*(post(load, url, DESIGN_CARD) for _ in range(LOAD)))
        done.set()
        await asyncio.gather(*pollers)
    return summary(healthz), summary(small)


def upstream(fake: FakeOpenF1, fake_url: str, executor: str) -> dict[str, int]:
    """Upstream requests of each bench query on a gateway of its own (cold), and then warm."""
    counts = {}
    for name, query in QUERIES.items():
        with gateway(fake_url, executor) as url:
            fake.reset()
            asyncio.run(timed(url, query, 0))
            counts[f"{name}, cold"] = sum(fake.counts.values())
            fake.reset()
            asyncio.run(timed(url, query, 0))
            counts[f"{name}, warm"] = sum(fake.counts.values())
    return counts


def floor_ms(body: bytes) -> float:
    answer: Any = orjson.loads(body)
    return median_ms(lambda: orjson.dumps(answer), 30)


def main() -> None:
    fake = make_fake_openf1(DATA_DIR)
    figures: dict[str, dict[str, Any]] = {}
    with serve_in_thread(fake) as fake_url:
        for executor in ("plan", "standard"):
            out: dict[str, Any] = {"upstream": upstream(fake, fake_url, executor)}
            with gateway(fake_url, executor) as url:
                for name, query in QUERIES.items():
                    out[name] = asyncio.run(timed(url, query, RUNS))
                    out[f"{name} gzip"] = asyncio.run(timed(url, query, RUNS, "gzip"))
                out["tiny"] = asyncio.run(timed(url, TINY, RUNS))
                out["healthz"], out["small"] = asyncio.run(under_load(url))
                figures[executor] = out
    plan, standard = figures["plan"], figures["standard"]
    print(f"f1graph execution benchmark (session {RACE}, warm, recorded data, loopback HTTP)")
    print(f"F1GRAPH_GC_SETTLE={os.environ.get('F1GRAPH_GC_SETTLE', '1 (the serve default)')}")
    for name in QUERIES:
        median, body = plan[name]
        floor = floor_ms(body)
        report(f"{name}: answer size", len(body) / 1e6, "MB")
        report(f"{name}: compiled plan, median", median, "ms")
        report(f"{name}: orjson.dumps of the answer, median", floor, "ms")
        report(f"{name}: ratio plan / orjson.dumps", median / floor, "x")
        gzipped = plan[f"{name} gzip"][0]
        report(f"{name}: compiled plan, gzip (level 1) asked for, median", gzipped, "ms")
        report(f"{name}: ratio plan with gzip / orjson.dumps", gzipped / floor, "x")
        report(f"{name}: graphql-core standard executor, median", standard[name][0], "ms")
        report(f"{name}: ratio graphql-core / orjson.dumps", standard[name][0] / floor, "x")
        report(f"{name}: speed-up of the plan over graphql-core", standard[name][0] / median, "x")
        same = orjson.loads(body) == orjson.loads(standard[name][1])
        report(f"{name}: same answer from both executors (1 = yes)", float(same))
    report("a one-field query over the same stack (its fixed cost), median", plan["tiny"][0], "ms")
    for probe, label in (("healthz", "/healthz"), ("small", "one-field query")):
        for executor in ("plan", "standard"):
            p99, worst, polls = figures[executor][probe]
            report(
                f"{label} p99 under {LOAD} design-card queries, {executor} ({polls} polls)",
                p99,
                "ms",
            )
            report(f"{label} worst under {LOAD} design-card queries, {executor}", worst, "ms")
    for name in plan["upstream"]:
        report(f"upstream requests, {name}: plan", plan["upstream"][name])
        report(f"upstream requests, {name}: graphql-core", standard["upstream"][name])
    unchanged = plan["upstream"] == standard["upstream"]
    report("upstream requests unchanged (1 = yes)", float(unchanged))


if __name__ == "__main__":
    main()

"""Issue 13 load test: 100 concurrent clients for a minute, mixed queries; errors and p99.

Run: ``make load`` or ``.venv/bin/python -m bench.load [--clients 100] [--seconds 60]``.
f1graph runs as its own process (``f1graph serve``, one worker, as deployed) against a fake
OpenF1 over the recorded data (served by this process), with API keys on: each client has its
own key, so each has its own rate, cost and OpenF1 budgets, as real clients would. The mix:
small and large GraphQL queries, analyses, other sessions, REST routes, health, and queries the
limits must refuse (a refusal coded BAD_REQUEST counts as the right answer). An error is a
transport failure, a 5xx, or any answer other than the one expected. Target: 0 errors.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.data import DATA_DIR
from tests.fake_openf1 import make_fake_openf1
from tests.processes import base_env, free_port, gateway
from tests.servers import serve_in_thread

RACE = 11253
CARS = (1, 12, 16, 44, 63, 81, 55)
RACES = (9480, 9496, 9507, 9515, 9523, 11280, 7779, 7787)

Ask = Callable[[httpx.AsyncClient, random.Random], Awaitable[str | None]]


def graphql(query: Callable[[random.Random], str], expect: str | None = None) -> Ask:
    """A GraphQL query; None back when the answer is right (data, or the refusal expected)."""

    async def ask(client: httpx.AsyncClient, rng: random.Random) -> str | None:
        answer = await client.post("/graphql", json={"query": query(rng)})
        if answer.status_code >= 500:
            return f"HTTP {answer.status_code}"
        body = answer.json()
        codes = [e.get("extensions", {}).get("code") for e in body.get("errors") or []]
        if expect is not None:
            return None if codes == [expect] else f"expected {expect}, got {codes}"
        return f"errors {codes}" if codes else None

    return ask


def rest(path: Callable[[random.Random], str]) -> Ask:
    async def ask(client: httpx.AsyncClient, rng: random.Random) -> str | None:
        answer = await client.get(path(rng))
        return None if answer.status_code == 200 else f"HTTP {answer.status_code}"

    return ask


MIX: dict[str, tuple[int, Ask]] = {
    "small": (25, graphql(lambda r: f"{{ session(sessionKey: {RACE}) {{ sessionName "
                          "meeting { meetingName } } }")),
    "driver laps": (20, graphql(lambda r: f"{{ session(sessionKey: {RACE}) {{ driver("
                                f"driverNumber: {r.choice(CARS)}) {{ nameAcronym laps {{ "
                                "lapNumber lapDuration compound tyreAge } } } }")),
    "analyses": (10, graphql(lambda r: f"{{ session(sessionKey: {RACE}) {{ fastestLaps {{ "
                             "driverNumber lapDuration } tyreStrategies { driverNumber label } "
                             "safetyCarPeriods { kind firstLap lastLap } lapAnalysis { "
                             "driverNumber best mean } } }")),
    "race laps": (5, graphql(lambda r: f"{{ session(sessionKey: {RACE}) {{ laps {{ "
                             "driverNumber lapNumber lapDuration } } }")),
    "other race": (10, graphql(lambda r: f"{{ session(sessionKey: {r.choice(RACES)}) {{ "
                               "sessionName drivers { nameAcronym } fastestLap { "
                               "lapDuration } } }")),
    "rest": (20, rest(lambda r: r.choice((
        f"/api/v1/laps/{RACE}/fastest",
        f"/api/v1/sessions/{RACE}/drivers",
        f"/api/v1/drivers/{RACE}/{r.choice(CARS)}",
        f"/api/v1/race-control/{RACE}/flags",
    )))),
    "health": (5, rest(lambda r: "/api/v1/health")),
    "refused": (5, graphql(lambda r: f"{{ session(sessionKey: {RACE}) {{ drivers {{ laps {{ "
                           "driver { laps { driver { laps { lapNumber } } } } } } } }",
                           expect="BAD_REQUEST")),
}  # fmt: skip


@dataclass
class Tally:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


async def client_loop(
    n: int, base_url: str, until: float, tally: Tally, kinds: list[str], weights: list[int]
) -> None:
    rng = random.Random(n)
    headers = {"x-api-key": f"load-{n}"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=60) as client:
        while time.monotonic() < until:
            kind = rng.choices(kinds, weights)[0]
            started = time.perf_counter()
            try:
                problem = await MIX[kind][1](client, rng)
            except httpx.HTTPError as exc:
                problem = f"{type(exc).__name__}"
            tally.times[kind].append((time.perf_counter() - started) * 1000)
            if problem is not None:
                tally.errors[kind].append(problem)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def gateway_env(fake_url: str, clients: int) -> dict[str, str]:
    return base_env(
        F1GRAPH_HOST="127.0.0.1",
        F1GRAPH_PORT=str(free_port()),
        F1GRAPH_OPENF1_URL=f"{fake_url}/v1",
        F1GRAPH_RATE_PER_SECOND="1000",
        F1GRAPH_RATE_PER_MINUTE="100000",
        F1GRAPH_API_KEYS=",".join(f"load-{n}:*" for n in range(clients)),
        F1GRAPH_LOG_LEVEL="WARNING",
    )


async def run(base_url: str, clients: int, seconds: float) -> Tally:
    kinds = list(MIX)
    weights = [MIX[k][0] for k in kinds]
    tally = Tally()
    until = time.monotonic() + seconds
    await asyncio.gather(
        *(client_loop(n, base_url, until, tally, kinds, weights) for n in range(clients))
    )
    return tally


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    fake = make_fake_openf1(DATA_DIR)
    log = Path(tempfile.gettempdir()) / f"f1graph-load-{os.getpid()}.log"
    with (
        serve_in_thread(fake) as fake_url,
        gateway(gateway_env(fake_url, args.clients), log) as url,
    ):
        tally = asyncio.run(run(url, args.clients, args.seconds))
    every = [t for times in tally.times.values() for t in times]
    errors = sum(len(e) for e in tally.errors.values())
    print(f"{args.clients} clients, {args.seconds:.0f} s, {len(every)} requests "
          f"({len(every) / args.seconds:.0f}/s), {errors} errors (target 0)")  # fmt: skip
    print(f"{'kind':<14} {'requests':>9} {'errors':>7} {'p50 ms':>9} {'p99 ms':>9}")
    for kind, times in sorted(tally.times.items()):
        print(
            f"{kind:<14} {len(times):>9} {len(tally.errors[kind]):>7} "
            f"{statistics.median(times):>9.1f} {pct(times, 99):>9.1f}"
        )
    print(f"{'all':<14} {len(every):>9} {errors:>7} "
          f"{statistics.median(every):>9.1f} {pct(every, 99):>9.1f}")  # fmt: skip
    for kind, problems in tally.errors.items():
        if problems:
            print(f"  {kind}: {sorted(set(problems))[:5]}")
    print(f"upstream requests made: {sum(fake.counts.values())}")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())

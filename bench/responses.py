"""Issue 11 figures: a cold burst of identical queries, a finished race served from the
response cache, and one driver's car data repeated, each against its floor in the same run.

Run: ``.venv/bin/python -m bench.responses``. The design card's query (issue 10) on race
11253 is served by ``f1graph serve`` (one worker, recorded data) in a process of its own, a
fresh one for each cold figure; the car data figure serves ``bench.telemetry``'s generated car
data of race 9531 the same way (``F1GRAPH_SOURCE`` on its recorded directory). Clients ask for
no compression, so the times are the server's and the wire's, except in the burst of clients
that accept zstd (as browsers do). The per-client cost budget is off
(``F1GRAPH_CLIENT_COST_PER_MINUTE=0``, as in ``bench.execution``): this is one client on
purpose, and with the budget on, the uncached rate run is slowed by its moving window (one
entry per unit of cost) and refused once past the budget.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import orjson

from bench.common import recorded_server, report
from bench.telemetry import CHANNELS, WHOLE_RACE, Client, paired, timed_ms
from f1graph.responses.encoding import compress
from tests.telemetry_data import build_telemetry_dir, generated_car_data

DESIGN_CARD = """query($k: Int!) { session(sessionKey: $k) { sessionKey drivers { driverNumber
  nameAcronym laps { lapNumber lapDuration durationSector1 isPitOutLap
  segments { sector index code status } }
  stints { stintNumber compound lapStart lapEnd tyreAgeAtStart } } } }"""
BODY = orjson.dumps({"query": DESIGN_CARD, "variables": {"k": 11253}})
BURST = 50
TINY = orjson.dumps({"query": "{ __typename }"})
RATE_WINDOW_S = 5.0


@contextmanager
def server(**env_extra: str) -> Iterator[str]:
    """A fresh ``f1graph serve`` on the recorded data, cost budget off; yields its base URL."""
    with recorded_server(F1GRAPH_CLIENT_COST_PER_MINUTE="0", **env_extra) as (base, _pid):
        yield base


def post(
    client: httpx.Client | httpx.AsyncClient,
    base: str,
    encoding: str = "identity",
    body: bytes = BODY,
) -> object:
    return client.post(
        f"{base}/graphql",
        content=body,
        headers={"content-type": "application/json", "accept-encoding": encoding},
    )


def one_cold_ms() -> float:
    with server() as base, httpx.Client(timeout=300) as client:
        started = time.perf_counter()
        response = post(client, base)
        elapsed = (time.perf_counter() - started) * 1000
        assert isinstance(response, httpx.Response) and response.status_code == 200
        assert "errors" not in response.json()
        return elapsed


async def burst(
    base: str, encoding: str = "identity", body: bytes = BODY
) -> tuple[float, int, Counter[str]]:
    """``BURST`` identical queries at once: wall ms, errors, answers by ``X-Cache``."""
    async with httpx.AsyncClient(timeout=300, limits=httpx.Limits(max_connections=BURST)) as c:
        started = time.perf_counter()
        calls = (post(c, base, encoding, body) for _ in range(BURST))
        answers = await asyncio.gather(*calls)  # type: ignore[call-overload]
        wall = (time.perf_counter() - started) * 1000
    errors = sum(1 for a in answers if a.status_code != 200 or b'"errors"' in a.content[:200])
    return wall, errors, Counter(a.headers.get("x-cache", "-") for a in answers)


def rate(base: str) -> tuple[float, int]:
    """Requests per second, one kept-alive connection, one after another; and how many of
    them were not a 200 without errors."""
    client = Client(base)
    done = -1  # the first request warms up
    failed = 0
    started = time.perf_counter()
    while time.perf_counter() - started < RATE_WINDOW_S:
        client.connection.request("POST", "/graphql", body=BODY, headers=client.headers)
        response = client.connection.getresponse()
        body = response.read()
        failed += response.status != 200 or b'"errors"' in body[:200]
        done += 1
        if done == 0:
            started = time.perf_counter()
    return done / (time.perf_counter() - started), failed


def hit_against_floor(base: str, runs: int = 40) -> tuple[float, float, int]:
    client = Client(base)

    def once() -> bytes:
        client.connection.request("POST", "/graphql", body=BODY, headers=client.headers)
        response = client.connection.getresponse()
        assert response.getheader("x-cache") == "HIT"
        return response.read()

    once()
    times = [timed_ms(once) for _ in range(runs)]
    data = orjson.loads(once())["data"]
    gc.collect()
    floors = [timed_ms(lambda: orjson.dumps(data)) for _ in range(runs)]
    return statistics.median(times), statistics.median(floors), len(orjson.dumps(data))


def compression(body: bytes, runs: int = 20) -> dict[str, tuple[float, int]]:
    """Median ms and output bytes of each encoding the front may choose, on ``body``."""
    out = {}
    for encoding in ("zstd", "gzip"):
        once = functools.partial(compress, body, encoding)
        once()
        ms = statistics.median(timed_ms(once) for _ in range(runs))
        out[encoding] = (ms, len(once()))
    return out


def car_data() -> tuple[float, float, float, bytes]:
    """One driver's race of car data, repeated (response cache hits): HTTP, floor, ratio, and
    the answer's bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        directory = build_telemetry_dir(Path(tmp) / "openf1", generated_car_data())
        # served by a process of its own, like the design card (a server thread in this
        # process would share the client's interpreter lock)
        with server(F1GRAPH_SOURCE=str(directory)) as url:
            Client(url).post(WHOLE_RACE % CHANNELS)
            pick = lambda d: [d["data"]["session"]["driver"]["carData"]]  # noqa: E731
            got = paired(url, WHOLE_RACE % CHANNELS, 40, pick)
            body = Client(url).post(WHOLE_RACE % CHANNELS)
    return got.http_ms, got.floor_ms, got.http_ms / got.floor_ms, body


def main() -> None:
    print("f1graph response front benchmark (design card query on race 11253, one worker)")
    single = one_cold_ms()
    with server() as base:
        wall, errors, states = asyncio.run(burst(base))
        hits_wall, hit_errors, _ = asyncio.run(burst(base))
        tiny_wall, tiny_errors, _ = asyncio.run(burst(base, body=TINY))
        report("one cold design-card query, wall", single, "ms")
        report(f"{BURST} identical cold design-card queries at once, wall", wall, "ms")
        report("  ratio to one cold query (target <= 2x)", wall / single, "x")
        report("  errors (target 0)", errors)
        report("  executions (answers marked MISS)", states["MISS"])
        report(f"  the same {BURST} again, all hits: delivering the bytes, wall", hits_wall, "ms")
        report(f"  {BURST} {{ __typename }} at once: the burst's HTTP cost, wall", tiny_wall, "ms")
        report("    errors (hits, __typename)", hit_errors + tiny_errors)
        report("  cold burst - hit burst: what its coldness costs", wall - hits_wall, "ms")
        report("    ratio to one cold query", (wall - hits_wall) / single, "x")
        hit_ms, floor_ms, size = hit_against_floor(base)
        report(f"repeated finished-race query ({size / 1e6:.2f} MB), HTTP median", hit_ms, "ms")
        report("  orjson.dumps of the same data, median", floor_ms, "ms")
        report("  ratio to the orjson floor (target <= 2x)", hit_ms / floor_ms, "x")
        cached_rate, cached_failed = rate(base)
    with server() as base:
        zwall, zerrors, zstates = asyncio.run(burst(base, "zstd, gzip"))
    report(f"{BURST} identical cold queries at once, clients accepting zstd, wall", zwall, "ms")
    report("  ratio to one cold query", zwall / single, "x")
    report("  errors", zerrors)
    report("  executions (answers marked MISS)", zstates["MISS"])
    with server(F1GRAPH_RESPONSE_CACHE="off") as base:
        uncached_rate, uncached_failed = rate(base)
    report("requests/s, one worker, response cache on", cached_rate, "req/s")
    report("requests/s, one worker, response cache off (warm datasets)", uncached_rate, "req/s")
    report("  ratio (target > 10x)", cached_rate / uncached_rate, "x")
    report("  answers not 200 or with errors, cache on", cached_failed)
    report("  answers not 200 or with errors, cache off", uncached_failed)
    http_ms, floor, ratio, body = car_data()
    report("one driver's race of car data (9531), repeated, HTTP median", http_ms, "ms")
    report("  orjson.dumps of the same data, median", floor, "ms")
    report("  ratio to the floor (target <= 1.5x)", ratio, "x")
    report("  its answer (what a first request compresses)", len(body) / 1000, "KB")
    for encoding, (ms, size) in compression(body).items():
        level = f"{encoding} level 1"
        report(f"  {level}, median", ms, f"ms ({ms / (len(body) / 1e5):.2f} ms per 100 KB)")
        report(f"  {level}, output", size / 1000, f"KB ({size / len(body):.0%})")


if __name__ == "__main__":
    main()

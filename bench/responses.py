"""Issue 11 figures: a cold burst of identical queries, a finished race served from the
response cache, and one driver's car data repeated, each against its floor in the same run.

Run: ``.venv/bin/python -m bench.responses``. The design card's query (issue 10) on race
11253 is served by ``f1graph serve`` (one worker, recorded data) in a process of its own, a
fresh one for each cold figure; the car data figure reuses ``bench.telemetry``'s setup (race
9531 with generated car data behind the fake OpenF1). Clients ask for no compression, so the
times are the server's and the wire's.
"""

from __future__ import annotations

import asyncio
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
from f1graph.settings import Settings
from f1graph.web import create_app
from tests.fake_openf1 import make_fake_openf1
from tests.servers import serve_in_thread
from tests.telemetry_data import build_telemetry_dir, generated_car_data

DESIGN_CARD = """query($k: Int!) { session(sessionKey: $k) { sessionKey drivers { driverNumber
  nameAcronym laps { lapNumber lapDuration durationSector1 isPitOutLap
  segments { sector index code status } }
  stints { stintNumber compound lapStart lapEnd tyreAgeAtStart } } } }"""
BODY = orjson.dumps({"query": DESIGN_CARD, "variables": {"k": 11253}})
BURST = 50
RATE_WINDOW_S = 5.0


@contextmanager
def server(**env_extra: str) -> Iterator[str]:
    """A fresh ``f1graph serve`` on the recorded data; yields its base URL."""
    with recorded_server(**env_extra) as (base, _pid):
        yield base


def post(client: httpx.Client | httpx.AsyncClient, base: str) -> object:
    return client.post(
        f"{base}/graphql",
        content=BODY,
        headers={"content-type": "application/json", "accept-encoding": "identity"},
    )


def one_cold_ms() -> float:
    with server() as base, httpx.Client(timeout=300) as client:
        started = time.perf_counter()
        response = post(client, base)
        elapsed = (time.perf_counter() - started) * 1000
        assert isinstance(response, httpx.Response) and response.status_code == 200
        assert "errors" not in response.json()
        return elapsed


async def burst(base: str) -> tuple[float, int, Counter[str]]:
    async with httpx.AsyncClient(timeout=300, limits=httpx.Limits(max_connections=BURST)) as c:
        started = time.perf_counter()
        answers = await asyncio.gather(*(post(c, base) for _ in range(BURST)))  # type: ignore[misc]
        wall = (time.perf_counter() - started) * 1000
    errors = sum(1 for a in answers if a.status_code != 200 or b'"errors"' in a.content[:200])
    return wall, errors, Counter(a.headers.get("x-cache", "-") for a in answers)


def rate(base: str) -> float:
    """Requests per second, one kept-alive connection, one after another."""
    client = Client(base)
    done = -1  # the first request warms up
    started = time.perf_counter()
    started = time.perf_counter()
    while time.perf_counter() - started < RATE_WINDOW_S:
        client.connection.request("POST", "/graphql", body=BODY, headers=client.headers)
        response = client.connection.getresponse()
        response.read()
        done += 1
        if done == 0:
            started = time.perf_counter()
    return done / (time.perf_counter() - started)


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


def car_data() -> tuple[float, float, float]:
    """One driver's race of car data, repeated (response cache hits): HTTP, floor, ratio."""
    with tempfile.TemporaryDirectory() as tmp:
        directory = build_telemetry_dir(Path(tmp) / "openf1", generated_car_data())
        fake = make_fake_openf1(directory)
        with serve_in_thread(fake) as fake_url:
            settings = Settings(
                openf1_url=f"{fake_url}/v1", rate_per_second=1000, rate_per_minute=10**6
            )
            with serve_in_thread(create_app(settings)) as url:
                Client(url).post(WHOLE_RACE % CHANNELS)
                got = paired(
                    url,
                    WHOLE_RACE % CHANNELS,
                    40,
                    lambda d: [d["data"]["session"]["driver"]["carData"]],
                )
    return got.http_ms, got.floor_ms, got.http_ms / got.floor_ms


def main() -> None:
    print("f1graph response front benchmark (design card query on race 11253, one worker)")
    single = one_cold_ms()
    with server() as base:
        wall, errors, states = asyncio.run(burst(base))
        report("one cold design-card query, wall", single, "ms")
        report(f"{BURST} identical cold design-card queries at once, wall", wall, "ms")
        report("  ratio to one cold query (target <= 2x)", wall / single, "x")
        report("  errors (target 0)", errors)
        report("  executions (answers marked MISS)", states["MISS"])
        hit_ms, floor_ms, size = hit_against_floor(base)
        report(f"repeated finished-race query ({size / 1e6:.2f} MB), HTTP median", hit_ms, "ms")
        report("  orjson.dumps of the same data, median", floor_ms, "ms")
        report("  ratio to the orjson floor (target <= 2x)", hit_ms / floor_ms, "x")
        cached_rate = rate(base)
    with server(F1GRAPH_RESPONSE_CACHE="off") as base:
        uncached_rate = rate(base)
    report("requests/s, one worker, response cache on", cached_rate, "req/s")
    report("requests/s, one worker, response cache off (warm datasets)", uncached_rate, "req/s")
    report("  ratio (target > 10x)", cached_rate / uncached_rate, "x")
    http_ms, floor, ratio = car_data()
    report("one driver's race of car data (9531), repeated, HTTP median", http_ms, "ms")
    report("  orjson.dumps of the same data, median", floor, "ms")
    report("  ratio to the floor (target <= 1.5x)", ratio, "x")


if __name__ == "__main__":
    main()

"""Issue 2 figures: upstream requests cold / warm / 50 concurrent, and warm full-race laps latency.

Run: ``make bench`` or ``.venv/bin/python -m bench.gateway``. Serves a fake OpenF1 (recorded
data) and f1graph with uvicorn on loopback, as in the end-to-end test.
"""

from __future__ import annotations

import asyncio
import statistics
import time

import httpx
import orjson

from bench.common import LAP_FIELDS, median_ms, report
from f1graph.settings import Settings
from f1graph.web import create_app
from tests.data import DATA_DIR
from tests.fake_openf1 import make_fake_openf1
from tests.servers import serve_in_thread

QUERY = (
    "{ session(sessionKey: 11253) { drivers { nameAcronym laps { lapNumber segments { status } }"
    " stints { compound } } } }"
)
LAPS_QUERY = "{ session(sessionKey: 11253) { laps { " + LAP_FIELDS + " } } }"


async def upstream_counts(app_url: str, fake: object, concurrent: int) -> int:
    async with httpx.AsyncClient(timeout=120) as client:
        await asyncio.gather(
            *(client.post(f"{app_url}/graphql", json={"query": QUERY}) for _ in range(concurrent))
        )
    return sum(fake.counts.values())  # type: ignore[attr-defined]


async def laps_latency(app_url: str, runs: int) -> tuple[float, bytes]:
    async with httpx.AsyncClient(timeout=60) as client:
        body = b""
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            response = await client.post(f"{app_url}/graphql", json={"query": LAPS_QUERY})
            body = response.content
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), body


def main() -> None:
    fake = make_fake_openf1(DATA_DIR)
    with serve_in_thread(fake) as fake_url:
        settings = Settings(
            openf1_url=f"{fake_url}/v1", rate_per_second=1000, rate_per_minute=10**5
        )
        with serve_in_thread(create_app(settings)) as app_url:
            cold = asyncio.run(upstream_counts(app_url, fake, 1))
            fake.reset()
            warm = asyncio.run(upstream_counts(app_url, fake, 1))
        fake.reset()
        with serve_in_thread(create_app(settings)) as app_url:
            fifty = asyncio.run(upstream_counts(app_url, fake, 50))
            asyncio.run(laps_latency(app_url, 3))  # warm up
            median, body = asyncio.run(laps_latency(app_url, 30))
    data = orjson.loads(body)
    laps = data["data"]["session"]["laps"]
    floor = median_ms(lambda: orjson.dumps(data), 30)
    print("f1graph gateway benchmark (session 11253, recorded data, loopback HTTP)")
    report("upstream requests, README query, cold", cold)
    report("upstream requests, README query, warm", warm)
    report("upstream requests, README query, 50 concurrent cold", fifty)
    report(f"warm full-race laps query over HTTP ({len(laps)} laps), median", median, "ms")
    report("orjson.dumps of the same data, median", floor, "ms")
    report("ratio HTTP query / orjson.dumps", median / floor, "x")


if __name__ == "__main__":
    main()

"""Issue 5 figure: the shim's overhead, ``GET /api/v1/laps/:sessionKey/fastest`` against the same
stored operation posted to ``/graphql``, warm, as a ratio of medians in one run.

Run: ``.venv/bin/python -m bench.shim``. Serves a fake OpenF1 (recorded data) and f1graph with
uvicorn on loopback, as in the end-to-end tests; requests alternate so drift hits both alike.

Each request opens its own connection: ``tests.servers.serve_in_thread`` binds its socket with
protocol 0, so asyncio does not set ``TCP_NODELAY`` on accepted connections, and every request
after the first on a kept-alive connection waits about 40 ms for a delayed ACK (Nagle). That
floor would swamp the figure; a fresh connection costs both routes the same fraction of a ms.
"""

from __future__ import annotations

import asyncio
import statistics
import time

import httpx

from bench.common import report
from f1graph.compat.operations import operations
from f1graph.settings import Settings
from f1graph.web import create_app
from tests.data import DATA_DIR
from tests.fake_openf1 import make_fake_openf1
from tests.servers import serve_in_thread

SESSION_KEY = 11253
RUNS = 300


async def medians(app_url: str, runs: int) -> tuple[float, float, int]:
    """Median latency [ms] of the REST route and of the GraphQL post, and the answer's bytes."""
    op = operations()["FastestLaps"]
    payload = {"query": op.document, "variables": {"sessionKey": SESSION_KEY}}
    rest_url = f"{app_url}/api/v1/laps/{SESSION_KEY}/fastest"
    rest: list[float] = []
    graph: list[float] = []
    size = 0
    fresh = httpx.Limits(max_keepalive_connections=0)
    async with httpx.AsyncClient(timeout=60, limits=fresh) as client:
        for _ in range(10):  # warm: datasets cached, parser and validation caches filled
            await client.get(rest_url)
            await client.post(f"{app_url}/graphql", json=payload)
        for _ in range(runs):
            started = time.perf_counter()
            response = await client.get(rest_url)
            rest.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.text
            size = len(response.content)
            started = time.perf_counter()
            response = await client.post(f"{app_url}/graphql", json=payload)
            graph.append((time.perf_counter() - started) * 1000)
            assert "errors" not in response.json()
    return statistics.median(rest), statistics.median(graph), size


def main() -> None:
    fake = make_fake_openf1(DATA_DIR)
    with serve_in_thread(fake) as fake_url:
        settings = Settings(
            openf1_url=f"{fake_url}/v1", rate_per_second=1000, rate_per_minute=10**5
        )
        with serve_in_thread(create_app(settings)) as app_url:
            rest, graph, size = asyncio.run(medians(app_url, RUNS))
    print(f"f1graph REST shim overhead (session {SESSION_KEY}, warm, loopback HTTP, {RUNS} runs)")
    report(f"GET /api/v1/laps/{SESSION_KEY}/fastest ({size} bytes), median", rest, "ms")
    report("POST /graphql, same operation FastestLaps, median", graph, "ms")
    report("ratio shim / graphql", rest / graph, "x")


if __name__ == "__main__":
    main()

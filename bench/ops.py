"""Issue 15 figures: the overhead of metrics and logging on a small query, and the upstream
requests of a cold burst sent to two gateway processes sharing one Redis.

Run: ``F1GRAPH_TEST_REDIS=redis://127.0.0.1:PORT .venv/bin/python -m bench.ops`` (it flushes
database 7 of that Redis).

1. Overhead, in one run: the same app warm, a small named query, alternately with everything
   observed (the request log line as JSON into a file, request id, latency histograms, cache and
   upstream counters) and with observing off (no request-log middleware, the metric functions
   replaced by no-ops, log level WARNING). Ratio of medians; a fresh connection per request
   (see ``bench.shim`` on Nagle).
2. Two processes: two ``f1graph serve`` processes on one Redis over a fake OpenF1; 50 identical
   cold queries spread over both at once; the upstream requests the fake OpenF1 saw.
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import redis

from bench.common import report
from f1graph.observe import metrics
from f1graph.settings import Settings
from f1graph.web import create_app
from f1graph.web.observability import RequestLog
from tests.data import DATA_DIR, redis_url
from tests.fake_openf1 import make_fake_openf1
from tests.processes import base_env, free_port, gateway
from tests.servers import serve_in_thread

SMALL = "query Small { session(sessionKey: 11253) { sessionName meeting { meetingName } } }"
BURST = """{ session(sessionKey: 11253) {
    drivers { nameAcronym laps { lapNumber } stints { compound } } } }"""
RUNS = 400
COUNTERS = (
    "graphql_request",
    "rest_request",
    "upstream_request",
    "upstream_retry",
    "breaker_state",
    "breaker_transition",
    "rate_budget_wait",
    "cache_lookup",
    "cache_eviction",
    "subscriber",
    "replay_dropped",
)


class Observing:
    """Turns the metric functions and the info-level log on and off between requests."""

    def __init__(self) -> None:
        self.real: dict[str, Callable[..., None]] = {n: getattr(metrics, n) for n in COUNTERS}

    def off(self) -> None:
        for name in COUNTERS:
            setattr(metrics, name, lambda *args, **kwargs: None)
        logging.getLogger().setLevel(logging.WARNING)

    def on(self) -> None:
        for name, fn in self.real.items():
            setattr(metrics, name, fn)
        logging.getLogger().setLevel(logging.INFO)


def overhead(log: Path) -> tuple[float, float]:
    """Median latency [ms] of the small query observed and not; ``log`` receives stderr."""
    settings = Settings(source=DATA_DIR, log_format="json")
    observed_app = create_app(settings)
    bare_app = create_app(settings)
    bare_app.user_middleware = [
        m for m in bare_app.user_middleware if getattr(m, "cls", None) is not RequestLog
    ]
    switch = Observing()
    payload = {"query": SMALL}
    observed: list[float] = []
    bare: list[float] = []
    fresh = httpx.Limits(max_keepalive_connections=0)
    with (
        serve_in_thread(observed_app) as observed_url,
        serve_in_thread(bare_app) as bare_url,
        httpx.Client(timeout=60, limits=fresh) as client,
    ):

        def once(url: str) -> float:
            started = time.perf_counter()
            response = client.post(f"{url}/graphql", json=payload)
            took = (time.perf_counter() - started) * 1000
            assert "errors" not in response.json(), response.text
            return took

        for _ in range(20):
            once(observed_url)
            once(bare_url)
        for i in range(RUNS):
            switch.on()
            observed.append(once(observed_url))
            # the line is written just after the answer: wait for it (untimed) before switching
            while log.read_text().count('"event": "request"') < 21 + i:
                time.sleep(0.001)
            switch.off()
            bare.append(once(bare_url))
        switch.on()
    return statistics.median(observed), statistics.median(bare)


async def two_processes(work: Path) -> tuple[int, dict[str, int]]:
    """Upstream requests for 50 cold identical queries spread over two processes."""
    url = redis_url(7)
    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()
    fake = make_fake_openf1(DATA_DIR)
    with serve_in_thread(fake) as fake_url:
        common = {
            "F1GRAPH_OPENF1_URL": f"{fake_url}/v1",
            "F1GRAPH_REDIS_URL": url,
            "F1GRAPH_HOST": "127.0.0.1",
            "F1GRAPH_RATE_PER_SECOND": "1000",
            "F1GRAPH_RATE_PER_MINUTE": "100000",
            "F1GRAPH_LOG_LEVEL": "WARNING",
        }
        with (
            gateway(base_env(F1GRAPH_PORT=str(free_port()), **common), work / "a.log") as a,
            gateway(base_env(F1GRAPH_PORT=str(free_port()), **common), work / "b.log") as b,
        ):
            async with httpx.AsyncClient(timeout=300) as http:

                async def one(i: int) -> Any:
                    r = await http.post(f"{(a, b)[i % 2]}/graphql", json={"query": BURST})
                    return r.json()

                answers = await asyncio.gather(*(one(i) for i in range(50)))
    assert all(x == answers[0] and "errors" not in x for x in answers)
    return sum(fake.counts.values()), dict(fake.counts)


def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "requests.log"
        log = path.open("w", buffering=1)
        real_stderr, sys.stderr = sys.stderr, log  # the request log goes to a file, as in prod
        try:
            observed, bare = overhead(path)
        finally:
            sys.stderr = real_stderr
            log.close()
        lines = (Path(work) / "requests.log").read_text().count('"event": "request"')
        report("small query, observed: median", observed, "ms")
        report("small query, not observed: median", bare, "ms")
        report("overhead of metrics and logging (observed / not)", observed / bare, "x")
        report("request log lines written while observed", lines, "")
        total, per_endpoint = asyncio.run(two_processes(Path(work)))
        report("two processes, 50 cold queries: upstream requests", total, "")
        print(f"  per endpoint: {per_endpoint}")


if __name__ == "__main__":
    main()

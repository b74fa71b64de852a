"""Many processes on one Redis, as real operating-system processes (``f1graph serve``): a cold
burst to two gateways fetches each dataset once, each sees what the other cached and evicted
and the circuit the other opened, metrics add up over processes, and ``serve --workers 2``
runs two workers."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import redis

from tests.data import DATA_DIR, redis_url
from tests.fake_openf1 import FakeOpenF1
from tests.processes import F1GRAPH, base_env, free_port, gateway
from tests.web.test_observability import metric

REDIS = redis_url(8)
BURST = "query Burst { session(sessionKey: 11253) { drivers { nameAcronym laps { lapNumber } } } }"
OTHER = "{ session(sessionKey: 9531) { sessionName } }"  # not cached by the burst
EVICT = "mutation { evictSession(sessionKey: 11253) { entriesDropped } }"
BOUND_S = 300.0  # generous bounds on a hang, never speeds


@pytest.fixture
def empty_redis() -> str:
    client = redis.Redis.from_url(REDIS)
    client.flushdb()
    client.close()
    return REDIS


async def graphql(client: httpx.AsyncClient, url: str, query: str) -> dict[str, Any]:
    response = await client.post(f"{url}/graphql", json={"query": query})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body


async def wait_for(check: Any, what: str) -> None:
    deadline = time.monotonic() + BOUND_S
    while not await check():
        assert time.monotonic() < deadline, f"{what} within {BOUND_S} s"
        await asyncio.sleep(0.05)


class TestTwoGatewaysOneRedis:
    """Two `f1graph serve` processes sharing one Redis behave as one cache and one breaker."""

    async def test_cold_burst_cache_eviction_and_breaker(
        self, fake: FakeOpenF1, fake_url: str, empty_redis: str, tmp_path: Path
    ) -> None:
        common = {
            "F1GRAPH_OPENF1_URL": f"{fake_url}/v1",
            "F1GRAPH_REDIS_URL": empty_redis,
            "F1GRAPH_HOST": "127.0.0.1",
            "F1GRAPH_RATE_PER_SECOND": "1000",
            "F1GRAPH_RATE_PER_MINUTE": "100000",
            "F1GRAPH_LOG_FORMAT": "json",
            "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
            "F1GRAPH_BREAKER_FAILURES": "1",
            "F1GRAPH_RETRIES": "0",
        }
        env_a = base_env(F1GRAPH_PORT=str(free_port()), **common)
        env_b = base_env(F1GRAPH_PORT=str(free_port()), **common)
        with (
            gateway(env_a, tmp_path / "a.log") as a,
            gateway(env_b, tmp_path / "b.log") as b,
        ):
            async with httpx.AsyncClient(timeout=BOUND_S) as client:
                burst = [graphql(client, (a, b)[i % 2], BURST) for i in range(20)]
                answers = [
                    {k: v for k, v in answer.items() if k != "extensions"}  # cache: hit or miss
                    for answer in await asyncio.gather(*burst)
                ]
                assert all(answer == answers[0] for answer in answers)
                assert len(answers[0]["data"]["session"]["drivers"]) == 22
                cold = Counter(fake.counts)
                # each process asked once more: both answer from what is cached (no fetch)
                for url in (a, b):
                    assert (await graphql(client, url, BURST))["data"] == answers[0]["data"]
                warm = Counter(fake.counts)

                # A evicts; B hears it over Redis and forgets its parsed copy, so its next
                # answer is fetched again (once), after which A finds it in Redis
                evicted = await graphql(client, a, EVICT)

                async def peer_heard() -> bool:
                    text = (await client.get(f"{b}/metrics")).text
                    return metric(text, "f1graph_cache_evictions_total", origin="peer") >= 1

                await wait_for(peer_heard, "B hears of A's eviction")
                fake.counts.clear()
                assert (await graphql(client, b, BURST))["data"] == answers[0]["data"]
                assert (await graphql(client, a, BURST))["data"] == answers[0]["data"]
                refetched = Counter(fake.counts)

                # OpenF1 goes down: A's failed call opens the circuit, and B sees it open
                # and refuses without calling OpenF1 itself
                fake.fail_next(None)
                down = (await client.post(f"{a}/graphql", json={"query": OTHER})).json()

                async def b_sees_open() -> bool:
                    return (await client.get(f"{b}/healthz")).json()["circuit"] == "open"

                await wait_for(b_sees_open, "B sees the circuit A opened")
                calls = sum(fake.counts.values())
                refused = (await client.post(f"{b}/graphql", json={"query": OTHER})).json()
                calls_by_b = sum(fake.counts.values()) - calls
                text = (await client.get(f"{a}/metrics")).text
        assert cold == Counter({"sessions": 1, "drivers": 1, "laps": 1})
        assert warm == cold
        assert evicted["data"]["evictSession"]["entriesDropped"] == 3
        assert refetched == Counter({"sessions": 1, "drivers": 1, "laps": 1})
        # one /metrics adds up both processes (one PROMETHEUS_MULTIPROC_DIR)
        graphql_count = "f1graph_graphql_request_duration_seconds_count"
        assert metric(text, graphql_count, operation="Burst") == 24
        assert metric(text, "f1graph_upstream_requests_total", endpoint="laps", outcome="ok") == 2
        assert metric(text, "f1graph_cache_evictions_total", origin="local") == 1
        assert down["errors"][0]["extensions"]["code"] == "OPENF1_API_UNAVAILABLE"
        assert refused["errors"][0]["extensions"]["code"] == "OPENF1_API_UNAVAILABLE"
        assert "circuit is open" in refused["errors"][0]["message"] and calls_by_b == 0
        assert metric(text, "f1graph_circuit_breaker_state") == 2
        starts = [
            orjson.loads(line)
            for log in ("a.log", "b.log")
            for line in (tmp_path / log).read_text().splitlines()
            if '"started"' in line
        ]
        assert {s["cache"] for s in starts} == {"redis"} and len({s["pid"] for s in starts}) == 2
        b_events = [orjson.loads(x) for x in (tmp_path / "b.log").read_text().splitlines()]
        adopted = [e for e in b_events if e["event"] == "breaker_transition"]
        assert [(e["new"], e["reason"]) for e in adopted] == [("open", "opened by another process")]


class TestServeWorkers:
    """`f1graph serve --workers 2`: two workers, one port, metrics summed over both."""

    async def test_two_workers(self, empty_redis: str, tmp_path: Path) -> None:
        env = base_env(
            F1GRAPH_PORT=str(free_port()),
            F1GRAPH_HOST="127.0.0.1",
            F1GRAPH_SOURCE=str(DATA_DIR),
            F1GRAPH_REDIS_URL=empty_redis,
            F1GRAPH_LOG_FORMAT="json",
        )
        log = tmp_path / "serve.log"
        argv = (str(F1GRAPH), "serve", "--workers", "2")
        with gateway(env, log, argv) as url:

            async def both_started() -> bool:
                return log.read_text().count('"event": "started"') == 2

            await wait_for(both_started, "two workers start")
            for _ in range(12):  # a connection each, so either worker may take it
                async with httpx.AsyncClient(timeout=BOUND_S) as client:
                    await graphql(client, url, BURST)
            async with httpx.AsyncClient(timeout=BOUND_S) as client:
                text = (await client.get(f"{url}/metrics")).text
        count = metric(text, "f1graph_graphql_request_duration_seconds_count", operation="Burst")
        assert count == 12
        pids = {
            orjson.loads(line)["pid"]
            for line in log.read_text().splitlines()
            if '"started"' in line
        }
        assert len(pids) == 2

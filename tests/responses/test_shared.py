"""Two server processes on one Redis share stored answers and persisted queries."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
import redis

from tests.data import DATA_DIR, redis_url
from tests.fake_openf1 import FakeOpenF1, make_fake_openf1
from tests.responses.conftest import QUERY, RACE
from tests.responses.test_apq import persisted
from tests.servers import serve_in_thread

DB = 8
QUALIFYING = 11249


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server_process(fake_url: str) -> Iterator[str]:
    """``uvicorn`` serving f1graph in a process of its own, on the test Redis."""
    port = free_port()
    env = os.environ | {
        "F1GRAPH_OPENF1_URL": f"{fake_url}/v1",
        "F1GRAPH_REDIS_URL": redis_url(DB),
        "F1GRAPH_RATE_PER_SECOND": "1000",
        "F1GRAPH_RATE_PER_MINUTE": "100000",
    }
    args = [sys.executable, "-m", "uvicorn", "f1graph.web.app:create_app", "--factory"]
    args += ["--host", "127.0.0.1", "--port", str(port), "--loop", "asyncio", "--http", "h11"]
    proc = subprocess.Popen([*args, "--log-level", "warning"], env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the f1graph server process did not start")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def shared_fake() -> FakeOpenF1:
    return make_fake_openf1(DATA_DIR)


@pytest.fixture(scope="module")
def two_servers(shared_fake: FakeOpenF1) -> Iterator[tuple[str, str]]:
    """Two processes for the whole module (starting one takes seconds); each test uses
    sessions or queries of its own."""
    redis.Redis.from_url(redis_url(DB)).flushdb()
    with serve_in_thread(shared_fake) as fake_url:
        with server_process(fake_url) as first, server_process(fake_url) as second:
            yield first, second


class TestTwoProcesses:
    """An answer computed by one process is a hit in the other, with no upstream call."""

    async def test_second_process_hits_what_the_first_stored(
        self, two_servers: tuple[str, str], shared_fake: FakeOpenF1, client: httpx.AsyncClient
    ) -> None:
        first, second = two_servers
        body = {"query": QUERY, "variables": {"sessionKey": RACE}}
        miss = await client.post(f"{first}/graphql", json=body)
        assert miss.headers["x-cache"] == "MISS"
        fetched = sum(shared_fake.counts.values())
        hit = await client.post(f"{second}/graphql", json=body)
        assert hit.headers["x-cache"] == "HIT"
        assert hit.json()["data"] == miss.json()["data"]
        assert sum(shared_fake.counts.values()) == fetched  # the second process called nobody

    async def test_eviction_in_one_process_reaches_the_other(
        self, two_servers: tuple[str, str], client: httpx.AsyncClient
    ) -> None:
        first, second = two_servers
        body = {"query": QUERY, "variables": {"sessionKey": QUALIFYING}}
        await client.post(f"{first}/graphql", json=body)
        assert (await client.post(f"{second}/graphql", json=body)).headers["x-cache"] == "HIT"
        evict = f"mutation {{ evictSession(sessionKey: {QUALIFYING}) {{ entriesDropped }} }}"
        await client.post(f"{first}/graphql", json={"query": evict})
        assert (await client.post(f"{second}/graphql", json=body)).headers["x-cache"] == "MISS"

    async def test_a_query_persisted_in_one_process_runs_in_the_other(
        self, two_servers: tuple[str, str], client: httpx.AsyncClient
    ) -> None:
        first, second = two_servers
        query = QUERY.replace("sessionName", "sessionName sessionType")
        ext = persisted(query)
        variables = {"sessionKey": RACE}
        await client.post(
            f"{first}/graphql", json={"query": query, "variables": variables, "extensions": ext}
        )
        short = await client.post(
            f"{second}/graphql", json={"variables": variables, "extensions": ext}
        )
        assert short.json()["data"]["session"]["sessionName"] == "Race"

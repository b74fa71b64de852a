"""Redis going away is survived: a real redis-server, killed mid-load and restarted.

The test starts its own ``redis-server`` on a free port (nothing else uses it), serves f1graph
over real HTTP with that Redis as its cache, budget and locks, and keeps clients querying while
Redis is killed (SIGKILL, mid-load) and started again on the same port. Every request must
succeed (from the memory fallback and OpenF1), ``/healthz`` must say degraded while Redis is
down, and once Redis is back the gateway must use it again (new entries land in it).
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from f1graph.settings import Settings
from f1graph.web import create_app
from tests.data import DATA_DIR
from tests.fake_openf1 import FakeOpenF1, make_fake_openf1
from tests.servers import UNDER_LOAD, free_port, serve_in_thread

SESSIONS = (11253, 11249, 11280)
CLIENTS = 6
HANG_BOUND_S = 300.0  # a bound on a hang, not a speed: the machine is shared


class RedisServer:
    """A redis-server process of the test's own, on a fixed port, that can die and return."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary is not None, "redis-server is not installed"
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 30
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
        client.close()

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()  # SIGKILL: no goodbye to the connected clients
        self.process.wait(timeout=30)
        self.process = None

    def keys(self) -> int:
        client = redis.Redis(port=self.port)
        try:
            return int(client.dbsize())
        finally:
            client.close()


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        if server.process is not None:
            server.kill()


@pytest.fixture
def fake() -> FakeOpenF1:
    return make_fake_openf1(DATA_DIR)


@pytest.fixture
def fake_url(fake: FakeOpenF1) -> Iterator[str]:
    with serve_in_thread(fake) as url:
        yield url


def query(session_key: int) -> str:
    fields = "drivers { nameAcronym laps { lapNumber } }"
    return f"{{ session(sessionKey: {session_key}) {{ {fields} }} }}"


class Load:
    """Clients asking in a loop; every answer that is not a 200 without errors is a failure."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.ok = 0
        self.failures: list[str] = []
        self.stopping = False

    async def client(self, number: int) -> None:
        async with httpx.AsyncClient(timeout=HANG_BOUND_S) as http:
            i = number
            while not self.stopping:
                session_key = SESSIONS[i % len(SESSIONS)]
                i += 1
                if i % 7 == 0:  # now and then through the REST shim (its client limit is Redis)
                    response = await http.get(f"{self.url}/api/v1/sessions/{session_key}/drivers")
                    good = response.status_code == 200
                else:
                    response = await http.post(
                        f"{self.url}/graphql", json={"query": query(session_key)}
                    )
                    body: dict[str, Any] = response.json()
                    good = response.status_code == 200 and "errors" not in body
                if good:
                    self.ok += 1
                else:
                    self.failures.append(f"{response.status_code} {response.text[:300]}")


async def health(url: str) -> str:
    async with httpx.AsyncClient(timeout=HANG_BOUND_S) as http:
        status: str = (await http.get(f"{url}/healthz")).json()["status"]
        return status


async def evict(url: str, session_key: int) -> None:
    async with httpx.AsyncClient(timeout=HANG_BOUND_S) as http:
        mutation = f"mutation {{ evictSession(sessionKey: {session_key}) {{ entriesDropped }} }}"
        response = await http.post(f"{url}/graphql", json={"query": mutation})
        assert "errors" not in response.json(), response.text


class TestRedisKilledMidLoad:
    """Killed and restarted under load: zero failed requests, degraded health while down,
    Redis used again once back."""

    async def test_zero_failed_requests(
        self, redis_server: RedisServer, fake: FakeOpenF1, fake_url: str
    ) -> None:
        settings = Settings(
            openf1_url=f"{fake_url}/v1",
            redis_url=redis_server.url,
            rate_per_second=1000,
            rate_per_minute=100_000,
            **UNDER_LOAD,  # this test is about Redis, not timeouts
        )
        with serve_in_thread(create_app(settings)) as url:
            load = Load(url)
            clients = [asyncio.create_task(load.client(n)) for n in range(CLIENTS)]
            try:
                await asyncio.sleep(1.5)
                assert await health(url) == "ok"
                assert redis_server.keys() > 0  # the cache is in Redis

                redis_server.kill()
                served_before_kill = load.ok
                await evict(url, 11249)  # misses while Redis is down: OpenF1 and memory serve
                await asyncio.sleep(2.0)
                assert await health(url) == "degraded"
                assert load.ok > served_before_kill

                redis_server.start()  # same port, empty
                deadline = time.monotonic() + HANG_BOUND_S
                while await health(url) != "ok":
                    assert time.monotonic() < deadline, "the gateway did not reconnect"
                    await asyncio.sleep(0.2)
                await evict(url, 11280)  # fetched again, and cached in the new Redis
                await asyncio.sleep(1.5)
            finally:
                load.stopping = True
                await asyncio.gather(*clients)
            assert load.failures == []
            assert load.ok > 0
            assert redis_server.keys() > 0
            async with httpx.AsyncClient(timeout=HANG_BOUND_S) as http:
                exposition = (await http.get(f"{url}/metrics")).text
            assert 'f1graph_redis_down{use="cache"} 0.0' in exposition  # back
            failures = [
                line
                for line in exposition.splitlines()
                if line.startswith('f1graph_redis_failures_total{use="cache"}')
            ]
            assert failures and float(failures[0].split()[-1]) > 0

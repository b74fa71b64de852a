"""The OpenF1 budget of a request and of a client, over real HTTP against a fake OpenF1.

Past its share, a request answers what it has plus SESSION_LOADING (retry delay, progress); the
rest is loaded once in the background, and asking again later gets the whole answer.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from f1graph.settings import Settings
from f1graph.web import create_app
from tests.compat.conftest import RACE
from tests.fake_openf1 import FakeOpenF1, make_fake_openf1
from tests.servers import serve_in_thread

DATASETS = """{ session(sessionKey: %d) { drivers { driverNumber } laps { lapNumber }
  stints { compound } pitStops { lapNumber } positions { position } weather { sessionKey } } }"""
DRS = "{ session(sessionKey: %d) { drsAnalysis { driverNumber samples } } }"


@pytest.fixture
def fake(openf1_dir: Path) -> Iterator[tuple[FakeOpenF1, str]]:
    fake = make_fake_openf1(openf1_dir)
    with serve_in_thread(fake) as url:
        yield fake, url


def serve(fake_url: str, **budget: Any) -> Any:
    settings = Settings(
        openf1_url=f"{fake_url}/v1", rate_per_second=1000, rate_per_minute=100_000, **budget
    )
    return serve_in_thread(create_app(settings))


async def post(client: httpx.AsyncClient, query: str) -> dict[str, Any]:
    answer = await client.post("/graphql", json={"query": query})
    assert answer.status_code == 200
    body: dict[str, Any] = answer.json()
    delays = [e["extensions"].get("retryAfter") for e in body.get("errors") or []]
    if any(delays):  # the header says it too, for clients that read only headers
        assert int(answer.headers["retry-after"]) == max(d for d in delays if d)
    return body


async def until_whole(client: httpx.AsyncClient, query: str) -> dict[str, Any]:
    """Ask again until the answer has no error (a generous bound on a hang)."""
    deadline = time.monotonic() + 120
    while True:
        body = await post(client, query)
        if not body.get("errors"):
            return body
        assert time.monotonic() < deadline, body["errors"]
        await asyncio.sleep(0.2)


class TestRequestShare:
    """A cold query needing more requests than its share: partial answer, then whole."""

    async def test_datasets_load_once_in_the_background(self, fake: tuple[FakeOpenF1, str]) -> None:
        openf1, url = fake
        with serve(url, upstream_per_request=3) as app:
            async with httpx.AsyncClient(base_url=app, timeout=60) as client:
                first = await post(client, DATASETS % RACE)
                loading = [
                    e for e in first["errors"] if e["extensions"]["code"] == "SESSION_LOADING"
                ]
                assert loading, first["errors"]
                ext = loading[0]["extensions"]
                assert ext["retryAfter"] >= 1
                assert ext["loading"][0]["sessionKey"] == RACE
                assert ext["loading"][0]["loading"] == "datasets"
                assert "this request's share of the OpenF1 budget" in loading[0]["message"]
                answered = [k for k, v in (first["data"]["session"] or {}).items() if v]
                assert 0 < len(answered) < 6, first  # what fitted in the share is answered
                whole = await until_whole(client, DATASETS % RACE)
        assert len(whole["data"]["session"]["laps"]) == 1108
        for endpoint in ("drivers", "laps", "stints", "pit", "position", "weather"):
            assert openf1.counts[endpoint] == 1, (endpoint, openf1.counts)

    async def test_session_wide_telemetry_says_loading_on_rest_too(
        self, fake: tuple[FakeOpenF1, str]
    ) -> None:
        openf1, url = fake
        with serve(url, upstream_per_request=4) as app:
            async with httpx.AsyncClient(base_url=app, timeout=60) as client:
                rest = await client.get(f"/api/v1/car-data/{RACE}/drs-analysis")
                assert rest.status_code == 503
                body = rest.json()
                assert body["error"] == "SESSION_LOADING"
                assert int(rest.headers["retry-after"]) >= 1
                # the car data load is among the loads reported (the session's datasets may be
                # reported first when the machine is busy and they are not loaded yet)
                car = [load for load in body["loading"] if load["loading"] == "car_data"]
                assert car, body["loading"]
                assert car[0]["total"] is None or car[0]["total"] > 4
                whole = await until_whole(client, DRS % RACE)
                windows = openf1.counts["car_data"]
                again = await post(client, DRS % RACE)
        cars = {row["driverNumber"] for row in whole["data"]["session"]["drsAnalysis"]}
        assert {1, 12, 44} <= cars
        assert again["data"] == whole["data"] and openf1.counts["car_data"] == windows


class TestClientShare:
    """A client past its OpenF1 requests a minute gets SESSION_LOADING naming its share."""

    async def test_client_share(self, fake: tuple[FakeOpenF1, str]) -> None:
        _openf1, url = fake
        with serve(url, client_upstream_per_minute=2) as app:
            async with httpx.AsyncClient(base_url=app, timeout=60) as client:
                first = await post(client, DATASETS % RACE)
        messages = [e["message"] for e in first["errors"]]
        assert any("this client's share of the OpenF1 budget" in m for m in messages)

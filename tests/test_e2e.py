"""End to end over real HTTP: uvicorn serves f1graph, which calls a fake OpenF1 HTTP server."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from f1graph.settings import Settings
from f1graph.web import create_app
from tests.data import raw_rows
from tests.fake_openf1 import FakeOpenF1
from tests.servers import UNDER_LOAD, serve_in_thread

QUERY = """
{ session(sessionKey: 11253) {
    drivers { nameAcronym laps { lapNumber segments { status } } stints { compound } }
} }
"""
STATUS = {2048: "YELLOW", 2049: "GREEN", 2051: "PURPLE", 2064: "PIT_LANE", 0: "NOT_AVAILABLE"}


def settings_for(fake_url: str) -> Settings:
    # a request deadline far past any load the machine may be under: these tests are not
    # about deadlines (tests/test_faults.py is)
    return Settings(
        openf1_url=f"{fake_url}/v1",
        rate_per_second=1000,
        rate_per_minute=100_000,
        **UNDER_LOAD,
    )


@pytest.fixture
def app_url(fake_url: str) -> Iterator[str]:
    with serve_in_thread(create_app(settings_for(fake_url))) as url:
        yield url


async def post(client: httpx.AsyncClient, url: str, query: str) -> dict[str, Any]:
    response = await client.post(f"{url}/graphql", json={"query": query})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def expected_answer() -> list[dict[str, Any]]:
    """The answer computed straight from the recorded rows."""
    laps = raw_rows(11253, "laps")
    stints = raw_rows(11253, "stints")
    out = []
    for d in sorted(raw_rows(11253, "drivers"), key=lambda d: d["driver_number"]):
        n = d["driver_number"]
        mine = sorted(
            (lap for lap in laps if lap["driver_number"] == n), key=lambda x: x["lap_number"]
        )
        out.append(
            {
                "nameAcronym": d["name_acronym"],
                "laps": [
                    {
                        "lapNumber": lap["lap_number"],
                        "segments": [
                            {"status": "NO_STATUS" if c is None else STATUS.get(c, "UNKNOWN")}
                            for k in ("segments_sector_1", "segments_sector_2", "segments_sector_3")
                            for c in (lap[k] or [])
                        ],
                    }
                    for lap in mine
                ],
                "stints": [
                    {"compound": s["compound"]}
                    for s in sorted(stints, key=lambda s: s["stint_number"])
                    if s["driver_number"] == n
                ],
            }
        )
    return out


class TestSessionQuery:
    """The README's query: one upstream request per endpoint cold, none warm."""

    async def test_cold_then_warm(self, fake: FakeOpenF1, app_url: str) -> None:
        async with httpx.AsyncClient(timeout=30) as client:
            cold = await post(client, app_url, QUERY)
            assert "errors" not in cold
            assert cold["data"]["session"]["drivers"] == expected_answer()
            assert fake.counts == Counter({"sessions": 1, "drivers": 1, "laps": 1, "stints": 1})
            warm = await post(client, app_url, QUERY)
            assert warm["data"] == cold["data"]
            assert (cold["extensions"]["cache"], warm["extensions"]["cache"]) == ("miss", "hit")
            assert sum(fake.counts.values()) == 4

    async def test_fifty_concurrent_cold_queries_fetch_once(
        self, fake: FakeOpenF1, app_url: str
    ) -> None:
        # a generous bound on a hang: 50 cold queries on a busy machine (speeds live in bench/)
        async with httpx.AsyncClient(timeout=300) as client:
            answers = await asyncio.gather(*(post(client, app_url, QUERY) for _ in range(50)))
        assert all(a == answers[0] for a in answers)
        assert answers[0]["data"]["session"]["drivers"] == expected_answer()
        assert fake.counts == Counter({"sessions": 1, "drivers": 1, "laps": 1, "stints": 1})


class TestErrorsOverHttp:
    """Unknown keys and bad queries answer with codes, never a 500."""

    async def test_unknown_session_is_not_found(self, app_url: str) -> None:
        async with httpx.AsyncClient(timeout=30) as client:
            body = await post(client, app_url, "{ session(sessionKey: 1) { sessionName } }")
        assert body["data"] == {"session": None}
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        assert body["errors"][0]["message"] == "Session 1 does not exist."

    async def test_invalid_query_is_bad_request(self, app_url: str) -> None:
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.post(
                f"{app_url}/graphql", json={"query": '{ session(sessionKey: "x") { nope } }'}
            )
        assert response.status_code == 200
        codes = {e["extensions"]["code"] for e in response.json()["errors"]}
        assert codes == {"BAD_REQUEST"}

    async def test_upstream_down_without_cache_is_unavailable(
        self, fake: FakeOpenF1, fake_url: str
    ) -> None:
        settings = Settings(
            openf1_url=f"{fake_url}/v1", rate_per_second=1000, rate_per_minute=100_000, retries=0
        )
        fake.fail_next(100, status=503)
        with serve_in_thread(create_app(settings)) as url:
            async with httpx.AsyncClient(timeout=30) as client:
                body = await post(client, url, "{ session(sessionKey: 11253) { sessionName } }")
        assert body["errors"][0]["extensions"]["code"] == "OPENF1_API_UNAVAILABLE"
        assert "Traceback" not in str(body)

    async def test_get_and_healthz(self, app_url: str) -> None:
        async with httpx.AsyncClient(timeout=30) as client:
            got = await client.get(
                f"{app_url}/graphql",
                params={"query": "{ session(sessionKey: 11249) { sessionName } }"},
            )
            health = await client.get(f"{app_url}/healthz")
            ide = await client.get(f"{app_url}/graphql", headers={"accept": "text/html"})
        assert got.json()["data"] == {"session": {"sessionName": "Qualifying"}}
        assert health.json()["status"] == "ok"
        assert "graphiql" in ide.text.lower()

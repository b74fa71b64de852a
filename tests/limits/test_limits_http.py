"""Every query limit over real HTTP: BAD_REQUEST naming the limit, before anything runs."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest

from f1graph.settings import Settings
from f1graph.web import create_app
from tests.data import DATA_DIR
from tests.servers import serve_in_thread

LIMITS = Settings(
    source=DATA_DIR,
    max_body_bytes=20_000,
    max_tokens=500,
    max_depth=6,
    max_aliases=3,
    max_list_items=5,
    max_cost=100_000,
    max_upstream_requests=1_000,
)
SESSION = "{ session(sessionKey: 11253) { %s } }"


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with serve_in_thread(create_app(LIMITS)) as base:
        yield base


async def refused(url: str, query: str, **variables: object) -> str:
    async with httpx.AsyncClient(base_url=url) as client:
        answer = await client.post("/graphql", json={"query": query, "variables": variables})
    body = answer.json()
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    return str(body["errors"][0]["message"])


class TestEachLimit:
    """Each limit is refused with a message naming its variable."""

    async def test_tokens(self, url: str) -> None:
        query = SESSION % " ".join(["sessionName"] * 600)
        message = await refused(url, query)
        assert message == (
            "The query has more than 500 tokens; at most 500 are allowed (F1GRAPH_MAX_TOKENS)."
        )

    async def test_depth(self, url: str) -> None:
        query = SESSION % "drivers { laps { driver { laps { driver { nameAcronym } } } } }"
        assert await refused(url, query) == (
            "The query is 7 fields deep; at most 6 are allowed (F1GRAPH_MAX_DEPTH)."
        )

    async def test_aliases(self, url: str) -> None:
        query = SESSION % " ".join(f"a{i}: sessionName" for i in range(4))
        assert "4 aliases; at most 3" in await refused(url, query)

    async def test_list_argument_literal_and_variable(self, url: str) -> None:
        compare = "compareDrivers(driverNumbers: [1, 2, 3, 4, 5, 6]) { drivers { samples } }"
        literal = SESSION % compare
        assert await refused(url, literal) == (
            "compareDrivers(driverNumbers:) has 6 items; at most 5 are allowed "
            "(F1GRAPH_MAX_LIST_ITEMS)."
        )
        variable = (
            "query($n: [Int!]!) { session(sessionKey: 11253) "
            "{ compareDrivers(driverNumbers: $n) { drivers { samples } } } }"
        )
        assert "2,000 items" in await refused(url, variable, n=list(range(2_000)))

    async def test_cost(self, url: str) -> None:
        query = SESSION % "laps { lapNumber driver { laps { lapNumber lapDuration } } }"
        message = await refused(url, query)
        assert message.startswith("The query's estimated cost is ")
        assert "at most 100,000 are allowed (F1GRAPH_MAX_COST)" in message

    async def test_planned_upstream_requests(self, url: str) -> None:
        query = "{ sessions(year: 2026) { carData(driverNumber: 1) { driverNumber } } }"
        message = await refused(url, query)
        assert "(F1GRAPH_MAX_UPSTREAM_REQUESTS)" in message

    async def test_body_size_is_413(self, url: str) -> None:
        query = "{ __typename }" + " " * 30_000
        async with httpx.AsyncClient(base_url=url) as client:
            answer = await client.post("/graphql", json={"query": query})
        assert answer.status_code == 413
        assert answer.json()["errors"][0] == {
            "message": "The request body is larger than 20,000 bytes; at most 20,000 are "
            "allowed (F1GRAPH_MAX_BODY_BYTES).",
            "extensions": {"code": "BAD_REQUEST"},
        }

    async def test_rest_drivers_list(self, url: str) -> None:
        drivers = ",".join(str(n) for n in range(1, 2500))
        async with httpx.AsyncClient(base_url=url) as client:
            answer = await client.get(f"/api/v1/car-data/11253/compare?drivers={drivers}")
        assert answer.status_code == 400 and answer.json()["error"] == "BAD_REQUEST"
        assert (
            "2,499 items; at most 5 are allowed (F1GRAPH_MAX_LIST_ITEMS)"
            in (answer.json()["message"])
        )


class TestAcceptedCost:
    """An accepted query reports its cost in extensions.cost and in the log."""

    async def test_cost_reported(self, url: str, caplog: pytest.LogCaptureFixture) -> None:
        caplog.set_level(logging.INFO, logger="f1graph.limits")
        async with httpx.AsyncClient(base_url=url) as client:
            answer = await client.post(
                "/graphql", json={"query": SESSION % "laps(driverNumber: 1) { lapNumber }"}
            )
        body = answer.json()
        assert len(body["data"]["session"]["laps"]) == 53
        assert body["extensions"]["cost"] == {
            "fields": 1 + 1 + 51,  # 1,108 laps / 22 cars, rounded up
            "upstreamRequests": 2,
            "depth": 3,
            "aliases": 0,
            "introspection": False,
        }
        assert any("fields=53 upstream=2" in r.getMessage() for r in caplog.records)

    async def test_introspection_allowed_and_counted(self, url: str) -> None:
        query = "{ __schema { queryType { name } types { name fields { name } } } }"
        async with httpx.AsyncClient(base_url=url) as client:
            body = (await client.post("/graphql", json={"query": query})).json()
        assert body["data"]["__schema"]["queryType"] == {"name": "Query"}
        assert body["extensions"]["cost"]["introspection"] is True
        assert body["extensions"]["cost"]["fields"] > 1_000


class TestClientCostPerMinute:
    """A client past its cost per minute gets 429-coded RATE_LIMIT_EXCEEDED, then waits."""

    @pytest.fixture
    def stingy(self) -> Iterator[str]:
        # the response cache off: a stored answer is served without executing, so it costs
        # nothing and is not charged (f1graph/responses); here every request executes
        settings = Settings(source=DATA_DIR, client_cost_per_minute=3_000, response_cache=False)
        with serve_in_thread(create_app(settings)) as base:
            yield base

    async def test_budget_spent(self, stingy: str) -> None:
        query = {"query": SESSION % "laps { lapNumber }"}  # 2 + 1,108
        async with httpx.AsyncClient(base_url=stingy) as client:
            first = await client.post("/graphql", json=query)
            second = await client.post("/graphql", json=query)
            third = (await client.post("/graphql", json=query)).json()
        assert first.json()["data"] and second.json()["data"]
        error = third["errors"][0]
        assert error["extensions"]["code"] == "RATE_LIMIT_EXCEEDED"
        assert 1 <= error["extensions"]["retryAfter"] <= 60
        assert "(F1GRAPH_CLIENT_COST_PER_MINUTE)" in error["message"]


class TestTwoAppsInOneProcess:
    """Each app answers by its own limits, even for a document the other one has checked."""

    async def test_limits_are_not_shared(self, url: str) -> None:
        query = SESSION % " ".join(f"n{i}: sessionName" for i in range(5))  # a new document
        with serve_in_thread(create_app(Settings(source=DATA_DIR))) as lenient:
            async with httpx.AsyncClient(base_url=lenient) as client:
                before = (await client.post("/graphql", json={"query": query})).json()
                assert before["data"]["session"]["n4"] == "Race"
                assert await refused(url, query) == (
                    "The query has 5 aliases; at most 3 are allowed (F1GRAPH_MAX_ALIASES)."
                )
                after = (await client.post("/graphql", json={"query": query})).json()
        assert after["data"]["session"]["n4"] == "Race"

"""Every legacy route over real HTTP: real values, and the same data as the graph's answer."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from f1graph.compat import ROUTES, LegacyRoute
from f1graph.compat.operations import operations
from tests.compat.cases import CASES, Case
from tests.compat.conftest import RACE

VOLATILE = {"durationMs", "uptimeS", "hits", "misses", "entries", "bytes", "successes",
            "requests", "failures", "consecutiveFailures"}  # fmt: skip


def route_of(case: Case) -> LegacyRoute:
    return next(r for r in ROUTES if (r.method, r.path) == (case.method, case.route))


def steady(value: Any) -> Any:
    """The value without figures that change from one call to the next (timings, counters)."""
    if isinstance(value, dict):
        return {k: steady(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [steady(v) for v in value]
    return value


async def graph_answer(client: httpx.AsyncClient, url: str, case: Case) -> Any:
    """The route's question posted to /graphql: its stored operation with the same variables."""
    route = route_of(case)
    path = {k: str(v) for k, v in case.path.items()}
    variables, _values = route.arguments(path, case.query)
    op = operations()[route.operation]
    response = await client.post(
        f"{url}/graphql",
        json={"query": op.document, "variables": variables, "operationName": op.name},
    )
    body = response.json()
    assert "errors" not in body, body
    return route.pick(body["data"])


def test_every_route_but_the_eviction_has_a_case() -> None:
    covered = {(c.method, c.route) for c in CASES}
    assert {(r.method, r.path) for r in ROUTES} - covered == {
        ("DELETE", "/api/v1/sessions/:sessionKey/cache")
    }


class TestEveryRoute:
    """Each route answers 200 with real values, equal to the graph's answer."""

    @pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.method} {c.route}")
    async def test_route(self, case: Case, app_url: str, client: httpx.AsyncClient) -> None:
        response = await client.request(case.method, app_url + case.url, params=case.query)
        assert response.status_code == 200, response.text
        body = response.json()
        route = route_of(case)
        want_key = case.path.get("sessionKey") or case.query.get("session_key")
        assert body["sessionKey"] == (int(want_key) if want_key else None)
        assert body["timestamp"].endswith("Z")
        case.check(body["data"])
        if isinstance(body["data"], list):
            assert body["count"] == len(body["data"])
        assert "stale" not in body
        graph = await graph_answer(client, app_url, case)
        if route.operation in ("StartReplay", "Health", "CircuitBreaker", "ResetCircuitBreaker"):
            assert steady(body["data"]) == steady(graph)
        else:
            assert body["data"] == graph


class TestDriversAcrossSessions:
    """GET /drivers without a session searches every session, as Query.drivers does."""

    async def test_by_acronym(self, app_url: str, client: httpx.AsyncClient) -> None:
        response = await client.get(f"{app_url}/api/v1/drivers", params={"name_acronym": "ver"})
        body = response.json()
        assert response.status_code == 200 and body["sessionKey"] is None
        with_drivers = [11249, 11253, 11280]  # the recorded sessions that have drivers
        assert [(d["sessionKey"], d["driverNumber"]) for d in body["data"]] == [
            (key, 3) for key in with_drivers
        ]


class TestEviction:
    """DELETE .../cache drops what a preload loaded, as evictSession does."""

    async def test_evict_after_preload(self, app_url: str, client: httpx.AsyncClient) -> None:
        base = f"{app_url}/api/v1/sessions/11249"
        loaded = (await client.post(f"{base}/start-replay")).json()["data"]["datasets"]
        response = await client.delete(f"{base}/cache")
        assert response.status_code == 200
        body = response.json()
        assert body["sessionKey"] == 11249
        dropped = body["data"]["entriesDropped"]
        assert dropped >= sum(1 for d in loaded if d["rows"]) > 0
        assert (await client.delete(f"{base}/cache")).json()["data"]["entriesDropped"] == 0
        await client.post(f"{base}/start-replay")
        evict = operations()["EvictSession"]
        graph = await client.post(
            f"{app_url}/graphql", json={"query": evict.document, "variables": {"sessionKey": 11249}}
        )
        assert graph.json()["data"]["evictSession"] == {
            "sessionKey": 11249,
            "entriesDropped": dropped,
        }


class TestStartReplay:
    """start-replay loads telemetry only when asked."""

    async def test_with_telemetry(self, app_url: str, client: httpx.AsyncClient) -> None:
        url = f"{app_url}/api/v1/sessions/{RACE}/start-replay"
        plain = (await client.post(url)).json()["data"]["datasets"]
        full = (await client.post(url, params={"telemetry": "true"})).json()["data"]["datasets"]
        assert "car_data" not in {d["endpoint"] for d in plain}
        car_data = next(d for d in full if d["endpoint"] == "car_data")
        assert car_data["rows"] > 0 and car_data["error"] is None


class TestGzip:
    """Large answers are gzipped for clients that accept it; small ones are not."""

    async def test_large_answer_is_gzipped(self, app_url: str, client: httpx.AsyncClient) -> None:
        url = f"{app_url}/api/v1/laps/{RACE}"
        gzipped = await client.get(url, headers={"accept-encoding": "gzip"})
        plain = await client.get(url, headers={"accept-encoding": "identity"})
        assert gzipped.headers["content-encoding"] == "gzip"
        assert "content-encoding" not in plain.headers
        assert gzipped.json() | {"timestamp": 0} == plain.json() | {"timestamp": 0}
        assert gzipped.json()["count"] == 1108

    async def test_small_answer_is_not(self, app_url: str, client: httpx.AsyncClient) -> None:
        response = await client.get(
            f"{app_url}/api/v1/drivers/{RACE}/1", headers={"accept-encoding": "gzip"}
        )
        assert "content-encoding" not in response.headers

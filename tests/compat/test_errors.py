"""Every error code of the contract, in its JSON shape, over real HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from f1graph.analysis import race_control
from f1graph.settings import parse_api_keys
from f1graph.web import create_app
from tests.compat.conftest import RACE, settings_for
from tests.fake_openf1 import FakeOpenF1
from tests.servers import serve_in_thread

ERROR_KEYS = {"statusCode", "error", "message", "path", "timestamp"}


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    assert set(body) == ERROR_KEYS
    assert (body["statusCode"], body["error"]) == (status, code)
    assert body["path"] == response.request.url.path
    assert body["message"].endswith(".") and "Traceback" not in response.text
    return body


@pytest.fixture
def own_app(fake_url: str) -> Iterator[str]:
    """f1graph over the test's own fake OpenF1, so upstream calls can be counted."""
    with serve_in_thread(create_app(settings_for(fake_url, retries=0))) as url:
        yield url


class TestBadRequest:
    """Malformed parameters get 400 naming the parameter, before any upstream call."""

    @pytest.mark.parametrize(
        ("url", "named"),
        [
            ("/api/v1/laps/abc/fastest", "The sessionKey path parameter must be a whole number"),
            ("/api/v1/drivers/11253/x1", "The driverNumber path parameter"),
            ("/api/v1/intervals/11253/at-time?time=yesterday", "The time query parameter"),
            ("/api/v1/intervals/11253/at-time", "The time query parameter is required"),
            ("/api/v1/intervals/11253?from=2026-13-01", "The from query parameter"),
            ("/api/v1/stints/11253?compound=SUPERSOFT", "The compound query parameter"),
            ("/api/v1/race-control/11253?category=Weather", "The category query parameter"),
            ("/api/v1/race-control/11253?flag=PINK", "The flag query parameter"),
            ("/api/v1/car-data/11253/compare?drivers=1", "The drivers query parameter"),
            ("/api/v1/car-data/11253", "at least one of: driver_number, from, to"),
            ("/api/v1/sessions?year=twenty", "The year query parameter"),
            ("/api/v1/drivers?session_key=abc", "The session_key query parameter"),
        ],
    )
    async def test_named_before_upstream(
        self, url: str, named: str, fake: FakeOpenF1, own_app: str, client: httpx.AsyncClient
    ) -> None:
        body = assert_error(await client.get(own_app + url), 400, "BAD_REQUEST")
        assert named in body["message"]
        assert sum(fake.counts.values()) == 0


class TestNotFound:
    """Unknown sessions, drivers and paths get 404."""

    async def test_unknown_driver(self, app_url: str, client: httpx.AsyncClient) -> None:
        body = assert_error(
            await client.get(f"{app_url}/api/v1/drivers/{RACE}/99"), 404, "NOT_FOUND"
        )
        assert body["message"] == f"Driver 99 did not take part in session {RACE}."

    async def test_unknown_driver_laps(self, app_url: str, client: httpx.AsyncClient) -> None:
        url = f"{app_url}/api/v1/laps/{RACE}/driver/99"
        assert_error(await client.get(url), 404, "NOT_FOUND")

    async def test_unknown_session(self, app_url: str, client: httpx.AsyncClient) -> None:
        body = assert_error(await client.get(f"{app_url}/api/v1/laps/1/fastest"), 404, "NOT_FOUND")
        assert body["message"] == "Session 1 does not exist."

    async def test_unknown_route_and_method(self, app_url: str, client: httpx.AsyncClient) -> None:
        assert_error(await client.get(f"{app_url}/api/v1/laps"), 404, "NOT_FOUND")
        response = await client.put(f"{app_url}/api/v1/health")
        assert_error(response, 405, "METHOD_NOT_ALLOWED")
        assert "GET" in response.headers["allow"]

    async def test_encoded_newlines_still_get_json(
        self, app_url: str, client: httpx.AsyncClient
    ) -> None:
        assert_error(await client.get(f"{app_url}/api/v1/x%0Ay"), 404, "NOT_FOUND")
        response = await client.get(f"{app_url}/api/v1/race-control/1%0A2/flags")
        assert response.status_code == 400 and response.json()["error"] == "BAD_REQUEST"


class TestApiKeys:
    """With F1GRAPH_API_KEYS set: no key 401, a key not allowed the route 403."""

    @pytest.fixture
    def keyed_app(self, shared_fake_url: str) -> Iterator[str]:
        keys = parse_api_keys("all:*,sessions:/api/v1/sessions*")
        with serve_in_thread(create_app(settings_for(shared_fake_url, api_keys=keys))) as url:
            yield url

    async def test_keys(self, keyed_app: str, client: httpx.AsyncClient) -> None:
        laps = f"{keyed_app}/api/v1/laps/{RACE}/fastest"
        assert_error(await client.get(laps), 401, "UNAUTHORIZED")
        assert_error(await client.get(laps, headers={"x-api-key": "nope"}), 401, "UNAUTHORIZED")
        body = assert_error(
            await client.get(laps, headers={"x-api-key": "sessions"}), 403, "FORBIDDEN"
        )
        assert (
            body["message"] == f"This API key is not allowed to call /api/v1/laps/{RACE}/fastest."
        )
        assert (await client.get(laps, headers={"x-api-key": "all"})).status_code == 200
        bearer = {"authorization": "Bearer sessions"}
        sessions = await client.get(f"{keyed_app}/api/v1/sessions?year=2026", headers=bearer)
        assert sessions.status_code == 200
        assert (await client.get(f"{keyed_app}/api/v1/openapi.json")).status_code == 200


class TestClientRateLimit:
    """With F1GRAPH_CLIENT_RATE_PER_MINUTE set, a client past it gets 429 and Retry-After."""

    @pytest.fixture
    def limited_app(self, shared_fake_url: str) -> Iterator[str]:
        settings = settings_for(shared_fake_url, client_rate_per_minute=3)
        with serve_in_thread(create_app(settings)) as url:
            yield url

    async def test_fourth_request_in_a_minute(
        self, limited_app: str, client: httpx.AsyncClient
    ) -> None:
        url = f"{limited_app}/api/v1/health"
        assert [(await client.get(url)).status_code for _ in range(3)] == [200, 200, 200]
        response = await client.get(url)
        body = assert_error(response, 429, "RATE_LIMIT_EXCEEDED")
        assert 1 <= int(response.headers["retry-after"]) <= 60
        assert "at most 3 a minute" in body["message"]


class TestUpstreamUnavailable:
    """OpenF1 failing with nothing cached gets 503; with a stale entry, data marked stale."""

    async def test_openf1_down(
        self, fake: FakeOpenF1, own_app: str, client: httpx.AsyncClient
    ) -> None:
        fake.fail_next(None, status=503)
        response = await client.get(f"{own_app}/api/v1/laps/{RACE}/fastest")
        assert_error(response, 503, "OPENF1_API_UNAVAILABLE")

    async def test_stale_entry_serves(
        self, fake: FakeOpenF1, fake_url: str, client: httpx.AsyncClient
    ) -> None:
        settings = settings_for(fake_url, retries=0, ended_session_ttl_s=0.05)
        with serve_in_thread(create_app(settings)) as url:
            fresh = await client.get(f"{url}/api/v1/drivers/{RACE}")
            await asyncio.sleep(0.1)
            fake.fail_next(None, status=502)
            stale = await client.get(f"{url}/api/v1/drivers/{RACE}")
        assert "stale" not in fresh.json()
        assert stale.status_code == 200 and stale.json()["stale"] is True
        assert stale.json()["data"] == fresh.json()["data"]


class TestInternalError:
    """A bug in a resolver answers 500 in the contract's shape, with no internals."""

    async def test_resolver_bug(
        self, monkeypatch: pytest.MonkeyPatch, app_url: str, client: httpx.AsyncClient
    ) -> None:
        def broken(*args: object) -> None:
            raise ZeroDivisionError("secret detail")

        monkeypatch.setattr(race_control, "flags", broken)
        response = await client.get(f"{app_url}/api/v1/race-control/{RACE}/flags")
        body = assert_error(response, 500, "INTERNAL_SERVER_ERROR")
        assert body["message"] == "Internal server error."
        assert "secret" not in response.text and "ZeroDivision" not in response.text

"""OpenF1 credentials: a token from OpenF1's token endpoint, sent as a bearer, refreshed before
it expires and when refused; without credentials a live session's 401 is explained."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from urllib.parse import parse_qs

import httpx
import pytest
import respx

from f1graph.errors import ConfigError, UpstreamLiveSessionError
from f1graph.openf1.auth import REFRESH_MARGIN_S, OpenF1Credentials, token_url_for
from f1graph.openf1.breaker import CircuitBreaker
from f1graph.openf1.client import OpenF1Client
from f1graph.openf1.ratelimit import RateBudget
from f1graph.settings import Settings

BASE = "http://127.0.0.1:8765/v1"
TOKEN_URL = "http://127.0.0.1:8765/token"
LAPS = f"{BASE}/laps"


class TokenEndpoint:
    """OpenF1's ``POST /token``: form username/password -> access_token, expires_in."""

    def __init__(self, lifetime_s: float = 3600) -> None:
        self.lifetime_s = lifetime_s
        self.issued: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        form = parse_qs(request.content.decode())
        if form != {"username": ["fan@example.com"], "password": ["s3cret"]}:
            return httpx.Response(401, json={"detail": "Invalid username or password"})
        token = f"token-{len(self.issued) + 1}"
        self.issued.append(token)
        # OpenF1 sends expires_in as a string
        return httpx.Response(
            200,
            json={
                "access_token": token,
                "expires_in": str(self.lifetime_s),
                "token_type": "bearer",
            },
        )


@pytest.fixture
def openf1() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as router:
        yield router


@pytest.fixture
async def client() -> AsyncIterator[OpenF1Client]:
    made = OpenF1Client(
        BASE,
        budget=RateBudget(per_second=1000, per_minute=100_000),
        breaker=CircuitBreaker(failure_threshold=1000),
        retries=1,
        backoff_max_s=0.01,
        credentials=OpenF1Credentials("fan@example.com", "s3cret", TOKEN_URL),
    )
    yield made
    await made.aclose()


class TestToken:
    """The token is fetched once, sent as a bearer, and exchanged again before it expires."""

    async def test_bearer_sent(self, client: OpenF1Client, openf1: respx.MockRouter) -> None:
        endpoint = TokenEndpoint()
        openf1.post(TOKEN_URL).mock(side_effect=endpoint)
        laps = openf1.get(LAPS).respond(200, json=[])
        await client.fetch("laps", ())
        await client.fetch("laps", ())
        assert endpoint.issued == ["token-1"]
        assert [c.request.headers["authorization"] for c in laps.calls] == ["Bearer token-1"] * 2

    async def test_refreshed_before_expiry(
        self, client: OpenF1Client, openf1: respx.MockRouter
    ) -> None:
        endpoint = TokenEndpoint(lifetime_s=REFRESH_MARGIN_S + 0.3)
        openf1.post(TOKEN_URL).mock(side_effect=endpoint)
        laps = openf1.get(LAPS).respond(200, json=[])
        await client.fetch("laps", ())
        await asyncio.sleep(0.4)  # now within the refresh margin of its expiry
        await client.fetch("laps", ())
        assert endpoint.issued == ["token-1", "token-2"]
        assert laps.calls[-1].request.headers["authorization"] == "Bearer token-2"

    async def test_refused_token_is_exchanged_once(
        self, client: OpenF1Client, openf1: respx.MockRouter
    ) -> None:
        endpoint = TokenEndpoint()
        openf1.post(TOKEN_URL).mock(side_effect=endpoint)

        def laps(request: httpx.Request) -> httpx.Response:
            ok = request.headers["authorization"] == "Bearer token-2"
            return httpx.Response(200, json=[]) if ok else httpx.Response(401, json={})

        openf1.get(LAPS).mock(side_effect=laps)
        assert await client.fetch("laps", ()) == b"[]"
        assert endpoint.issued == ["token-1", "token-2"]

    async def test_bad_credentials_say_so(self, openf1: respx.MockRouter) -> None:
        openf1.post(TOKEN_URL).mock(side_effect=TokenEndpoint())
        client = OpenF1Client(
            BASE,
            budget=RateBudget(per_second=1000, per_minute=100_000),
            breaker=CircuitBreaker(),
            credentials=OpenF1Credentials("fan@example.com", "wrong", TOKEN_URL),
        )
        try:
            with pytest.raises(UpstreamLiveSessionError, match="F1GRAPH_OPENF1_PASSWORD"):
                await client.fetch("laps", ())
            assert client.breaker.status().failures == 0  # not OpenF1 being down
        finally:
            await client.aclose()

    async def test_account_without_live_access(
        self, client: OpenF1Client, openf1: respx.MockRouter
    ) -> None:
        openf1.post(TOKEN_URL).mock(side_effect=TokenEndpoint())
        openf1.get(LAPS).respond(401, json={"detail": "Live session in progress."})
        with pytest.raises(UpstreamLiveSessionError, match="may not have live access"):
            await client.fetch("laps", ())

    def test_password_is_not_in_reprs(self) -> None:
        settings = Settings(openf1_username="fan@example.com", openf1_password="s3cret")
        credentials = OpenF1Credentials("fan@example.com", "s3cret", TOKEN_URL)
        assert "s3cret" not in repr(settings) and "s3cret" not in repr(credentials)


class TestSettings:
    """Both variables or neither; the token endpoint sits beside the API."""

    def test_both_or_neither(self) -> None:
        with pytest.raises(ConfigError, match="go together"):
            Settings.from_env({"F1GRAPH_OPENF1_USERNAME": "fan@example.com"})
        both = Settings.from_env(
            {"F1GRAPH_OPENF1_USERNAME": "fan@example.com", "F1GRAPH_OPENF1_PASSWORD": "s3cret"}
        )
        assert (both.openf1_username, both.openf1_password) == ("fan@example.com", "s3cret")

    def test_token_url(self) -> None:
        assert token_url_for("https://api.openf1.org/v1") == "https://api.openf1.org/token"

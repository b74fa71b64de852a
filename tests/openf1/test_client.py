"""OpenF1Client against OpenF1's real behaviours, faked at the HTTP boundary with respx.

Retries are made fast (``backoff_max_s`` tiny, a large rate budget) so counts, not sleeps,
carry the assertions.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime

import httpx
import orjson
import pytest
import respx

from f1graph.errors import (
    BadRequestError,
    UpstreamBadResponseError,
    UpstreamError,
    UpstreamLiveSessionError,
    UpstreamRateLimitedError,
    UpstreamUnavailableError,
)
from f1graph.openf1.breaker import BreakerState, CircuitBreaker
from f1graph.openf1.client import OpenF1Client
from f1graph.openf1.filters import Filter, where
from f1graph.openf1.ratelimit import RateBudget
from tests.data import raw_bytes, raw_rows
from tests.fake_openf1 import parse_query_string

BASE = "http://127.0.0.1:8765/v1"
LAPS = f"{BASE}/laps"
RETRIES = 3
NO_RESULTS = {"detail": "No results found."}
HTML_500 = "<html><head><title>500 Internal Server Error</title></head><body>oops</body></html>"

MakeClient = Callable[..., OpenF1Client]


@pytest.fixture
async def make_client() -> AsyncIterator[MakeClient]:
    """Builds fast-retrying clients and closes every one of them after the test."""
    made: list[OpenF1Client] = []

    def make(base_url: str = BASE, **overrides: object) -> OpenF1Client:
        options: dict[str, object] = {
            "budget": RateBudget(per_second=1000, per_minute=100_000),
            "breaker": CircuitBreaker(failure_threshold=1000),
            "retries": RETRIES,
            "backoff_max_s": 0.01,
        }
        options.update(overrides)
        client = OpenF1Client(base_url, **options)  # type: ignore[arg-type]
        made.append(client)
        return client

    yield make
    for client in made:
        await client.aclose()


@pytest.fixture
def client(make_client: MakeClient) -> OpenF1Client:
    return make_client()


@pytest.fixture
def openf1() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as router:
        yield router


class TestRows:
    """A 200 with a JSON array is passed through as the exact bytes OpenF1 sent."""

    async def test_body_passes_through(
        self, client: OpenF1Client, openf1: respx.MockRouter
    ) -> None:
        body = raw_bytes(11253, "laps")
        openf1.get(LAPS).respond(200, content=body)
        got = await client.fetch("laps", where(session_key=11253))
        assert got == body
        assert len(orjson.loads(got)) == len(raw_rows(11253, "laps"))
        assert client.requests["laps"] == 1

    async def test_sends_json_accept_header(
        self, client: OpenF1Client, openf1: respx.MockRouter
    ) -> None:
        route = openf1.get(LAPS).respond(200, json=[])
        await client.fetch("laps", ())
        assert route.calls.last.request.headers["accept"] == "application/json"

    async def test_unknown_endpoint_is_a_bad_request_without_a_call(
        self, client: OpenF1Client, openf1: respx.MockRouter
    ) -> None:
        route = openf1.get(f"{BASE}/lap_times").respond(200, json=[])
        with pytest.raises(BadRequestError, match="lap_times"):
            await client.fetch("lap_times", ())
        assert route.call_count == 0


class TestNoRows:
    """``[]`` and 404 ``{"detail": "No results found."}`` both mean no rows, not an error."""

    async def test_empty_array(self, client: OpenF1Client, openf1: respx.MockRouter) -> None:
        openf1.get(LAPS).respond(200, json=[])
        assert await client.fetch("laps", where(session_key=1)) == b"[]"

    async def test_404_no_results(self, client: OpenF1Client, openf1: respx.MockRouter) -> None:
        route = openf1.get(LAPS).respond(404, json=NO_RESULTS)
        assert await client.fetch("laps", where(session_key=1)) == b"[]"
        assert route.call_count == 1  # not retried
        assert client.breaker.status().failures == 0


class TestRateExceeded:
    """429 and OpenF1's plain-text ``Rate exceeded`` are retried, then UpstreamRateLimitedError."""

    async def test_429_then_200_succeeds(
        self, client: OpenF1Client, openf1: respx.MockRouter
    ) -> None:
        route = openf1.get(LAPS).mock(
            side_effect=[
                httpx.Response(429, json={"error": "Too Many Requests"}),
                httpx.Response(200, json=[{"lap_number": 1}]),
            ]
        )
        assert orjson.loads(await client.fetch("laps", ())) == [{"lap_number": 1}]
        assert route.call_count == 2
        assert client.requests["laps"] == 2

    @pytest.mark.parametrize("status", [200, 429])
    async def test_plain_text_rate_exceeded_is_retried(
        self, client: OpenF1Client, openf1: respx.MockRouter, status: int
    ) -> None:
        route = openf1.get(LAPS).mock(
            side_effect=[
                httpx.Response(status, text="Rate exceeded."),
                httpx.Response(status, text="Rate exceeded."),
                httpx.Response(200, json=[]),
            ]
        )
        assert await client.fetch("laps", ()) == b"[]"
        assert route.call_count == 3

    async def test_rate_exceeded_after_every_retry(
        self, client: OpenF1Client, openf1: respx.MockRouter
    ) -> None:
        route = openf1.get(LAPS).respond(429, text="Rate exceeded.")
        with pytest.raises(UpstreamRateLimitedError):
            await client.fetch("laps", ())
        assert route.call_count == RETRIES + 1


class TestRetryAfter:
    """A 429's Retry-After is waited for, but never longer than ``backoff_max_s``."""

    async def test_retry_after_is_honoured(
        self, make_client: MakeClient, openf1: respx.MockRouter
    ) -> None:
        client = make_client(backoff_max_s=2.0)
        openf1.get(LAPS).mock(
            side_effect=[
                httpx.Response(429, headers={"retry-after": "0.3"}, text="Rate exceeded"),
                httpx.Response(200, json=[]),
            ]
        )
        started = time.monotonic()
        await client.fetch("laps", ())
        assert time.monotonic() - started >= 0.3

    async def test_retry_after_is_capped(
        self, make_client: MakeClient, openf1: respx.MockRouter
    ) -> None:
        client = make_client(backoff_max_s=0.2)
        openf1.get(LAPS).mock(
            side_effect=[
                httpx.Response(429, headers={"retry-after": "3600"}, text="Rate exceeded"),
                httpx.Response(200, json=[]),
            ]
        )
        started = time.monotonic()
        await client.fetch("laps", ())
        elapsed = time.monotonic() - started
        assert 0.2 <= elapsed < 1.5

    async def test_unreadable_retry_after_falls_back_to_backoff(
        self, client: OpenF1Client, openf1: respx.MockRouter
    ) -> None:
        route = openf1.get(LAPS).mock(
            side_effect=[
                httpx.Response(429, headers={"retry-after": "soon"}),
                httpx.Response(200, json=[]),
            ]
        )
        assert await client.fetch("laps", ()) == b"[]"
        assert route.call_count == 2


class TestUnavailable:
    """5xx, timeouts and dropped connections are retried, then UpstreamUnavailableError."""

    async def test_500_html_after_every_retry(
        self, client: OpenF1Client, openf1: respx.MockRouter
    ) -> None:
        route = openf1.get(LAPS).respond(500, html=HTML_500)
        with pytest.raises(UpstreamUnavailableError, match="500"):
            await client.fetch("laps", where(session_key=11253))
        assert route.call_count == RETRIES + 1
        assert client.requests["laps"] == RETRIES + 1

    async def test_502_then_200_succeeds(
        self, client: OpenF1Client, openf1: respx.MockRouter
    ) -> None:
        route = openf1.get(LAPS).mock(
            side_effect=[
                httpx.Response(502, html="<html>Bad Gateway</html>"),
                httpx.Response(200, json=[]),
            ]
        )
        assert await client.fetch("laps", ()) == b"[]"
        assert route.call_count == 2

    @pytest.mark.parametrize(
        ("exception", "message"),
        [(httpx.ReadTimeout, "in time"), (httpx.ConnectError, "could not be reached")],
    )
    async def test_transport_failures_after_every_retry(
        self,
        client: OpenF1Client,
        openf1: respx.MockRouter,
        exception: type[Exception],
        message: str,
    ) -> None:
        route = openf1.get(LAPS).mock(side_effect=exception)
        with pytest.raises(UpstreamUnavailableError, match=message):
            await client.fetch("laps", ())
        assert route.call_count == RETRIES + 1

    @pytest.mark.parametrize("exception", [httpx.TooManyRedirects, httpx.DecodingError])
    async def test_other_request_errors_are_typed(
        self, client: OpenF1Client, openf1: respx.MockRouter, exception: type[Exception]
    ) -> None:
        route = openf1.get(LAPS).mock(side_effect=exception)
        with pytest.raises(UpstreamUnavailableError):
            await client.fetch("laps", ())
        assert route.call_count == RETRIES + 1

    async def test_timeout_then_200_succeeds(
        self, client: OpenF1Client, openf1: respx.MockRouter
    ) -> None:
        route = openf1.get(LAPS).mock(
            side_effect=[
                httpx.ReadTimeout("slow"),
                httpx.ConnectError("refused"),
                httpx.Response(200, json=[]),
            ]
        )
        assert await client.fetch("laps", ()) == b"[]"
        assert route.call_count == 3

    async def test_no_retries_means_one_call(
        self, make_client: MakeClient, openf1: respx.MockRouter
    ) -> None:
        client = make_client(retries=0)
        route = openf1.get(LAPS).respond(503, html=HTML_500)
        with pytest.raises(UpstreamUnavailableError):
            await client.fetch("laps", ())
        assert route.call_count == 1

    async def test_the_breaker_counts_every_failed_try(
        self, client: OpenF1Client, openf1: respx.MockRouter
    ) -> None:
        openf1.get(LAPS).respond(500, html=HTML_500)
        with pytest.raises(UpstreamUnavailableError):
            await client.fetch("laps", ())
        status = client.breaker.status()
        tries = RETRIES + 1
        assert (status.requests, status.failures, status.consecutive_failures) == (
            tries,
            tries,
            tries,
        )

    async def test_retries_stop_when_the_breaker_opens(
        self, make_client: MakeClient, openf1: respx.MockRouter
    ) -> None:
        client = make_client(breaker=CircuitBreaker(failure_threshold=2), retries=5)
        route = openf1.get(LAPS).respond(500, html=HTML_500)
        with pytest.raises(UpstreamError):
            await client.fetch("laps", ())
        assert route.call_count == 2
        assert client.breaker.state is BreakerState.OPEN

    async def test_every_try_passes_the_rate_budget(
        self, client: OpenF1Client, openf1: respx.MockRouter
    ) -> None:
        openf1.get(LAPS).respond(500, html=HTML_500)
        with pytest.raises(UpstreamUnavailableError):
            await client.fetch("laps", ())
        assert client.budget.acquired == RETRIES + 1


class TestOtherAnswers:
    """401 (live session) and 4xx are not retried; non-JSON 200 bodies are bad responses."""

    async def test_401_is_a_live_session_error_not_retried(
        self, client: OpenF1Client, openf1: respx.MockRouter
    ) -> None:
        route = openf1.get(LAPS).respond(401, json={"detail": "Live session in progress."})
        with pytest.raises(UpstreamLiveSessionError, match="401"):
            await client.fetch("laps", where(session_key="latest"))
        assert route.call_count == 1
        assert client.breaker.status().failures == 0  # not OpenF1 being down

    async def test_422_is_a_bad_response_not_retried(
        self, client: OpenF1Client, openf1: respx.MockRouter
    ) -> None:
        route = openf1.get(LAPS).respond(422, json={"detail": "invalid filter"})
        with pytest.raises(UpstreamBadResponseError, match="invalid filter"):
            await client.fetch("laps", ())
        assert route.call_count == 1

    async def test_200_html_is_a_bad_response_after_retries(
        self, client: OpenF1Client, openf1: respx.MockRouter
    ) -> None:
        route = openf1.get(LAPS).respond(200, html="<html>maintenance</html>")
        with pytest.raises(UpstreamBadResponseError):
            await client.fetch("laps", ())
        assert route.call_count == RETRIES + 1


class TestGarbageAndSlowBodies:
    """A 200 that is not a JSON array and a body slower than a try may take are upstream
    failures: retried, counted by the breaker, then OPENF1_API_UNAVAILABLE."""

    @pytest.mark.parametrize(
        "body",
        [b'[{"session_key": 11253, "lap_number":', b"[{]", b"<html>", b"{}", b"", b"\x00\xff"],
    )
    async def test_garbage_is_retried_then_a_bad_response(
        self, client: OpenF1Client, openf1: respx.MockRouter, body: bytes
    ) -> None:
        route = openf1.get(LAPS).respond(200, content=body)
        with pytest.raises(UpstreamBadResponseError, match="not JSON rows") as info:
            await client.fetch("laps", ())
        assert info.value.code == "OPENF1_API_UNAVAILABLE"
        assert route.call_count == RETRIES + 1
        assert client.breaker.status().failures == RETRIES + 1

    async def test_garbage_then_rows_succeeds(
        self, client: OpenF1Client, openf1: respx.MockRouter
    ) -> None:
        openf1.get(LAPS).mock(
            side_effect=[httpx.Response(200, content=b"[{"), httpx.Response(200, json=[])]
        )
        assert await client.fetch("laps", ()) == b"[]"
        assert client.breaker.status().consecutive_failures == 0

    async def test_a_trickling_body_is_cut_at_the_try_timeout(
        self, make_client: MakeClient, openf1: respx.MockRouter
    ) -> None:
        client = make_client(try_timeout_s=0.3, retries=1)

        async def trickle() -> AsyncIterator[bytes]:
            yield b"["
            for _ in range(100):
                await asyncio.sleep(0.05)  # each read is quick: only the whole try is slow
                yield b" "
            yield b"]"

        route = openf1.get(LAPS).mock(side_effect=lambda _: httpx.Response(200, content=trickle()))
        started = time.monotonic()
        with pytest.raises(UpstreamUnavailableError, match="in time"):
            await client.fetch("laps", ())
        assert time.monotonic() - started < 3.0  # two tries of 0.3 s, not two of 5 s
        assert route.call_count == 2
        assert client.breaker.status().failures == 2


class TestWire:
    """Filters reach OpenF1 percent-encoded, and any base URL (with a path) works."""

    async def test_operator_and_utc_offset_are_encoded(
        self, client: OpenF1Client, openf1: respx.MockRouter
    ) -> None:
        route = openf1.get(f"{BASE}/car_data").respond(200, json=[])
        filters = (
            Filter("session_key", "=", 9161),
            Filter("driver_number", "=", 55),
            Filter("date", ">=", datetime(2023, 9, 16, 13, 3, tzinfo=UTC)),
            Filter("date", "<", "2023-09-16T13:04:00+00:00"),
            Filter("speed", ">", 315),
        )
        await client.fetch("car_data", filters)
        query = route.calls.last.request.url.query.decode()
        assert query.split("&") == [
            "session_key=9161",
            "driver_number=55",
            "date%3E%3D2023-09-16T13%3A03%3A00%2B00%3A00",
            "date%3C2023-09-16T13%3A04%3A00%2B00%3A00",
            "speed%3E315",
        ]
        assert "+" not in query  # a raw + would reach OpenF1 as a space
        # read back the way a server reads it: the same conditions, + intact
        assert parse_query_string(query) == (
            Filter("session_key", "=", "9161"),
            Filter("driver_number", "=", "55"),
            Filter("date", ">=", "2023-09-16T13:03:00+00:00"),
            Filter("date", "<", "2023-09-16T13:04:00+00:00"),
            Filter("speed", ">", "315"),
        )

    async def test_repeated_session_key(
        self, client: OpenF1Client, openf1: respx.MockRouter
    ) -> None:
        route = openf1.get(LAPS).respond(200, json=[])
        await client.fetch("laps", where(session_key=[11249, 11253, 11280]))
        request = route.calls.last.request
        assert request.url.params.get_list("session_key") == ["11249", "11253", "11280"]
        assert request.url.query == b"session_key=11249&session_key=11253&session_key=11280"

    async def test_boolean_values(self, client: OpenF1Client, openf1: respx.MockRouter) -> None:
        route = openf1.get(LAPS).respond(200, json=[])
        await client.fetch("laps", where(session_key=11253, is_pit_out_lap=False))
        assert route.calls.last.request.url.params["is_pit_out_lap"] == "false"

    @pytest.mark.parametrize("base_url", [BASE, f"{BASE}/", "https://api.openf1.org/v1"])
    async def test_base_url_with_path(
        self, make_client: MakeClient, openf1: respx.MockRouter, base_url: str
    ) -> None:
        client = make_client(base_url)
        route = openf1.get(base_url.rstrip("/") + "/drivers").respond(200, json=[])
        await client.fetch("drivers", where(session_key=11253))
        url = route.calls.last.request.url
        assert url.path == "/v1/drivers"
        assert str(url) == base_url.rstrip("/") + "/drivers?session_key=11253"

    async def test_no_filters_no_query(
        self, client: OpenF1Client, openf1: respx.MockRouter
    ) -> None:
        route = openf1.get(f"{BASE}/meetings").respond(200, json=[])
        await client.fetch("meetings", ())
        assert str(route.calls.last.request.url) == f"{BASE}/meetings"

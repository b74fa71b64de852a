"""The fake OpenF1 behaves like api.openf1.org over real HTTP, and fails on demand."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import httpx
import pytest

from f1graph.openf1.filters import Filter, to_query_string, where
from tests.data import DATA_DIR, raw_rows
from tests.fake_openf1 import FakeOpenF1, make_fake_openf1
from tests.servers import serve_in_thread


@pytest.fixture(scope="module")
def fake() -> FakeOpenF1:
    return make_fake_openf1(DATA_DIR)


@pytest.fixture(scope="module")
def base_url(fake: FakeOpenF1) -> Iterator[str]:
    with serve_in_thread(fake) as url:
        yield url


@pytest.fixture
async def client(fake: FakeOpenF1, base_url: str) -> AsyncIterator[httpx.AsyncClient]:
    fake.reset()
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as http:
        yield http


class TestAnswers:
    """Rows come back as OpenF1 sends them; no rows is a 404 with OpenF1's detail."""

    async def test_rows(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/drivers?session_key=11253&team_name=McLaren")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        assert response.json() == [
            d for d in raw_rows(11253, "drivers") if d["team_name"] == "McLaren"
        ]

    async def test_repeated_params_and_encoded_operators(self, client: httpx.AsyncClient) -> None:
        start = datetime(2026, 3, 29, 5, 30, tzinfo=UTC)
        end = datetime(2026, 3, 29, 5, 31, tzinfo=UTC)
        filters = (*where(session_key=11253, driver_number=[1, 63]), Filter("date", ">=", start))
        query = to_query_string((*filters, Filter("date", "<", end)))
        assert "%2B00%3A00" in query
        expected = [
            r
            for r in raw_rows(11253, "intervals")
            if r["driver_number"] in (1, 63) and start <= datetime.fromisoformat(r["date"]) < end
        ]
        assert {r["driver_number"] for r in expected} == {1, 63}
        assert (await client.get(f"/v1/intervals?{query}")).json() == expected
        # Hand-written, with the '+' unencoded: it reaches OpenF1 as a space, and still works.
        raw = (
            "session_key=11253&driver_number=1&driver_number=63"
            "&date>=2026-03-29T05:30:00+00:00&date<2026-03-29T05:31:00+00:00"
        )
        assert (await client.get(f"/v1/intervals?{raw}")).json() == expected

    async def test_no_rows_is_404_with_detail(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/laps?session_key=11253&driver_number=999")
        assert response.status_code == 404
        assert response.json() == {"detail": "No results found."}

    async def test_unknown_param_matches_nothing(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/laps?session_key=11253&limit=10")
        assert response.status_code == 404
        assert response.json() == {"detail": "No results found."}

    async def test_unknown_endpoint(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/lap_times?session_key=11253")
        assert (response.status_code, response.json()) == (404, {"detail": "Not Found"})

    async def test_latest(self, client: httpx.AsyncClient) -> None:
        newest = max(raw_rows(None, "sessions"), key=lambda s: s["date_start"])
        response = await client.get("/v1/sessions?session_key=latest")
        assert response.json() == [newest]

    async def test_empty_list_mode_in_process(self) -> None:
        """OpenF1 also answers ``[]`` for no rows; the fake can, and runs in-process too."""
        fake = make_fake_openf1(DATA_DIR, empty_as_404=False)
        transport = httpx.ASGITransport(app=fake)
        async with httpx.AsyncClient(transport=transport, base_url="http://openf1") as http:
            response = await http.get("/v1/laps?session_key=11253&driver_number=999")
        assert (response.status_code, response.content) == (200, b"[]")
        assert fake.counts == {"laps": 1}


class TestCounting:
    """Every request is counted per endpoint and kept as path and query, faults included."""

    async def test_counts_and_requests(self, fake: FakeOpenF1, client: httpx.AsyncClient) -> None:
        await client.get("/v1/laps?session_key=11253&driver_number=1")
        await client.get("/v1/laps?session_key=11253&driver_number=44")
        fake.rate_limit()
        await client.get("/v1/drivers?session_key=11253")
        await client.get("/v1/sessions")
        assert fake.counts == {"laps": 2, "drivers": 1, "sessions": 1}
        assert fake.requests == [
            "/v1/laps?session_key=11253&driver_number=1",
            "/v1/laps?session_key=11253&driver_number=44",
            "/v1/drivers?session_key=11253",
            "/v1/sessions",
        ]

    async def test_reset(self, fake: FakeOpenF1, client: httpx.AsyncClient) -> None:
        await client.get("/v1/sessions")
        fake.fail_next(None)
        fake.reset()
        assert (fake.counts, fake.requests) == ({}, [])
        assert (await client.get("/v1/sessions")).status_code == 200


class TestFaults:
    """Failures as OpenF1 serves them in production: HTML 5xx, plain-text 429, JSON 401."""

    async def test_fail_next_then_recover(
        self, fake: FakeOpenF1, client: httpx.AsyncClient
    ) -> None:
        fake.fail_next(2, status=502)
        answers = [await client.get("/v1/sessions?year=2026") for _ in range(3)]
        assert [a.status_code for a in answers] == [502, 502, 200]
        assert answers[0].headers["content-type"].startswith("text/html")
        assert answers[0].text.startswith("<html>")
        assert len(answers[2].json()) == 3

    async def test_standing_failure(self, fake: FakeOpenF1, client: httpx.AsyncClient) -> None:
        fake.fail_next(None, status=503, body="down", content_type="text/plain")
        statuses = {(await client.get("/v1/sessions")).status_code for _ in range(4)}
        assert statuses == {503}

    async def test_rate_exceeded(self, fake: FakeOpenF1, client: httpx.AsyncClient) -> None:
        fake.rate_limit()
        response = await client.get("/v1/laps?session_key=11253")
        assert (response.status_code, response.text) == (429, "Rate exceeded")
        assert response.headers["content-type"].startswith("text/plain")
        assert (await client.get("/v1/laps?session_key=11253")).status_code == 200

    async def test_live_session(self, fake: FakeOpenF1, client: httpx.AsyncClient) -> None:
        fake.lock_live_session(detail="Live session in progress.")
        response = await client.get("/v1/laps?session_key=latest")
        assert response.status_code == 401
        assert response.json() == {"detail": "Live session in progress."}

    async def test_delay(self, fake: FakeOpenF1, client: httpx.AsyncClient) -> None:
        fake.delay_s = 0.2
        started = time.perf_counter()
        response = await client.get("/v1/sessions?session_key=11253")
        assert response.status_code == 200
        assert time.perf_counter() - started >= 0.2
        with pytest.raises(httpx.ReadTimeout):
            await client.get("/v1/sessions?session_key=11253", timeout=0.05)

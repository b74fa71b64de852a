"""The fault matrix, over real HTTP: every way OpenF1 fails x every state of the cache.

uvicorn serves f1graph, which calls a fake OpenF1 over HTTP that fails in one way: a 500 with an
HTML page, 429 with a plain-text ``Rate exceeded``, no answer at all (hang), a 200 of truncated
JSON (garbage), a connection dropped mid-body, or a body trickling in forever. The data asked
for is absent from the cache, cached and fresh, or cached and stale. Each case checks the
answer and its code, that it came within the request deadline (a generous bound, not a speed),
the breaker's state, and that nothing corrupt was cached: what the cache holds afterwards is
what it held before, and once OpenF1 recovers the answer is the recorded one.

The pieces shared with the REST half of the matrix (``tests/compat/test_fault_matrix.py``) are
in ``tests/faults.py``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.data import DATA_DIR, raw_rows
from tests.fake_openf1 import FakeOpenF1, make_fake_openf1
from tests.faults import (
    BREAKER_WAIT_S,
    MODES,
    REQUEST_TIMEOUT_S,
    SESSION,
    SLACK_S,
    STATES,
    Mode,
    State,
    cached,
    circuit,
    fail,
    gateway,
    wait_for_circuit,
)
from tests.servers import serve_in_thread

# Each request moves the breaker and the cache: a second (shadow) execution would meet another
# upstream state, so these answers are not compared with graphql-core's (tests/conftest.py).
pytestmark = pytest.mark.no_shadow

QUERY = f"{{ session(sessionKey: {SESSION}) {{ drivers {{ driverNumber nameAcronym }} }} }}"


def expected_drivers() -> list[dict[str, Any]]:
    rows = sorted(raw_rows(SESSION, "drivers"), key=lambda d: d["driver_number"])
    return [{"driverNumber": d["driver_number"], "nameAcronym": d["name_acronym"]} for d in rows]


@pytest.fixture(scope="module")
def fake() -> FakeOpenF1:
    return make_fake_openf1(DATA_DIR)


@pytest.fixture(scope="module")
def fake_url(fake: FakeOpenF1) -> Iterator[str]:
    with serve_in_thread(fake) as url:
        yield url


async def ask(http: httpx.AsyncClient, url: str) -> dict[str, Any]:
    response = await http.post(f"{url}/graphql", json={"query": QUERY})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("mode", MODES)
async def test_fault_matrix(fake: FakeOpenF1, fake_url: str, mode: Mode, state: State) -> None:
    """One upstream fault against one cache state: coded answer within the deadline, the
    breaker opens when OpenF1 was called, and nothing corrupt is cached."""
    fake.reset()
    app = gateway(fake_url, state)
    try:
        with serve_in_thread(app) as url:
            async with httpx.AsyncClient(timeout=120) as http:
                if state != "absent":
                    warm = await ask(http, url)
                    assert warm["data"]["session"]["drivers"] == expected_drivers()
                    if state == "stale":
                        await asyncio.sleep(1.2)
                before = await cached(app)

                fail(fake, mode)
                started = time.monotonic()
                body = await ask(http, url)
                elapsed = time.monotonic() - started
                assert elapsed < REQUEST_TIMEOUT_S + SLACK_S, f"answered after {elapsed:.1f} s"

                if state == "absent":
                    assert body["data"] == {"session": None}
                    assert body["errors"][0]["extensions"]["code"] == "OPENF1_API_UNAVAILABLE"
                    await wait_for_circuit(http, url, "open")
                elif state == "stale":
                    assert "errors" not in body
                    assert body["data"]["session"]["drivers"] == expected_drivers()
                    assert body["extensions"]["stale"] is True
                    await wait_for_circuit(http, url, "open")
                else:
                    assert body["data"] == warm["data"] and "errors" not in body
                    assert body["extensions"]["cache"] == "hit"  # served as stored bytes
                    assert sum(fake.counts.values()) == 0  # fresh: OpenF1 not even asked
                    assert await circuit(http, url) == "closed"

                assert await cached(app) == before  # nothing corrupt (nor anything) cached

                fake.reset()  # OpenF1 recovers
                reset = "mutation { resetCircuitBreaker { state } }"
                await http.post(f"{url}/graphql", json={"query": reset})
                deadline = time.monotonic() + BREAKER_WAIT_S
                while True:
                    after = await ask(http, url)
                    if "errors" not in after and not after.get("extensions", {}).get("stale"):
                        break
                    assert time.monotonic() < deadline, after
                    await asyncio.sleep(0.2)
                assert after["data"]["session"]["drivers"] == expected_drivers()
    finally:
        fake.reset()  # releases a hanging or trickling answer before the servers stop


class TestRestDeadline:
    """A REST route waiting on a hanging OpenF1 answers 503 with Retry-After at the deadline."""

    async def test_hang_gives_503_with_retry_after(self, fake: FakeOpenF1, fake_url: str) -> None:
        fake.reset()
        try:
            # tries of 30 s: the request deadline (3 s) passes first
            with serve_in_thread(gateway(fake_url, "absent", read_timeout_s=30.0)) as url:
                fake.misbehave("hang")
                async with httpx.AsyncClient(timeout=120) as http:
                    started = time.monotonic()
                    response = await http.get(f"{url}/api/v1/sessions/{SESSION}/drivers")
                    elapsed = time.monotonic() - started
                assert response.status_code == 503, response.text
                assert int(response.headers["retry-after"]) >= 1
                body = response.json()
                assert body["error"] == "OPENF1_API_UNAVAILABLE"
                assert "deadline of 3 s" in body["message"]
                assert REQUEST_TIMEOUT_S - 0.5 < elapsed < REQUEST_TIMEOUT_S + SLACK_S
        finally:
            fake.reset()


class TestRetryAfter:
    """An open circuit says when it tries again: GraphQL ``extensions.retryAfter``, REST
    ``Retry-After``, both the seconds left before it half-opens."""

    async def test_open_circuit(self, fake: FakeOpenF1, fake_url: str) -> None:
        fake.reset()
        try:
            with serve_in_thread(gateway(fake_url, "absent")) as url:
                fail(fake, "html_500")
                async with httpx.AsyncClient(timeout=120) as http:
                    await ask(http, url)  # three failed tries open the breaker
                    await wait_for_circuit(http, url, "open")
                    body = await ask(http, url)
                    rest = await http.get(f"{url}/api/v1/sessions/{SESSION}/drivers")
                error = body["errors"][0]
                assert error["extensions"]["code"] == "OPENF1_API_UNAVAILABLE"
                assert "circuit is open" in error["message"]
                assert 500 < error["extensions"]["retryAfter"] <= 600  # breaker_reset_s=600
                assert rest.status_code == 503
                assert 500 < int(rest.headers["retry-after"]) <= 600
        finally:
            fake.reset()

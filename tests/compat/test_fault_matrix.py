"""The fault matrix of the REST shim, over real HTTP: every way OpenF1 fails x every state of
the cache, for a legacy route (``GET /api/v1/sessions/{k}/drivers``).

The GraphQL half is ``tests/test_faults.py``; the modes, states and gateway are shared
(``tests/faults.py``). Each case checks the status and the envelope's error code (503 with
``Retry-After`` when nothing is cached, the stale answer marked ``"stale": true``, the fresh one
served without asking OpenF1), that it came within the request deadline (a generous bound, not
a speed), the breaker's state, and that nothing corrupt was cached. Last, a body over
``F1GRAPH_MAX_BODY_BYTES`` is refused with 413 and the coded envelope.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from f1graph.settings import Settings
from f1graph.web import create_app
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

# Each request moves the breaker and the cache: not shadowed (tests/conftest.py).
pytestmark = pytest.mark.no_shadow

ROUTE = f"/api/v1/sessions/{SESSION}/drivers"
RESET = "/api/v1/health/circuit-breaker/reset"


def expected_drivers() -> list[tuple[int, str]]:
    """(number, acronym) of the session's drivers, from the recorded rows."""
    return sorted((d["driver_number"], d["name_acronym"]) for d in raw_rows(SESSION, "drivers"))


def drivers_of(response: httpx.Response) -> list[tuple[int, str]]:
    body = response.json()
    assert body["sessionKey"] == SESSION and body["count"] == len(body["data"]), body
    return sorted((d["driverNumber"], d["nameAcronym"]) for d in body["data"])


@pytest.fixture(scope="module")
def fake() -> FakeOpenF1:
    return make_fake_openf1(DATA_DIR)


@pytest.fixture(scope="module")
def fake_url(fake: FakeOpenF1) -> Iterator[str]:
    with serve_in_thread(fake) as url:
        yield url


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("mode", MODES)
async def test_rest_fault_matrix(fake: FakeOpenF1, fake_url: str, mode: Mode, state: State) -> None:
    """One upstream fault against one cache state, through the legacy route."""
    fake.reset()
    app = gateway(fake_url, state)
    try:
        with serve_in_thread(app) as url:
            async with httpx.AsyncClient(base_url=url, timeout=120) as http:
                if state != "absent":
                    warm = await http.get(ROUTE)
                    assert warm.status_code == 200 and drivers_of(warm) == expected_drivers()
                    if state == "stale":
                        await asyncio.sleep(1.2)
                before = await cached(app)

                fail(fake, mode)
                started = time.monotonic()
                response = await http.get(ROUTE)
                elapsed = time.monotonic() - started
                assert elapsed < REQUEST_TIMEOUT_S + SLACK_S, f"answered after {elapsed:.1f} s"

                body = response.json()
                if state == "absent":
                    assert response.status_code == 503, response.text
                    assert body["statusCode"] == 503 and body["path"] == ROUTE
                    assert body["error"] == "OPENF1_API_UNAVAILABLE"
                    assert int(response.headers["retry-after"]) >= 1
                    await wait_for_circuit(http, url, "open")
                elif state == "stale":
                    assert response.status_code == 200, response.text
                    assert body["stale"] is True and drivers_of(response) == expected_drivers()
                    await wait_for_circuit(http, url, "open")
                else:
                    assert response.status_code == 200 and "stale" not in body
                    assert drivers_of(response) == expected_drivers()
                    assert response.headers["x-cache"] == "HIT"  # served as stored bytes
                    assert sum(fake.counts.values()) == 0  # fresh: OpenF1 not even asked
                    assert await circuit(http, url) == "closed"

                assert await cached(app) == before  # nothing corrupt (nor anything) cached

                fake.reset()  # OpenF1 recovers
                assert (await http.post(RESET)).status_code == 200
                deadline = time.monotonic() + BREAKER_WAIT_S
                while True:
                    after = await http.get(ROUTE)
                    if after.status_code == 200 and "stale" not in after.json():
                        break
                    assert time.monotonic() < deadline, after.text
                    await asyncio.sleep(0.2)
                assert drivers_of(after) == expected_drivers()
    finally:
        fake.reset()  # releases a hanging or trickling answer before the servers stop


class TestBodyLimit:
    """A REST body over F1GRAPH_MAX_BODY_BYTES is refused with 413 and the coded envelope,
    whether its length is declared or it streams in; the route then still answers."""

    @pytest.fixture
    def url(self) -> Iterator[str]:
        with serve_in_thread(create_app(Settings(source=DATA_DIR, max_body_bytes=20_000))) as u:
            yield u

    async def test_declared_and_streamed(self, url: str) -> None:
        async def trickle() -> AsyncIterator[bytes]:
            for _ in range(30):
                yield b"x" * 1_000

        async with httpx.AsyncClient(base_url=url, timeout=120) as http:
            declared = await http.post(RESET, content=b"x" * 30_000)
            streamed = await http.post(RESET, content=trickle())
            fine = await http.post(RESET, content=b"x" * 1_000)
        for refused in (declared, streamed):
            assert refused.status_code == 413, refused.text
            body = refused.json()
            assert body["statusCode"] == 413 and body["error"] == "BAD_REQUEST"
            assert body["path"] == RESET
            assert body["message"] == (
                "The request body is larger than 20,000 bytes; at most 20,000 are allowed "
                "(F1GRAPH_MAX_BODY_BYTES)."
            )
        assert fine.status_code == 200 and fine.json()["data"]["state"] == "closed"

"""Work nobody waits for is cancelled; an OpenF1 fetch already under way still fills the cache."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import httpx
import pytest

from f1graph.settings import Settings
from f1graph.web import create_app, disconnect
from tests.data import DATA_DIR
from tests.fake_openf1 import FakeOpenF1, make_fake_openf1
from tests.servers import serve_in_thread

LAPS = "{ session(sessionKey: 11253) { laps { lapNumber } } }"


@pytest.fixture
def slow_openf1() -> Iterator[tuple[FakeOpenF1, str]]:
    fake = make_fake_openf1(DATA_DIR)
    with serve_in_thread(fake) as url:
        yield fake, url


async def until(condition: object, bound_s: float = 60.0) -> None:
    """Wait for ``condition()`` (a generous bound on a hang)."""
    deadline = time.monotonic() + bound_s
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)


class TestClientGone:
    """A client that leaves mid-query has its request cancelled, GraphQL and REST alike."""

    @pytest.mark.parametrize(
        "ask",
        [
            lambda c: c.post("/graphql", json={"query": LAPS}),
            lambda c: c.get("/api/v1/laps/11253/fastest"),
        ],
        ids=["graphql", "rest"],
    )
    async def test_cancelled_and_the_fetch_still_cached(
        self, slow_openf1: tuple[FakeOpenF1, str], ask: object
    ) -> None:
        fake, fake_url = slow_openf1
        settings = Settings(
            openf1_url=f"{fake_url}/v1", rate_per_second=1000, rate_per_minute=100_000
        )
        fake.delay_s = 1.0
        before = disconnect.cancelled_requests
        with serve_in_thread(create_app(settings)) as url:
            async with httpx.AsyncClient(base_url=url, timeout=0.3) as client:
                with pytest.raises(httpx.ReadTimeout):
                    await ask(client)  # type: ignore[operator]
            await until(lambda: disconnect.cancelled_requests > before)
            # the fetch under way (the session's row, asked first) went on, unwatched
            await until(lambda: fake.counts["sessions"] == 1)
            assert fake.counts["laps"] == 0  # nothing new was started for a client gone
            fake.delay_s = 0.0
            await asyncio.sleep(0.5)  # let it be stored
            async with httpx.AsyncClient(base_url=url, timeout=60) as client:
                again = await ask(client)  # type: ignore[operator]
        assert again.status_code == 200
        assert fake.counts["sessions"] == 1  # kept from the cancelled request's fetch

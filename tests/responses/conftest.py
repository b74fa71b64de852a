"""An f1graph app over real HTTP against the fake OpenF1, for the response front's tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from f1graph.responses import Responses
from f1graph.settings import Settings
from f1graph.web import create_app
from tests.fake_openf1 import FakeOpenF1
from tests.servers import serve_in_thread

RACE = 11253
QUERY = """
query Card($sessionKey: Int!) {
  session(sessionKey: $sessionKey) {
    sessionName
    drivers { nameAcronym }
    fastestLap { driverNumber lapNumber lapDuration }
  }
}
"""


@dataclass
class Served:
    """A running app: its URL, the fake OpenF1 behind it and the app's response front."""

    url: str
    fake: FakeOpenF1
    app: Any

    @property
    def front(self) -> Responses:
        front: Responses = self.app.state.responses
        return front

    async def post(
        self, client: httpx.AsyncClient, query: str = QUERY, **variables: Any
    ) -> httpx.Response:
        body = {"query": query, "variables": variables or {"sessionKey": RACE}}
        return await client.post(f"{self.url}/graphql", json=body)


def settings_for(fake_url: str, **overrides: Any) -> Settings:
    base: dict[str, Any] = {
        "openf1_url": f"{fake_url}/v1",
        "rate_per_second": 1000,
        "rate_per_minute": 100_000,
        "retries": 0,
    }
    return Settings(**(base | overrides))


@pytest.fixture
def served(fake: FakeOpenF1, fake_url: str) -> Iterator[Served]:
    app = create_app(settings_for(fake_url))
    with serve_in_thread(app) as url:
        yield Served(url, fake, app)


@pytest.fixture
async def client() -> Any:
    async with httpx.AsyncClient(timeout=120) as c:
        yield c

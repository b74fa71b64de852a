"""The fault matrix's pieces, shared by its GraphQL (``tests/test_faults.py``) and REST
(``tests/compat/test_fault_matrix.py``) halves: the upstream modes, the cache states, a gateway
with short timeouts over a fake OpenF1, and what the tests read of it (its breaker, its cache).

The gateway runs with short timeouts (a try 0.5 s, a request 3 s, two retries, a breaker of
three failures) so one failing fetch opens the breaker in a few seconds.
"""

from __future__ import annotations

import asyncio
import time
from typing import Literal

import httpx
from starlette.applications import Starlette

from f1graph.cache import keys
from f1graph.settings import Settings
from f1graph.web import create_app
from tests.fake_openf1 import FakeOpenF1

SESSION = 11253
REQUEST_TIMEOUT_S = 3.0
SLACK_S = 15.0  # a generous bound over the deadline: the machine may be busy
BREAKER_WAIT_S = 60.0
KEYS = [keys.dataset_key(SESSION, "sessions"), keys.dataset_key(SESSION, "drivers")]

Mode = Literal["html_500", "rate_exceeded_429", "hang", "garbage", "drop", "slow_body"]
State = Literal["absent", "fresh", "stale"]
MODES: list[Mode] = ["html_500", "rate_exceeded_429", "hang", "garbage", "drop", "slow_body"]
STATES: list[State] = ["absent", "fresh", "stale"]


def gateway(fake_url: str, state: State, read_timeout_s: float = 0.5) -> Starlette:
    return create_app(
        Settings(
            openf1_url=f"{fake_url}/v1",
            rate_per_second=1000,
            rate_per_minute=100_000,
            read_timeout_s=read_timeout_s,
            request_timeout_s=REQUEST_TIMEOUT_S,
            retries=2,
            breaker_failures=3,
            breaker_reset_s=600,
            # stale: every entry is fresh for one second only
            ended_session_ttl_s=1.0 if state == "stale" else 30 * 24 * 3600.0,
        )
    )


def fail(fake: FakeOpenF1, mode: Mode) -> None:
    fake.reset()
    if mode == "html_500":
        fake.fail_next(None)
    elif mode == "rate_exceeded_429":
        fake.rate_limit(None)
    else:
        fake.misbehave(mode)


async def circuit(http: httpx.AsyncClient, url: str) -> str:
    state: str = (await http.get(f"{url}/healthz")).json()["circuit"]
    return state


async def wait_for_circuit(http: httpx.AsyncClient, url: str, state: str) -> None:
    deadline = time.monotonic() + BREAKER_WAIT_S
    while await circuit(http, url) != state:
        assert time.monotonic() < deadline, f"the breaker did not become {state}"
        await asyncio.sleep(0.1)


async def cached(app: Starlette) -> list[bytes | None]:
    cache = app.state.services.cache
    return [None if (e := await cache.get(k)) is None else e.payload for k in KEYS]

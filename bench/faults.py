"""Issue 13/14 figures: with the default timeouts, how long a client waits when OpenF1 hangs,
how soon the breaker opens, and how long a stale answer takes while OpenF1 hangs.

Run: ``.venv/bin/python -m bench.faults`` (about a minute). Serves a fake OpenF1 (recorded
data) told to hang, and f1graph with its default settings (``F1GRAPH_READ_TIMEOUT`` 8 s a try,
``F1GRAPH_REQUEST_TIMEOUT`` 10 s, 4 retries, a breaker of 5 failures), on loopback.
"""

from __future__ import annotations

import asyncio
import time

import httpx

from bench.common import report
from f1graph.settings import Settings
from f1graph.web import create_app
from tests.data import DATA_DIR
from tests.fake_openf1 import FakeOpenF1, make_fake_openf1
from tests.servers import serve_in_thread

QUERY = "{ session(sessionKey: 11253) { drivers { nameAcronym } } }"


async def hang(fake: FakeOpenF1, fake_url: str) -> None:
    settings = Settings(openf1_url=f"{fake_url}/v1", rate_per_second=1000, rate_per_minute=10**5)
    with serve_in_thread(create_app(settings)) as url:
        async with httpx.AsyncClient(timeout=300) as http:
            fake.misbehave("hang")
            started = time.monotonic()
            body = (await http.post(f"{url}/graphql", json={"query": QUERY})).json()
            answered = time.monotonic() - started
            print(
                "cold answer:",
                body["errors"][0]["extensions"]["code"],
                body["errors"][0]["message"],
            )
            report("hanging OpenF1, cold: answer after", answered, "s")
            while (await http.get(f"{url}/healthz")).json()["circuit"] != "open":  # noqa: ASYNC110
                await asyncio.sleep(0.1)  # polling the server over HTTP: no event to wait on
            report("hanging OpenF1: breaker open after", time.monotonic() - started, "s")
        fake.reset()


async def stale(fake: FakeOpenF1, fake_url: str) -> None:
    settings = Settings(
        openf1_url=f"{fake_url}/v1",
        rate_per_second=1000,
        rate_per_minute=10**5,
        ended_session_ttl_s=1.0,
    )
    with serve_in_thread(create_app(settings)) as url:
        async with httpx.AsyncClient(timeout=300) as http:
            await http.post(f"{url}/graphql", json={"query": QUERY})
            await asyncio.sleep(1.2)
            fake.misbehave("hang")
            started = time.monotonic()
            body = (await http.post(f"{url}/graphql", json={"query": QUERY})).json()
            elapsed_ms = (time.monotonic() - started) * 1000
            report("hanging OpenF1, stale entry: answer after", elapsed_ms, "ms")
            print("stale answer marked stale:", body.get("extensions", {}).get("stale"))
        fake.reset()


async def main() -> None:
    fake = make_fake_openf1(DATA_DIR)
    with serve_in_thread(fake) as fake_url:
        try:
            await hang(fake, fake_url)
            await stale(fake, fake_url)
        finally:
            fake.reset()


if __name__ == "__main__":
    asyncio.run(main())

"""What the response cache does not keep or no longer serves: stale answers, answers over its
byte bound, and answers whose data OpenF1 re-ingested (found when the data is refreshed)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from f1graph.web import create_app
from tests.data import raw_rows
from tests.edited import EditedSource, without
from tests.fake_openf1 import FakeOpenF1
from tests.responses.conftest import RACE, Served, settings_for
from tests.servers import serve_in_thread

LAPS = f"{{ session(sessionKey: {RACE}) {{ laps {{ driverNumber lapNumber lapDuration }} }} }}"


FRESH_S = 4.0  # long enough for a miss and a hit on a busy machine, short enough to wait for


@pytest.fixture
def short_lived(fake: FakeOpenF1, fake_url: str) -> Iterator[Served]:
    """An app whose ended sessions' data is fresh for a few seconds only."""
    app = create_app(settings_for(fake_url, ended_session_ttl_s=FRESH_S))
    with serve_in_thread(app) as url:
        yield Served(url, fake, app)


def fastest(rows: list[dict[str, Any]]) -> tuple[int, int]:
    """``(driver, lap)`` of the quickest timed lap among raw OpenF1 lap rows."""
    timed = [r for r in rows if r["lap_duration"] is not None]
    best = min(timed, key=lambda r: r["lap_duration"])
    return best["driver_number"], best["lap_number"]


class TestStale:
    """An answer built from stale data (OpenF1 down past the data's freshness) is not stored."""

    async def test_stale_answers_are_served_but_never_stored(
        self, short_lived: Served, client: httpx.AsyncClient
    ) -> None:
        first = await short_lived.post(client)
        assert first.json()["extensions"]["cache"] == "miss"
        await asyncio.sleep(FRESH_S + 0.2)  # the data (and the answer made from it) is past fresh
        short_lived.fake.fail_next(None, status=503)
        for _ in range(2):
            stale = await short_lived.post(client)
            assert stale.json()["extensions"]["stale"] is True
            assert stale.json()["data"] == first.json()["data"]
            assert stale.headers["x-cache"] == "MISS"
        assert short_lived.front.executions == 3


class TestReingest:
    """OpenF1 re-ingesting a session is seen when its data is refreshed; the stored answer
    made from the old rows is then never served again."""

    async def test_new_rows_upstream_replace_the_stored_answer(
        self, short_lived: Served, client: httpx.AsyncClient
    ) -> None:
        await short_lived.post(client)
        old = await short_lived.post(client)
        assert old.headers["x-cache"] == "HIT"
        laps = raw_rows(RACE, "laps")
        gone = fastest(laps)
        held = old.json()["data"]["session"]["fastestLap"]
        assert (held["driverNumber"], held["lapNumber"]) == gone
        edit = without(lambda r: (r["driver_number"], r["lap_number"]) == gone)
        short_lived.fake.source = EditedSource({(RACE, "laps"): edit})  # the re-ingest
        await asyncio.sleep(FRESH_S + 0.2)
        expected = fastest(edit(laps))
        states = []
        deadline = time.monotonic() + 60
        while True:
            answer = await short_lived.post(client)
            states.append(answer.headers["x-cache"])
            lap = answer.json()["data"]["session"]["fastestLap"]
            if (lap["driverNumber"], lap["lapNumber"]) == expected:
                break
            assert (lap["driverNumber"], lap["lapNumber"]) == gone
            assert time.monotonic() < deadline, states
            await asyncio.sleep(0.1)
        assert "HIT" not in states  # the old answer was never served after its data expired
        assert short_lived.fake.counts["laps"] == 2


class TestByteBound:
    """F1GRAPH_RESPONSE_CACHE_MAX_BYTES bounds the store: a larger answer is served, not kept."""

    async def test_an_answer_over_the_bound_is_not_kept(
        self, fake: FakeOpenF1, fake_url: str, client: httpx.AsyncClient
    ) -> None:
        app = create_app(settings_for(fake_url, response_cache_max_bytes=4096))
        with serve_in_thread(app) as url:
            served = Served(url, fake, app)
            large = [await client.post(f"{url}/graphql", json={"query": LAPS}) for _ in range(2)]
            assert len(large[0].content) > 4096
            assert [a.headers["x-cache"] for a in large] == ["MISS", "MISS"]
            small = [await served.post(client) for _ in range(2)]
            assert len(small[0].content) < 4096
            assert [a.headers["x-cache"] for a in small] == ["MISS", "HIT"]
            assert served.front.executions == 3

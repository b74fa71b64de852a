"""The session view and its one memo rule: session-wide analyses once per dataset version,
shared by every request; datasets once per request; nothing memoised that takes an argument."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from f1graph.analysis import race_control
from f1graph.data import Analysis, analyses
from f1graph.openf1 import RACE_CONTROL
from f1graph.runtime import Context, Services, build_services
from f1graph.settings import Settings
from tests.data import raw_rows
from tests.test_datasets import RACE, CountingSource

pytestmark = pytest.mark.usefixtures("data_dir")


@pytest.fixture
async def source() -> CountingSource:
    return CountingSource()


@pytest.fixture
async def services(source: CountingSource) -> AsyncIterator[Services]:
    s = build_services(Settings(), source)  # type: ignore[arg-type]
    yield s
    await s.aclose()


def counting(calls: list[int]) -> Analysis[int]:
    """An analysis that counts its computations: the number of race-control messages."""

    def compute(inputs: object) -> int:
        calls.append(1)
        return len(inputs.rows(RACE_CONTROL))  # type: ignore[attr-defined]

    return Analysis("counting", compute, reads=(RACE_CONTROL,))


class TestOncePerDatasetVersion:
    """A session-wide analysis is computed once and shared until its datasets are refreshed."""

    async def test_two_requests_share_one_computation(self, services: Services) -> None:
        calls: list[int] = []
        analysis = counting(calls)
        first = await Context(services).session(RACE).get(analysis)
        second = await Context(services).session(RACE).get(analysis)
        assert first == second == len(raw_rows(RACE, "race_control"))
        assert calls == [1]

    async def test_flags_incidents_and_strategies_are_shared(self, services: Services) -> None:
        for analysis in (analyses.FLAGS, analyses.INCIDENTS, analyses.TYRE_STRATEGIES):
            one = await Context(services).session(RACE).get(analysis)
            other = await Context(services).session(RACE).get(analysis)
            assert one is other

    async def test_a_refreshed_dataset_recomputes(self, services: Services) -> None:
        calls: list[int] = []
        analysis = counting(calls)
        await Context(services).session(RACE).get(analysis)
        assert await services.datasets.drop_session(RACE) > 0
        await Context(services).session(RACE).get(analysis)
        assert calls == [1, 1]

    async def test_analyses_built_on_analyses_read_the_same_memo(self, services: Services) -> None:
        view = Context(services).session(RACE)
        periods = await view.get(analyses.SAFETY_CAR_PERIODS)
        timeline = await view.get(analyses.TIMELINE)
        deployed = race_control.TimelineKind.SAFETY_CAR_DEPLOYED
        assert [e.date for e in timeline if e.kind is deployed] == [p.deployed for p in periods]
        assert await Context(services).session(RACE).get(analyses.SAFETY_CAR_PERIODS) is periods


class TestOncePerRequest:
    """A request loads each dataset once; a warm analysis is ready without awaiting."""

    async def test_concurrent_reads_share_one_load(
        self, services: Services, source: CountingSource
    ) -> None:
        view = Context(services).session(RACE)
        await asyncio.gather(*(view.get(analyses.LAP_FACTS) for _ in range(50)))
        assert source.fetches("laps") == [(RACE,)]
        assert source.fetches("stints") == [(RACE,)]

    async def test_ready_at_once_only_when_warm(self, services: Services) -> None:
        assert Context(services).session(RACE).ready(analyses.LAP_FACTS) is None
        facts = await Context(services).session(RACE).get(analyses.LAP_FACTS)
        found = Context(services).session(RACE).ready(analyses.LAP_FACTS)
        assert found is not None and found[0] is facts
        assert len(facts.by_lap) == len(raw_rows(RACE, "laps"))

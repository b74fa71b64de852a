"""A long execution gives the event loop back: other requests answer while it runs.

The slice of work between two yields (``run.SLICE_S``, 4 ms) is set to 0 here, so a plan yields
at every look at the clock (every ``CHECK_EVERY`` list items) and the order of events does not
depend on the machine's speed.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import strawberry
from aiodataloader import DataLoader

from f1graph.execution import PlanExecutionContext, run
from f1graph.runtime import Context, build_services
from f1graph.settings import Settings
from tests.data import DATA_DIR
from tests.execution.shadow import Shadow

DESIGN_CARD = """query Card($k: Int!) { session(sessionKey: $k) { sessionKey drivers {
  driverNumber nameAcronym
  laps { lapNumber lapDuration durationSector1 isPitOutLap segments { sector index code status } }
  stints { stintNumber compound lapStart lapEnd tyreAgeAtStart } } } }"""


@strawberry.type
class Item:
    number: int

    @strawberry.field
    def double(self) -> int:
        return self.number * 2

    @strawberry.field
    async def loaded(self, info: strawberry.Info[dict[str, Any], None]) -> int:
        value: int = await info.context["loader"].load(self.number)
        return value


@strawberry.type
class Query:
    @strawberry.field
    def items(self, count: int) -> list[Item]:
        return [Item(number=n) for n in range(count)]


schema = strawberry.Schema(query=Query, execution_context_class=PlanExecutionContext)


@pytest.fixture(autouse=True)
def no_slice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run, "SLICE_S", 0.0)


async def ticking(work: Any) -> tuple[Any, int]:
    """``work``'s result and how many turns another task had while it ran."""
    ticks = 0
    done = False

    async def tick() -> None:
        nonlocal ticks
        while not done:
            ticks += 1
            await asyncio.sleep(0)

    ticker = asyncio.create_task(tick())
    await asyncio.sleep(0)
    ticks = 0
    try:
        result = await work
    finally:
        done = True
        await ticker
    return result, ticks


class TestLoop:
    async def test_a_small_query_answers_while_a_large_one_runs(self, shadow: Shadow) -> None:
        finished: list[str] = []

        async def query(name: str, count: int) -> Any:
            result = await schema.execute(
                f"query {name} {{ items(count: {count}) {{ number double }} }}"
            )
            finished.append(name)
            return result

        large = asyncio.create_task(query("Large", 5000))
        await asyncio.sleep(0)  # the large one has started
        small = await query("Small", 2)
        assert small.data == {"items": [{"number": 0, "double": 0}, {"number": 1, "double": 2}]}
        assert finished == ["Small"]
        result = await large
        assert result.errors is None
        assert result.data["items"][4999] == {"number": 4999, "double": 9998}
        assert finished == ["Small", "Large"]
        assert sorted(shadow.compared) == ["Large", "Small"]

    async def test_a_level_cut_by_yields_is_one_batch(self, shadow: Shadow) -> None:
        batches: list[list[int]] = []

        async def load(keys: list[int]) -> list[int]:
            batches.append(list(keys))
            return [-k for k in keys]

        result, ticks = await ticking(
            schema.execute(
                "query Level { items(count: 200) { double loaded } }",
                context_value={"loader": DataLoader(load)},
            )
        )
        assert result.errors is None
        assert result.data["items"][199] == {"double": 398, "loaded": -199}
        assert batches[0] == list(range(200))  # the plan's, whatever its yields
        assert ticks >= 200 // run.CHECK_EVERY
        assert shadow.compared == ["Level"]

    async def test_the_design_card_query_yields(self, shadow: Shadow) -> None:
        from f1graph.schema import schema as graph

        services = build_services(Settings(source=DATA_DIR))
        try:
            variables = {"k": 11253}
            warm = await graph.execute(
                DESIGN_CARD, variable_values=variables, context_value=Context(services)
            )
            assert warm.errors is None
            result, ticks = await ticking(
                graph.execute(
                    DESIGN_CARD, variable_values=variables, context_value=Context(services)
                )
            )
        finally:
            await services.aclose()
        assert result.errors is None
        drivers = result.data["session"]["drivers"]
        assert len(drivers) == 22
        assert sum(len(d["laps"]) for d in drivers) > 1000
        assert ticks >= 20  # a turn at least every 16 laps of the race
        assert shadow.compared == ["Card", "Card"]

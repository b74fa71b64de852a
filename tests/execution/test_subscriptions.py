"""A subscription's events run as compiled plans (its source stream the standard way).

Each query runs with shadowing on (``tests/conftest.py``): every event the plan answered was
answered the same by graphql-core's standard executor.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import strawberry

from f1graph.execution import PlanExecutionContext
from tests.execution.shadow import Shadow


@strawberry.type
class Car:
    number: int
    tyre: str | None


@strawberry.type
class Event:
    tick: int
    cars: list[Car]

    @strawberry.field
    def leader(self) -> Car | None:
        return self.cars[0] if self.cars else None

    @strawberry.field
    def broken(self) -> int | None:
        raise ValueError(f"tick {self.tick} broke")


@strawberry.type
class Query:
    ping: int = 1


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def ticks(self, count: int) -> AsyncGenerator[Event, None]:
        for tick in range(count):
            yield Event(tick=tick, cars=[Car(number=n, tyre="SOFT" if n else None) for n in (4, 1)])

    @strawberry.subscription
    async def bare(self) -> AsyncGenerator[int, None]:  # a resolver of ``self`` alone
        for value in (7, 8):
            yield value


schema = strawberry.Schema(
    query=Query, subscription=Subscription, execution_context_class=PlanExecutionContext
)


async def events(query: str, variables: dict[str, Any] | None = None) -> list[Any]:
    stream = await schema.subscribe(query, variable_values=variables)
    assert not hasattr(stream, "errors"), stream
    return [result async for result in stream]


class TestSubscriptionEvents:
    async def test_each_event_runs_the_plan(self, shadow: Shadow) -> None:
        results = await events(
            "subscription Ticks($n: Int!) { ticks(count: $n) { tick cars { number tyre } "
            "first: leader { number } broken __typename } }",
            {"n": 3},
        )
        assert [r.data for r in results] == [
            {
                "ticks": {
                    "tick": tick,
                    "cars": [{"number": 4, "tyre": "SOFT"}, {"number": 1, "tyre": "SOFT"}],
                    "first": {"number": 4},
                    "broken": None,
                    "__typename": "Event",
                }
            }
            for tick in range(3)
        ]
        assert [[(e.message, e.path) for e in r.errors] for r in results] == [
            [(f"tick {tick} broke", ["ticks", "broken"])] for tick in range(3)
        ]
        assert shadow.compared == ["Ticks"] * 3  # planned, and the standard executor agreed

    async def test_a_root_field_without_arguments_answers_its_events(self, shadow: Shadow) -> None:
        results = await events("subscription Bare { bare }")
        assert [r.data for r in results] == [{"bare": 7}, {"bare": 8}]
        assert shadow.compared == ["Bare", "Bare"]

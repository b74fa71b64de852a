"""The plans keep the spec's semantics, on a small schema built to break them.

Each query runs with shadowing on (``tests/conftest.py``), so besides the values asserted here,
graphql-core's standard executor answered every one of them the same (data and errors).
"""

from __future__ import annotations

from typing import Any

import pytest
import strawberry
from aiodataloader import DataLoader
from strawberry.types import Info

from f1graph.execution import PlanExecutionContext
from tests.execution.shadow import Shadow


@strawberry.type
class Item:
    number: int
    label: str | None
    ratio: float

    @strawberry.field
    def must(self) -> int:
        return None  # type: ignore[return-value]  # a null in a non-null position

    @strawberry.field
    def fails(self) -> str | None:
        raise ValueError(f"item {self.number} fails")

    @strawberry.field
    async def twice(self, info: Info[dict[str, Any], None]) -> int:
        loaded: int = await info.context["loader"].load(self.number)
        return loaded


@strawberry.type
class Query:
    @strawberry.field
    def items(self, count: int = 3) -> list[Item]:
        return [Item(number=n, label=None if n % 2 else f"#{n}", ratio=n) for n in range(count)]

    @strawberry.field
    def strict_items(self) -> list[Item | None]:
        return [Item(number=1, label="a", ratio=0.5), None]

    @strawberry.field
    def fail_loud(self) -> int:
        raise ValueError("root fails")


schema = strawberry.Schema(query=Query, execution_context_class=PlanExecutionContext)


@pytest.fixture
def batches() -> list[list[int]]:
    return []


async def run(query: str, batches: list[list[int]], variables: dict[str, Any] | None = None) -> Any:
    async def load(keys: list[int]) -> list[int]:
        batches.append(list(keys))
        return [k * 2 for k in keys]

    return await schema.execute(
        query, variable_values=variables, context_value={"loader": DataLoader(load)}
    )


class TestValues:
    """Leaves, aliases, fragments and directives answer as written."""

    async def test_aliases_fragments_and_typename_in_order(
        self, batches: list[list[int]], shadow: Shadow
    ) -> None:
        result = await run(
            "query Q($no: Boolean!) { items(count: 2) { n: number ...F __typename "
            "label @skip(if: $no) ... on Item { ratio } } } "
            "fragment F on Item { number label }",
            batches,
            {"no": True},
        )
        assert result.errors is None
        assert result.data == {
            "items": [
                {"n": 0, "number": 0, "label": "#0", "__typename": "Item", "ratio": 0.0},
                {"n": 1, "number": 1, "label": None, "__typename": "Item", "ratio": 1.0},
            ]
        }
        assert list(result.data["items"][0]) == ["n", "number", "label", "__typename", "ratio"]
        assert shadow.compared == ["Q"]

    async def test_loader_sees_a_whole_level_in_one_batch(self, batches: list[list[int]]) -> None:
        result = await run("{ items(count: 5) { twice } }", batches)
        assert [i["twice"] for i in result.data["items"]] == [0, 2, 4, 6, 8]
        assert batches == [[0, 1, 2, 3, 4]]


class TestErrors:
    """Errors carry path and locations; nulls go to the nearest nullable parent."""

    async def test_nullable_field_error_nulls_the_field(self, batches: list[list[int]]) -> None:
        result = await run("{ items(count: 2) { number fails } }", batches)
        assert result.data == {
            "items": [{"number": 0, "fails": None}, {"number": 1, "fails": None}]
        }
        assert [(e.message, e.path) for e in result.errors] == [
            ("item 0 fails", ["items", 0, "fails"]),
            ("item 1 fails", ["items", 1, "fails"]),
        ]
        assert result.errors[0].locations[0].column == 28

    async def test_null_in_non_null_field_nulls_the_whole_list(
        self, batches: list[list[int]]
    ) -> None:
        result = await run("{ items(count: 2) { number must } }", batches)
        assert result.data is None  # Item! inside [Item!]! up to the nullable root... none
        assert result.errors[0].message == "Cannot return null for non-nullable field Item.must."
        assert result.errors[0].path == ["items", 0, "must"]

    async def test_null_in_non_null_field_stops_at_a_nullable_item(
        self, batches: list[list[int]]
    ) -> None:
        result = await run("{ strictItems { number must } }", batches)
        assert result.data == {"strictItems": [None, None]}
        assert [e.path for e in result.errors] == [["strictItems", 0, "must"]]

    async def test_non_null_root_failure_nulls_data(self, batches: list[list[int]]) -> None:
        result = await run("{ items(count: 1) { number } failLoud }", batches)
        assert result.data is None
        assert [(e.message, e.path) for e in result.errors] == [("root fails", ["failLoud"])]

    async def test_async_error_after_a_sync_null_is_dropped(self, batches: list[list[int]]) -> None:
        result = await run("{ strictItems { twice must } }", batches)
        assert result.data == {"strictItems": [None, None]}
        assert [e.path for e in result.errors] == [["strictItems", 0, "must"]]


class TestFallback:
    """What plans leave to graphql-core still answers (introspection here)."""

    async def test_introspection_runs_on_the_standard_executor(
        self, batches: list[list[int]], shadow: Shadow
    ) -> None:
        result = await run("{ __schema { queryType { name } } }", batches)
        assert result.data == {"__schema": {"queryType": {"name": "Query"}}}
        assert shadow.compared == []

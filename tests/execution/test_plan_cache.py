"""One plan per document, variables and schema; arguments coerced when the plan is compiled."""

from __future__ import annotations

import asyncio
from typing import Any, NewType

import pytest
import strawberry
from graphql import execute, parse
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig

from f1graph.execution import PLANS, PlanExecutionContext
from tests.execution.shadow import Shadow

PARSED: list[object] = []


def _parse_tag(value: str) -> str:
    PARSED.append(value)
    return value.upper()


Tag = NewType("Tag", str)
TAG = strawberry.scalar(name="Tag", serialize=str, parse_value=_parse_tag)


@strawberry.type
class Item:
    number: int
    label: str


@strawberry.type
class Query:
    @strawberry.field
    def items(self, count: int) -> list[Item]:
        return [Item(number=n, label=f"#{n}") for n in range(count)]

    @strawberry.field
    def tagged(self, tag: Tag) -> str:
        return f"<{tag}>"


schema = strawberry.Schema(
    query=Query,
    execution_context_class=PlanExecutionContext,
    config=StrawberryConfig(scalar_map={Tag: TAG}),
    extensions=[lambda: ParserCache(maxsize=16), lambda: ValidationCache(maxsize=16)],
)


def run(query: str, variables: dict[str, Any] | None = None) -> Any:
    result = asyncio.run(schema.execute(query, variable_values=variables))
    assert result.errors is None, result.errors
    return result.data


def plans_of(graphql_schema: object) -> list[object]:
    return [plan for owner, _, plan in PLANS.entries.values() if owner is graphql_schema]


class TestPlanCache:
    """The same document with the same variables runs the plan compiled the first time."""

    def test_one_plan_per_document_and_variables(self, shadow: Shadow) -> None:
        query = (
            "query Q($n: Int!, $b: Boolean!) { items(count: $n) { number label @include(if: $b) } }"
        )
        before = len(plans_of(schema._schema))
        assert run(query, {"n": 2, "b": True}) == {
            "items": [{"number": 0, "label": "#0"}, {"number": 1, "label": "#1"}]
        }
        assert run(query, {"n": 2, "b": True})["items"][1] == {"number": 1, "label": "#1"}
        assert len(plans_of(schema._schema)) == before + 1
        # other variables: another plan, with @include and the argument applied anew
        assert run(query, {"n": 1, "b": False}) == {"items": [{"number": 0}]}
        assert len(plans_of(schema._schema)) == before + 2
        assert shadow.compared == ["Q", "Q", "Q"]

    def test_plans_of_other_variables_share_their_generated_code(self) -> None:
        query = "query R($n: Int!) { items(count: $n) { number label } }"
        assert run(query, {"n": 1}) == {"items": [{"number": 0, "label": "#0"}]}
        assert len(run(query, {"n": 3})["items"]) == 3
        plans = [
            plan
            for owner, operation, plan in PLANS.entries.values()
            if owner is schema._schema
            and getattr(getattr(operation, "name", None), "value", "") == "R"
        ]
        assert len(plans) == 2
        rows = [plan.fields[0].completion.inner.items_row for plan in plans]  # type: ignore[union-attr]
        assert rows[0] is not None and rows[0] is rows[1]

    @pytest.mark.no_shadow  # the standard twin would coerce the argument again
    def test_arguments_are_coerced_once_per_plan(self) -> None:
        query = '{ tagged(tag: "soft") }'
        assert run(query) == {"tagged": "<SOFT>"}  # parsed, validated, planned
        PARSED.clear()
        assert run(query) == {"tagged": "<SOFT>"}
        assert run(query) == {"tagged": "<SOFT>"}
        assert PARSED == []  # the standard executor coerces it on every execution

    def test_the_same_document_on_two_schemas(self) -> None:
        @strawberry.type
        class Other:
            @strawberry.field
            def items(self, count: int) -> list[Item]:
                return [Item(number=100 + n, label="other") for n in range(count)]

        other = strawberry.Schema(query=Other, execution_context_class=PlanExecutionContext)
        document = parse("{ items(count: 1) { number label } }")  # one parsed document, shared
        first = execute(schema._schema, document, executor_class=PlanExecutionContext)
        second = execute(other._schema, document, executor_class=PlanExecutionContext)
        assert first.data == {"items": [{"number": 0, "label": "#0"}]}  # type: ignore[union-attr]
        assert second.data == {"items": [{"number": 100, "label": "other"}]}  # type: ignore[union-attr]
        assert len(plans_of(other._schema)) == 1

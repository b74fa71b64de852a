"""Generated queries over the real schema answer the same through plans and graphql-core.

Each query runs with shadowing on (``tests/conftest.py``): the plan answers, the standard
executor answers the same operation on a twin executor, and data and errors must be equal.
``make test`` runs a few dozen; ``make fuzz`` runs 2,000 (``F1GRAPH_FUZZ_EXAMPLES``).
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from hypothesis import HealthCheck, assume, given, settings

from f1graph.runtime import Context, build_services
from f1graph.schema import schema
from f1graph.settings import Settings
from tests.data import DATA_DIR
from tests.execution.generate import queries
from tests.execution.shadow import shadowing

EXAMPLES = int(os.environ.get("F1GRAPH_FUZZ_EXAMPLES", "40"))
SERVICES: list[Any] = []


def _services() -> Any:
    """One set of services (cache warm after the first query) for every example."""
    if not SERVICES:
        SERVICES.append(build_services(Settings(source=DATA_DIR)))
    return SERVICES[0]


async def _run(query: str, variables: dict[str, Any]) -> Any:
    return await schema.execute(
        query, variable_values=variables, context_value=Context(_services())
    )


class TestGeneratedQueries:
    """Random selections, aliases, fragments, directives and unknown keys agree."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=EXAMPLES <= 100,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
    )
    @given(case=queries(schema._schema))
    def test_plan_answers_as_graphql_core(self, case: tuple[str, dict[str, Any]]) -> None:
        query, variables = case
        with shadowing() as shadow:
            result = asyncio.run(_run(query, variables))
        if not shadow.compared:  # a rare invalid draw: one response name, two argument sets
            assert result.errors and all(
                e.extensions and e.extensions["code"] == "BAD_REQUEST" for e in result.errors
            )
            assume(False)
        assert shadow.compared == ["Generated"], (query, result.errors)
        assert not shadow.differences, "\n".join(shadow.differences)
        assert result.data is not None or result.errors

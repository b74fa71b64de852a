"""Every stored REST operation answers the same through plans and graphql-core.

The shim's route tests run them over HTTP with shadowing on, but an answer served from the
response cache is not executed; here each stored query runs in process, with the variables of
its route's case (``tests/compat/cases.py``), and must have been compared. Mutations are not
planned: they run on the standard executor alone.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from f1graph.compat import ROUTES, LegacyRoute
from f1graph.compat.operations import operations
from f1graph.runtime import Context, Services, build_services
from f1graph.schema import schema
from f1graph.settings import Settings
from tests.compat.cases import CASES
from tests.data import DATA_DIR
from tests.execution.shadow import Shadow

STORED = operations()
QUERIES = sorted(
    name for name, op in STORED.items() if op.document.lstrip().startswith(("query", "fragment"))
)


def cases_of(name: str) -> list[tuple[LegacyRoute, dict[str, str], dict[str, str]]]:
    found = []
    for case in CASES:
        route = next(r for r in ROUTES if (r.method, r.path) == (case.method, case.route))
        if route.operation == name:
            found.append((route, {k: str(v) for k, v in case.path.items()}, case.query))
    return found


@pytest.fixture
async def services() -> AsyncIterator[Services]:
    made = build_services(Settings(source=DATA_DIR))
    try:
        yield made
    finally:
        await made.aclose()


def test_every_stored_query_is_covered() -> None:
    assert len(QUERIES) >= 35
    assert [name for name in QUERIES if not cases_of(name)] == []


@pytest.mark.parametrize("name", QUERIES)
async def test_stored_query(name: str, services: Services, shadow: Shadow) -> None:
    op = STORED[name]
    runs = 0
    for route, path, query in cases_of(name):
        variables, _ = route.arguments(path, query)
        result = await schema.execute(
            op.document,
            variable_values=variables,
            operation_name=op.name,
            context_value=Context(services),
        )
        assert result.errors is None, result.errors
        runs += 1
    assert shadow.compared == [op.name] * runs  # planned, and graphql-core agreed

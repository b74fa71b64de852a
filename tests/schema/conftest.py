"""In-process execution of the schema over the recorded OpenF1 data, with upstream calls logged."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from strawberry.types import ExecutionResult

from f1graph.openf1.filters import Filters
from f1graph.openf1.recorded import RecordedSource
from f1graph.runtime import Context, Services, build_services
from f1graph.schema import schema
from f1graph.settings import Settings
from tests.data import DATA_DIR

Execute = Callable[..., Awaitable[ExecutionResult]]
Answer = Callable[..., Awaitable[dict[str, Any]]]


class CountingSource:
    """The recorded source, logging the endpoint and filters of every fetch it answers."""

    def __init__(self, inner: RecordedSource) -> None:
        self.inner = inner
        self.calls: list[tuple[str, Filters]] = []

    async def fetch(self, endpoint: str, filters: Filters) -> bytes:
        self.calls.append((endpoint, filters))
        return await self.inner.fetch(endpoint, filters)

    async def aclose(self) -> None:
        await self.inner.aclose()

    def session_keys(self, endpoint: str) -> list[list[int]]:
        """The ``session_key`` values of each call to ``endpoint``, call by call."""
        return [
            sorted(int(f.value) for f in filters if f.field == "session_key")
            for name, filters in self.calls
            if name == endpoint
        ]

    def endpoints(self) -> list[str]:
        return [name for name, _ in self.calls]

    def per_session_calls(self) -> list[tuple[str, list[int]]]:
        """Each call selected by ``session_key`` alone, with its keys."""
        return [
            (name, sorted(int(f.value) for f in filters))
            for name, filters in self.calls
            if filters and all(f.field == "session_key" and f.op == "=" for f in filters)
        ]


async def answer_once(query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """The data of a query run on services of its own (for fixtures wider than a test)."""
    services = build_services(Settings(source=DATA_DIR))
    try:
        result = await schema.execute(
            query, variable_values=variables, context_value=Context(services)
        )
    finally:
        await services.aclose()
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


@pytest.fixture
def source() -> CountingSource:
    return CountingSource(RecordedSource(DATA_DIR))


@pytest.fixture
async def services(source: CountingSource) -> AsyncIterator[Services]:
    """Fresh services (empty cache) over the recorded data, closed after the test."""
    built = build_services(Settings(source=DATA_DIR), source=source)
    yield built
    await built.aclose()


@pytest.fixture
def execute(services: Services) -> Execute:
    """Run one query in-process with a fresh request context (its own loaders)."""

    async def run(query: str, variables: dict[str, Any] | None = None) -> ExecutionResult:
        return await schema.execute(
            query, variable_values=variables, context_value=Context(services)
        )

    return run


@pytest.fixture
def answer(execute: Execute) -> Answer:
    """The data of a query that must answer without errors."""

    async def run(query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        result = await execute(query, variables)
        assert result.errors is None, result.errors
        assert result.data is not None
        return result.data

    return run

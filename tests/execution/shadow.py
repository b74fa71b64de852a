"""Shadow mode: every planned operation also runs on graphql-core's standard executor.

While shadowing, :class:`PlanExecutionContext` runs the plan, then the same operation on a twin
executor (same schema, document, variables, context; fresh errors) the standard way, and
records any difference in data (compared as the JSON they encode to) or errors (message, path,
locations, extensions). Loaders are per request, so the twin reads what the plan loaded and no
upstream call is added.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson
from graphql import ExecutionResult, GraphQLError
from graphql.execution.executor import CollectedErrors, Executor

from f1graph.execution import PlanExecutionContext
from f1graph.schema.scalars import JSON_OPTIONS


def _errors(errors: list[GraphQLError] | None) -> list[bytes]:
    """Errors comparable across executors: spec order is not defined, so sorted."""
    return sorted(orjson.dumps(e.formatted, option=JSON_OPTIONS) for e in errors or [])


# Values that change between two runs of the same query (clocks, counters of the run itself)
VOLATILE = frozenset(
    {"uptimeS", "hits", "misses", "entries", "bytes", "requests", "successes", "failures"}
)


def _steady(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: None if k in VOLATILE else _steady(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_steady(v) for v in data]
    return data


def _data(data: Any) -> bytes:
    return orjson.dumps(_steady(data), option=JSON_OPTIONS)


class Shadow:
    """The comparisons made and the differences found, across threads (servers run in one)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.compared: list[str] = []
        self.differences: list[str] = []

    def compare(self, executor: Executor[Any], planned: Any, standard: Any) -> None:
        name = executor.operation.name.value if executor.operation.name else "<anonymous>"
        problems = []
        if not isinstance(planned, ExecutionResult) or not isinstance(standard, ExecutionResult):
            problems.append(f"results of different kinds: {planned!r} / {standard!r}")
        else:
            if _data(planned.data) != _data(standard.data):
                problems.append(
                    f"data differ:\n plan     {_data(planned.data)[:600]!r}\n"
                    f" standard {_data(standard.data)[:600]!r}"
                )
            if _errors(planned.errors) != _errors(standard.errors):
                problems.append(
                    f"errors differ:\n plan     {_errors(planned.errors)}\n"
                    f" standard {_errors(standard.errors)}"
                )
        with self.lock:
            self.compared.append(name)
            if problems:
                body = executor.operation.loc.source.body if executor.operation.loc else ""
                self.differences.append(f"operation {name}: {body[:300]}\n" + "\n".join(problems))


def _twin(executor: PlanExecutionContext) -> PlanExecutionContext:
    twin = copy.copy(executor)
    twin.collected_errors = CollectedErrors()
    twin._relevant_sub_fields = {}
    return twin


@contextmanager
def shadowing() -> Iterator[Shadow]:
    """Compare every planned operation with the standard executor while the block runs."""
    shadow = Shadow()
    planned_run = PlanExecutionContext.execute_operation

    def execute_operation(self: PlanExecutionContext, serially: bool | None = None) -> Any:
        if self.planned(serially) is None:
            return planned_run(self, serially)
        twin = _twin(self)
        planned = planned_run(self, serially)
        if self.is_awaitable(planned):

            async def both() -> Any:
                result = await planned
                standard = Executor.execute_operation(twin, serially)
                if twin.is_awaitable(standard):
                    standard = await standard
                shadow.compare(self, result, standard)
                return result

            return both()
        standard = Executor.execute_operation(twin, serially)
        if twin.is_awaitable(standard):

            async def later() -> Any:
                shadow.compare(self, planned, await standard)
                return planned

            return later()
        shadow.compare(self, planned, standard)
        return planned

    PlanExecutionContext.execute_operation = execute_operation  # type: ignore[method-assign]
    try:
        yield shadow
    finally:
        PlanExecutionContext.execute_operation = planned_run  # type: ignore[method-assign]

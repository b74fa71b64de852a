"""The execution context Strawberry runs every operation with: a plan where one applies.

:class:`PlanExecutionContext` is a graphql-core ``Executor`` (Strawberry's, so resolvers get
Strawberry's ``Info``): queries, and each event of a subscription, run as compiled plans;
mutations, a subscription's source stream, introspection,
``@defer``, abstract types, middleware-less edge cases it does not know fall back to the
standard ``execute_operation`` of the same executor, per operation, silently. Setting
``F1GRAPH_EXECUTOR=standard`` in the environment (read when the class is created) sends every
operation to the standard executor, for comparisons.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from typing import Any

from graphql import ExecutionResult, OperationType
from graphql.execution import ExperimentalIncrementalExecutionResults
from graphql.pyutils import AwaitableOrValue
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from f1graph.execution.plan import ObjectPlan, PlanBuilder, Unsupported
from f1graph.execution.run import Run

PLAN_CACHE_SIZE = 512

Outcome = ExecutionResult | ExperimentalIncrementalExecutionResults


PlanKey = tuple[int, int, str, bool]
Entry = tuple[object, object, ObjectPlan | None]


class PlanCache:
    """Plans by (schema, operation, variables, middleware): LRU, holding the schema and the
    operation node alive so neither id is reused while the entry exists (the parsed document
    is cached by its text, process-wide, whatever schema runs it)."""

    def __init__(self, size: int = PLAN_CACHE_SIZE) -> None:
        self.size = size
        self.entries: OrderedDict[PlanKey, Entry] = OrderedDict()

    def get(self, key: PlanKey, schema: object, operation: object) -> Entry | None:
        found = self.entries.get(key)
        if found is None or found[0] is not schema or found[1] is not operation:
            return None
        self.entries.move_to_end(key)
        return found

    def put(self, key: PlanKey, schema: object, operation: object, plan: ObjectPlan | None) -> None:
        self.entries[key] = (schema, operation, plan)
        if len(self.entries) > self.size:
            self.entries.popitem(last=False)


PLANS = PlanCache()


def variables_key(coerced: dict[str, Any]) -> str:
    """The variables as one string: equal for equal coerced values."""
    return repr(sorted(coerced.items()))


class PlanExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Runs queries as compiled plans, everything else the standard way."""

    use_plans = os.environ.get("F1GRAPH_EXECUTOR", "plan") != "standard"

    def plan(self) -> ObjectPlan | None:
        """The operation's plan (compiled once per document and variables), or None."""
        if (
            not self.use_plans
            or not self.error_propagation
            or self.abort_signal is not None
            or self.hooks is not None
        ):
            return None
        middleware = self.middleware_manager
        plain = not (middleware and middleware.middlewares)
        coerced = self.variable_values.coerced
        key = (
            id(self.schema),
            id(self.operation),
            variables_key(coerced) if coerced else "",
            plain,
        )
        found = PLANS.get(key, self.schema, self.operation)
        if found is not None:
            return found[2]
        try:
            plan: ObjectPlan | None = PlanBuilder(
                self.schema,
                self.fragments,
                self.variable_values,
                self.operation,
                self.hide_suggestions,
                plain,
            ).build()
        except Unsupported:
            plan = None
        except RecursionError:
            plan = None  # the standard executor reports the depth
        PLANS.put(key, self.schema, self.operation, plan)
        return plan

    def planned(self, serially: bool | None) -> ObjectPlan | None:
        """The plan to run the operation with, or None for the standard executor: a query
        (``serially`` None), or one event of a subscription (``serially`` False)."""
        if serially is None or (
            serially is False and self.operation.operation == OperationType.SUBSCRIPTION
        ):
            return self.plan()
        return None

    def execute_operation(self, serially: bool | None = None) -> AwaitableOrValue[Outcome]:
        plan = self.planned(serially)
        if plan is None:
            return super().execute_operation(serially)
        data = Run(self, plan).execute()
        if self.is_awaitable(data):

            async def await_result() -> Outcome:
                return self.build_response(await data)

            return await_result()
        return self.build_response(data)  # type: ignore[arg-type]

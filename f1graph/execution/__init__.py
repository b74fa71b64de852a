"""Compiled execution plans: the graph executed in tight loops instead of field by field.

Modules: ``leaves`` (leaf serializers picked ahead of time, generated row builders), ``plan``
(an operation's selection sets collected once into a plan), ``run`` (a plan executed over the
resolved objects, loaders awaited level by level, the event loop given back every few
milliseconds), ``executor`` (the graphql-core execution context Strawberry is given: plans for
queries, the standard executor for everything else). Depends on graphql-core and Strawberry
only, never on the schema it runs.
"""

from __future__ import annotations

from f1graph.execution.executor import PLANS, PlanExecutionContext

__all__ = ["PLANS", "PlanExecutionContext"]

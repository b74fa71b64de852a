"""Compiled execution plans: the graph executed in tight loops instead of field by field.

Modules: ``leaves`` (leaf serializers picked ahead of time, generated row builders), ``plan``
(an operation's selection sets collected once into a plan), ``memo`` (completed lists of
immutable records reused), ``run`` (a plan executed over the
resolved objects, loaders awaited level by level, the event loop given back every few
milliseconds), ``executor`` (the graphql-core execution context Strawberry is given: plans for
queries, the standard executor for everything else), ``collector`` (the garbage collector's
full collections kept off the hot path). Depends on graphql-core and Strawberry
only, never on the schema it runs.
"""

from __future__ import annotations

from f1graph.execution.collector import settle, settle_every
from f1graph.execution.executor import PLANS, PlanExecutionContext
from f1graph.execution.memo import ROWS, immutable

__all__ = ["PLANS", "ROWS", "PlanExecutionContext", "immutable", "settle", "settle_every"]

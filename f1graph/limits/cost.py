"""The cost of an operation, estimated from its document and variables before it runs.

One walk over the selected operation gives every figure the limits need: fields it may resolve
(its cost: a list field multiplies what is under it by what it returns, telemetry weighs by
samples), OpenF1 requests it may cause when nothing is cached (sessions x datasets, batched;
telemetry windows per car), its depth, its aliases and its longest list argument.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    value_from_ast_untyped,
)
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef

from f1graph.limits import weights as w


@dataclass(frozen=True)
class Cost:
    """What an operation may do: ``fields`` resolved (its cost), ``upstream`` OpenF1 requests
    when cold, its ``depth``, ``aliases``, longest list argument and whether it introspects."""

    fields: int
    upstream: int
    depth: int
    aliases: int
    longest_list: int
    longest_list_argument: str | None
    introspection: bool

    def as_extension(self) -> dict[str, object]:
        """The figures a client sees in ``extensions.cost``."""
        return {
            "fields": self.fields,
            "upstreamRequests": self.upstream,
            "depth": self.depth,
            "aliases": self.aliases,
            "introspection": self.introspection,
        }


@dataclass
class _Scope:
    """The sessions a subtree reads from, and the datasets and telemetry it asks of each."""

    sessions: float
    endpoints: set[str] = field(default_factory=set)
    telemetry: dict[str, float] = field(default_factory=dict)  # endpoint -> requests a session


def _unwrap(t: Any) -> tuple[Any, bool]:
    if isinstance(t, GraphQLNonNull):
        t = t.of_type
    return t, isinstance(t, GraphQLList)


def _seconds(args: dict[str, Any], default: float) -> float:
    start, end = args.get("from"), args.get("to")
    if isinstance(start, str) and isinstance(end, str):
        try:
            a = datetime.fromisoformat(start.replace("Z", "+00:00"))
            b = datetime.fromisoformat(end.replace("Z", "+00:00"))
            return max(0.0, min((b - a).total_seconds(), w.SESSION_S))
        except ValueError:
            return default
    return default


class _Walk:
    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        variables: dict[str, Any],
        window_s: float,
        batch: int,
    ) -> None:
        self.schema = schema
        self.variables = variables
        self.window_s = window_s
        self.batch = batch
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.depth = 0
        self.aliases = 0
        self.longest = 0
        self.longest_name: str | None = None
        self.introspection = False
        self.upstream = 0.0

    def selections(
        self,
        selection_set: SelectionSetNode,
        parent: GraphQLNamedType,
        depth: int,
        mult: float,
        scope: _Scope | None,
        within: float,
        seen: frozenset[str] = frozenset(),
    ) -> float:
        """The cost of one object of type ``parent`` answering ``selection_set``."""
        total = 0.0
        for sel in selection_set.selections:
            if isinstance(sel, FieldNode):
                total += self.field(sel, parent, depth, mult, scope, within)
            elif isinstance(sel, InlineFragmentNode):
                cond = sel.type_condition
                t = self.schema.get_type(cond.name.value) if cond else parent
                total += self.selections(
                    sel.selection_set, t or parent, depth, mult, scope, within, seen
                )
            elif isinstance(sel, FragmentSpreadNode):
                name = sel.name.value
                frag = self.fragments.get(name)
                if frag is None or name in seen:
                    continue
                t = self.schema.get_type(frag.type_condition.name.value) or parent
                total += self.selections(
                    frag.selection_set, t, depth, mult, scope, within, seen | {name}
                )
        return total

    def _definition(self, parent: GraphQLNamedType, name: str) -> GraphQLField | None:
        if name == "__schema" or name == "__type":
            self.introspection = True
            return SchemaMetaFieldDef if name == "__schema" else TypeMetaFieldDef
        fields = getattr(parent, "fields", None)
        return fields.get(name) if fields else None

    def field(
        self,
        node: FieldNode,
        parent: GraphQLNamedType,
        depth: int,
        mult: float,
        scope: _Scope | None,
        within: float,
    ) -> float:
        name = node.name.value
        self.depth = max(self.depth, depth)
        if node.alias is not None:
            self.aliases += 1
        definition = self._definition(parent, name)
        if definition is None:  # __typename, or a field of a union
            return 1.0
        key = f"{parent.name}.{name}"
        args = {
            a.name.value: value_from_ast_untyped(a.value, self.variables)
            for a in node.arguments or ()
        }
        for arg, value in args.items():
            if isinstance(value, list) and len(value) > self.longest:
                self.longest, self.longest_name = len(value), f"{name}({arg}:)"
        t, is_list = _unwrap(definition.type)
        size = self.list_size(key, args) if is_list else 1.0
        cost = 1.0
        if scope is not None and parent.name in w.SESSION_TYPES:
            scope.endpoints.update(w.ENDPOINTS.get(name, ()))
            cost += self.telemetry(key, args, scope, within * size)
        child_scope, child_within = scope, within * size
        if key in w.SESSION_FIELDS:
            child_scope, child_within = _Scope(sessions=mult * size), 1.0
        if node.selection_set is not None:
            named = get_named_type(t)
            child = self.selections(
                node.selection_set, named, depth + 1, mult * size, child_scope, child_within
            )
            cost += size * child
        if child_scope is not scope and child_scope is not None:
            self.close(child_scope)
        return cost

    def list_size(self, key: str, args: dict[str, Any]) -> float:
        size = float(w.LIST_SIZES.get(key, w.DEFAULT_LIST_SIZE))
        for arg, divisor in w.NARROWING.get(key, {}).items():
            if args.get(arg) is not None:
                size /= divisor
        return max(1.0, size)

    def telemetry(self, key: str, args: dict[str, Any], scope: _Scope, objects: float) -> float:
        """Record the windows a telemetry field fetches; return its cost (samples read)."""
        spec = w.TELEMETRY.get(key)
        if spec is None:
            return 0.0
        endpoint, cars = spec
        if key == "Session.compareDrivers":
            numbers = args.get("driverNumbers")
            cars = len(set(numbers)) if isinstance(numbers, list) else 1
        on_lap = key.startswith("Lap.") or args.get("lap") is not None
        seconds = _seconds(args, w.LAP_S if on_lap else w.SESSION_S)
        windows = math.ceil(seconds / self.window_s) + 1
        scope.telemetry[endpoint] = scope.telemetry.get(endpoint, 0.0) + windows * cars * objects
        samples = seconds * w.SAMPLES_PER_S * cars
        return samples / w.SAMPLES_PER_COST

    def close(self, scope: _Scope) -> None:
        """Add a scope's planned requests: each dataset once per batch of sessions, and its
        telemetry windows (at most every car's every window) once per session."""
        batches = math.ceil(scope.sessions / self.batch) if scope.sessions else 0
        self.upstream += batches * (len(scope.endpoints) + 1)  # +1: the sessions themselves
        most = w.CARS * (math.ceil(w.SESSION_S / self.window_s) + 1)
        for requests in scope.telemetry.values():
            self.upstream += scope.sessions * min(requests, most)


def estimate(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: dict[str, Any] | None,
    *,
    window_s: float,
    batch: int,
) -> Cost:
    """The :class:`Cost` of ``operation`` (a valid one of ``document``) with ``variables``."""
    walk = _Walk(schema, document, variables or {}, window_s, batch)
    root: GraphQLObjectType | None = schema.get_root_type(operation.operation)
    fields = walk.selections(operation.selection_set, root, 1, 1.0, None, 1.0) if root else 0.0
    return Cost(
        fields=math.ceil(fields),
        upstream=math.ceil(walk.upstream),
        depth=walk.depth,
        aliases=walk.aliases,
        longest_list=walk.longest,
        longest_list_argument=walk.longest_name,
        introspection=walk.introspection,
    )

"""A compiled plan: every selection set of one operation collected once, for given variables.

The plan mirrors the response: an :class:`ObjectPlan` per selection set (its fields in response
order, fragments and ``@include``/``@skip`` already applied, aliases as keys), a
:class:`FieldPlan` per field (its resolver or the attribute it reads, its arguments coerced once,
its completion), and a :class:`Completion` per wrapping of the field's type (non-null, list,
leaf, object). Fields are collected by graphql-core's own ``collect_fields``, so a plan selects
exactly what the standard executor would. Anything a plan does not cover raises
:class:`Unsupported` and the operation runs on the standard executor.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLError,
    GraphQLField,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from graphql.execution.collect_fields import (
    FieldDetails,
    FragmentDetails,
    collect_fields,
    collect_subfields,
)
from graphql.execution.values import VariableValues, get_argument_values
from graphql.language import FieldNode

from f1graph.execution.leaves import Leaf, Row, RowField, build_row, fast_leaf

NON_NULL, LIST, LEAF, OBJECT = range(4)
INTROSPECTION = frozenset({"__schema", "__type"})


class Unsupported(Exception):
    """The operation uses something plans leave to the standard executor."""


class Completion:
    """How a value of one (wrapped) output type is completed."""

    __slots__ = (
        "gql_type",
        "inner",
        "items_fast",
        "items_row",
        "kind",
        "leaf",
        "leaf_type",
        "object_plan",
    )

    def __init__(self, gql_type: GraphQLOutputType) -> None:
        self.gql_type = gql_type
        self.inner: Completion | None = None
        self.leaf: Leaf | None = None
        self.leaf_type: GraphQLLeafType | None = None
        self.object_plan: ObjectPlan | None = None
        self.kind = -1
        # a list: the row of its (non-null) object items, and one comprehension for all items
        self.items_row: Row | None = None
        self.items_fast: Callable[[list[Any]], list[Any]] | None = None


class FieldPlan:
    """One field of a selection set: where its value comes from and how it is completed."""

    __slots__ = (
        "args",
        "args_error",
        "attribute",
        "completion",
        "details",
        "direct",
        "field_def",
        "key",
        "leafy",
        "name",
        "nodes",
        "parent_type",
        "return_type",
        "typename",
    )

    def __init__(self, key: str, parent_type: GraphQLObjectType, details: list[FieldDetails]):
        self.key = key
        self.parent_type = parent_type
        self.details = details
        self.nodes: list[FieldNode] = [d.node for d in details]
        self.name = self.nodes[0].name.value
        self.field_def: GraphQLField | None = None
        self.return_type: GraphQLOutputType | None = None
        self.attribute: str | None = None  # read as getattr(source, attribute): no resolver
        self.direct: Callable[[Any], Any] | None = None  # a resolver of ``self`` alone
        self.args: dict[str, Any] = {}
        self.args_error: Exception | None = None  # raised as the field's error when executed
        self.completion: Completion | None = None
        self.typename: str | None = None  # a __typename field: the parent's name
        self.leafy = False  # a (non-null) leaf: completed without a path unless it fails


class ObjectPlan:
    """The collected fields of one selection set on one object type."""

    __slots__ = ("fields", "gql_type", "partial", "rest", "row")

    def __init__(self, gql_type: GraphQLObjectType, fields: list[FieldPlan]) -> None:
        self.gql_type = gql_type
        self.fields = fields
        # every field an attribute leaf (or __typename): the whole object is one generated call
        self.row: Row | None = None
        # some are: they are one generated call, ``rest`` (the others) fill their places after
        self.partial: Row | None = None
        self.rest: list[FieldPlan] = fields


class PlanBuilder:
    """Compiles the plan of one operation for one set of coerced variables."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDetails],
        variable_values: VariableValues,
        operation: OperationDefinitionNode,
        hide_suggestions: bool,
        plain_attributes: bool,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variable_values = variable_values
        self.operation = operation
        self.hide_suggestions = hide_suggestions
        self.plain_attributes = plain_attributes  # False when middleware wraps every resolver

    def build(self) -> ObjectPlan:
        """The root selection set's plan: a query's, or a subscription's for one event (its
        root field resolves to the event); raises Unsupported for a mutation."""
        operation_type = self.operation.operation
        if operation_type not in (OperationType.QUERY, OperationType.SUBSCRIPTION):
            raise Unsupported("mutations are not planned")
        root_type = self.schema.get_root_type(operation_type)
        if root_type is None:
            raise Unsupported("no root type")
        grouped, defers, _ = collect_fields(
            self.schema,
            self.fragments,
            self.variable_values,
            root_type,
            self.operation,
            self.hide_suggestions,
        )
        if defers:
            raise Unsupported("@defer")
        return self.object_plan(root_type, grouped)

    def object_plan(
        self, gql_type: GraphQLObjectType, grouped: dict[str, list[FieldDetails]]
    ) -> ObjectPlan:
        fields: list[FieldPlan] = []
        for key, details in grouped.items():
            field = self.field_plan(gql_type, key, details)
            if field is not None:
                fields.append(field)
        plan = ObjectPlan(gql_type, fields)
        if gql_type.is_type_of is None:
            _add_rows(plan)
        return plan

    def field_plan(
        self, parent_type: GraphQLObjectType, key: str, details: list[FieldDetails]
    ) -> FieldPlan | None:
        plan = FieldPlan(key, parent_type, details)
        if any(d.defer_usage is not None for d in details):
            raise Unsupported("@defer")
        if plan.name in INTROSPECTION:
            raise Unsupported("introspection")
        if plan.name == "__typename":
            plan.typename = parent_type.name
            return plan
        field_def = self.schema.get_field(parent_type, plan.name)
        if field_def is None:
            return None  # graphql-core skips unknown fields too (validation refuses them)
        plan.field_def = field_def
        plan.return_type = field_def.type
        if self.plain_attributes:
            plan.attribute = self.attribute_of(field_def)
            if plan.attribute is None:
                plan.direct = self.direct_of(field_def)
        first = details[0]
        if field_def.args or first.node.arguments:
            try:
                plan.args = get_argument_values(
                    field_def,
                    first.node,
                    self.variable_values,
                    first.fragment_variable_values,
                    self.hide_suggestions,
                )
            except GraphQLError as error:
                plan.args_error = error
        plan.completion = self.completion(field_def.type, details)
        base = plan.completion.inner if plan.completion.kind == NON_NULL else plan.completion
        plan.leafy = base is not None and base.kind == LEAF
        return plan

    @staticmethod
    def attribute_of(field_def: GraphQLField) -> str | None:
        """The attribute a Strawberry field without a resolver of its own reads, if any."""
        resolve = field_def.resolve
        if resolve is None or not getattr(resolve, "_is_default", False):
            return None
        definition = (field_def.extensions or {}).get("strawberry-definition")
        if definition is None or getattr(definition, "default_resolver", None) is not getattr:
            return None
        name = getattr(definition, "python_name", None)
        return name if isinstance(name, str) and name.isidentifier() else None

    def direct_of(self, field_def: GraphQLField) -> Callable[[Any], Any] | None:
        """The function a Strawberry resolver that takes ``self`` alone (no arguments, no
        info, no field extensions, no exception handlers) calls: what its wrapper would call
        with the source, without building a Strawberry ``Info`` per object."""
        definition = (field_def.extensions or {}).get("strawberry-definition")
        resolver = getattr(definition, "base_resolver", None)
        if definition is None or resolver is None or definition.extensions:
            return None
        if field_def.subscribe is not None:
            return None  # its resolver makes the stream; an event resolves to itself
        strawberry_schema = getattr(self.schema, "_strawberry_schema", None)
        converter = getattr(strawberry_schema, "schema_converter", None)
        if converter is None or getattr(converter, "_exception_handler_specs", True):
            return None
        try:
            plain = (
                resolver.self_parameter is not None
                and resolver.info_parameter is None
                and resolver.root_parameter is None
                and resolver.parent_parameter is None
                and not resolver.arguments
                and inspect.isfunction(resolver.wrapped_func)
            )
        except Exception:
            return None
        direct: Callable[[Any], Any] = resolver.wrapped_func
        return direct if plain else None

    def completion(self, gql_type: GraphQLOutputType, details: list[FieldDetails]) -> Completion:
        completion = Completion(gql_type)
        if is_non_null_type(gql_type):
            assert isinstance(gql_type, GraphQLNonNull)
            completion.kind = NON_NULL
            completion.inner = self.completion(gql_type.of_type, details)
        elif is_list_type(gql_type):
            assert isinstance(gql_type, GraphQLList)
            completion.kind = LIST
            completion.inner = self.completion(gql_type.of_type, details)
            _add_items(completion, completion.inner)
        elif is_leaf_type(gql_type):
            completion.kind = LEAF
            completion.leaf_type = gql_type
            completion.leaf = fast_leaf(gql_type)
        elif is_object_type(gql_type):
            assert isinstance(gql_type, GraphQLObjectType)
            completion.kind = OBJECT
            grouped, defers, _ = collect_subfields(
                self.schema,
                self.fragments,
                self.variable_values,
                self.operation,
                gql_type,
                details,
                self.hide_suggestions,
            )
            if defers:
                raise Unsupported("@defer")
            completion.object_plan = self.object_plan(gql_type, grouped)
        else:
            raise Unsupported("abstract types")
        return completion


def _row_field(field: FieldPlan) -> RowField | None:
    """The field as part of a generated row, or None when it needs the interpreter."""
    if field.typename is not None:
        return RowField(field.key, None, None, True, field.typename)
    completion = field.completion
    if field.attribute is None or completion is None or field.args_error is not None:
        return None
    non_null = completion.kind == NON_NULL
    leaf = completion.inner if non_null else completion
    if leaf is None or leaf.kind != LEAF or leaf.leaf_type is None:
        return None
    return RowField(field.key, field.attribute, leaf.leaf_type, non_null)


def _add_rows(plan: ObjectPlan) -> None:
    """Give the plan its generated row (all fields) or partial row (some fields)."""
    row_fields: list[RowField] = []
    rest: list[FieldPlan] = []
    for field in plan.fields:
        found = _row_field(field)
        if found is None:
            rest.append(field)
            found = RowField(field.key, None, None, False, placeholder=True)
        row_fields.append(found)
    if not rest:
        plan.row = build_row(plan.gql_type.name, row_fields)
    elif len(rest) < len(plan.fields):
        plan.partial = build_row(plan.gql_type.name, row_fields)
        plan.rest = rest


def _add_items(completion: Completion, inner: Completion) -> None:
    """A list's one comprehension for leaves or row objects (and the row), if it has one."""
    item_nullable = inner.kind != NON_NULL
    base = inner if item_nullable else inner.inner
    assert base is not None
    one: Callable[[Any], Any] | None = None
    if base.kind == LEAF:
        one = base.leaf
    elif base.kind == OBJECT and base.object_plan is not None:
        one = completion.items_row = base.object_plan.row
    if one is None:
        return
    convert = one
    if item_nullable:
        completion.items_fast = lambda items: [None if v is None else convert(v) for v in items]
    else:
        # a None item makes ``convert`` raise (Anomaly or AttributeError): item by item then
        completion.items_fast = lambda items: [convert(v) for v in items]

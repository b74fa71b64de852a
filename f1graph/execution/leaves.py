"""Leaf serializers picked ahead of time, and row builders generated for leaf-only objects.

A leaf's value goes out unchanged when its Python type already is the GraphQL type's output
(an ``int`` in 32 bits for ``Int``, a finite ``float`` for ``Float``, ``str``, ``bool``, a known
enum member); anything else goes through the type's own ``coerce_output_value``, exactly as
graphql-core completes it. An object whose selected fields are all plain attributes and leaves
is built by one generated function (``{"a": <check>(o.x), ...}``), so a list of 28,000 segments
is one comprehension. Any surprise (a null in a non-null leaf, a value the type refuses, a
missing attribute) raises :class:`Anomaly`, and the caller completes that value the standard
way instead, which yields the exact error graphql-core would.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLFloat,
    GraphQLInt,
    GraphQLLeafType,
    GraphQLString,
)
from graphql.pyutils import Undefined

Leaf = Callable[[Any], Any]
Row = Callable[[Any], dict[str, Any]]

MIN_INT = -(2**31)
MAX_INT = 2**31 - 1


class Anomaly(Exception):
    """A value the fast path does not complete; the standard completion takes over."""


def exact_leaf(leaf_type: GraphQLLeafType) -> Leaf:
    """The standard completion of a non-null leaf value (graphql-core's), raising Anomaly."""
    coerce = leaf_type.coerce_output_value

    def complete(value: Any) -> Any:
        if value is None:
            raise Anomaly
        try:
            coerced = coerce(value)
        except Exception as error:
            raise Anomaly from error
        if coerced is None or coerced is Undefined:
            raise Anomaly
        return coerced

    return complete


def enum_names(enum_type: GraphQLEnumType) -> dict[Any, str]:
    """Runtime value -> name, for the values whose Python object hashes (enum members do)."""
    names: dict[Any, str] = {}
    for name, value in enum_type.values.items():
        try:
            names[value.value] = name
        except TypeError:
            continue
    return names


def leaf_expression(leaf_type: GraphQLLeafType, var: str, slot: str) -> str:
    """A Python expression completing the non-null value in ``var``; ``slot`` names the exact
    fallback (and the enum table for enums) in the generated function's globals."""
    if leaf_type is GraphQLInt:
        return (
            f"({var} if type({var}) is int and {MIN_INT} <= {var} <= {MAX_INT} else {slot}({var}))"
        )
    if leaf_type is GraphQLFloat:
        # v - v is 0.0 for every finite float, NaN for nan and inf
        return f"({var} if type({var}) is float and {var} - {var} == 0.0 else {slot}({var}))"
    if leaf_type is GraphQLString:
        return f"({var} if type({var}) is str else {slot}({var}))"
    if leaf_type is GraphQLBoolean:
        return f"({var} if type({var}) is bool else {slot}({var}))"
    if isinstance(leaf_type, GraphQLEnumType):
        return f"(_r if (_r := {slot}_names.get({var})) is not None else {slot}({var}))"
    return f"{slot}({var})"


def fast_leaf(leaf_type: GraphQLLeafType) -> Leaf:
    """A function completing one non-null leaf value, raising Anomaly where graphql-core would
    raise an error."""
    namespace: dict[str, Any] = {"_slow": exact_leaf(leaf_type)}
    if isinstance(leaf_type, GraphQLEnumType):
        namespace["_slow_names"] = enum_names(leaf_type)
    body = f"def leaf(v):\n    return {leaf_expression(leaf_type, 'v', '_slow')}\n"
    exec(compile(body, f"<leaf {leaf_type.name}>", "exec"), namespace)
    leaf: Leaf = namespace["leaf"]
    return leaf


class RowField:
    """One field of a generated row: its response key and how to read and complete it."""

    __slots__ = ("attribute", "key", "leaf_type", "non_null", "typename")

    def __init__(
        self,
        key: str,
        attribute: str | None,
        leaf_type: GraphQLLeafType | None,
        non_null: bool,
        typename: str | None = None,
    ) -> None:
        self.key = key
        self.attribute = attribute
        self.leaf_type = leaf_type
        self.non_null = non_null
        self.typename = typename


def build_row(type_name: str, fields: list[RowField]) -> Row:
    """A function ``source -> dict`` for an object whose fields are all attribute leaves."""
    namespace: dict[str, Any] = {"_Anomaly": Anomaly}
    parts: list[str] = []
    for index, field in enumerate(fields):
        key = repr(field.key)
        if field.typename is not None:
            parts.append(f"{key}: {field.typename!r}")
            continue
        assert field.attribute is not None and field.leaf_type is not None
        slot = f"_s{index}"
        namespace[slot] = exact_leaf(field.leaf_type)
        if isinstance(field.leaf_type, GraphQLEnumType):
            namespace[f"{slot}_names"] = enum_names(field.leaf_type)
        var = f"_v{index}"
        read = f"({var} := o.{field.attribute})"
        complete = leaf_expression(field.leaf_type, var, slot)
        if field.non_null:
            # the exact fallback raises Anomaly for None
            parts.append(f"{key}: ({complete} if {read} is not None else {slot}(None))")
        else:
            parts.append(f"{key}: (None if {read} is None else {complete})")
    body = "def row(o):\n    return {" + ", ".join(parts) + "}\n"
    exec(compile(body, f"<row {type_name}>", "exec"), namespace)
    row: Row = namespace["row"]
    return row

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
from enum import Enum
from functools import lru_cache
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


def exact_leaf(leaf_type: GraphQLLeafType, names: dict[Any, str] | None = None) -> Leaf:
    """The standard completion of a non-null leaf value (graphql-core's), raising Anomaly.

    With ``names`` (an enum's table of the fast path), a Python enum member it completes is
    remembered there: an enum's completion of a member never changes, and Strawberry's enums
    take members, not the values graphql-core's table holds."""
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
        if names is not None and isinstance(value, Enum):
            names[value] = coerced
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
    # a custom scalar: its own serializer, straight; the exact path only when it gives nothing
    return f"(_r if (_r := {slot}_out({var})) is not None and _r is not _U else {slot}({var}))"


def leaf_namespace(leaf_type: GraphQLLeafType, slot: str) -> dict[str, Any]:
    """What :func:`leaf_expression`'s code refers to under ``slot``."""
    names = enum_names(leaf_type) if isinstance(leaf_type, GraphQLEnumType) else None
    return {
        slot: exact_leaf(leaf_type, names),
        f"{slot}_names": names,
        f"{slot}_out": leaf_type.coerce_output_value,
        "_U": Undefined,
    }


@lru_cache(maxsize=1024)
def fast_leaf(leaf_type: GraphQLLeafType) -> Leaf:
    """A function completing one non-null leaf value, raising Anomaly where graphql-core would
    raise an error; one per leaf type (plans of other variables share it)."""
    namespace = leaf_namespace(leaf_type, "_slow")
    body = f"def leaf(v):\n    return {leaf_expression(leaf_type, 'v', '_slow')}\n"
    exec(compile(body, f"<leaf {leaf_type.name}>", "exec"), namespace)
    leaf: Leaf = namespace["leaf"]
    return leaf


class RowField:
    """One field of a generated row: its response key and how to read and complete it."""

    __slots__ = ("attribute", "key", "leaf_type", "non_null", "placeholder", "typename")

    def __init__(
        self,
        key: str,
        attribute: str | None,
        leaf_type: GraphQLLeafType | None,
        non_null: bool,
        typename: str | None = None,
        placeholder: bool = False,
    ) -> None:
        self.key = key
        self.attribute = attribute
        self.leaf_type = leaf_type
        self.non_null = non_null
        self.typename = typename
        self.placeholder = placeholder  # completed by the caller: None keeps its place


RowShape = tuple[tuple[str, str | None, GraphQLLeafType | None, bool, str | None, bool], ...]
_BUILT: dict[tuple[str, RowShape], Row] = {}
BUILT_ROWS = 2048  # generated rows kept; emptied when full (a plan then builds its own)


def build_row(type_name: str, fields: list[RowField]) -> Row:
    """A function ``source -> dict`` completing an object's attribute leaves, in field order
    (a placeholder field gets None, in its place, for the caller to complete). Generated once
    per type and selection: the plans of other variables, or of other documents selecting the
    same fields, share it (and so the completed lists :mod:`~f1graph.execution.memo` keeps by
    row). The key holds the leaf types themselves, so another schema's never match."""
    shape: RowShape = tuple(
        (f.key, f.attribute, f.leaf_type, f.non_null, f.typename, f.placeholder) for f in fields
    )
    found = _BUILT.get((type_name, shape))
    if found is None:
        if len(_BUILT) >= BUILT_ROWS:
            _BUILT.clear()
        found = _BUILT[(type_name, shape)] = _generate_row(type_name, fields)
    return found


def _generate_row(type_name: str, fields: list[RowField]) -> Row:
    namespace: dict[str, Any] = {"_Anomaly": Anomaly}
    parts: list[str] = []
    for index, field in enumerate(fields):
        key = repr(field.key)
        if field.typename is not None:
            parts.append(f"{key}: {field.typename!r}")
            continue
        if field.placeholder:
            parts.append(f"{key}: None")
            continue
        assert field.attribute is not None and field.leaf_type is not None
        slot = f"_s{index}"
        namespace.update(leaf_namespace(field.leaf_type, slot))
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

"""Random queries over the real schema, for the differential test of the compiled plans.

A query starts at ``session(sessionKey: $k)`` (a recorded race, another session, or a key that
does not exist: NOT_FOUND) and picks random fields of each type it reaches, with aliases,
repeated fields, inline and named fragments, ``@include``/``@skip`` on variables, and arguments
where their values are known (driver and lap numbers, some unknown: NOT_FOUND). Fields that pull
telemetry or replay data are left out: they are slow, and their shapes are covered elsewhere;
so is ``coverage``, whose answer changes with what the request has loaded so far.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLField,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
    is_leaf_type,
    is_non_null_type,
    is_object_type,
)
from graphql.pyutils import Undefined
from hypothesis import strategies as st

SESSION_KEYS = (11253, 11249, 999999)
ARGUMENT_VALUES: dict[str, tuple[Any, ...]] = {
    "driverNumber": (1, 12, 44, 63, 999),
    "lapNumber": (1, 12, 44, 300),
}
LEFT_OUT = frozenset(
    {
        "carData",
        "speedAnalysis",
        "drsAnalysis",
        "gearAnalysis",
        "compareDrivers",
        "location",
        "telemetry",
        "speedTrace",
        "drs",
        "gears",
        "replay",
        "track",
        "compare",
        "comparison",
        "throttle",
        "brake",
        # what the process holds of a session when the field runs: the standard twin runs
        # after the plan, when the plan's own loads are held (a 2,000-example run met it)
        "coverage",
    }
)
MAX_DEPTH = 4


def _usable(name: str, field: GraphQLField) -> bool:
    if name in LEFT_OUT or name.startswith("__"):
        return False
    for arg_name, arg in field.args.items():
        required = is_non_null_type(arg.type) and arg.default_value is Undefined
        if required and arg_name not in ARGUMENT_VALUES:
            return False
    return True


def _literal(value: Any) -> str:
    return str(value)


@st.composite
def selection(
    draw: st.DrawFn,
    schema: GraphQLSchema,
    type_: GraphQLObjectType,
    depth: int,
    ctx: dict[str, Any],
) -> str:
    """A selection set on ``type_`` (without braces)."""
    fields = sorted((name, f) for name, f in type_.fields.items() if _usable(name, f))
    leaves = [(n, f) for n, f in fields if is_leaf_type(get_named_type(f.type))]
    objects = [(n, f) for n, f in fields if is_object_type(get_named_type(f.type))]
    pool = leaves + (objects if depth < MAX_DEPTH else [])
    if not pool:
        return "__typename"
    chosen = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=5))
    parts: list[str] = []
    for name, field in chosen:
        text = name
        if draw(st.integers(0, 4)) == 0:
            text = f"{draw(st.sampled_from(['a', 'b', 'x1']))}_{name}: {name}"
        args = []
        for arg_name, arg in field.args.items():
            if arg_name in ARGUMENT_VALUES:
                required = is_non_null_type(arg.type) and arg.default_value is Undefined
                if required or draw(st.booleans()):
                    args.append(
                        f"{arg_name}: {_literal(draw(st.sampled_from(ARGUMENT_VALUES[arg_name])))}"
                    )
        if args:
            text += "(" + ", ".join(args) + ")"
        if draw(st.integers(0, 5)) == 0:
            text += draw(
                st.sampled_from([" @include(if: $yes)", " @skip(if: $yes)", " @include(if: $no)"])
            )
        named = get_named_type(field.type)
        if is_object_type(named):
            assert isinstance(named, GraphQLObjectType)
            text += " { " + draw(selection(schema, named, depth + 1, ctx)) + " }"
        wrap = draw(st.integers(0, 6))
        if wrap == 0:
            text = f"... on {type_.name} {{ {text} }}"
        elif wrap == 1:
            fragment = f"F{len(ctx['fragments'])}"
            ctx["fragments"].append(f"fragment {fragment} on {type_.name} {{ {text} }}")
            text = f"...{fragment}"
        parts.append(text)
    if draw(st.integers(0, 5)) == 0:
        parts.append("__typename")
    return " ".join(parts)


@st.composite
def queries(draw: st.DrawFn, schema: GraphQLSchema) -> tuple[str, dict[str, Any]]:
    """A query and its variables."""
    query_type = schema.query_type
    assert query_type is not None
    session_type: GraphQLNamedType = get_named_type(query_type.fields["session"].type)
    assert isinstance(session_type, GraphQLObjectType)
    ctx: dict[str, Any] = {"fragments": []}
    body = draw(selection(schema, session_type, 1, ctx))
    rest = "\n".join(ctx["fragments"])
    variables: dict[str, Any] = {"k": draw(st.sampled_from(SESSION_KEYS))}
    declared = ["$k: Int!"]
    for name, value in (("yes", True), ("no", False)):
        if f"${name})" in body + rest:
            variables[name] = value
            declared.append(f"${name}: Boolean!")
    text = (
        f"query Generated({', '.join(declared)}) {{ session(sessionKey: $k) {{ {body} }} }}\n{rest}"
    )
    return text, variables

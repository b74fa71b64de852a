"""Every graph type that presents a record (``class Lap(Presents[records.Lap])``) reads its plain
fields straight off that record: each must exist on the record under the same name, hold a
compatible type, and be nullable in the graph wherever the record may hold None."""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import msgspec
import numpy as np
import pytest
from strawberry import LazyType
from strawberry.types.base import StrawberryList, StrawberryOptional
from strawberry.types.enum import StrawberryEnumDefinition

import f1graph.schema  # noqa: F401  (defines every graph type)
from f1graph.schema.common import Presents
from f1graph.schema.lap import Lap
from f1graph.schema.scalars import FloatArray
from f1graph.schema.timing import PitStop

_SEQUENCES = (list, tuple, frozenset, set, typing.Sequence, typing.Collection)
# A row served from a session's dataset always carries that session's key: the dataset layer
# groups what OpenF1 sends by ``session_key``, so the records' optional key is never None there.
GUARANTEED = {"session_key"}


def presenting() -> list[type[Presents[Any]]]:
    """Every graph type that declares the record it presents."""
    found: list[type[Presents[Any]]] = []
    todo = list(Presents.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__dict__.get("__presents__") is not None:
            found.append(cls)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__name__}")


def record_fields(record: type) -> dict[str, Any]:
    """The record's fields and their types (a msgspec struct or a dataclass)."""
    if isinstance(record, type) and issubclass(record, msgspec.Struct):
        return {f.name: f.type for f in msgspec.structs.fields(record)}
    if dataclasses.is_dataclass(record):
        return typing.get_type_hints(record)
    raise AssertionError(f"{record} is neither a msgspec struct nor a dataclass")


def split_optional(t: Any) -> tuple[bool, Any]:
    """``(may be None, the type without None)``."""
    if typing.get_origin(t) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(t) if a is not type(None)]
        rest: Any = args[0] if len(args) == 1 else typing.Union[tuple(args)]  # noqa: UP007
        return len(args) < len(typing.get_args(t)), rest
    return False, t


def mismatch(graph: Any, record: Any, field: str = "") -> str | None:
    """Why a graph field of type ``graph`` cannot show a record value of type ``record``."""
    if typing.get_origin(graph) is typing.Annotated:  # strawberry.Private: kept as it is
        inner = typing.get_args(graph)[0]
        return None if inner == record else f"private {inner}, the record holds {record}"
    record_optional, record_inner = split_optional(record)
    if field in GUARANTEED:
        record_optional = False
    graph_optional = isinstance(graph, StrawberryOptional)
    graph_inner = graph.of_type if graph_optional else graph
    if record_optional and not graph_optional:
        return f"non-null in the graph, but the record's {record} may be None"
    if isinstance(graph_inner, StrawberryList):
        origin = typing.get_origin(record_inner) or record_inner
        if origin not in _SEQUENCES:
            return f"a list in the graph, but {record_inner} in the record"
        args = typing.get_args(record_inner)
        return mismatch(graph_inner.of_type, args[0] if args else Any)
    if isinstance(graph_inner, StrawberryEnumDefinition):
        graph_inner = graph_inner.wrapped_cls
    if isinstance(graph_inner, LazyType):
        graph_inner = graph_inner.resolve_type()
    if graph_inner is FloatArray:  # the scalar of numpy arrays (channels of telemetry)
        origin = typing.get_origin(record_inner) or record_inner
        return None if origin is np.ndarray else f"FloatArray, the record holds {record_inner}"
    if record_inner is Any:
        return None
    if isinstance(graph_inner, type) and issubclass(graph_inner, Presents):
        presented = graph_inner.__presents__
        if not (isinstance(record_inner, type) and issubclass(record_inner, presented)):
            return f"{graph_inner.__name__} presents {presented}, the record holds {record_inner}"
        return None
    if isinstance(graph_inner, type) and issubclass(graph_inner, enum.Enum):
        return None if record_inner is graph_inner else f"{graph_inner} vs {record_inner}"
    if graph_inner is float and record_inner in (int, float):
        return None  # a GraphQL Float shows an int exactly
    if graph_inner is record_inner or (graph_inner, record_inner) == (datetime, datetime):
        return None
    return f"{graph_inner} in the graph, {record_inner} in the record"


def plain_fields() -> Iterator[tuple[str, str, Any, Any]]:
    """``(graph type, field, graph type of the field, record type of the field)`` for every
    field read straight off the record (no resolver)."""
    for cls in presenting():
        fields = record_fields(cls.__presents__)
        for f in cls.__strawberry_definition__.fields:  # type: ignore[attr-defined]
            if f.base_resolver is None:
                yield cls.__name__, f.python_name, f.type, fields.get(f.python_name, KeyError)


class TestPresents:
    """Graph types and the records they present agree field by field."""

    def test_the_graph_types_declare_their_records(self) -> None:
        names = {c.__name__ for c in presenting()}
        assert len(names) >= 49
        assert Lap.__presents__.__module__ == "f1graph.openf1.records"
        assert PitStop.__presents__.__name__ == "Pit"  # the pit row; PitStopSummary the analysis

    @pytest.mark.parametrize(
        ("graph_type", "field", "graph", "record"),
        list(plain_fields()),
        ids=[f"{g}.{f}" for g, f, _, _ in plain_fields()],
    )
    def test_every_plain_field_is_the_records_field(
        self, graph_type: str, field: str, graph: Any, record: Any
    ) -> None:
        assert record is not KeyError, f"{graph_type}.{field}: the record has no such field"
        found = mismatch(graph, record, field)
        assert found is None, f"{graph_type}.{field}: {found}"

"""Small helpers shared by the schema modules, and :class:`Presents`.

Types of the graph take records as their source objects (OpenF1 records, msgspec structs, or
the results of :mod:`f1graph.analysis`): their plain fields carry the records' own names, so
graphql-core reads them with ``getattr`` and no copy. A graph type declares the record it
presents (``class Lap(Presents[records.Lap])``); ``Lap.many(rows)`` and ``Lap.one(row)`` then
accept only rows of that record type, and ``tests/schema/test_presents.py`` checks every plain
field of the graph type against the record's field of the same name (type and nullability).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Generic, Self, TypeVar, cast, get_args, get_origin

from f1graph.openf1 import Endpoint, Filters
from f1graph.runtime import Context, Loaders
from f1graph.times import utc

T = TypeVar("T")
R = TypeVar("R")

UNKNOWN = (
    " Null when a dataset it needs is missing although OpenF1 always has it for such a session "
    "(the answer lists it in extensions.unavailable)."
)


class Presents(Generic[R]):
    """Base of a graph type whose source objects are records of type ``R``."""

    __presents__: Any = None  # the record type, set for each subclass

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for base in cls.__dict__.get("__orig_bases__", ()):
            if get_origin(base) is Presents:
                cls.__presents__ = get_args(base)[0]

    @classmethod
    def many(cls, rows: Iterable[R]) -> list[Self]:
        """The records as this graph type (no copy: the graph reads their fields)."""
        return cast(list[Self], rows if isinstance(rows, list) else list(rows))

    @classmethod
    def one(cls, row: R) -> Self:
        """The record as this graph type."""
        return cast(Self, row)


def loaders(info: Any) -> Loaders:
    context: Context = info.context
    return context.loaders


def in_window(date: datetime | None, start: datetime | None, end: datetime | None) -> bool:
    """Whether ``date`` lies in ``[start, end]`` (open sides ignored; a missing date never does);
    bounds without an offset are UTC."""
    if date is None:
        return start is None and end is None
    return (start is None or date >= utc(start)) and (end is None or date <= utc(end))


def arg(description: str) -> Any:
    """An argument's description, for ``Annotated[type, arg("...")]``."""
    import strawberry

    return strawberry.argument(description=description)


async def query_rows(info: Any, endpoint: Endpoint[R], filters: Filters) -> list[R]:
    """Rows of a cross-session query (meetings, a session search); a stale answer marks the
    request stale like a stale dataset does."""
    return await loaders(info).query(endpoint, filters)

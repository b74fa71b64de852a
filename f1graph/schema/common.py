"""Small helpers shared by the schema modules.

Types of the graph take OpenF1 records (msgspec structs) as their source objects: their plain
fields carry the records' own names, so graphql-core reads them with ``getattr`` and no copy.
``as_graph`` tells the type checker that a record stands for the graph type.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, TypeVar, cast

from f1graph.openf1 import Endpoint, Filters
from f1graph.runtime import Context, Loaders
from f1graph.times import utc

T = TypeVar("T")
R = TypeVar("R")

UNKNOWN = (
    " Null when a dataset it needs is missing although OpenF1 always has it for such a session "
    "(the answer lists it in extensions.unavailable)."
)


def as_graph(_graph_type: type[T], rows: Iterable[Any]) -> list[T]:
    """The records as the graph type whose fields they carry."""
    return cast(list[T], rows if isinstance(rows, list) else list(rows))


def one_as_graph(_graph_type: type[T], row: Any) -> T:
    return cast(T, row)


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

"""Completed lists of immutable records, reused while the very same list is asked for again.

A session's records are parsed once per dataset version and shared by every request (and a
lap's ``Segment``s are built once per lap record), so a resolver hands the executor the same
list object, request after request. When every item of such a list is immutable (a frozen
msgspec ``Struct``, or a type registered with :func:`immutable`), its completion by a given
row (a plan's selection of attribute leaves) cannot change: it is kept, keyed by the row and
the list's identity, holding both so neither id is reused while the entry lives. The answer's
dicts are then shared between responses: results are read-only once built (every consumer,
the HTTP encoder, the REST shim and subscriptions, only reads them).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, TypeVar

from f1graph.execution.leaves import Row

T = TypeVar("T", bound=type)
MEMO_LISTS = 20_000  # about 20 races' laps, or 15 races' laps of segments

_MARK = "__f1graph_immutable__"


def immutable(cls: T) -> T:
    """Declare that instances of ``cls`` never change once built (a class decorator). It marks
    the class itself (not a subclass), so importing a module fills no registry."""
    setattr(cls, _MARK, True)
    return cls


def _immutable_type(kind: type) -> bool:
    if vars(kind).get(_MARK, False):
        return True
    config = getattr(kind, "__struct_config__", None)
    return bool(config is not None and getattr(config, "frozen", False))


def immutable_items(items: list[Any]) -> bool:
    """Whether every item of ``items`` is of one immutable type."""
    if not items:
        return False
    kind = type(items[0])
    return _immutable_type(kind) and all(type(item) is kind for item in items)


class RowMemo:
    """LRU of completed lists by (row, list identity)."""

    def __init__(self, size: int = MEMO_LISTS) -> None:
        self.size = size
        self.entries: OrderedDict[tuple[int, int], tuple[Row, list[Any], list[Any]]] = OrderedDict()

    def get(self, row: Row, items: list[Any]) -> list[Any] | None:
        key = (id(row), id(items))
        found = self.entries.get(key)
        if found is None or found[0] is not row or found[1] is not items:
            return None
        self.entries.move_to_end(key)
        return found[2]

    def put(self, row: Row, items: list[Any], completed: list[Any]) -> None:
        if not immutable_items(items):
            return
        self.entries[(id(row), id(items))] = (row, items, completed)
        if len(self.entries) > self.size:
            self.entries.popitem(last=False)

    def clear(self) -> None:
        self.entries.clear()


ROWS = RowMemo()

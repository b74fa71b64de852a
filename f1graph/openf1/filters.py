"""OpenF1 query filters: ``field=value``, ``field>=value`` and the other comparison operators.

Repeated equality filters on one field are ORed by OpenF1 (``session_key=1&session_key=2``);
everything else is ANDed. Values are percent-encoded so a ``+`` in a UTC offset survives.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from urllib.parse import quote

Operator = Literal["=", ">=", "<=", ">", "<"]
OPERATORS: tuple[Operator, ...] = (">=", "<=", ">", "<", "=")
Value = int | float | str | bool | datetime


@dataclass(frozen=True, order=True)
class Filter:
    """One condition on one field of an endpoint's rows."""

    field: str
    op: Operator
    value: Value

    def render_value(self) -> str:
        """The value as OpenF1 expects it in a URL, before percent-encoding."""
        v = self.value
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, datetime):
            return v.isoformat()
        return str(v)


Filters = tuple[Filter, ...]


def eq(field: str, value: Value) -> Filter:
    return Filter(field, "=", value)


def where(**equalities: Value | Sequence[Value] | None) -> Filters:
    """Equality filters from keyword arguments; a sequence becomes repeated (ORed) filters."""
    out: list[Filter] = []
    for field, value in equalities.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            out.extend(Filter(field, "=", v) for v in value)
        else:
            out.append(Filter(field, "=", value))  # type: ignore[arg-type]
    return tuple(out)


def to_query_string(filters: Iterable[Filter]) -> str:
    """Encode filters as OpenF1's query string, e.g. ``speed%3E%3D315&session_key=9161``."""
    return "&".join(
        quote(f.field, safe="") + quote(f.op, safe="=") + quote(f.render_value(), safe="")
        if f.op == "="
        else quote(f.field + f.op, safe="") + quote(f.render_value(), safe="")
        for f in filters
    )

"""Parameters of the legacy routes: how each is read, checked and turned into a variable.

Every check here runs before the stored operation, so a malformed parameter never costs an
upstream call; the :class:`~f1graph.errors.BadRequestError` names the parameter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from f1graph.errors import BadRequestError

Location = Literal["path", "query"]
INT_MAX = 2**31 - 1  # GraphQL's Int is 32-bit

COMPOUNDS = ("SOFT", "MEDIUM", "HARD", "INTERMEDIATE", "WET", "UNKNOWN", "TEST_UNKNOWN")
CATEGORIES = ("Flag", "SafetyCar", "Drs", "CarEvent", "SessionStatus", "Other")
FLAGS = (
    "GREEN",
    "YELLOW",
    "DOUBLE YELLOW",
    "RED",
    "BLUE",
    "CLEAR",
    "CHEQUERED",
    "BLACK AND WHITE",
    "BLACK AND ORANGE",
    "BLACK",
)


class Invalid(ValueError):
    """A raw value a kind cannot read; its message completes "must be ..."."""


@dataclass(frozen=True)
class Kind:
    """A parameter type: its reader and its JSON Schema for the OpenAPI document."""

    read: Callable[[str], Any]
    schema: dict[str, Any]
    expected: str  # completes "The x parameter must be ..."


def _whole(raw: str) -> int:
    if not raw.isascii() or not raw.isdigit() or int(raw) > INT_MAX:
        raise Invalid
    return int(raw)


def _datetime(raw: str) -> str:
    try:
        value = datetime.fromisoformat(raw.strip().replace("z", "Z"))
    except ValueError:
        raise Invalid from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)  # OpenF1 times are UTC
    return value.isoformat()


def _boolean(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise Invalid


def _one_of(choices: tuple[str, ...]) -> Callable[[str], str]:
    canonical = {c.lower(): c for c in choices}

    def read(raw: str) -> str:
        try:
            return canonical[raw.strip().lower()]
        except KeyError:
            raise Invalid from None

    return read


def _numbers(raw: str) -> list[int]:
    parts = [p.strip() for p in raw.split(",")]
    numbers = [_whole(p) for p in parts]
    if len(set(numbers)) < 2:
        raise Invalid
    return numbers


WHOLE = Kind(_whole, {"type": "integer", "minimum": 0, "maximum": INT_MAX}, "a whole number")
DATETIME = Kind(
    _datetime,
    {"type": "string", "format": "date-time"},
    "an ISO 8601 time such as 2026-03-29T05:10:00Z",
)
BOOLEAN = Kind(_boolean, {"type": "boolean"}, "true or false")
TEXT = Kind(str, {"type": "string"}, "text")
COMPOUND = Kind(_one_of(COMPOUNDS), {"type": "string", "enum": list(COMPOUNDS)}, "a compound")
CATEGORY = Kind(
    _one_of(CATEGORIES), {"type": "string", "enum": list(CATEGORIES)}, "a race-control category"
)
FLAG = Kind(_one_of(FLAGS), {"type": "string", "enum": list(FLAGS)}, "a flag")
DRIVER_LIST = Kind(
    _numbers,
    {"type": "string", "pattern": r"^[0-9]{1,9}(,[0-9]{1,9})+$"},
    "two or more different car numbers separated by commas, such as 1,44",
)


@dataclass(frozen=True)
class Param:
    """One path or query parameter of a route and the GraphQL variable it becomes."""

    name: str
    location: Location
    kind: Kind
    variable: str
    description: str
    required: bool = False
    example: Any = None

    def read(self, raw: str) -> Any:
        """The variable's value, or a BAD_REQUEST error that names the parameter."""
        try:
            return self.kind.read(raw)
        except Invalid:
            where = "path" if self.location == "path" else "query"
            choices = self.kind.schema.get("enum")
            expected = self.kind.expected + (f" (one of {', '.join(choices)})" if choices else "")
            raise BadRequestError(
                f"The {self.name} {where} parameter must be {expected}, not {raw!r}."
            ) from None

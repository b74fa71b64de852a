"""Custom scalars of the graph, given to Strawberry through ``StrawberryConfig.scalar_map``."""

from __future__ import annotations

from typing import Any

# NewType -> strawberry.scalar(...) definitions; telemetry's array scalars register here.
SCALAR_MAP: dict[object, Any] = {}

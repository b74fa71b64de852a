"""Analysis fields (issue 3) of Session, Driver, Lap and Stint, as mixins of those types."""

from __future__ import annotations

import strawberry


@strawberry.type
class SessionAnalysisFields:
    """Analysis fields of ``Session``."""


@strawberry.type
class DriverAnalysisFields:
    """Analysis fields of ``Driver``."""


@strawberry.type
class LapAnalysisFields:
    """Analysis fields of ``Lap``."""


@strawberry.type
class StintAnalysisFields:
    """Analysis fields of ``Stint``."""

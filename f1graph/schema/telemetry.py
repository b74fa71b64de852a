"""Telemetry fields (car data, location) of Session, Driver and Lap: filled in by issue 4."""

from __future__ import annotations

import strawberry


@strawberry.type
class SessionTelemetryFields:
    """Telemetry fields of ``Session``."""


@strawberry.type
class DriverTelemetryFields:
    """Telemetry fields of ``Driver``."""


@strawberry.type
class LapTelemetryFields:
    """Telemetry fields of ``Lap``."""

"""Instants as epoch milliseconds and back, the one conversion every layer uses.

OpenF1 writes dates in UTC; a date read without an offset is UTC. Conversions are exact
(integer arithmetic on ``timedelta``, no float ``timestamp()`` rounding), so a sample's
``dateMs`` and the instant it was read from agree to the millisecond.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_MS = timedelta(milliseconds=1)


def utc(instant: datetime) -> datetime:
    """The instant with a time zone: one given without an offset is taken as UTC."""
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)


def epoch_ms(instant: datetime) -> int:
    """Whole milliseconds since 1970 (UTC) of ``instant`` (naive means UTC)."""
    return (utc(instant) - EPOCH) // ONE_MS


def from_epoch_ms(t_ms: int) -> datetime:
    """The UTC instant ``t_ms`` milliseconds after 1970."""
    return EPOCH + t_ms * ONE_MS

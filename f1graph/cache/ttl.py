"""How long a cached dataset stays fresh.

The legacy TTLs (sessions 1 h, drivers 30 min, laps 15 min, intervals and position 5 min,
telemetry 10 min, stints and pit 30 min) suit a session live or just ended. A session that
ended more than a day ago does not change any more, so its data stays fresh far longer.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

ENDED_AFTER = timedelta(days=1)
STALE_GRACE_S = 7 * 24 * 3600.0  # how long a stale entry is kept to serve when OpenF1 fails


def fresh_ttl_s(
    endpoint_ttl_s: float,
    session_end: datetime | None,
    ended_session_ttl_s: float,
    now: datetime | None = None,
) -> float:
    """Seconds a dataset stays fresh: the endpoint's TTL, or the long one for an ended session."""
    now = now or datetime.now(UTC)
    if session_end is not None and now - session_end > ENDED_AFTER:
        return ended_session_ttl_s
    return endpoint_ttl_s

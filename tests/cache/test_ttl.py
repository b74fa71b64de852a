"""Fresh periods: the endpoint's TTL, or the long one once a session ended over a day ago."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from f1graph.cache.ttl import ENDED_AFTER, fresh_ttl_s

NOW = datetime(2025, 7, 6, 16, 0, tzinfo=UTC)
LAPS_TTL_S = 15 * 60.0
ENDED_TTL_S = 30 * 24 * 3600.0


class TestFreshTtl:
    """Only a session that ended more than a day ago gets the ended-session TTL."""

    def test_unknown_end_uses_the_endpoint_ttl(self) -> None:
        assert fresh_ttl_s(LAPS_TTL_S, None, ENDED_TTL_S, now=NOW) == LAPS_TTL_S

    def test_live_session_uses_the_endpoint_ttl(self) -> None:
        end = NOW + timedelta(minutes=30)
        assert fresh_ttl_s(LAPS_TTL_S, end, ENDED_TTL_S, now=NOW) == LAPS_TTL_S

    def test_just_ended_uses_the_endpoint_ttl(self) -> None:
        end = NOW - timedelta(hours=3)
        assert fresh_ttl_s(LAPS_TTL_S, end, ENDED_TTL_S, now=NOW) == LAPS_TTL_S

    def test_exactly_one_day_is_not_yet_ended(self) -> None:
        end = NOW - ENDED_AFTER
        assert fresh_ttl_s(LAPS_TTL_S, end, ENDED_TTL_S, now=NOW) == LAPS_TTL_S

    def test_ended_over_a_day_ago(self) -> None:
        end = NOW - ENDED_AFTER - timedelta(seconds=1)
        assert fresh_ttl_s(LAPS_TTL_S, end, ENDED_TTL_S, now=NOW) == ENDED_TTL_S

    def test_old_season(self) -> None:
        end = datetime(2023, 9, 17, 14, 0, tzinfo=UTC)  # Singapore 2023
        assert fresh_ttl_s(LAPS_TTL_S, end, ENDED_TTL_S) == ENDED_TTL_S

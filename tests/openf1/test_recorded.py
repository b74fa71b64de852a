"""RecordedSource answers queries over the recorded data with OpenF1's filter semantics.

Expected rows are computed from the raw files (``tests.data.raw_rows``) with plain loops.
"""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from f1graph.errors import BadRequestError, UpstreamBadResponseError
from f1graph.openf1.filters import Filter, to_query_string, where
from f1graph.openf1.recorded import RecordedSource
from tests.data import DATA_DIR, raw_rows
from tests.fake_openf1 import parse_query_string

Rows = list[dict[str, Any]]


@pytest.fixture(scope="module")
def source() -> RecordedSource:
    # Loop-agnostic (no connections, a thread lock), so one instance serves the module.
    return RecordedSource(DATA_DIR)


async def fetch(source: RecordedSource, endpoint: str, query: str) -> Rows:
    rows: Rows = orjson.loads(await source.fetch(endpoint, parse_query_string(query)))
    return rows


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def recorded_sessions() -> list[int]:
    return sorted(int(p.name) for p in Path(DATA_DIR).iterdir() if p.name.isdigit())


class TestDirectory:
    """Any directory laid out like ``dev/`` works; a broken file is an upstream error."""

    async def test_small_directory(self, tmp_path: Path) -> None:
        (tmp_path / "7").mkdir()
        rows = [{"session_key": 7, "driver_number": n, "x": n * 10} for n in (1, 2, 3)]
        (tmp_path / "7" / "location.json.gz").write_bytes(gzip.compress(orjson.dumps(rows)))
        source = RecordedSource(tmp_path)
        query = parse_query_string("session_key=7&driver_number=1&driver_number=3&x>10")
        assert orjson.loads(await source.fetch("location", query)) == [rows[2]]
        # No sessions.json: `latest` cannot be resolved and matches nothing.
        assert await source.fetch("location", where(session_key="latest")) == b"[]"
        await source.aclose()

    async def test_broken_file(self, tmp_path: Path) -> None:
        (tmp_path / "7").mkdir()
        (tmp_path / "7" / "laps.json").write_bytes(b'[{"lap_number": 1},')
        (tmp_path / "meetings.json").write_bytes(b'{"detail": "No results found."}')
        source = RecordedSource(tmp_path)
        with pytest.raises(UpstreamBadResponseError, match=r"laps\.json"):
            await source.fetch("laps", where(session_key=7))
        with pytest.raises(UpstreamBadResponseError, match="JSON array"):
            await source.fetch("meetings", ())


class TestEndpoints:
    """Only OpenF1's 18 endpoints exist; a session's whole file comes back as recorded."""

    async def test_unknown_endpoint_is_a_bad_request(self, source: RecordedSource) -> None:
        with pytest.raises(BadRequestError, match="lap_times"):
            await source.fetch("lap_times", where(session_key=11253))

    async def test_whole_session(self, source: RecordedSource) -> None:
        assert await fetch(source, "laps", "session_key=11253") == raw_rows(11253, "laps")

    async def test_endpoint_not_recorded_for_session_is_empty(self, source: RecordedSource) -> None:
        assert not (DATA_DIR / "9531" / "intervals.json").exists()
        assert await source.fetch("intervals", where(session_key=9531)) == b"[]"

    async def test_unrecorded_session_is_empty(self, source: RecordedSource) -> None:
        assert await source.fetch("laps", where(session_key=1)) == b"[]"


class TestEquality:
    """Equality compares numbers numerically, booleans as true/false, strings as written."""

    async def test_number(self, source: RecordedSource) -> None:
        expected = [r for r in raw_rows(11253, "laps") if r["driver_number"] == 1]
        assert len(expected) > 40
        assert await fetch(source, "laps", "session_key=11253&driver_number=1") == expected
        assert await fetch(source, "laps", "session_key=11253&driver_number=1.0") == expected

    async def test_boolean(self, source: RecordedSource) -> None:
        expected = [r for r in raw_rows(11253, "laps") if r["is_pit_out_lap"] is True]
        assert len(expected) == 29
        assert await fetch(source, "laps", "session_key=11253&is_pit_out_lap=true") == expected
        typed = where(session_key=11253, is_pit_out_lap=True)
        assert orjson.loads(await source.fetch("laps", typed)) == expected

    async def test_boolean_is_not_the_number_one(self, source: RecordedSource) -> None:
        assert await fetch(source, "laps", "session_key=11253&is_pit_out_lap=1") == []

    async def test_string(self, source: RecordedSource) -> None:
        expected = [r for r in raw_rows(11253, "drivers") if r["team_name"] == "McLaren"]
        assert len(expected) == 2
        assert await fetch(source, "drivers", "session_key=11253&team_name=McLaren") == expected

    async def test_repeats_on_one_field_are_ored(self, source: RecordedSource) -> None:
        laps = raw_rows(11253, "laps")
        expected = [r for r in laps if r["driver_number"] in (1, 44)]
        query = "session_key=11253&driver_number=1&driver_number=44"
        assert await fetch(source, "laps", query) == expected
        assert {r["driver_number"] for r in expected} == {1, 44}

    async def test_fields_are_anded(self, source: RecordedSource) -> None:
        rows = await fetch(source, "laps", "session_key=11253&driver_number=44&lap_number=5")
        assert [(r["driver_number"], r["lap_number"]) for r in rows] == [(44, 5)]

    async def test_repeated_session_keys_read_both_sessions(self, source: RecordedSource) -> None:
        rows = await fetch(source, "laps", "session_key=11280&session_key=11253&lap_number=1")
        expected = [
            r for key in (11253, 11280) for r in raw_rows(key, "laps") if r["lap_number"] == 1
        ]
        assert rows == expected

    async def test_without_session_key_every_session_is_read(self, source: RecordedSource) -> None:
        expected = [
            r
            for key in recorded_sessions()
            for r in raw_rows(key, "laps")
            if r["driver_number"] == 44 and r["lap_number"] == 10
        ]
        assert len(expected) > 30
        assert await fetch(source, "laps", "driver_number=44&lap_number=10") == expected

    async def test_meeting_key_on_a_session_endpoint(self, source: RecordedSource) -> None:
        rows = await fetch(source, "stints", "meeting_key=1281")
        assert rows == raw_rows(11249, "stints") + raw_rows(11253, "stints")


class TestComparison:
    """>=, <=, > and < compare numbers, and ISO dates as instants; null never matches."""

    async def test_numbers(self, source: RecordedSource) -> None:
        laps = raw_rows(11253, "laps")
        quick = [r for r in laps if r["lap_duration"] is not None and r["lap_duration"] < 95]
        assert 0 < len(quick) < len(laps)
        assert await fetch(source, "laps", "session_key=11253&lap_duration<95") == quick

    async def test_bounds_are_inclusive_or_strict(self, source: RecordedSource) -> None:
        best = min(r["lap_duration"] for r in raw_rows(11253, "laps") if r["lap_duration"])
        strict = f"session_key=11253&lap_duration<{best}"
        inclusive = f"session_key=11253&lap_duration<={best}"
        assert await fetch(source, "laps", strict) == []
        assert [r["lap_duration"] for r in await fetch(source, "laps", inclusive)] == [best]

    async def test_range_on_one_field_is_anded(self, source: RecordedSource) -> None:
        rows = await fetch(source, "laps", "session_key=11253&lap_number>=50&lap_number<52")
        expected = [r for r in raw_rows(11253, "laps") if 50 <= r["lap_number"] < 52]
        assert rows == expected
        assert {r["lap_number"] for r in rows} == {50, 51}

    async def test_null_never_matches(self, source: RecordedSource) -> None:
        timed = [r for r in raw_rows(11253, "laps") if r["lap_duration"] is not None]
        assert len(timed) < len(raw_rows(11253, "laps"))
        assert await fetch(source, "laps", "session_key=11253&lap_duration>0") == timed

    async def test_date_window(self, source: RecordedSource) -> None:
        intervals = raw_rows(11253, "intervals")
        start, end = intervals[1000]["date"], intervals[2000]["date"]
        expected = [r for r in intervals if instant(start) <= instant(r["date"]) < instant(end)]
        assert len(expected) == 1000
        window = (Filter("date", ">=", instant(start)), Filter("date", "<", instant(end)))
        encoded = where(session_key=11253) + window
        assert orjson.loads(await source.fetch("intervals", encoded)) == expected
        # Unencoded, as a hand-written URL: the '+' of the offset arrives as a space.
        decoded = parse_query_string(f"session_key=11253&date>={start}&date<{end}")
        assert " " in decoded[1].render_value()
        assert orjson.loads(await source.fetch("intervals", decoded)) == expected
        round_trip = parse_query_string(to_query_string(encoded))
        assert orjson.loads(await source.fetch("intervals", round_trip)) == expected

    async def test_dates_without_offset_are_utc(self, source: RecordedSource) -> None:
        cut = datetime(2026, 3, 29, 5, 30, tzinfo=UTC)
        expected = [r for r in raw_rows(11253, "intervals") if instant(r["date"]) < cut]
        assert 0 < len(expected) < len(raw_rows(11253, "intervals"))
        for written in ("2026-03-29T05:30:00", "2026-03-29T05:30", "2026-03-29T14:30:00%2B09:00"):
            query = f"session_key=11253&date<{written}"
            assert await fetch(source, "intervals", query) == expected, written

    async def test_date_only(self, source: RecordedSource) -> None:
        messages = raw_rows(11253, "race_control")
        assert await fetch(source, "race_control", "session_key=11253&date>=2026-03-29") == [
            r for r in messages if instant(r["date"]) >= datetime(2026, 3, 29, tzinfo=UTC)
        ]
        assert await fetch(source, "race_control", "session_key=11253&date<2026-03-29") == []


class TestUnknownFields:
    """A filter on a field the rows lack matches nothing, as OpenF1 does (limit included)."""

    @pytest.mark.parametrize("query", ["limit=5", "offset=10", "colour=red", "speed>=300"])
    async def test_matches_nothing(self, source: RecordedSource, query: str) -> None:
        assert await source.fetch("laps", parse_query_string(f"session_key=11253&{query}")) == b"[]"


class TestLatest:
    """``latest`` is the session (meeting) with the latest ``date_start`` recorded."""

    async def test_session(self, source: RecordedSource) -> None:
        newest = max(raw_rows(None, "sessions"), key=lambda s: instant(s["date_start"]))
        assert await fetch(source, "sessions", "session_key=latest") == [newest]
        key = newest["session_key"]
        assert await fetch(source, "laps", "session_key=latest&lap_number=3") == [
            r for r in raw_rows(key, "laps") if r["lap_number"] == 3
        ]

    async def test_meeting(self, source: RecordedSource) -> None:
        newest = max(raw_rows(None, "meetings"), key=lambda m: instant(m["date_start"]))
        assert await fetch(source, "meetings", "meeting_key=latest") == [newest]
        sessions = [
            s for s in raw_rows(None, "sessions") if s["meeting_key"] == newest["meeting_key"]
        ]
        assert await fetch(source, "sessions", "meeting_key=latest") == sessions


class TestCompressed:
    """``.json.gz`` files are read like plain ones (a whole race of ``location``)."""

    async def test_location_window(self, source: RecordedSource) -> None:
        start = datetime(2024, 6, 9, 18, 10, tzinfo=UTC)
        end = datetime(2024, 6, 9, 18, 12, tzinfo=UTC)
        expected = [
            r
            for r in raw_rows(9531, "location")
            if r["driver_number"] == 1 and start <= instant(r["date"]) < end
        ]
        assert len(expected) > 100
        window = (Filter("date", ">=", start), Filter("date", "<", end))
        filters = (*where(session_key=9531, driver_number=1), *window)
        assert orjson.loads(await source.fetch("location", filters)) == expected


class TestTopLevel:
    """``sessions`` and ``meetings`` come from the top-level files and filter the same way."""

    async def test_sessions_of_a_year(self, source: RecordedSource) -> None:
        expected = [s for s in raw_rows(None, "sessions") if s["year"] == 2026]
        assert [s["session_key"] for s in await fetch(source, "sessions", "year=2026")] == [
            s["session_key"] for s in expected
        ]
        assert len(expected) == 3

    async def test_sessions_by_year_and_country(self, source: RecordedSource) -> None:
        rows = await fetch(source, "sessions", "year=2026&country_name=Japan")
        assert sorted(s["session_key"] for s in rows) == [11249, 11253]

    async def test_sessions_by_type_and_date(self, source: RecordedSource) -> None:
        query = "session_type=Race&date_start>=2024-01-01&date_start<2025-01-01"
        expected = [
            s
            for s in raw_rows(None, "sessions")
            if s["session_type"] == "Race" and s["date_start"].startswith("2024")
        ]
        assert await fetch(source, "sessions", query) == expected

    async def test_meetings_by_country(self, source: RecordedSource) -> None:
        rows = await fetch(source, "meetings", "country_name=Japan")
        assert [m["meeting_key"] for m in rows] == [
            m["meeting_key"] for m in raw_rows(None, "meetings") if m["country_name"] == "Japan"
        ]
        assert len(rows) == 1

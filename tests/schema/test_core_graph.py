"""The core graph of issue 2: lookups, NOT_FOUND errors, raw-data fields and loader batching.

Expected values are read from the recorded rows as plain dicts; upstream calls are counted on
the source the services were built over.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from tests.data import raw_rows
from tests.schema.conftest import Answer, CountingSource, Execute

RACE = 11253  # Suzuka 2026 race: no grid of its own
QUALIFYING = 11249  # Suzuka 2026 qualifying: the grid of RACE
MIAMI = 11280


def when(text: str) -> datetime:
    return datetime.fromisoformat(text)


def only_error(result: Any) -> tuple[str, list[str | int]]:
    """The code and path of the result's one error."""
    assert result.errors is not None and len(result.errors) == 1, result.errors
    (error,) = result.errors
    return error.extensions["code"], error.path


class TestLookups:
    """Root lookups answer from the recorded sessions and meetings."""

    async def test_sessions_of_a_year_in_time_order(self, answer: Answer) -> None:
        data = await answer("{ sessions(year: 2026) { sessionKey dateStart } }")
        recorded = sorted(
            (s for s in raw_rows(None, "sessions") if s["year"] == 2026),
            key=lambda s: when(s["date_start"]),
        )
        assert [s["sessionKey"] for s in data["sessions"]] == [s["session_key"] for s in recorded]
        assert [s["sessionKey"] for s in data["sessions"]] == [QUALIFYING, RACE, MIAMI]

    async def test_meeting_and_its_sessions(self, answer: Answer) -> None:
        data = await answer("{ meeting(meetingKey: 1281) { meetingKey sessions { sessionKey } } }")
        keys = {s["session_key"] for s in raw_rows(None, "sessions") if s["meeting_key"] == 1281}
        assert data["meeting"]["meetingKey"] == 1281
        assert {s["sessionKey"] for s in data["meeting"]["sessions"]} == keys

    async def test_session_fields_and_meeting(self, answer: Answer) -> None:
        data = await answer(
            "{ session(sessionKey: 11253) { sessionKey sessionName sessionType"
            " circuitShortName year meeting { meetingKey } } }"
        )
        raw = next(s for s in raw_rows(None, "sessions") if s["session_key"] == RACE)
        assert data["session"] == {
            "sessionKey": RACE,
            "sessionName": raw["session_name"],
            "sessionType": raw["session_type"],
            "circuitShortName": raw["circuit_short_name"],
            "year": raw["year"],
            "meeting": {"meetingKey": raw["meeting_key"]},
        }


class TestNotFound:
    """Unknown keys give null and one NOT_FOUND error at the field that asked."""

    async def test_unknown_meeting(self, execute: Execute) -> None:
        result = await execute("{ meeting(meetingKey: 999999) { meetingKey } }")
        assert result.data == {"meeting": None}
        assert only_error(result) == ("NOT_FOUND", ["meeting"])

    async def test_unknown_session(self, execute: Execute) -> None:
        result = await execute("{ session(sessionKey: 1) { sessionKey } }")
        assert result.data == {"session": None}
        assert only_error(result) == ("NOT_FOUND", ["session"])

    async def test_driver_not_in_the_session(self, execute: Execute) -> None:
        assert 99 not in {d["driver_number"] for d in raw_rows(RACE, "drivers")}
        result = await execute(
            "{ session(sessionKey: 11253) { sessionKey driver(driverNumber: 99) { fullName } } }"
        )
        assert result.data == {"session": {"sessionKey": RACE, "driver": None}}
        assert only_error(result) == ("NOT_FOUND", ["session", "driver"])

    async def test_lap_the_driver_never_ran(self, execute: Execute) -> None:
        result = await execute(
            "{ session(sessionKey: 11253) { driver(driverNumber: 1) {"
            " lap(lapNumber: 999) { lapNumber } lap3: lap(lapNumber: 3) { lapNumber } } } }"
        )
        assert result.data == {"session": {"driver": {"lap": None, "lap3": {"lapNumber": 3}}}}
        assert only_error(result) == ("NOT_FOUND", ["session", "driver", "lap"])


class TestIntervals:
    """Interval rows: gaps parsed from OpenF1's values, and the from/to window."""

    async def test_lapped_row(self, answer: Answer) -> None:
        row = next(r for r in raw_rows(RACE, "intervals") if r["gap_to_leader"] == "+1 LAP")
        data = await answer(
            "query($d: Int!, $at: DateTime!) { session(sessionKey: 11253) {"
            " intervals(driverNumber: $d, from: $at, to: $at) { driverNumber date gapToLeader"
            " lapsBehindLeader gapToLeaderText interval lapsBehindAhead intervalText } } }",
            {"d": row["driver_number"], "at": row["date"]},
        )
        (got,) = data["session"]["intervals"]
        assert got["driverNumber"] == row["driver_number"]
        assert when(got["date"]) == when(row["date"])
        assert (got["gapToLeader"], got["lapsBehindLeader"], got["gapToLeaderText"]) == (
            None,
            1,
            "+1 LAP",
        )
        assert isinstance(row["interval"], float)
        assert (got["interval"], got["lapsBehindAhead"]) == (row["interval"], 0)

    async def test_leader_row(self, answer: Answer) -> None:
        row = next(r for r in raw_rows(RACE, "intervals") if r["gap_to_leader"] == 0)
        data = await answer(
            "query($d: Int!, $at: DateTime!) { session(sessionKey: 11253) {"
            " intervals(driverNumber: $d, from: $at, to: $at) {"
            " gapToLeader lapsBehindLeader interval } } }",
            {"d": row["driver_number"], "at": row["date"]},
        )
        assert data["session"]["intervals"] == [
            {"gapToLeader": 0.0, "lapsBehindLeader": 0, "interval": 0.0}
        ]

    async def test_window_is_inclusive(self, answer: Answer) -> None:
        rows = raw_rows(RACE, "intervals")
        start, end = rows[1000]["date"], rows[1400]["date"]
        data = await answer(
            "query($from: DateTime!, $to: DateTime!) { session(sessionKey: 11253) {"
            " intervals(from: $from, to: $to) { driverNumber date } } }",
            {"from": start, "to": end},
        )
        inside = [r for r in rows if when(start) <= when(r["date"]) <= when(end)]
        got = data["session"]["intervals"]
        assert len(got) == len(inside) >= 401
        assert Counter(g["driverNumber"] for g in got) == Counter(
            r["driver_number"] for r in inside
        )
        assert when(got[0]["date"]) == when(start) and when(got[-1]["date"]) == when(end)

    async def test_window_without_offset_is_utc(self, execute: Execute) -> None:
        result = await execute(
            '{ session(sessionKey: 11253) { intervals(from: "2026-03-29T06:00:00",'
            ' to: "2026-03-29T06:00:10") { date } } }'
        )
        assert result.errors is None, result.errors


class TestRaceControlFilter:
    """Session.raceControl filters messages by category, flag, driver and lap."""

    async def test_by_category_any_case(self, answer: Answer) -> None:
        data = await answer(
            '{ session(sessionKey: 11280) { a: raceControl(category: "Flag") { category }'
            ' b: raceControl(category: "flag") { category } } }'
        )
        expected = sum(1 for m in raw_rows(MIAMI, "race_control") if m["category"] == "Flag")
        assert len(data["session"]["a"]) == len(data["session"]["b"]) == expected > 0

    async def test_filters_are_anded(self, answer: Answer) -> None:
        data = await answer(
            "{ session(sessionKey: 11253) {"
            ' raceControl(flag: "BLUE", driverNumber: 77) { driverNumber lapNumber } } }'
        )
        expected = [
            (m["driver_number"], m["lap_number"])
            for m in raw_rows(RACE, "race_control")
            if m["flag"] == "BLUE" and m["driver_number"] == 77
        ]
        assert [
            (m["driverNumber"], m["lapNumber"]) for m in data["session"]["raceControl"]
        ] == expected


class TestClassification:
    """Results and the starting grid."""

    async def test_race_grid_comes_from_its_qualifying(self, answer: Answer) -> None:
        assert raw_rows(RACE, "starting_grid") == []
        data = await answer(
            "{ session(sessionKey: 11253) { startingGrid {"
            " sessionKey driverNumber position lapDuration } } }"
        )
        grid = sorted(raw_rows(QUALIFYING, "starting_grid"), key=lambda g: g["position"])
        assert data["session"]["startingGrid"] == [
            {
                "sessionKey": QUALIFYING,
                "driverNumber": g["driver_number"],
                "position": g["position"],
                "lapDuration": g["lap_duration"],
            }
            for g in grid
        ]

    async def test_qualifying_durations(self, answer: Answer) -> None:
        data = await answer(
            "{ session(sessionKey: 11249) { result {"
            " driverNumber position duration qualifyingDurations } } }"
        )
        raw = {r["driver_number"]: r for r in raw_rows(QUALIFYING, "session_result")}
        got = data["session"]["result"]
        assert len(got) == len(raw)
        for r in got:
            times = raw[r["driverNumber"]]["duration"]
            assert r["qualifyingDurations"] == times
            set_times = [t for t in times if t is not None]
            assert r["duration"] == (set_times[-1] if set_times else None)
        positions = [r["position"] for r in got if r["position"] is not None]
        assert positions == sorted(positions)

    async def test_race_result(self, answer: Answer) -> None:
        data = await answer(
            "{ session(sessionKey: 11253) { result {"
            " driverNumber position duration qualifyingDurations gapToLeader lapsBehindLeader"
            " dnf } } }"
        )
        raw = {r["driver_number"]: r for r in raw_rows(RACE, "session_result")}
        got = data["session"]["result"]
        for r in got:
            row = raw[r["driverNumber"]]
            assert (r["position"], r["duration"], r["dnf"]) == (
                row["position"],
                row["duration"],
                row["dnf"],
            )
            assert r["qualifyingDurations"] is None
            gap = row["gap_to_leader"]
            if isinstance(gap, str):
                assert (r["gapToLeader"], r["lapsBehindLeader"]) == (None, int(gap.split()[0]))
            elif gap is not None:
                assert (r["gapToLeader"], r["lapsBehindLeader"]) == (gap, 0)
        assert [r["position"] is None for r in got] == sorted(r["position"] is None for r in got)


class TestBatching:
    """Loaders: one upstream call per endpoint, whatever the number of sessions and fields."""

    async def test_two_sessions_share_one_laps_call(
        self, answer: Answer, source: CountingSource
    ) -> None:
        data = await answer(
            "{ a: session(sessionKey: 11253) { laps { lapNumber } }"
            " b: session(sessionKey: 11280) { laps { lapNumber } } }"
        )
        assert len(data["a"]["laps"]) == len(raw_rows(RACE, "laps"))
        assert len(data["b"]["laps"]) == len(raw_rows(MIAMI, "laps"))
        assert source.session_keys("laps") == [[RACE, MIAMI]]
        assert source.session_keys("sessions") == [[RACE, MIAMI]]

    async def test_nested_fields_add_no_call(self, answer: Answer, source: CountingSource) -> None:
        data = await answer(
            "{ session(sessionKey: 11253) { drivers { driverNumber"
            " laps { lapNumber driver { nameAcronym } stint { compound } }"
            " stints { compound } } } }"
        )
        drivers = data["session"]["drivers"]
        assert sum(len(d["laps"]) for d in drivers) == len(raw_rows(RACE, "laps"))
        assert Counter(source.endpoints()) == {"sessions": 1, "drivers": 1, "laps": 1, "stints": 1}
        assert source.session_keys("laps") == [[RACE]]

    async def test_each_request_has_its_own_loaders_but_shares_the_cache(
        self, answer: Answer, source: CountingSource
    ) -> None:
        query = "{ session(sessionKey: 11280) { stints { compound } } }"
        first = await answer(query)
        made = len(source.calls)
        assert await answer(query) == first
        assert len(source.calls) == made

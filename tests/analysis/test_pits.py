from __future__ import annotations

import pytest

from f1graph.analysis.pits import lane_duration, pit_stop_analysis
from f1graph.openf1.records import Driver
from tests.analysis.independent import records, when
from tests.analysis.make import at, pit
from tests.data import raw_rows

pytestmark = pytest.mark.usefixtures("data_dir")


class TestPitStopAnalysis:
    """Every stop, the fastest, and per-team means, checked against the raw rows."""

    @pytest.mark.parametrize("session_key", (11253, 11280, 11249))
    def test_against_raw_rows(self, session_key: int) -> None:
        rows = sorted(raw_rows(session_key, "pit"), key=lambda r: r["date"])
        lane = {
            r["date"]: r["lane_duration"] if r["lane_duration"] is not None else r["pit_duration"]
            for r in rows
        }
        team = {d["driver_number"]: d["team_name"] for d in raw_rows(session_key, "drivers")}
        got = pit_stop_analysis(records(session_key, "pit"), records(session_key, "drivers"))
        assert [(s.date, s.driver_number, s.lap_number, s.lane_duration_s) for s in got.stops] == [
            (when(r["date"]), r["driver_number"], r["lap_number"], lane[r["date"]]) for r in rows
        ]
        timed = [r for r in rows if lane[r["date"]] is not None]
        fastest = min(timed, key=lambda r: (lane[r["date"]], r["date"]))
        assert got.fastest is not None
        assert (got.fastest.driver_number, got.fastest.lane_duration_s) == (
            fastest["driver_number"],
            lane[fastest["date"]],
        )
        assert got.fastest.team_name == team[fastest["driver_number"]]
        means: dict[str, list[float]] = {}
        counts: dict[str, int] = {}
        for r in rows:
            counts[team[r["driver_number"]]] = counts.get(team[r["driver_number"]], 0) + 1
            if lane[r["date"]] is not None:
                means.setdefault(team[r["driver_number"]], []).append(lane[r["date"]])
        assert {t.team_name: t.stop_count for t in got.teams} == counts
        for t in got.teams:
            values = means[t.team_name or ""]
            assert t.mean_lane_duration_s == pytest.approx(sum(values) / len(values))
            assert t.best_lane_duration_s == min(values)
        ordered = [t.mean_lane_duration_s for t in got.teams]
        assert ordered == sorted(ordered)  # type: ignore[type-var]
        assert got.fastest_stationary is None  # no stop_duration before 2025 feeds filled it

    def test_suzuka_fastest(self) -> None:
        got = pit_stop_analysis(records(11253, "pit"), records(11253, "drivers"))
        assert got.fastest is not None
        assert (
            got.fastest.driver_number,
            got.fastest.name_acronym,
            got.fastest.lane_duration_s,
        ) == (
            44,
            "HAM",
            22.8,
        )
        assert len(got.stops) == 29

    def test_older_pit_duration_and_stationary_time(self) -> None:
        pits = [
            pit(1, 20, 100, pit_duration=24.1),
            pit(2, 21, 50, lane_duration=22.0, stop_duration=2.9),
            pit(3, 22, 70, lane_duration=23.0, stop_duration=2.1),
            pit(4, 23, 80),
        ]
        drivers = [
            Driver(driver_number=2, team_name="Ferrari"),
            Driver(driver_number=3, team_name="Ferrari"),
        ]
        got = pit_stop_analysis(pits, drivers)
        assert [s.driver_number for s in got.stops] == [2, 3, 4, 1]
        assert lane_duration(pits[0]) == 24.1 and got.stops[-1].lane_duration_s == 24.1
        assert got.fastest is not None and got.fastest.driver_number == 2
        assert got.fastest_stationary is not None and got.fastest_stationary.stop_duration_s == 2.1
        ferrari, unknown = got.teams
        assert (ferrari.team_name, ferrari.stop_count, ferrari.mean_lane_duration_s) == (
            "Ferrari",
            2,
            22.5,
        )
        assert (unknown.team_name, unknown.stop_count, unknown.mean_lane_duration_s) == (
            None,
            2,
            24.1,
        )
        assert got.stops[0].date == at(50)

    def test_no_stops(self) -> None:
        got = pit_stop_analysis([], [])
        assert (got.stops, got.fastest, got.fastest_stationary, got.teams) == ([], None, None, [])

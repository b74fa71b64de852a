from __future__ import annotations

from collections import Counter

import pytest

from f1graph.analysis.race_control import (
    SafetyCarPeriod,
    TimelineKind,
    flags,
    race_control_statistics,
    safety_car_periods,
    timeline,
)
from f1graph.analysis.track_status import TrackStatus
from tests.analysis.independent import records, sc_windows
from tests.analysis.make import at, msg, pit
from tests.data import raw_rows

pytestmark = pytest.mark.usefixtures("data_dir")


class TestSafetyCarPeriods:
    """SC and VSC periods with their laps and duration."""

    @pytest.mark.parametrize(("session_key", "laps"), [(11253, (22, 27)), (11280, (6, 11))])
    def test_recorded_races(self, session_key: int, laps: tuple[int, int]) -> None:
        (start, end) = sc_windows(session_key)[0]
        got = safety_car_periods(records(session_key, "race_control"), records(session_key, "laps"))
        assert got == [
            SafetyCarPeriod(
                TrackStatus.SC, start, end, laps[0], laps[1], (end - start).total_seconds()
            )
        ]

    def test_suzuka_duration(self) -> None:
        (got,) = safety_car_periods(records(11253, "race_control"), records(11253, "laps"))
        assert got.duration_s == 816.875

    def test_open_at_the_end_ends_at_session_end(self) -> None:
        rc = [
            msg(0, "VIRTUAL SAFETY CAR DEPLOYED", 3),
            msg(60, "VIRTUAL SAFETY CAR ENDING", 4),
            msg(500, "SAFETY CAR DEPLOYED", 40),
        ]
        got = safety_car_periods(rc, session_end=at(800))
        assert got == [
            SafetyCarPeriod(TrackStatus.VSC, at(0), at(60), 3, 4, 60.0),
            SafetyCarPeriod(TrackStatus.SC, at(500), at(800), 40, None, 300.0),
        ]
        assert (
            safety_car_periods(rc)[1].ended is None and safety_car_periods(rc)[1].duration_s is None
        )

    def test_qualifying_and_empty(self) -> None:
        assert safety_car_periods(records(11249, "race_control"), records(11249, "laps")) == []
        assert safety_car_periods([]) == []


class TestFlags:
    """Flag messages in time order, counted by flag."""

    @pytest.mark.parametrize("session_key", (11253, 11280, 11249))
    def test_against_raw_rows(self, session_key: int) -> None:
        rows = [r for r in raw_rows(session_key, "race_control") if r["flag"]]
        got = flags(records(session_key, "race_control"))
        assert [m.message for m in got.messages] == [
            r["message"] for r in sorted(rows, key=lambda r: r["date"])
        ]
        assert {c.flag: c.count for c in got.counts} == Counter(r["flag"] for r in rows)
        assert [c.count for c in got.counts] == sorted((c.count for c in got.counts), reverse=True)

    def test_miami_blue_flags(self) -> None:
        assert flags(records(11280, "race_control")).counts[0].flag == "BLUE"
        assert flags(records(11280, "race_control")).counts[0].count == 53
        assert flags([]).messages == [] and flags([]).counts == []


class TestTimelineAndStatistics:
    """One merged timeline; totals by category and flag."""

    def test_suzuka_timeline(self) -> None:
        rc, pits = records(11253, "race_control"), records(11253, "pit")
        periods = safety_car_periods(rc, records(11253, "laps"))
        got = timeline(rc, pits, periods)
        assert len(got) == len(rc) + len(pits) + 2
        assert [e.date for e in got] == sorted(e.date for e in got)
        kinds = Counter(e.kind for e in got)
        assert kinds[TimelineKind.PIT_STOP] == 29 and kinds[TimelineKind.SAFETY_CAR_ENDED] == 1
        sc = next(e for e in got if e.kind is TimelineKind.SAFETY_CAR_DEPLOYED)
        assert (sc.lap_number, sc.duration_s) == (22, 816.875)
        stop = next(e for e in got if e.kind is TimelineKind.PIT_STOP)
        assert (stop.driver_number, stop.lap_number, stop.duration_s) == (1, 16, 23.3)

    def test_tie_keeps_source_order(self) -> None:
        got = timeline([msg(5, "X")], [pit(1, 3, 5, lane_duration=None, pit_duration=21.0)])
        assert [e.kind for e in got] == [TimelineKind.RACE_CONTROL, TimelineKind.PIT_STOP]
        assert got[1].duration_s == 21.0
        assert timeline([]) == []

    @pytest.mark.parametrize("session_key", (11253, 11280, 11249))
    def test_statistics_against_raw_rows(self, session_key: int) -> None:
        rows = raw_rows(session_key, "race_control")
        rc = records(session_key, "race_control")
        periods = safety_car_periods(rc, records(session_key, "laps"))
        got = race_control_statistics(rc, periods)
        assert got.message_count == len(rows)
        assert {c.category: c.count for c in got.by_category} == Counter(
            r["category"] for r in rows
        )
        assert {c.flag: c.count for c in got.by_flag} == Counter(
            r["flag"] for r in rows if r["flag"]
        )
        assert got.red_flags == sum(r["flag"] == "RED" for r in rows) == 0
        assert got.safety_car_periods == (0 if session_key == 11249 else 1)
        assert got.virtual_safety_car_periods == 0

    def test_miami_statistics(self) -> None:
        rc = records(11280, "race_control")
        got = race_control_statistics(rc, safety_car_periods(rc, records(11280, "laps")))
        assert (got.penalties, got.deleted_laps, got.investigations) == (1, 13, 12)

    def test_red_flag_counted(self) -> None:
        got = race_control_statistics([msg(0, "RED FLAG", flag="RED", category="Flag")])
        assert got.red_flags == 1 and got.penalties == 0

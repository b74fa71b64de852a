from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from f1graph.analysis.track_status import (
    TrackStatus,
    TrackTimeline,
    lap_track_status,
)
from f1graph.openf1.records import RaceControl
from tests.analysis.independent import records, sc_windows, when
from tests.analysis.make import at, lap, msg
from tests.data import raw_rows

pytestmark = pytest.mark.usefixtures("data_dir")


def track_status_at(race_control: list[RaceControl], instant: datetime) -> TrackStatus:
    """The status at ``instant`` on the timeline of the messages alone (no laps)."""
    return TrackTimeline.build(race_control, ()).at(instant)


class TestRecordedRaces:
    """The SC of the recorded races runs from deployment to the leader's next crossing."""

    def test_suzuka_sc_period(self) -> None:
        timeline = TrackTimeline.build(records(11253, "race_control"), records(11253, "laps"))
        (start, end) = sc_windows(11253)[0]
        sc = [p for p in timeline.periods if p.status is TrackStatus.SC]
        assert [(p.start, p.end, p.start_lap, p.end_lap) for p in sc] == [(start, end, 22, 27)]
        assert timeline.at(start + timedelta(seconds=1)) is TrackStatus.SC
        assert timeline.at(end - timedelta(milliseconds=1)) is TrackStatus.SC
        # Every yellow was cleared by then (sector CLEARs and TRACK CLEAR).
        assert timeline.at(end) is TrackStatus.GREEN

    def test_suzuka_yellow_before_the_sc(self) -> None:
        rows = raw_rows(11253, "race_control")
        first_yellow = next(when(r["date"]) for r in rows if r["flag"] == "YELLOW")
        status = track_status_at(records(11253, "race_control"), first_yellow)
        assert status is TrackStatus.YELLOW
        before = track_status_at(
            records(11253, "race_control"), first_yellow - timedelta(seconds=1)
        )
        assert before is TrackStatus.GREEN

    def test_miami_sc_ends_at_lap_12(self) -> None:
        laps = records(11280, "laps")
        timeline = TrackTimeline.build(records(11280, "race_control"), laps)
        lap12 = min(when(r["date_start"]) for r in raw_rows(11280, "laps") if r["lap_number"] == 12)
        sc = [p for p in timeline.periods if p.status is TrackStatus.SC]
        assert len(sc) == 1
        assert sc[0].end == lap12
        assert (sc[0].start_lap, sc[0].end_lap) == (6, 11)

    def test_qualifying_has_no_neutralisation(self) -> None:
        timeline = TrackTimeline.build(records(11249, "race_control"), records(11249, "laps"))
        assert timeline.periods == ()
        assert {timeline.at(when(r["date"])) for r in raw_rows(11249, "race_control")} == {
            TrackStatus.GREEN
        }


class TestMessages:
    """Each kind of message moves the status as the module documents."""

    def test_vsc_deployed_and_ending(self) -> None:
        t = TrackTimeline.build(
            [
                msg(100, "VIRTUAL SAFETY CAR DEPLOYED", 5, category="SafetyCar"),
                msg(200, "VIRTUAL SAFETY CAR ENDING", 6, category="SafetyCar"),
            ]
        )
        assert [t.at(at(s)) for s in (99, 100, 150, 200)] == [
            TrackStatus.GREEN,
            TrackStatus.VSC,
            TrackStatus.VSC,
            TrackStatus.GREEN,
        ]
        (p,) = t.periods
        assert (p.status, p.start, p.end, p.start_lap, p.end_lap) == (
            TrackStatus.VSC,
            at(100),
            at(200),
            5,
            6,
        )

    def test_red_flag_until_green_light(self) -> None:
        t = TrackTimeline.build(
            [
                msg(0, "SAFETY CAR DEPLOYED", 3),
                msg(50, "RED FLAG", 3, category="Flag", flag="RED", scope="Track"),
                msg(60, "TRACK CLEAR", 3, category="Flag", flag="CLEAR", scope="Track"),
                msg(
                    300,
                    "GREEN LIGHT - PIT EXIT OPEN",
                    3,
                    category="Flag",
                    flag="GREEN",
                    scope="Track",
                ),
            ]
        )
        assert t.at(at(10)) is TrackStatus.SC
        assert t.at(at(60)) is TrackStatus.RED
        assert t.at(at(300)) is TrackStatus.GREEN
        assert [(p.status, p.start, p.end) for p in t.periods] == [
            (TrackStatus.SC, at(0), at(50)),
            (TrackStatus.RED, at(50), at(300)),
        ]

    def test_sc_still_open_ends_at_session_end(self) -> None:
        t = TrackTimeline.build([msg(10, "SAFETY CAR DEPLOYED", 50)], session_end=at(900))
        (p,) = t.periods
        assert (p.status, p.end) == (TrackStatus.SC, at(900))
        assert t.at(at(5000)) is TrackStatus.SC
        assert TrackTimeline.build([msg(10, "SAFETY CAR DEPLOYED", 50)]).periods[0].end is None

    def test_sc_in_this_lap_without_laps_ends_at_track_clear(self) -> None:
        t = TrackTimeline.build(
            [
                msg(0, "SAFETY CAR DEPLOYED", 3),
                msg(100, "SAFETY CAR IN THIS LAP", 5),
                msg(160, "TRACK CLEAR", 5, category="Flag", flag="CLEAR", scope="Track"),
            ]
        )
        assert t.periods[0].end == at(160)

    def test_sc_in_this_lap_ends_when_the_leader_crosses(self) -> None:
        laps = [lap(1, 6, 150.0, 90.0), lap(2, 6, 170.0, 90.0), lap(3, 5, 140.0, 95.0)]
        t = TrackTimeline.build(
            [msg(0, "SAFETY CAR DEPLOYED", 3), msg(100, "SAFETY CAR IN THIS LAP", 5)], laps
        )
        assert t.periods[0].end == at(150)

    def test_sector_yellow_cleared_by_its_own_clear(self) -> None:
        t = TrackTimeline.build(
            [
                msg(0, "YELLOW IN TRACK SECTOR 4", flag="YELLOW", scope="Sector", sector=4),
                msg(
                    5,
                    "DOUBLE YELLOW IN TRACK SECTOR 9",
                    flag="DOUBLE YELLOW",
                    scope="Sector",
                    sector=9,
                ),
                msg(10, "CLEAR IN TRACK SECTOR 4", flag="CLEAR", scope="Sector", sector=4),
                msg(20, "CLEAR IN TRACK SECTOR 9", flag="CLEAR", scope="Sector", sector=9),
            ]
        )
        assert [t.at(at(s)) for s in (1, 12, 20)] == [
            TrackStatus.YELLOW,
            TrackStatus.YELLOW,
            TrackStatus.GREEN,
        ]

    def test_blue_flags_and_lapped_car_notes_change_nothing(self) -> None:
        t = TrackTimeline.build(
            [
                msg(
                    0,
                    "WAVED BLUE FLAG FOR CAR 77 (BOT)",
                    flag="BLUE",
                    scope="Driver",
                    driver_number=77,
                ),
                msg(5, "LAPPED CARS MAY NOW OVERTAKE THE SAFETY CAR: 77", category="Other"),
            ]
        )
        assert t.at(at(10)) is TrackStatus.GREEN
        assert t.periods == ()

    def test_no_messages_is_green(self) -> None:
        assert track_status_at([], at(0)) is TrackStatus.GREEN


class TestLapStatus:
    """A lap takes the worst status it ran under; an undated lap has none."""

    def test_worst_status_during_a_lap(self) -> None:
        t = TrackTimeline.build(
            [msg(100, "VIRTUAL SAFETY CAR DEPLOYED"), msg(130, "VIRTUAL SAFETY CAR ENDING")]
        )
        assert lap_track_status(lap(1, 2, 50.0, 90.0), t) is TrackStatus.VSC
        assert lap_track_status(lap(1, 3, 140.0, 90.0), t) is TrackStatus.GREEN
        assert lap_track_status(lap(1, 1, None, 90.0), t) is None
        assert lap_track_status(lap(1, 1, 0.0, None), t) is None

from __future__ import annotations

import pytest

from f1graph.analysis.clean import (
    CLEAN_LAP_THRESHOLD,
    LapContext,
    LapExclusion,
    is_pit_in_lap,
)
from f1graph.analysis.track_status import TrackStatus
from tests.analysis.independent import clean_lap_keys, records
from tests.analysis.make import lap, msg, pit, stint_laps
from tests.data import raw_rows

pytestmark = pytest.mark.usefixtures("data_dir")


def _context(session_key: int) -> LapContext:
    return LapContext.build(
        records(session_key, "laps"),
        records(session_key, "pit"),
        records(session_key, "race_control"),
    )


class TestRecordedSessions:
    """The context picks exactly the laps the definition picks, computed from the raw rows."""

    def test_races_with_a_safety_car(self) -> None:
        for session_key in (11253, 11280):
            ctx = _context(session_key)
            got = {(lap.driver_number, lap.lap_number) for lap in ctx.clean_laps()}
            assert got == clean_lap_keys(session_key)

    def test_suzuka_counts_by_reason(self) -> None:
        ctx = _context(11253)
        laps = records(11253, "laps")
        reasons = [ctx.exclusion(x) for x in laps]
        assert reasons.count(None) == 924
        assert reasons.count(LapExclusion.PIT_OUT) == sum(
            1 for r in raw_rows(11253, "laps") if r["is_pit_out_lap"] and r["lap_number"] != 1
        )
        # The SC laps 22-27 of every runner are neutralised.
        assert (
            ctx.exclusion(next(x for x in laps if (x.driver_number, x.lap_number) == (12, 25)))
            is LapExclusion.NEUTRALISED
        )

    def test_qualifying(self) -> None:
        assert {(x.driver_number, x.lap_number) for x in _context(11249).clean_laps()} == (
            clean_lap_keys(11249)
        )

    def test_laps_only_sessions(self) -> None:
        for session_key in (7779, 9165, 9539):
            ctx = LapContext.build(records(session_key, "laps"))
            got = {(x.driver_number, x.lap_number) for x in ctx.clean_laps()}
            assert got == clean_lap_keys(session_key)
            assert got

    def test_track_status_of_a_lap(self) -> None:
        ctx = _context(11253)
        by_key = {(x.driver_number, x.lap_number): x for x in records(11253, "laps")}
        assert ctx.track_status(by_key[12, 25]) is TrackStatus.SC
        assert ctx.track_status(by_key[12, 40]) is TrackStatus.GREEN


class TestDefinition:
    """Each test of the definition excludes a lap on its own."""

    def test_each_reason(self) -> None:
        laps = [
            lap(1, 1, 0.0, None),  # lap 1 with no duration
            lap(1, 2, 100.0, 95.0, is_pit_out_lap=True),
            *stint_laps(1, [90.0, 90.5, 91.0], first=3, start=195.0),
            lap(1, 6, 466.5, 110.0),  # pit-in lap
            lap(1, 7, 576.5, 90.2),  # under VSC
            lap(1, 8, 666.7, 97.0),  # slower than 107% of 90.0 = 96.3
            lap(1, 9, 763.7, None),  # no time (an incomplete lap is not a DNF)
        ]
        ctx = LapContext.build(
            laps,
            [pit(1, 6)],
            [msg(600, "VIRTUAL SAFETY CAR DEPLOYED"), msg(640, "VIRTUAL SAFETY CAR ENDING")],
        )
        assert [ctx.exclusion(x) for x in laps] == [
            LapExclusion.NO_TIME,
            LapExclusion.PIT_OUT,
            None,
            None,
            None,
            LapExclusion.PIT_IN,
            LapExclusion.NEUTRALISED,
            LapExclusion.SLOW,
            LapExclusion.NO_TIME,
        ]
        assert [x.lap_number for x in ctx.clean_laps(1)] == [3, 4, 5]
        assert ctx.is_pit_in_lap(laps[5]) and is_pit_in_lap(laps[5], [pit(1, 6)])
        assert not is_pit_in_lap(laps[4], [pit(1, 6), pit(2, 5)])

    def test_threshold_is_107_percent_inclusive(self) -> None:
        assert CLEAN_LAP_THRESHOLD == 1.07
        laps = [lap(5, 2, 0.0, 100.0), lap(5, 3, 100.0, 107.0), lap(5, 4, 207.0, 107.01)]
        ctx = LapContext.build(laps)
        assert [ctx.is_clean(x) for x in laps] == [True, True, False]

    def test_lap_one_with_a_time_is_not_clean(self) -> None:
        assert LapContext.build([lap(5, 1, 0.0, 90.0)]).clean_laps() == []

    def test_undated_lap_is_clean_only_without_neutralisation(self) -> None:
        laps = [lap(5, 2, None, 90.0)]
        assert LapContext.build(laps).clean_laps() == laps
        with_sc = LapContext.build(laps, race_control=[msg(0, "SAFETY CAR DEPLOYED", 1)])
        assert with_sc.exclusion(laps[0]) is LapExclusion.NEUTRALISED

    def test_empty_and_unknown_driver(self) -> None:
        ctx = LapContext.build([])
        assert ctx.clean_laps() == [] and ctx.drivers == [] and ctx.driver_laps(44) == ()

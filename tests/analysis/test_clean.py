from __future__ import annotations

import pytest

from f1graph.analysis.clean import (
    CLEAN_LAP_THRESHOLD,
    LapContext,
    LapExclusion,
    is_pit_in_lap,
    lap_key,
)
from f1graph.analysis.track_status import TrackStatus
from tests.analysis.independent import clean_lap_keys, early_verdicts, records
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


LAPS_ONLY_RACE = 9539  # Barcelona 2024: laps, stints and weather only
RACE = 11253


def states_of(ctx: LapContext) -> dict[tuple[int, int], tuple[bool | None, str | None]]:
    return {
        (x.driver_number, x.lap_number): (
            ctx.is_clean(x),
            None if (reason := ctx.exclusion(x)) is None else reason.value,
        )
        for x in ctx.laps
    }


class TestUndecided:
    """Without pit or race-control rows, a lap reaching the test that needs them is undecided."""

    def test_a_race_without_pit_or_race_control(self) -> None:
        laps = records(LAPS_ONLY_RACE, "laps")
        ctx = LapContext.build(laps, pits=None, race_control=None)
        expected = early_verdicts(LAPS_ONLY_RACE, None)
        assert states_of(ctx) == expected
        assert sum(1 for clean, _ in expected.values() if clean is None) >= 1000
        assert ctx.clean_laps() is None
        assert {d: ctx.clean_laps(d) for d in ctx.drivers} == dict.fromkeys(ctx.drivers)
        assert {ctx.is_pit_in_lap(x) for x in laps} == {None}
        assert {ctx.track_status(x) for x in laps} == {None}

    def test_a_race_with_pits_but_without_race_control(self) -> None:
        pits = records(RACE, "pit")
        ctx = LapContext.build(records(RACE, "laps"), pits, race_control=None)
        pitted = {(p["driver_number"], p["lap_number"]) for p in raw_rows(RACE, "pit")}
        expected = early_verdicts(RACE, pitted)
        assert states_of(ctx) == expected
        assert sum(1 for _, reason in expected.values() if reason == "PIT_IN") >= 20
        assert ctx.is_pit_in_lap(next(x for x in ctx.laps if lap_key(x) in pitted)) is True
        # with race control the same laps are decided: only the later tests differ
        whole = states_of(_context(RACE))
        assert {k: v for k, v in expected.items() if v[0] is not None} == {
            k: whole[k] for k, v in expected.items() if v[0] is not None
        }

    def test_a_driver_decided_on_every_lap_has_no_clean_laps(self) -> None:
        laps = [
            lap(5, 1, 0.0, 95.0),  # lap 1
            lap(5, 2, 95.0, None),  # retired: no time
            *stint_laps(7, [95.0, 90.0, 90.5]),
        ]
        ctx = LapContext.build(laps, pits=None, race_control=[])
        assert ctx.clean_laps(5) == [] and ctx.clean_laps(7) is None
        assert ctx.clean_laps() is None
        assert ctx.clean_among(laps[:3]) == [] and ctx.clean_among(laps) is None
        assert [ctx.is_clean(x) for x in laps] == [False, False, False, None, None]
        assert ctx.track_status(laps[3]) is TrackStatus.GREEN  # race control is known

    def test_known_but_empty_is_decided(self) -> None:
        laps = stint_laps(7, [95.0, 90.0, 90.5])
        assert LapContext.build(laps, pits=[], race_control=[]).clean_laps() == laps[1:]

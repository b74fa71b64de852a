from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pytest

from f1graph.analysis.clean import LapContext
from f1graph.analysis.stints import (
    StrategyCount,
    common_strategies,
    compound_letter,
    stint_degradation,
    stint_for_lap,
    stint_wear,
    tyre_age,
    tyre_performance,
    tyre_strategies,
)
from f1graph.openf1.records import Lap, Stint
from tests.analysis.independent import clean_lap_keys, records
from tests.analysis.make import lap, stint, stint_laps
from tests.data import raw_rows

LETTER = {"SOFT": "S", "MEDIUM": "M", "HARD": "H", "INTERMEDIATE": "I", "WET": "W"}

pytestmark = pytest.mark.usefixtures("data_dir")


def compound_for_lap(lap: Lap, stints: list[Stint]) -> str | None:
    """The compound of the lap's stint, as ``Lap.compound`` reads it."""
    found = stint_for_lap(lap, stints)
    return None if found is None else found.compound


def _ctx(session_key: int) -> LapContext:
    return LapContext.build(
        records(session_key, "laps"),
        records(session_key, "pit"),
        records(session_key, "race_control"),
    )


def laps_run_on(stints: list[dict[str, Any]], laps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The raw lap rows falling in one of the raw ``stints``' lap ranges."""
    return [
        r
        for r in laps
        if any(
            s["driver_number"] == r["driver_number"]
            and s["lap_start"] <= r["lap_number"] <= s["lap_end"]
            for s in stints
        )
    ]


def _raw_labels(session_key: int) -> dict[int, str]:
    by_driver: dict[int, list[dict[str, Any]]] = {}
    for r in raw_rows(session_key, "stints"):
        by_driver.setdefault(r["driver_number"], []).append(r)
    return {
        d: "-".join(
            LETTER.get(r["compound"], "?") for r in sorted(rs, key=lambda r: r["stint_number"])
        )
        for d, rs in by_driver.items()
    }


class TestLapTyres:
    """A lap's stint, compound and tyre age."""

    def test_tyre_age(self) -> None:
        s = stint(1, 2, 17, 40, "HARD", age=3)
        assert tyre_age(lap(1, 17, 0.0, 90.0), s) == 3
        assert tyre_age(lap(1, 25, 0.0, 90.0), s) == 11
        assert tyre_age(lap(1, 25, 0.0, 90.0), Stint(driver_number=1, stint_number=1)) is None

    def test_suzuka_stint_and_compound_of_each_lap(self) -> None:
        stints, rows = records(11253, "stints"), raw_rows(11253, "stints")
        for x in records(11253, "laps")[::37]:
            raw = [
                r
                for r in rows
                if r["driver_number"] == x.driver_number
                and r["lap_start"] <= x.lap_number <= r["lap_end"]
            ]
            got = stint_for_lap(x, stints)
            assert got is not None and got.stint_number == raw[0]["stint_number"]
            assert compound_for_lap(x, stints) == raw[0]["compound"]
            assert (
                tyre_age(x, got) == raw[0]["tyre_age_at_start"] + x.lap_number - raw[0]["lap_start"]
            )

    def test_lap_outside_every_stint(self) -> None:
        assert stint_for_lap(lap(1, 60, 0.0, 90.0), [stint(1, 1, 1, 20, "SOFT")]) is None
        assert compound_for_lap(lap(1, 5, 0.0, 90.0), [stint(2, 1, 1, 20, "SOFT")]) is None


class TestStrategies:
    """Compounds in order, stops and labels; the most common strategies."""

    @pytest.mark.parametrize("session_key", (11253, 11280, 7779, 9165, 9539))
    def test_against_raw_rows(self, session_key: int) -> None:
        labels = _raw_labels(session_key)
        got = tyre_strategies(records(session_key, "stints"))
        assert {s.driver_number: s.label for s in got} == labels
        counts = Counter(r["driver_number"] for r in raw_rows(session_key, "stints"))
        assert {s.driver_number: s.stops for s in got} == {d: n - 1 for d, n in counts.items()}
        common = common_strategies(got)
        assert {c.label: c.count for c in common} == Counter(labels.values())
        assert [(-c.count, c.label) for c in common] == sorted((-c.count, c.label) for c in common)

    def test_suzuka_values(self) -> None:
        got = {s.driver_number: s for s in tyre_strategies(records(11253, "stints"))}
        assert got[12].label == "M-H" and got[12].stops == 1
        assert [(x.lap_start, x.lap_end, x.lap_count) for x in got[12].stints] == [
            (1, 22, 22),
            (23, 53, 31),
        ]
        assert common_strategies(list(got.values()))[0] == StrategyCount("M-H", 18)

    def test_unknown_compound_and_order(self) -> None:
        got = tyre_strategies(
            [
                stint(4, 2, 11, 30, "UNKNOWN"),
                stint(4, 1, 1, 10, None),
                stint(4, 3, 31, 50, "INTERMEDIATE"),
            ]
        )
        assert got[0].label == "?-?-I" and got[0].stops == 2
        assert [compound_letter(c) for c in ("soft", "WET", "TEST_UNKNOWN")] == ["S", "W", "?"]
        assert tyre_strategies([]) == [] and common_strategies([]) == []


class TestDegradation:
    """The least-squares slope of clean lap time against tyre age."""

    def test_hand_made_slope(self) -> None:
        laps = stint_laps(3, [None, 90.0, 90.1, 90.3, 90.35, 90.5], first=1)
        got = stint_degradation(stint(3, 1, 1, 6, "SOFT"), laps[1:])
        assert got == pytest.approx(
            np.polyfit([1, 2, 3, 4, 5], [90.0, 90.1, 90.3, 90.35, 90.5], 1)[0]
        )

    def test_under_three_clean_laps(self) -> None:
        laps = stint_laps(3, [90.0, 90.1], first=2)
        assert stint_degradation(stint(3, 1, 1, 6, "SOFT"), laps) is None
        assert stint_degradation(stint(3, 1, 1, 6, "SOFT"), []) is None

    def test_laps_of_other_stints_or_drivers_are_ignored(self) -> None:
        s = stint(3, 1, 1, 4, "SOFT")
        laps = [
            *stint_laps(3, [90.0, 90.1, 90.2], first=2),
            lap(3, 5, 0.0, 80.0),
            lap(9, 3, 0.0, 99.0),
        ]
        assert stint_degradation(s, laps) == pytest.approx(0.1)

    @pytest.mark.parametrize(
        ("session_key", "driver", "number"), [(11253, 12, 2), (11280, 81, 1), (7779, 1, 1)]
    )
    def test_recorded_stint(self, session_key: int, driver: int, number: int) -> None:
        raw = next(
            r
            for r in raw_rows(session_key, "stints")
            if r["driver_number"] == driver and r["stint_number"] == number
        )
        keys = clean_lap_keys(session_key)
        points = sorted(
            (r["lap_number"] - raw["lap_start"] + raw["tyre_age_at_start"], r["lap_duration"])
            for r in raw_rows(session_key, "laps")
            if r["driver_number"] == driver
            and raw["lap_start"] <= r["lap_number"] <= raw["lap_end"]
            and (driver, r["lap_number"]) in keys
        )
        slope = np.polyfit([x for x, _ in points], [y for _, y in points], 1)[0]
        s = next(
            x
            for x in records(session_key, "stints")
            if x.driver_number == driver and x.stint_number == number
        )
        ctx = _ctx(session_key)
        assert stint_degradation(s, ctx.clean_laps(driver)) == pytest.approx(slope)
        wear = next(
            w
            for w in stint_wear(records(session_key, "stints"), ctx)
            if (w.driver_number, w.stint_number) == (driver, number)
        )
        assert wear.clean_lap_count == len(points)
        assert wear.degradation_s_per_lap == pytest.approx(slope)
        assert wear.mean_clean_lap_s == pytest.approx(sum(y for _, y in points) / len(points))


class TestTyrePerformance:
    """Per compound: laps run, clean-lap pace and mean degradation."""

    @pytest.mark.parametrize("session_key", (11253, 11280, 7779))
    def test_against_raw_rows(self, session_key: int) -> None:
        stints, laps = raw_rows(session_key, "stints"), raw_rows(session_key, "laps")
        keys = clean_lap_keys(session_key)
        ctx = _ctx(session_key)
        got = {c.compound: c for c in tyre_performance(records(session_key, "stints"), ctx)}
        assert set(got) == {s["compound"] for s in stints}
        for compound, perf in got.items():
            mine = [s for s in stints if s["compound"] == compound]
            run = laps_run_on(mine, laps)
            clean = [
                r["lap_duration"] for r in run if (r["driver_number"], r["lap_number"]) in keys
            ]
            assert perf.stint_count == len(mine)
            assert perf.laps_run == len(run)
            assert perf.clean_lap_count == len(clean)
            assert perf.best_clean_lap_s == min(clean, default=None)
            if clean:
                assert perf.mean_clean_lap_s == pytest.approx(sum(clean) / len(clean))
            else:
                assert perf.mean_clean_lap_s is None
            slopes = [
                w.degradation_s_per_lap
                for w in stint_wear(records(session_key, "stints"), ctx)
                if w.compound == compound and w.degradation_s_per_lap is not None
            ]
            if slopes:
                assert perf.mean_degradation_s_per_lap == pytest.approx(sum(slopes) / len(slopes))
            else:
                assert perf.mean_degradation_s_per_lap is None

    def test_empty(self) -> None:
        assert tyre_performance([], LapContext.build([])) == []
        (only,) = tyre_performance([stint(1, 1, 1, 5, None)], LapContext.build([]))
        assert (only.compound, only.laps_run, only.best_clean_lap_s) == ("UNKNOWN", 0, None)
        assert only.mean_degradation_s_per_lap is None


class TestUndecidedCleanLaps:
    """While laps are undecided (no pit or race-control rows) the clean-lap figures of stints
    and compounds are None; laps run are still counted."""

    def test_wear_and_tyre_performance(self) -> None:
        stints = records(9539, "stints")
        ctx = LapContext.build(records(9539, "laps"), pits=None, race_control=None)
        wear = stint_wear(stints, ctx)
        assert len(wear) == len(raw_rows(9539, "stints"))
        assert {(w.clean_lap_count, w.mean_clean_lap_s, w.degradation_s_per_lap) for w in wear} == {
            (None, None, None)
        }
        laps = raw_rows(9539, "laps")
        for perf in tyre_performance(stints, ctx):
            mine = [s for s in raw_rows(9539, "stints") if s["compound"] == perf.compound]
            assert perf.laps_run == len(laps_run_on(mine, laps))
            assert (perf.clean_lap_count, perf.best_clean_lap_s, perf.mean_clean_lap_s) == (
                None,
                None,
                None,
            )
            assert perf.mean_degradation_s_per_lap is None
        assert stint_degradation(stints[0], None) is None

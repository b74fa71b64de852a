from __future__ import annotations

import statistics

import pytest

from f1graph.analysis.clean import LapContext
from f1graph.analysis.incidents import deleted_laps
from f1graph.analysis.laps import (
    best_sector,
    driver_lap_analysis,
    fastest_lap,
    fastest_laps,
    is_personal_best,
    lap_analysis,
    lap_statistics,
    max_speed,
)
from tests.analysis.independent import clean_times, records
from tests.analysis.make import lap
from tests.data import raw_rows

SESSIONS = (11253, 11280, 11249, 7779, 9165, 9539)

pytestmark = pytest.mark.usefixtures("data_dir")


def _ctx(session_key: int) -> LapContext:
    return LapContext.build(
        records(session_key, "laps"),
        records(session_key, "pit"),
        records(session_key, "race_control"),
    )


class TestFastestLap:
    """The fastest lap is the smallest time; a tie goes to the earlier start."""

    @pytest.mark.parametrize("session_key", SESSIONS)
    def test_matches_the_raw_minimum(self, session_key: int) -> None:
        timed = [r for r in raw_rows(session_key, "laps") if r["lap_duration"] is not None]
        best = sorted(timed, key=lambda r: (r["lap_duration"], r["date_start"] or "~"))[0]
        got = fastest_lap(records(session_key, "laps"))
        assert got is not None
        assert (got.driver_number, got.lap_number, got.lap_duration) == (
            best["driver_number"],
            best["lap_number"],
            best["lap_duration"],
        )

    def test_suzuka_values(self) -> None:
        got = fastest_lap(records(11253, "laps"))
        assert got is not None and (got.driver_number, got.lap_number, got.lap_duration) == (
            12,
            49,
            92.432,
        )

    def test_tie_goes_to_the_earlier_lap(self) -> None:
        laps = [lap(2, 5, 500.0, 90.0), lap(1, 6, 400.0, 90.0), lap(3, 4, None, 90.0)]
        assert fastest_lap(laps) is laps[1]

    def test_no_timed_lap(self) -> None:
        assert fastest_lap([]) is None
        assert fastest_lap([lap(1, 1, 0.0, None)]) is None

    @pytest.mark.parametrize("session_key", (11253, 11249, 9539))
    def test_each_drivers_fastest_ranked(self, session_key: int) -> None:
        best: dict[int, float] = {}
        for r in raw_rows(session_key, "laps"):
            t = r["lap_duration"]
            if t is not None and (r["driver_number"] not in best or t < best[r["driver_number"]]):
                best[r["driver_number"]] = t
        ranked = fastest_laps(records(session_key, "laps"))
        assert [(x.driver_number, x.lap_duration_s) for x in ranked] == sorted(
            best.items(), key=lambda kv: kv[1]
        )
        assert [x.position for x in ranked] == list(range(1, len(best) + 1))
        slowest = ranked[-1]
        assert slowest.gap_to_fastest_s == round(
            slowest.lap_duration_s - ranked[0].lap_duration_s, 3
        )
        assert fastest_laps([]) == []


class TestLapStatistics:
    """Session totals come straight from every lap row; the mean from clean laps."""

    @pytest.mark.parametrize("session_key", (11253, 11280, 11249, 7779))
    def test_against_raw_rows(self, session_key: int) -> None:
        rows = raw_rows(session_key, "laps")
        stats = lap_statistics(_ctx(session_key))
        assert stats.total_laps == len(rows)
        assert stats.timed_laps == sum(1 for r in rows if r["lap_duration"] is not None)
        held = {(r["driver_number"], r["lap_number"]) for r in rows}
        completed = [
            r["lap_number"]
            for r in rows
            if r["lap_duration"] is not None or (r["driver_number"], r["lap_number"] + 1) in held
        ]
        assert stats.max_lap_number == max(completed)  # not the untimed row after the flag
        assert stats.driver_count == len({r["driver_number"] for r in rows})
        for n, got in enumerate((stats.best_sector_1, stats.best_sector_2, stats.best_sector_3), 1):
            values = [
                r[f"duration_sector_{n}"] for r in rows if r[f"duration_sector_{n}"] is not None
            ]
            assert got is not None and got.duration_s == min(values)
            holder = next(
                r
                for r in sorted(rows, key=lambda r: r["date_start"] or "~")
                if r[f"duration_sector_{n}"] == min(values)
            )
            assert (got.driver_number, got.lap_number) == (
                holder["driver_number"],
                holder["lap_number"],
            )
        for trap, top in (
            ("i1", stats.max_i1_speed),
            ("i2", stats.max_i2_speed),
            ("st", stats.max_st_speed),
        ):
            values = [r[f"{trap}_speed"] for r in rows if r[f"{trap}_speed"] is not None]
            assert top is not None and top.speed_kph == max(values)
        drivers = {r["driver_number"] for r in rows}
        clean = [t for d in drivers for t in clean_times(session_key, d)]
        assert stats.clean_lap_count == len(clean)
        assert stats.mean_clean_lap_s == pytest.approx(sum(clean) / len(clean))

    def test_suzuka_holders(self) -> None:
        stats = lap_statistics(_ctx(11253))
        assert stats.best_sector_3 is not None
        assert (stats.best_sector_3.driver_number, stats.best_sector_3.lap_number) == (63, 53)
        assert stats.max_st_speed is not None and stats.max_st_speed.speed_kph == 308

    def test_empty_session(self) -> None:
        stats = lap_statistics(LapContext.build([]))
        assert stats.total_laps == 0 and stats.fastest_lap is None
        assert stats.best_sector_1 is None and stats.max_i1_speed is None
        assert stats.mean_clean_lap_s is None and stats.max_lap_number is None
        assert best_sector([], 2) is None and max_speed([], "st") is None


class TestLapAnalysis:
    """Per driver, clean-lap statistics and best sectors, checked against the raw rows."""

    @pytest.mark.parametrize(
        ("session_key", "driver"), [(11253, 12), (11253, 18), (11280, 1), (11249, 44), (7779, 1)]
    )
    def test_driver_against_raw_rows(self, session_key: int, driver: int) -> None:
        times = clean_times(session_key, driver)
        rows = [r for r in raw_rows(session_key, "laps") if r["driver_number"] == driver]
        got = driver_lap_analysis(_ctx(session_key), driver)
        assert got.lap_count == len(rows)
        assert got.clean_lap_count == len(times)
        assert got.best_clean_lap_s == min(times)
        assert got.mean_clean_lap_s == pytest.approx(sum(times) / len(times))
        ordered = sorted(times)
        mid = len(ordered) // 2
        median = ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
        assert got.median_clean_lap_s == pytest.approx(median)
        mean = sum(times) / len(times)
        sample_sd = (sum((t - mean) ** 2 for t in times) / (len(times) - 1)) ** 0.5
        assert got.stdev_clean_lap_s == pytest.approx(sample_sd)
        bests = [
            min(r[f"duration_sector_{n}"] for r in rows if r[f"duration_sector_{n}"] is not None)
            for n in (1, 2, 3)
        ]
        assert [got.best_sector_1_s, got.best_sector_2_s, got.best_sector_3_s] == bests
        assert got.theoretical_best_s == pytest.approx(sum(bests))

    def test_suzuka_winner(self) -> None:
        got = driver_lap_analysis(_ctx(11253), 12)
        assert (got.lap_count, got.clean_lap_count, got.best_clean_lap_s) == (53, 46, 92.432)
        assert got.theoretical_best_s == 92.343

    def test_every_driver_once_fastest_first(self) -> None:
        rows = lap_analysis(_ctx(11253))
        assert sorted(r.driver_number for r in rows) == sorted(
            {r["driver_number"] for r in raw_rows(11253, "laps")}
        )
        bests = [r.best_clean_lap_s for r in rows if r.best_clean_lap_s is not None]
        assert bests == sorted(bests)

    def test_missing_sector_gives_no_theoretical_best(self) -> None:
        laps = [
            lap(7, 2, 0.0, 90.0, duration_sector_1=30.0, duration_sector_2=35.0),
            lap(7, 3, 90.0, 91.0, duration_sector_1=30.5, duration_sector_2=34.5),
        ]
        got = driver_lap_analysis(LapContext.build(laps), 7)
        assert (got.best_sector_1_s, got.best_sector_2_s, got.best_sector_3_s) == (30.0, 34.5, None)
        assert got.theoretical_best_s is None

    def test_driver_with_no_laps(self) -> None:
        got = driver_lap_analysis(LapContext.build([]), 99)
        assert (got.lap_count, got.clean_lap_count, got.best_clean_lap_s) == (0, 0, None)
        assert got.mean_clean_lap_s is None and got.median_clean_lap_s is None
        assert got.stdev_clean_lap_s is None and got.theoretical_best_s is None

    def test_one_clean_lap_has_no_stdev(self) -> None:
        got = driver_lap_analysis(
            LapContext.build([lap(7, 1, 0.0, None), lap(7, 2, 95.0, 90.0)]), 7
        )
        assert (got.clean_lap_count, got.median_clean_lap_s, got.stdev_clean_lap_s) == (
            1,
            90.0,
            None,
        )
        assert statistics.median([90.0]) == got.best_clean_lap_s


class TestPersonalBest:
    """A personal best improves on every earlier timed lap of the driver."""

    def test_hand_made(self) -> None:
        laps = [
            lap(1, 1, 0.0, None),
            lap(1, 2, 0.0, 91.0),
            lap(1, 3, 0.0, 92.0),
            lap(1, 4, 0.0, 90.5),
            lap(2, 2, 0.0, 80.0),
            lap(1, 5, 0.0, 90.5),
        ]
        assert [is_personal_best(x, laps) for x in laps] == [False, True, False, True, True, False]
        assert not is_personal_best(laps[3], laps, deleted={(1, 4)})
        assert is_personal_best(laps[5], laps, deleted={(1, 4)})

    def test_qualifying_count_with_deleted_laps(self) -> None:
        laps = records(11249, "laps")
        deleted = deleted_laps(records(11249, "race_control"))
        assert deleted == {(41, 18)}
        expected = 0
        best = None
        for r in sorted(
            (r for r in raw_rows(11249, "laps") if r["driver_number"] == 41),
            key=lambda r: r["lap_number"],
        ):
            t = r["lap_duration"]
            if t is not None and r["lap_number"] != 18 and (best is None or t < best):
                best, expected = t, expected + 1
        mine = [x for x in laps if x.driver_number == 41]
        assert sum(is_personal_best(x, mine, deleted) for x in mine) == expected


class TestUndecidedCleanLaps:
    """While laps are undecided (no pit or race-control rows) clean-lap figures are None; the
    rest of the statistics are unchanged."""

    def test_session_and_driver_figures(self) -> None:
        ctx = LapContext.build(records(9539, "laps"), pits=None, race_control=None)
        rows = raw_rows(9539, "laps")
        stats = lap_statistics(ctx)
        assert (stats.clean_lap_count, stats.mean_clean_lap_s) == (None, None)
        assert stats.total_laps == len(rows)
        assert stats.timed_laps == sum(1 for r in rows if r["lap_duration"] is not None)
        for got in lap_analysis(ctx):
            mine = [r for r in rows if r["driver_number"] == got.driver_number]
            assert got.lap_count == len(mine)
            assert (got.clean_lap_count, got.best_clean_lap_s, got.mean_clean_lap_s) == (
                None,
                None,
                None,
            )
            assert (got.median_clean_lap_s, got.stdev_clean_lap_s) == (None, None)
            sector_1 = [r["duration_sector_1"] for r in mine if r["duration_sector_1"] is not None]
            assert got.best_sector_1_s == min(sector_1, default=None)

    def test_personal_bests_without_deleted_lap_times(self) -> None:
        laps = [lap(1, 1, 0.0, None), lap(1, 2, 0.0, 91.0), lap(1, 3, 0.0, 92.0)]
        assert [is_personal_best(x, laps, deleted=None) for x in laps] == [False, None, None]

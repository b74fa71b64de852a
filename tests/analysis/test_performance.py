from __future__ import annotations

import pytest

from f1graph.analysis.clean import LapContext
from f1graph.analysis.performance import DriverPerformance, driver_performance, laps_completed
from f1graph.analysis.running_order import RunningOrder
from f1graph.openf1.records import SessionResult, StartingGrid
from tests.analysis.independent import clean_times, records
from tests.analysis.make import lap, pit, pos
from tests.data import raw_rows

pytestmark = pytest.mark.usefixtures("data_dir")


def _suzuka() -> dict[int, DriverPerformance]:
    ctx = LapContext.build(
        records(11253, "laps"), records(11253, "pit"), records(11253, "race_control")
    )
    running = RunningOrder.build(
        records(11253, "laps"),
        records(11253, "position"),
        records(11249, "starting_grid"),  # the race's grid is served under qualifying
    )
    got = driver_performance(ctx, running, records(11253, "session_result"))
    return {p.driver_number: p for p in got}


class TestRecordedRace:
    """Each driver's figures, checked against the raw rows of the Suzuka race."""

    @pytest.mark.parametrize("driver", [12, 63, 23, 18, 87, 14])
    def test_against_raw_rows(self, driver: int) -> None:
        got = _suzuka()[driver]
        laps = [r for r in raw_rows(11253, "laps") if r["driver_number"] == driver]
        result = next(r for r in raw_rows(11253, "session_result") if r["driver_number"] == driver)
        grid = next(r for r in raw_rows(11249, "starting_grid") if r["driver_number"] == driver)
        rows = sorted(
            (r for r in raw_rows(11253, "position") if r["driver_number"] == driver),
            key=lambda r: r["date"],
        )
        assert got.laps_completed == result["number_of_laps"]
        assert got.best_lap_s == min(r["lap_duration"] for r in laps if r["lap_duration"])
        clean = clean_times(11253, driver)
        assert got.mean_clean_lap_s == pytest.approx(sum(clean) / len(clean))
        speeds = [
            r[k] for r in laps for k in ("i1_speed", "i2_speed", "st_speed") if r[k] is not None
        ]
        assert got.top_speed_kph == max(speeds)
        assert got.pit_stops == sum(
            1 for p in raw_rows(11253, "pit") if p["driver_number"] == driver
        )
        finish = result["position"] if result["position"] is not None else rows[-1]["position"]
        assert (got.start_position, got.finish_position) == (grid["position"], finish)
        assert got.places_gained == grid["position"] - finish
        assert (got.dnf, got.dns, got.dsq) == (result["dnf"], result["dns"], result["dsq"])

    def test_suzuka_values(self) -> None:
        got = _suzuka()
        assert len(got) == 22
        winner, alb, stroll = got[12], got[23], got[18]
        assert (winner.finish_position, winner.best_lap_s, winner.places_gained) == (1, 92.432, 0)
        assert (alb.pit_stops, alb.laps_completed, alb.dnf) == (6, 51, False)
        assert (stroll.dnf, stroll.laps_completed) == (True, 30)


class TestEdges:
    """Retirements come from the session result only; a driver without laps still gets a line."""

    def test_null_lap_duration_is_not_a_dnf(self) -> None:
        ctx = LapContext.build(
            [lap(5, 1, 0.0, None), lap(5, 2, 95.0, 90.0), lap(5, 3, 185.0, None)]
        )
        (got,) = driver_performance(ctx, RunningOrder.build(ctx.laps, []))
        assert (got.dnf, got.dns, got.dsq) == (None, None, None)
        assert got.laps_completed == 2  # lap 1 had no time but was completed
        assert (got.best_lap_s, got.best_lap_number, got.mean_clean_lap_s) == (90.0, 2, 90.0)

    def test_dnf_and_driver_without_laps(self) -> None:
        ctx = LapContext.build([lap(5, 1, 0.0, 95.0), lap(5, 2, 95.0, 90.0)], [pit(5, 2)])
        results = [
            SessionResult(
                driver_number=5, position=None, number_of_laps=2, dnf=True, dns=False, dsq=False
            ),
            SessionResult(
                driver_number=7, position=None, number_of_laps=0, dnf=False, dns=True, dsq=False
            ),
        ]
        grid = [
            StartingGrid(driver_number=5, position=4),
            StartingGrid(driver_number=7, position=9),
        ]
        got = {
            p.driver_number: p
            for p in driver_performance(
                ctx, RunningOrder.build(ctx.laps, [pos(0, 5, 4), pos(100, 5, 6)], grid), results
            )
        }
        dnf, dns = got[5], got[7]
        assert (dnf.dnf, dnf.laps_completed, dnf.pit_stops) == (True, 2, 1)
        assert (dnf.start_position, dnf.finish_position, dnf.places_gained) == (4, 6, -2)
        assert (dns.dns, dns.laps_completed, dns.best_lap_s, dns.top_speed_kph) == (
            True,
            0,
            None,
            None,
        )
        assert (dns.start_position, dns.finish_position, dns.places_gained) == (9, None, None)
        assert (dns.mean_clean_lap_s, dns.best_sector_1_s, dns.pit_stops) == (None, None, 0)

    def test_empty(self) -> None:
        assert driver_performance(LapContext.build([]), RunningOrder.build([], [])) == []
        assert laps_completed([]) == 0


class TestUndecidedCleanLaps:
    """Without pit or race-control rows the mean clean lap is None; the best lap is still known."""

    def test_a_race_with_laps_only(self) -> None:
        laps = records(9539, "laps")
        ctx = LapContext.build(laps, pits=None, race_control=None)
        got = driver_performance(ctx, RunningOrder.build(laps, []), pits_known=False)
        assert {p.mean_clean_lap_s for p in got} == {None}
        for p in got:
            mine = [
                r["lap_duration"]
                for r in raw_rows(9539, "laps")
                if r["driver_number"] == p.driver_number and r["lap_duration"] is not None
            ]
            assert p.best_lap_s == min(mine, default=None)

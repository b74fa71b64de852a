from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from f1graph.analysis.intervals import Gap, gap_analysis, parse_gap, standings
from f1graph.analysis.running_order import RunningOrder
from f1graph.openf1.records import Position
from tests.analysis.independent import records, when
from tests.analysis.make import at, gap, pos
from tests.data import raw_rows

pytestmark = pytest.mark.usefixtures("data_dir")


def feed(rows: list[Position]) -> RunningOrder:
    """The running order of a position feed alone (no laps, no grid)."""
    return RunningOrder.build([], rows)


class TestParseGap:
    """Every form OpenF1 sends becomes seconds, laps behind or unknown."""

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (1.234, Gap(1.234, None, "1.234")),
            (3, Gap(3.0, None, "3")),
            (0, Gap(0.0, None, "0")),
            ("+1 LAP", Gap(None, 1, "+1 LAP")),
            ("+2 LAPS", Gap(None, 2, "+2 LAPS")),
            ("+12.5", Gap(12.5, None, "+12.5")),
            ("", Gap(None, None, None)),
            (None, Gap(None, None, None)),
            ("DNF", Gap(None, None, "DNF")),
        ],
    )
    def test_forms(self, value: float | str | None, expected: Gap) -> None:
        assert parse_gap(value) == expected

    def test_every_recorded_value_parses(self) -> None:
        for row in raw_rows(11253, "intervals"):
            g = parse_gap(row["gap_to_leader"])
            if isinstance(row["gap_to_leader"], str):
                assert g.laps_behind in (1, 2) and g.gap_s is None
            elif row["gap_to_leader"] is not None:
                assert g.gap_s == row["gap_to_leader"]


class TestStandings:
    """The running order is each driver's latest rows at or before the instant."""

    @pytest.mark.parametrize("clock", ["2026-03-29T05:30:00+00:00", "2026-03-29T06:20:00+00:00"])
    def test_suzuka_against_raw_rows(self, clock: str) -> None:
        instant = when(clock)
        latest_pos: dict[int, dict[str, Any]] = {}
        for r in raw_rows(11253, "position"):
            if when(r["date"]) <= instant:
                latest_pos[r["driver_number"]] = r
        latest_gap: dict[int, dict[str, Any]] = {}
        for r in raw_rows(11253, "intervals"):
            if when(r["date"]) <= instant:
                latest_gap[r["driver_number"]] = r
        got = standings(feed(records(11253, "position")), records(11253, "intervals"), instant)
        expected = sorted(latest_pos.values(), key=lambda r: (r["position"], r["driver_number"]))
        assert [(s.position, s.driver_number) for s in got] == [
            (r["position"], r["driver_number"]) for r in expected
        ]
        for s in got:
            raw = latest_gap[s.driver_number]
            assert s.interval == parse_gap(raw["interval"])
            assert s.gap_to_leader == parse_gap(raw["gap_to_leader"])

    def test_qualifying_without_intervals(self) -> None:
        instant = when("2026-03-28T06:10:00+00:00")
        got = standings(feed(records(11249, "position")), [], instant)
        assert got and all(s.interval is None and s.gap_to_leader is None for s in got)
        assert [s.position for s in got] == sorted(s.position for s in got if s.position)

    def test_before_any_row_and_empty(self) -> None:
        assert standings(feed([pos(10, 1, 1)]), [gap(10, 1, 0, 0)], at(5)) == []
        assert standings(feed([]), [], at(5)) == []

    def test_lapped_car_known_only_from_intervals_comes_after(self) -> None:
        got = standings(
            feed([pos(0, 1, 1), pos(0, 2, 2)]),
            [gap(1, 1, 0, 0), gap(1, 2, 1.5, 1.5), gap(1, 3, 20.0, "+1 LAP")],
            at(2),
        )
        assert [s.driver_number for s in got] == [1, 2, 3]
        assert got[2].gap_to_leader == Gap(None, 1, "+1 LAP") and got[2].position is None


class TestGapAnalysis:
    """Per driver gap statistics, checked against plain loops over the raw rows."""

    @pytest.mark.parametrize("driver", [12, 1, 14, 18])
    def test_suzuka_against_raw_rows(self, driver: int) -> None:
        rows = sorted(
            (r for r in raw_rows(11253, "intervals") if r["driver_number"] == driver),
            key=lambda r: r["date"],
        )
        values, within = [], 0.0
        for i, r in enumerate(rows):
            v = r["interval"]
            if isinstance(v, (int, float)) and v != 0 and r["gap_to_leader"] != 0:
                values.append(v)
                if v <= 1.0 and i + 1 < len(rows):
                    within += (when(rows[i + 1]["date"]) - when(r["date"])).total_seconds()
        final = [r["gap_to_leader"] for r in rows if r["gap_to_leader"] not in (None, "")][-1]
        got = {g.driver_number: g for g in gap_analysis(records(11253, "intervals"))}[driver]
        assert got.sample_count == len(rows)
        assert (got.min_interval_s, got.max_interval_s) == (min(values), max(values))
        assert got.mean_interval_s == pytest.approx(sum(values) / len(values))
        assert got.time_within_1s_s == pytest.approx(within, abs=1e-3)
        assert got.final_gap_to_leader == parse_gap(final)

    def test_suzuka_order_and_lapped_cars(self) -> None:
        got = gap_analysis(records(11253, "intervals"))
        assert got[0].driver_number == 12 and got[0].final_gap_to_leader == Gap(0.0, None, "0")
        last_two = {g.driver_number: g.final_gap_to_leader for g in got[-4:]}
        assert last_two[23] == Gap(None, 2, "+2 LAPS")

    def test_time_within_one_second_is_time_weighted(self) -> None:
        rows = [
            gap(0, 4, 0.8, 5.0),
            gap(10, 4, 1.2, 5.4),
            gap(15, 4, 0.5, 4.8),
            gap(45, 4, 0.9, 4.9),  # last row: holds for no time
            gap(0, 1, 0, 0),
            gap(30, 1, 0, 0),
        ]
        got = {g.driver_number: g for g in gap_analysis(rows)}
        assert got[4].time_within_1s_s == 40.0
        assert (got[4].min_interval_s, got[4].max_interval_s) == (0.5, 1.2)
        assert got[4].mean_interval_s == pytest.approx((0.8 + 1.2 + 0.5 + 0.9) / 4)
        # The leader has no car ahead: no interval statistics, no time within a second.
        assert got[1].min_interval_s is None and got[1].time_within_1s_s == 0.0

    def test_no_intervals(self) -> None:
        assert gap_analysis([]) == []
        (only,) = gap_analysis([gap(0, 9, None, None)])
        assert only.final_gap_to_leader is None and only.mean_interval_s is None

    def test_rows_out_of_order(self) -> None:
        rows = [gap(20, 4, 0.5, 3.0), gap(0, 4, 0.5, "+1 LAP")]
        (got,) = gap_analysis(rows)
        assert got.time_within_1s_s == 20.0
        assert got.final_gap_to_leader == Gap(3.0, None, "3")
        assert timedelta(seconds=got.time_within_1s_s) == at(20) - at(0)

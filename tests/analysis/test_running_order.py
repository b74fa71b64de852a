"""The one running order: start, order at an instant, changes, finish and lap-by-lap progress.

Recorded races are checked against plain loops over the raw rows; hand-made feeds show the
cases the feed is silent on (a car with no rows, no rows before the start, no feed at all).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from f1graph.analysis.running_order import RunningOrder, lap_end_times
from f1graph.openf1.records import StartingGrid
from tests.analysis.independent import records, when
from tests.analysis.make import at, lap, pos
from tests.data import raw_rows

pytestmark = pytest.mark.usefixtures("data_dir")


def race(session_key: int, grid_key: int | None = None) -> RunningOrder:
    """The recorded race's running order (its grid filed under ``grid_key``, if any)."""
    session = next(s for s in raw_rows(None, "sessions") if s["session_key"] == session_key)
    return RunningOrder.build(
        records(session_key, "laps"),
        records(session_key, "position"),
        records(grid_key, "starting_grid") if grid_key else (),
        when(session["date_start"]),
        is_race=True,
    )


def feed_by_driver(session_key: int) -> dict[int, list[dict[str, Any]]]:
    rows: dict[int, list[dict[str, Any]]] = {}
    for r in sorted(raw_rows(session_key, "position"), key=lambda r: r["date"]):
        rows.setdefault(r["driver_number"], []).append(r)
    return rows


class TestStart:
    def test_the_grid_when_there_is_one(self) -> None:
        grid = {g["driver_number"]: g["position"] for g in raw_rows(11249, "starting_grid")}
        running = race(11253, grid_key=11249)
        assert running.starts == grid and running.start_from_grid

    def test_else_the_last_position_row_before_the_start(self) -> None:
        lights_out = min(
            when(r["date_start"])
            for r in raw_rows(11280, "laps")
            if r["lap_number"] == 1 and r["date_start"]
        )
        expected = {
            d: [r for r in rows if when(r["date"]) < lights_out][-1]["position"]
            for d, rows in feed_by_driver(11280).items()
        }
        running = race(11280)
        assert running.starts == expected and not running.start_from_grid
        assert sorted(expected.values()) == list(range(1, 23))  # one car per slot

    def test_unknown_without_grid_or_rows_before_the_start(self) -> None:
        rows = [pos(100, 5, 2), pos(100, 9, 1)]  # first rows after lights out (lap 1 at 0)
        running = RunningOrder.build([lap(5, 1, 0.0, 90.0)], rows, (), at(-60), is_race=True)
        assert running.starts == {}


class TestOrderAndChanges:
    def test_the_feed_where_it_speaks(self) -> None:
        rows = feed_by_driver(11253)
        running = race(11253, grid_key=11249)
        finish = running.finish
        changes = running.changes()
        for driver, mine in rows.items():
            assert finish[driver] == mine[-1]["position"]
            held, expected = running.starts[driver], []
            for r in mine:
                if when(r["date"]) >= running.start_at and r["position"] != held:
                    expected.append((when(r["date"]), held, r["position"]))
                    held = r["position"]
            assert [(c.date, c.from_position, c.to_position) for c in changes.get(driver, [])] == (
                expected
            )

    def test_a_car_without_rows_takes_the_place_left_free(self) -> None:
        # car 7 led from the start and the feed never filed a row for it
        laps = [lap(7, 1, 0.0, 90.0), lap(5, 1, 0.0, 91.0), lap(9, 1, 0.0, 92.0)]
        rows = [pos(-10, 5, 2), pos(-10, 9, 3), pos(50, 9, 2), pos(50, 5, 3)]
        grid = [StartingGrid(driver_number=7, position=1)]
        running = RunningOrder.build(laps, rows, grid, at(0), is_race=True)
        assert [(p.position, p.driver_number) for p in running.at(at(60))] == [
            (1, 7),
            (2, 9),
            (3, 5),
        ]
        assert running.at(at(60))[0].date is None  # placed from the laps, not a row
        assert running.finish == {7: 1, 9: 2, 5: 3}
        assert running.changes() == {
            9: [running.changes()[9][0]],
            5: [running.changes()[5][0]],
        }
        assert running.changes()[9][0].from_position == 3

    def test_without_any_feed_the_lap_chart_orders_the_cars(self) -> None:
        laps = [
            lap(1, 1, 0.0, 90.0),
            lap(1, 2, 90.0, 90.0),
            lap(2, 1, 0.0, 100.0),
            lap(2, 2, 100.0, 100.0),
            lap(3, 1, 0.0, 95.0),
            lap(3, 2, 95.0, None),  # retired on lap 2
        ]
        running = RunningOrder.build(laps, [])
        assert running.at(at(10)) == ()  # nothing says anything yet
        assert [p.driver_number for p in running.at(at(96))] == [1, 3]  # 2 not round yet
        assert [p.driver_number for p in running.at(at(101))] == [1, 3, 2]
        assert running.finish == {1: 1, 2: 2, 3: 3}
        progress = running.progress()
        assert [(p.lap_number, [e.driver_number for e in p.order]) for p in progress] == [
            (1, [1, 3, 2]),
            (2, [1, 2]),
        ]
        assert progress[1].order[1].completed_at == at(200)
        assert lap_end_times([lap(3, 2, 95.0, None)]) == {}
        assert RunningOrder.build([], []).progress() == []


class TestProgress:
    def test_last_lap_order_is_the_classification(self) -> None:
        for session_key in (11253, 11280):
            final = race(session_key).progress()[-1]
            lead_lap = [
                r["driver_number"]
                for r in sorted(
                    (r for r in raw_rows(session_key, "session_result") if r["position"]),
                    key=lambda r: r["position"],
                )
                if r["number_of_laps"] == final.lap_number
            ]
            assert [e.driver_number for e in final.order] == lead_lap
            assert final.leader_driver_number == lead_lap[0]

    def test_each_car_is_placed_where_the_order_had_it_when_it_crossed_the_line(self) -> None:
        rows = raw_rows(11253, "laps")
        starts = {(r["driver_number"], r["lap_number"]): when(r["date_start"]) for r in rows}
        running = race(11253, grid_key=11249)
        feed = feed_by_driver(11253)
        for progress in running.progress():
            for entry in progress.order:
                r = next(
                    x
                    for x in rows
                    if x["driver_number"] == entry.driver_number
                    and x["lap_number"] == progress.lap_number
                )
                nxt = starts.get((entry.driver_number, progress.lap_number + 1))
                end = nxt or starts[entry.driver_number, progress.lap_number] + timedelta(
                    seconds=r["lap_duration"]
                )
                assert entry.completed_at == end
                held = [x["position"] for x in feed[entry.driver_number] if when(x["date"]) <= end]
                assert entry.reported_position == held[-1]
                assert entry.position == running.position_at(entry.driver_number, end)
        assert running.progress()[-1].leader_driver_number == 12

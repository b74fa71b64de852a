from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from f1graph.analysis.positions import (
    PositionChange,
    lap_end_times,
    position_changes,
    race_progress,
    start_positions,
)
from f1graph.openf1.records import StartingGrid
from tests.analysis.independent import records, when
from tests.analysis.make import at, lap, pos
from tests.data import raw_rows

pytestmark = pytest.mark.usefixtures("data_dir")


class TestPositionChanges:
    """Start from the grid (else the first row), finish on the last row, every change between."""

    def test_suzuka_with_its_grid(self) -> None:
        # OpenF1 serves the race's starting grid under the qualifying session (11249).
        grid = {g["driver_number"]: g["position"] for g in raw_rows(11249, "starting_grid")}
        rows: dict[int, list[dict[str, Any]]] = {}
        for r in sorted(raw_rows(11253, "position"), key=lambda r: r["date"]):
            rows.setdefault(r["driver_number"], []).append(r)
        got = {
            d.driver_number: d
            for d in position_changes(records(11253, "position"), records(11249, "starting_grid"))
        }
        assert got.keys() == rows.keys()
        for driver, mine in rows.items():
            d = got[driver]
            assert d.start_position == grid[driver] and d.start_from_grid
            assert d.finish_position == mine[-1]["position"]
            assert d.places_gained == grid[driver] - mine[-1]["position"]
            expected, held = [], grid[driver]
            for r in mine:
                if r["position"] != held:
                    expected.append((when(r["date"]), held, r["position"]))
                    held = r["position"]
            assert [(c.date, c.from_position, c.to_position) for c in d.changes] == expected

    def test_suzuka_winner_and_order(self) -> None:
        got = position_changes(records(11253, "position"), records(11249, "starting_grid"))
        assert [d.finish_position for d in got] == list(range(1, 23))
        assert (got[0].driver_number, got[0].start_position, got[0].places_gained) == (12, 1, 0)

    def test_without_grid_starts_from_first_row(self) -> None:
        got = {d.driver_number: d for d in position_changes(records(11280, "position"))}
        first: dict[int, int] = {}
        for r in sorted(raw_rows(11280, "position"), key=lambda r: r["date"]):
            first.setdefault(r["driver_number"], r["position"])
        assert {d: g.start_position for d, g in got.items()} == first
        assert not any(g.start_from_grid for g in got.values())

    def test_hand_made(self) -> None:
        grid = [
            StartingGrid(driver_number=5, position=3),
            StartingGrid(driver_number=9, position=None),
        ]
        rows = [pos(0, 5, 3), pos(10, 5, 2), pos(20, 5, 2), pos(30, 5, 4), pos(5, 9, 7)]
        got = {d.driver_number: d for d in position_changes(rows, grid)}
        assert got[5].changes == [PositionChange(at(10), 3, 2), PositionChange(at(30), 2, 4)]
        assert (got[5].places_gained, got[5].changes[0].places_gained) == (-1, 1)
        assert (got[9].start_position, got[9].start_from_grid, got[9].changes) == (7, False, [])
        assert start_positions([], grid) == {5: (3, True)}

    def test_grid_driver_without_position_rows(self) -> None:
        (only,) = position_changes([], [StartingGrid(driver_number=5, position=3)])
        assert (only.start_position, only.finish_position, only.places_gained) == (3, None, None)
        assert position_changes([]) == []


class TestRaceProgress:
    """Each lap's order is the order the drivers crossed the line at its end."""

    def test_last_lap_order_is_the_classification(self) -> None:
        for session_key in (11253, 11280):
            progress = race_progress(records(session_key, "laps"), records(session_key, "position"))
            final = progress[-1]
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

    def test_suzuka_lap_by_lap_against_raw_rows(self) -> None:
        rows = raw_rows(11253, "laps")
        starts = {(r["driver_number"], r["lap_number"]): when(r["date_start"]) for r in rows}
        progress = {p.lap_number: p for p in race_progress(records(11253, "laps"))}
        for number in (1, 10, 30, 52):
            crossed = []
            for r in rows:
                if r["lap_number"] != number:
                    continue
                nxt = starts.get((r["driver_number"], number + 1))
                end = nxt or starts[r["driver_number"], number] + timedelta(
                    seconds=r["lap_duration"]
                )
                crossed.append((end, r["driver_number"]))
            assert [e.driver_number for e in progress[number].order] == [
                d for _, d in sorted(crossed)
            ]
        assert progress[1].leader_driver_number == 81
        assert progress[53].leader_driver_number == 12

    def test_reported_position_is_the_feed_at_the_crossing(self) -> None:
        progress = race_progress(records(11253, "laps"), records(11253, "position"))
        entry = progress[39].order[0]  # lap 40
        held = None
        for r in sorted(raw_rows(11253, "position"), key=lambda r: r["date"]):
            if r["driver_number"] == entry.driver_number and when(r["date"]) <= entry.completed_at:
                held = r["position"]
        assert entry.reported_position == held == 1

    def test_lapped_car_and_retirement(self) -> None:
        laps = [
            lap(1, 1, 0.0, 90.0),
            lap(1, 2, 90.0, 90.0),
            lap(1, 3, 180.0, 90.0),
            lap(2, 1, 0.0, 100.0),
            lap(2, 2, 100.0, 100.0),
            lap(3, 1, 0.0, 95.0),
            lap(3, 2, 95.0, None),  # retired on lap 2
        ]
        progress = race_progress(laps)
        assert [(p.lap_number, [e.driver_number for e in p.order]) for p in progress] == [
            (1, [1, 3, 2]),
            (2, [1, 2]),
            (3, [1]),
        ]
        assert progress[1].order[1].completed_at == at(200)
        assert lap_end_times([lap(3, 2, 95.0, None)]) == {}
        assert race_progress([]) == []

"""Generated car data agrees with the real laps of race 9531 and looks like OpenF1's."""

from __future__ import annotations

import msgspec
import numpy as np
import pytest

from f1graph.analysis.telemetry import lap_window_ms
from f1graph.openf1.columns import CarDataColumns
from f1graph.openf1.records import CarData, Lap
from tests.cardata import car_data_rows_json, generate_car_data
from tests.data import DATA_DIR, raw_bytes, raw_rows


@pytest.fixture(scope="module")
def laps() -> list[Lap]:
    return msgspec.json.decode(raw_bytes(9531, "laps"), type=list[Lap])


@pytest.fixture(scope="module")
def race(laps: list[Lap]) -> CarDataColumns:
    return generate_car_data(laps, seed=0)


def windows_of(laps: list[Lap], driver_number: int) -> list[tuple[int, int, int]]:
    """(lap number, start, end) of the car's timed laps."""
    found = []
    for lap in laps:
        window = lap_window_ms(lap) if lap.driver_number == driver_number else None
        if window is not None:
            found.append((lap.lap_number, *window))
    return sorted(found)


class TestCoverage:
    """Every car with timed laps gets samples at about 3.7 Hz across them."""

    def test_every_car(self, race: CarDataColumns, laps: list[Lap]) -> None:
        assert race.driver_numbers() == sorted({lap.driver_number for lap in laps})

    def test_size_of_a_race(self, race: CarDataColumns, laps: list[Lap]) -> None:
        timed_s = sum(lap.lap_duration for lap in laps if lap.lap_duration is not None)
        # 3.7 Hz over every timed lap (give or take overlaps and the laps without a duration)
        assert len(race) == pytest.approx(timed_s * 3.7, rel=0.01)

    def test_rate(self, race: CarDataColumns) -> None:
        intervals = np.diff(race.select_driver(44).date_ms)
        assert 265 <= np.median(intervals) <= 276
        assert intervals.min() > 200 and np.percentile(intervals, 99) < 310

    def test_samples_lie_in_timed_laps(self, race: CarDataColumns, laps: list[Lap]) -> None:
        own = race.select_driver(1)
        inside = np.zeros(len(own), dtype=np.bool_)
        for _, start, end in windows_of(laps, 1):  # car 1 has a duration on every lap
            inside |= (own.date_ms >= start) & (own.date_ms < end)
        assert inside.all()

    def test_ordered_by_date_like_openf1(self, race: CarDataColumns) -> None:
        assert (np.diff(race.date_ms) >= 0).all()


class TestChannels:
    """Gear follows speed, rpm follows gear, the pedals follow acceleration."""

    def test_gears_rise_with_speed(self, race: CarDataColumns) -> None:
        assert set(np.unique(race.n_gear).tolist()) == set(range(1, 9))
        mean_speed = [race.speed[race.n_gear == g].mean() for g in range(1, 9)]
        assert mean_speed == sorted(mean_speed)

    def test_rpm_band(self, race: CarDataColumns) -> None:
        assert race.rpm.min() >= 4_000 and race.rpm.max() <= 12_500
        fast = race.speed > 150
        assert np.median(race.rpm[fast]) > 10_000

    def test_brake_is_on_or_off_and_never_with_throttle(self, race: CarDataColumns) -> None:
        assert set(np.unique(race.brake).tolist()) == {0, 100}
        assert (race.throttle[race.brake > 0] == 0).all()

    def test_speed_falls_while_braking(self, race: CarDataColumns) -> None:
        own = race.select_driver(1)
        change = np.diff(own.speed.astype(np.int32))
        braking = own.brake[:-1] > 0
        assert change[braking].mean() < -10 < 2 < change[own.throttle[:-1] == 100].mean()


class TestDrs:
    """Two zones a lap, detection (8) before opening (12), none on laps 1 and 2."""

    def test_codes(self, race: CarDataColumns) -> None:
        assert set(np.unique(race.drs).tolist()) == {0, 8, 12}

    def test_eight_comes_before_twelve(self, race: CarDataColumns) -> None:
        for number in (1, 44):
            drs = race.select_driver(number).drs
            starts = np.flatnonzero((drs[1:] == 12) & (drs[:-1] != 12)) + 1
            assert len(starts) > 10
            assert (drs[starts - 1] == 8).all()

    def test_no_drs_on_the_first_two_laps(self, race: CarDataColumns, laps: list[Lap]) -> None:
        own = race.select_driver(1)
        for lap_number, start, end in windows_of(laps, 1)[:2]:
            assert lap_number in (1, 2)
            assert (own.slice_time(start, end).drs == 0).all()

    def test_no_drs_from_2026(self, laps: list[Lap]) -> None:
        assert not generate_car_data(laps, seed=0, season=2026).drs.any()


class TestDeterminism:
    """The same laps and seed give the same data; another seed gives other data."""

    def test_same_seed(self, race: CarDataColumns, laps: list[Lap]) -> None:
        assert generate_car_data(laps, seed=0).to_bytes() == race.to_bytes()

    def test_other_seed(self, race: CarDataColumns, laps: list[Lap]) -> None:
        assert generate_car_data(laps, seed=1).to_bytes() != race.to_bytes()


class TestRowsJson:
    """The JSON is OpenF1's car_data shape and decodes back to the same values."""

    def test_shape_matches_openf1(self, race: CarDataColumns) -> None:
        data = car_data_rows_json(race.slice_time(to_ms=int(race.date_ms[5])), session_key=9531)
        first = msgspec.json.decode(data)[0]
        sample = raw_rows(None, "samples/car_data")[0]
        assert list(first) == list(sample)
        assert first["session_key"] == 9531 and first["meeting_key"] is None
        assert first["date"].endswith("+00:00") and len(first["date"]) == len(sample["date"])

    def test_round_trip_through_records(self, race: CarDataColumns) -> None:
        part = race.select_driver(16).slice_time(to_ms=int(race.date_ms[0]) + 600_000)
        records = msgspec.json.decode(car_data_rows_json(part), type=list[CarData])
        assert [r.speed for r in records] == part.speed.tolist()
        assert [r.drs for r in records] == part.drs.tolist()
        assert [round(r.date.timestamp() * 1000) for r in records] == part.date_ms.tolist()

    def test_round_trip_through_columns(self, race: CarDataColumns) -> None:
        back = CarDataColumns.from_json(car_data_rows_json(race, meeting_key=1237))
        assert back.to_bytes() == race.to_bytes()

    def test_sample_file_is_where_the_shape_comes_from(self) -> None:
        assert (DATA_DIR / "samples" / "car_data.json").exists()

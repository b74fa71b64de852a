"""Columnar telemetry, checked against the raw rows of a whole recorded race (9531)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

import numpy as np
import pytest

from f1graph.errors import UpstreamBadResponseError
from f1graph.openf1.columns import CarDataColumns, LocationColumns, parse_dates_ms
from tests.data import DATA_DIR, raw_bytes, raw_rows

SESSION = 9531


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    return raw_rows(SESSION, "location")


@pytest.fixture(scope="module")
def race() -> LocationColumns:
    return LocationColumns.from_json(raw_bytes(SESSION, "location"))


def epoch_ms(date: str) -> int:
    return round(datetime.fromisoformat(date).timestamp() * 1000)


class TestFromJson:
    """Decoding OpenF1 rows gives one array per field, row for row."""

    def test_whole_race_keeps_every_row(
        self, race: LocationColumns, rows: list[dict[str, Any]]
    ) -> None:
        assert len(race) == len(rows) == 518_800
        assert Counter(race.driver_number.tolist()) == Counter(r["driver_number"] for r in rows)

    def test_values_match_the_raw_rows(
        self, race: LocationColumns, rows: list[dict[str, Any]]
    ) -> None:
        assert race.x.tolist() == [r["x"] for r in rows]
        assert race.y.tolist() == [r["y"] for r in rows]
        assert race.z.tolist() == [r["z"] for r in rows]
        assert race.driver_number.tolist() == [r["driver_number"] for r in rows]

    def test_dates_are_epoch_milliseconds_utc(
        self, race: LocationColumns, rows: list[dict[str, Any]]
    ) -> None:
        assert race.date_ms.dtype == np.int64
        assert race.date_ms.tolist() == [epoch_ms(r["date"]) for r in rows]
        assert race.date_ms[0] == 1_717_955_944_556  # 2024-06-09T17:59:04.556Z

    def test_dtypes(self, race: LocationColumns) -> None:
        assert race.driver_number.dtype == np.int16
        assert race.x.dtype == race.y.dtype == race.z.dtype == np.int32

    def test_car_data_sample(self) -> None:
        path = DATA_DIR / "samples" / "car_data.json"
        cols = CarDataColumns.from_json(path.read_bytes())
        sample = raw_rows(None, "samples/car_data")
        assert len(cols) == len(sample)
        for name in ("speed", "rpm", "n_gear", "throttle", "brake", "drs", "driver_number"):
            assert getattr(cols, name).tolist() == [r[name] for r in sample]
        assert cols.date_ms.tolist() == [epoch_ms(r["date"]) for r in sample]

    def test_empty_list(self) -> None:
        assert len(CarDataColumns.from_json(b"[]")) == 0

    def test_null_channels_read_as_zero(self) -> None:
        data = b'[{"date":"2024-06-09T18:00:00.100000+00:00","driver_number":4,"x":null,"y":7}]'
        cols = LocationColumns.from_json(data)
        assert (cols.x.tolist(), cols.y.tolist(), cols.z.tolist()) == ([0], [7], [0])

    def test_malformed_json_is_a_bad_upstream_response(self) -> None:
        with pytest.raises(UpstreamBadResponseError):
            LocationColumns.from_json(b"<html>Bad gateway</html>")

    def test_bad_date_is_a_bad_upstream_response(self) -> None:
        with pytest.raises(UpstreamBadResponseError):
            LocationColumns.from_json(b'[{"date":"yesterday","driver_number":1}]')


class TestParseDates:
    """Other spellings of a UTC instant parse to the same milliseconds."""

    def test_spellings(self) -> None:
        dates = [
            "2024-06-09T17:59:04.556000+00:00",
            "2024-06-09T17:59:04+00:00",
            "2024-06-09T17:59:04.556Z",
            "2024-06-09T19:59:04.556000+02:00",
        ]
        assert parse_dates_ms(dates).tolist() == [
            1_717_955_944_556,
            1_717_955_944_000,
            1_717_955_944_556,
            1_717_955_944_556,
        ]


class TestSelection:
    """Time slices are half-open; driver selection keeps the car's rows in order."""

    def test_slice_time_is_half_open(
        self, race: LocationColumns, rows: list[dict[str, Any]]
    ) -> None:
        start, end = rows[100_000]["date"], rows[150_000]["date"]
        # Same fixed-width ISO format, so string order is time order.
        expected = [r for r in rows if start <= r["date"] < end]
        part = race.slice_time(epoch_ms(start), epoch_ms(end))
        assert len(part) == len(expected)
        assert part.x.tolist() == [r["x"] for r in expected]
        assert part.date_ms.min() == epoch_ms(start)
        assert part.date_ms.max() < epoch_ms(end)

    def test_open_sides(self, race: LocationColumns, rows: list[dict[str, Any]]) -> None:
        cut = rows[200_000]["date"]
        before = race.slice_time(to_ms=epoch_ms(cut))
        after = race.slice_time(from_ms=epoch_ms(cut))
        assert len(before) == sum(1 for r in rows if r["date"] < cut)
        assert len(before) + len(after) == len(race)

    def test_select_driver(self, race: LocationColumns, rows: list[dict[str, Any]]) -> None:
        own = [r for r in rows if r["driver_number"] == 44]
        lewis = race.select_driver(44)
        assert len(lewis) == len(own) == 25_940
        assert lewis.y.tolist() == [r["y"] for r in own]

    def test_by_driver(self, race: LocationColumns, rows: list[dict[str, Any]]) -> None:
        split = race.by_driver()
        assert sorted(split) == sorted({r["driver_number"] for r in rows})
        assert sum(len(part) for part in split.values()) == len(race)

    def test_concat_of_consecutive_windows_is_the_whole(self, race: LocationColumns) -> None:
        middle = int(race.date_ms[259_400])
        joined = LocationColumns.concat(
            [race.slice_time(to_ms=middle), race.slice_time(from_ms=middle)]
        )
        assert np.array_equal(joined.date_ms, race.date_ms)
        assert np.array_equal(joined.z, race.z)
        assert len(LocationColumns.concat([])) == 0

    def test_sorted_by_time(self) -> None:
        cols = LocationColumns(
            date_ms=np.array([30, 10, 20]),
            driver_number=np.array([1, 2, 3]),
            x=np.array([3, 1, 2]),
            y=np.zeros(3, np.int32),
            z=np.zeros(3, np.int32),
        )
        assert cols.sorted_by_time().x.tolist() == [1, 2, 3]

    def test_columns_are_read_only(self, race: LocationColumns) -> None:
        with pytest.raises(ValueError):
            race.x[0] = 1

    def test_mismatched_lengths_are_refused(self) -> None:
        with pytest.raises(ValueError, match="Column x"):
            LocationColumns(
                date_ms=np.zeros(2, np.int64),
                driver_number=np.zeros(2, np.int16),
                x=np.zeros(3, np.int32),
                y=np.zeros(2, np.int32),
                z=np.zeros(2, np.int32),
            )


class TestBytes:
    """The cache form is a 16-byte header plus the raw columns, and reads back exactly."""

    def test_round_trip_whole_race(self, race: LocationColumns) -> None:
        data = race.to_bytes()
        assert len(data) == 16 + len(race) * (8 + 2 + 3 * 4)
        back = LocationColumns.from_bytes(data)
        for name in ("date_ms", "driver_number", "x", "y", "z"):
            assert np.array_equal(getattr(back, name), getattr(race, name))
            assert getattr(back, name).dtype == getattr(race, name).dtype

    def test_car_data_is_23_bytes_a_sample(self) -> None:
        cols = CarDataColumns.from_json((DATA_DIR / "samples" / "car_data.json").read_bytes())
        assert cols.nbytes == 23 * len(cols)
        assert len(cols.to_bytes()) == 16 + 23 * len(cols)
        back = CarDataColumns.from_bytes(cols.to_bytes())
        assert back.rpm.tolist() == cols.rpm.tolist()

    def test_empty_round_trip(self) -> None:
        assert len(CarDataColumns.from_bytes(CarDataColumns.empty().to_bytes())) == 0

    def test_other_kind_is_refused(self, race: LocationColumns) -> None:
        with pytest.raises(ValueError, match="CarDataColumns"):
            CarDataColumns.from_bytes(race.slice_time(to_ms=int(race.date_ms[10])).to_bytes())

    def test_truncated_bytes_are_refused(self, race: LocationColumns) -> None:
        data = race.slice_time(to_ms=int(race.date_ms[100])).to_bytes()
        with pytest.raises(ValueError, match="needs"):
            LocationColumns.from_bytes(data[:-1])
        with pytest.raises(ValueError, match="too few"):
            LocationColumns.from_bytes(data[:5])

"""Telemetry windows, request runs and the per-request bound: pure arithmetic, known answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from f1graph.errors import NotFoundError, TooBroadError
from f1graph.openf1.columns import CarDataColumns, LocationColumns
from f1graph.openf1.records import Lap
from f1graph.schema.telemetry import lap_range_ms
from f1graph.telemetry import MAX_CAR_SESSIONS, Span, TelemetryBudget, WindowKey, epoch_ms
from f1graph.telemetry.fetch import request_runs, window_fresh_s, windows_per_request
from f1graph.telemetry.windows import between, pack_window, split_by_driver, unpack_window

START = datetime(2024, 6, 9, 18, 0, tzinfo=UTC)  # race 9531's recorded start and end
END = datetime(2024, 6, 9, 20, 0, tzinfo=UTC)
T17 = epoch_ms(datetime(2024, 6, 9, 17, 0, tzinfo=UTC))
MINUTE = 60_000


def car(dates: list[int], drivers: list[int]) -> CarDataColumns:
    n = len(dates)
    zero = np.zeros(n, dtype=np.int16)
    return CarDataColumns(
        date_ms=np.array(dates, dtype=np.int64),
        driver_number=np.array(drivers),
        speed=np.arange(n),
        rpm=zero,
        n_gear=zero,
        throttle=zero,
        brake=zero,
        drs=zero,
    )


class TestSpan:
    """A session's span runs from an hour before its start to 30 minutes after its end."""

    def test_race_span(self) -> None:
        span = Span.of_session(START, END, 300)
        assert (span.start_ms, span.end_ms, span.window_ms) == (T17, T17 + 210 * MINUTE, 300_000)
        assert span.duration_s == 3.5 * 3600
        assert len(span.window_starts()) == 42

    def test_windows_are_aligned_to_epoch_multiples(self) -> None:
        start = datetime(2024, 6, 9, 18, 2, 30, tzinfo=UTC)
        span = Span.of_session(start, END, 300)
        assert span.start_ms == epoch_ms(datetime(2024, 6, 9, 17, 0, tzinfo=UTC))
        assert span.start_ms % 300_000 == 0
        assert span.end_ms % 300_000 == 0

    def test_a_lap_reads_only_the_windows_it_overlaps(self) -> None:
        span = Span.of_session(START, END, 300)
        lap_start = T17 + 84 * MINUTE  # 18:24:00, 95 s long: the 18:20 and 18:25 windows
        assert span.window_starts(lap_start, lap_start + 95_000) == [
            T17 + 80 * MINUTE,
            T17 + 85 * MINUTE,
        ]
        assert span.window_starts(lap_start, lap_start + 10_000) == [T17 + 80 * MINUTE]

    def test_ranges_are_cut_to_the_span(self) -> None:
        span = Span.of_session(START, END, 300)
        assert span.clip(0, T17 + MINUTE) == (T17, T17 + MINUTE)
        assert span.window_starts(0, T17) == []
        assert span.window_starts(T17 + 300 * MINUTE, None) == []


class TestPayload:
    """A cached window holds its own span; another span reads as a miss."""

    def test_round_trip(self) -> None:
        cols = car([T17 + 5, T17 + 300], [1, 1])
        payload = pack_window(T17, T17 + 300_000, cols)
        back = unpack_window(payload, "car_data", T17, T17 + 300_000)
        assert isinstance(back, CarDataColumns)
        assert back.date_ms.tolist() == [T17 + 5, T17 + 300]
        assert back.speed.tolist() == [0, 1]

    def test_another_window_size_is_a_miss(self) -> None:
        payload = pack_window(T17, T17 + 300_000, car([T17], [1]))
        assert unpack_window(payload, "car_data", T17, T17 + 600_000) is None
        assert unpack_window(payload, "location", T17, T17 + 300_000) is None
        assert unpack_window(b"junk", "car_data", T17, T17 + 300_000) is None


class TestSelection:
    """Splitting by car keeps each car's time order; a time cut is half-open."""

    def test_split_by_driver(self) -> None:
        cols = car([1, 2, 3, 4, 5], [44, 1, 44, 16, 1])
        split = split_by_driver(cols)
        assert list(split) == [1, 16, 44]
        assert split[1].date_ms.tolist() == [2, 5]
        assert split[44].speed.tolist() == [0, 2]
        assert split_by_driver(LocationColumns.empty()) == {}

    def test_between_is_half_open(self) -> None:
        cols = car([10, 20, 30, 40], [1, 1, 1, 1])
        assert between(cols, 20, 40).date_ms.tolist() == [20, 30]
        assert between(cols, 0, 100) is cols


class TestRequestRuns:
    """Adjacent windows of one car share a request, up to 6,000 car-seconds; every car's
    window is a request of its own."""

    def test_per_request(self) -> None:
        assert windows_per_request(300) == 20
        assert windows_per_request(60) == 100
        assert windows_per_request(7200) == 1

    def test_whole_race_of_one_car_is_three_requests(self) -> None:
        span = Span.of_session(START, END, 300)
        wkeys = [WindowKey(9531, "car_data", 1, s) for s in span.window_starts()]
        runs = request_runs(wkeys, span, 20)
        assert [len(r) for r in runs] == [20, 20, 2]

    def test_gaps_and_cars_split_runs(self) -> None:
        span = Span.of_session(START, END, 300)
        s = span.window_starts()
        wkeys = [
            WindowKey(9531, "car_data", 1, s[0]),
            WindowKey(9531, "car_data", 1, s[1]),
            WindowKey(9531, "car_data", 1, s[3]),
            WindowKey(9531, "car_data", 44, s[1]),
            WindowKey(9531, "car_data", None, s[0]),
            WindowKey(9531, "car_data", None, s[1]),
        ]
        runs = request_runs(wkeys, span, 20)
        assert sorted(len(r) for r in runs) == [1, 1, 1, 1, 2]


class TestBudget:
    """A request may read four cars' whole session per endpoint, and a sample ceiling."""

    def test_four_whole_sessions_pass_the_fifth_is_refused(self) -> None:
        budget = TelemetryBudget(2_000_000)
        for _ in range(int(MAX_CAR_SESSIONS)):
            budget.admit("car_data", 9531, 1, 12_600, 12_600)
        budget.admit("location", 9531, 1, 12_600, 12_600)  # counted per endpoint
        with pytest.raises(TooBroadError, match=r"5\.0 cars' whole session"):
            budget.admit("car_data", 9531, 1, 12_600, 12_600)

    def test_every_car_needs_a_window(self) -> None:
        budget = TelemetryBudget(2_000_000)
        with pytest.raises(TooBroadError, match="at most 42 minutes for 20 cars"):
            budget.admit("car_data", 9531, 20, 12_600, 12_600)
        budget.admit("car_data", 9531, 20, 40 * 60, 12_600)

    def test_sample_ceiling(self) -> None:
        budget = TelemetryBudget(1_000)
        budget.admit("car_data", 9531, 1, 200, 12_600)  # 740 samples
        with pytest.raises(TooBroadError, match="at most 1,000"):
            budget.admit("location", 9531, 1, 100, 12_600)


class TestFreshness:
    """A window of an ended session keeps the session's TTL; one that may still fill, 10 s."""

    def test_window_fresh_s(self) -> None:
        now = 1_800_000_000.0
        month = 30 * 24 * 3600.0
        assert window_fresh_s(int((now - 3600) * 1000), month, now) == month
        assert window_fresh_s(int((now - 30) * 1000), month, now) == 10.0
        assert window_fresh_s(int((now + 300) * 1000), 600.0, now) == 10.0


class TestLapRange:
    """A lap spans its start plus its duration, or without one, until the next lap starts."""

    def test_lap_range(self) -> None:
        first = Lap(driver_number=1, lap_number=1, date_start=START, lap_duration=None)
        second = Lap(
            driver_number=1,
            lap_number=2,
            date_start=START + timedelta(seconds=95.5),
            lap_duration=80.25,
        )
        start = epoch_ms(START)
        assert lap_range_ms(second, [first, second]) == (start + 95_500, start + 175_750)
        assert lap_range_ms(first, [first, second]) == (start, start + 95_500)
        with pytest.raises(NotFoundError):
            lap_range_ms(first, [first])

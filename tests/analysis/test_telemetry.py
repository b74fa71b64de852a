"""Telemetry analyses: hand-made samples with known answers, then a generated race (9531)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
import numpy as np
import pytest

from f1graph.analysis.telemetry import (
    distance_m,
    downsample,
    drs_analysis,
    drs_open,
    gear_analysis,
    lap_window_ms,
    sample_hold_ms,
    speed_analysis,
)
from f1graph.openf1.columns import CarDataColumns
from f1graph.openf1.records import Lap
from tests.cardata import generate_car_data, implied_lap_length_m
from tests.data import raw_bytes

T0 = datetime(2024, 6, 9, 18, 0, tzinfo=UTC)
T0_MS = 1_717_956_000_000


def car(driver_number: int = 1, step_ms: int = 250, **channels: Any) -> CarDataColumns:
    """Samples every ``step_ms`` from T0; channels not given are zero."""
    count = len(next(iter(channels.values())))
    zero = [0] * count
    return CarDataColumns(
        date_ms=T0_MS + np.arange(count, dtype=np.int64) * step_ms,
        driver_number=np.full(count, driver_number),
        speed=np.array(channels.get("speed", zero)),
        rpm=np.array(channels.get("rpm", zero)),
        n_gear=np.array(channels.get("n_gear", zero)),
        throttle=np.array(channels.get("throttle", zero)),
        brake=np.array(channels.get("brake", zero)),
        drs=np.array(channels.get("drs", zero)),
    )


def lap(
    driver_number: int, lap_number: int, start_s: float, duration_s: float | None, **kw: Any
) -> Lap:
    return Lap(
        driver_number=driver_number,
        lap_number=lap_number,
        date_start=T0 + timedelta(seconds=start_s),
        lap_duration=duration_s,
        **kw,
    )


@pytest.fixture(scope="module")
def laps() -> list[Lap]:
    return msgspec.json.decode(raw_bytes(9531, "laps"), type=list[Lap])


@pytest.fixture(scope="module")
def race(laps: list[Lap]) -> CarDataColumns:
    return generate_car_data(laps, seed=7)


class TestDrsOpen:
    """Codes 10, 12 and 14 are open; nothing is open from 2026."""

    def test_codes(self) -> None:
        codes = np.array([0, 1, 2, 3, 8, 9, 10, 12, 14])
        assert drs_open(codes, 2024).tolist() == [False] * 6 + [True] * 3

    def test_no_drs_from_2026(self) -> None:
        assert not drs_open(np.array([10, 12, 14]), 2026).any()


class TestSampleHold:
    """A sample holds until the next, at most 1 s; the last holds nothing."""

    def test_hold(self) -> None:
        dates = np.array([0, 250, 520, 3_000, 3_270], dtype=np.int64)
        assert sample_hold_ms(dates).tolist() == [250, 270, 1_000, 270, 0]


class TestDistance:
    """Distance is the trapezoidal integral of speed over time."""

    def test_constant_speed(self) -> None:
        dates = np.arange(0, 10_001, 250, dtype=np.int64)
        assert distance_m(dates, np.full(len(dates), 36))[-1] == pytest.approx(100.0)

    def test_linear_ramp_is_exact(self) -> None:
        # 0 to 360 km/h (100 m/s) in 10 s: 500 m; the trapezoid rule is exact on a line.
        dates = np.array([0, 2_000, 5_000, 10_000], dtype=np.int64)
        speed = np.array([0, 72, 180, 360])
        assert distance_m(dates, speed).tolist() == pytest.approx([0, 20, 125, 500])

    def test_empty(self) -> None:
        assert len(distance_m(np.zeros(0, np.int64), np.zeros(0, np.int16))) == 0


class TestDownsample:
    """At most max_points real samples, keeping the first, last and each bucket's extremes."""

    def test_no_op_when_short(self) -> None:
        assert downsample(car(speed=[1, 2, 3]), 3).tolist() == [0, 1, 2]

    def test_keeps_extremes(self) -> None:
        rng = np.random.default_rng(1)
        speed = rng.integers(100, 200, 1_000)
        speed[417], speed[733] = 340, 60
        picked = downsample(car(speed=speed.tolist()), 50)
        assert len(picked) <= 50
        assert picked.tolist() == sorted(set(picked.tolist()))
        assert {0, 417, 733, 999} <= set(picked.tolist())

    def test_each_bucket_keeps_its_min_and_max(self) -> None:
        speed = [5, 1, 9, 3, 7, 2, 8, 4, 6, 5]
        # 8 interior samples, 3 buckets of 3: [1,9,3] [7,2,8] [4,6]
        assert downsample(car(speed=speed), 8).tolist() == [0, 1, 2, 5, 6, 7, 8, 9]

    def test_tiny_budgets(self) -> None:
        cols = car(speed=list(range(10)))
        assert downsample(cols, 1).tolist() == [0]
        assert downsample(cols, 2).tolist() == [0, 9]
        with pytest.raises(ValueError):
            downsample(cols, 0)


class TestLapWindow:
    """A lap spans [date_start, date_start + lap_duration) in epoch milliseconds."""

    def test_window(self) -> None:
        assert lap_window_ms(lap(1, 5, 10.0, 74.512)) == (T0_MS + 10_000, T0_MS + 84_512)

    def test_unknown_duration_or_start(self) -> None:
        assert lap_window_ms(lap(1, 1, 0.0, None)) is None
        assert lap_window_ms(Lap(driver_number=1, lap_number=2, lap_duration=80.0)) is None


class TestSpeedAnalysis:
    """Top speed, mean while moving, and the best speed-trap figures over the laps."""

    def test_per_driver(self) -> None:
        cols = CarDataColumns.concat(
            [car(1, speed=[0, 100, 300, 200, 0]), car(16, speed=[250, 310])]
        )
        laps = [
            lap(1, 1, 0, 80, i1_speed=250, i2_speed=None, st_speed=301),
            lap(1, 2, 80, 80, i1_speed=255, i2_speed=280, st_speed=None),
            lap(44, 1, 0, 80, st_speed=310),
        ]
        one, sixteen, fortyfour = speed_analysis(cols, laps)
        assert (one.top_speed_kph, one.mean_speed_kph) == (300, 200.0)
        assert (one.max_i1_speed_kph, one.max_i2_speed_kph, one.max_st_speed_kph) == (255, 280, 301)
        assert (sixteen.top_speed_kph, sixteen.max_st_speed_kph) == (310, None)
        assert (fortyfour.samples, fortyfour.top_speed_kph, fortyfour.max_st_speed_kph) == (
            0,
            None,
            310,
        )


class TestDrsAnalysis:
    """Openings are transitions into an open code; time and share count open samples."""

    def test_example(self) -> None:
        # every 250 ms: samples 2, 3 and 5 open, each holding 250 ms
        cols = car(drs=[0, 8, 12, 12, 0, 10, 1])
        laps = [lap(1, 1, 0, 0.5), lap(1, 2, 0.5, 0.75), lap(1, 3, 1.25, 0.5)]
        (result,) = drs_analysis(cols, laps, season=2024)
        assert result.applicable
        assert result.openings == 2
        assert result.open_time_s == pytest.approx(0.75)
        assert result.open_sample_share == pytest.approx(3 / 7)
        # lap 1 holds samples 0-1, lap 2 samples 2-4, lap 3 samples 5-6
        assert result.laps_with_drs == (2, 3)

    def test_range_starting_open_counts_no_opening(self) -> None:
        (result,) = drs_analysis(car(drs=[12, 12, 0, 0]), [], season=2023)
        assert result.openings == 0
        assert result.open_time_s == pytest.approx(0.5)

    def test_not_applicable_from_2026(self) -> None:
        (result,) = drs_analysis(car(drs=[0, 8, 12, 12, 0]), [lap(1, 1, 0, 2)], season=2026)
        assert not result.applicable
        assert (result.openings, result.open_time_s, result.laps_with_drs) == (0, 0.0, ())


class TestGearAnalysis:
    """Time-weighted share per gear; changes ignore neutral; rpm counts the engine running."""

    def test_example(self) -> None:
        cols = car(n_gear=[1, 2, 0, 2, 3, 0, 0, 3], rpm=[0, 9_000, 8_000, 10_000, 11_500, 0, 0, 0])
        (result,) = gear_analysis(cols)
        assert result.gear_changes == 2
        assert result.top_rpm == 11_500
        assert result.mean_rpm == pytest.approx(9_625)
        # seven 250 ms holds (the last sample holds nothing): gear 0 three, 1 one, 2 two, 3 one
        assert [(g.gear, g.time_s) for g in result.time_in_gear] == [
            (0, 0.75),
            (1, 0.25),
            (2, 0.5),
            (3, 0.25),
        ]
        assert [g.time_share for g in result.time_in_gear] == pytest.approx(
            [3 / 7, 1 / 7, 2 / 7, 1 / 7]
        )


class TestGeneratedRace:
    """On a race generated over the real laps of 9531, the analyses agree with its design."""

    def test_distance_per_lap_is_the_lap_length(
        self, race: CarDataColumns, laps: list[Lap]
    ) -> None:
        length_m = implied_lap_length_m(laps)
        cars = race.by_driver()
        ratios = []
        for one in laps:
            window = lap_window_ms(one)
            if window is not None:
                part = cars[one.driver_number].slice_time(*window)
                ratios.append(distance_m(part.date_ms, part.speed)[-1] / length_m)
        assert len(ratios) == 1_267
        # Samples never fall exactly on the line: up to one interval of each lap is missed.
        assert min(ratios) > 0.98 and max(ratios) < 1.01

    def test_drs_at_most_two_openings_per_lap_and_none_early(
        self, race: CarDataColumns, laps: list[Lap]
    ) -> None:
        results = drs_analysis(race, laps, season=2024)
        assert all(r.applicable for r in results)
        assert all(1 not in r.laps_with_drs and 2 not in r.laps_with_drs for r in results)
        for r in results:
            assert 0 < r.openings <= 2 * len(r.laps_with_drs)
        in_2026 = drs_analysis(race, laps, season=2026)
        assert all(r.openings == 0 and r.laps_with_drs == () for r in in_2026)

    def test_speed_and_gears_are_plausible(self, race: CarDataColumns, laps: list[Lap]) -> None:
        tops = [s.top_speed_kph for s in speed_analysis(race, laps) if s.samples]
        # a wet race: cars that retired early never ran a dry lap at full pace
        assert all(isinstance(top, int) and 250 < top < 340 for top in tops)
        assert 300 < max(t for t in tops if t is not None) < 340
        for g in gear_analysis(race):
            assert {t.gear for t in g.time_in_gear} <= set(range(1, 9))
            assert sum(t.time_share for t in g.time_in_gear) == pytest.approx(1.0)
            assert g.top_rpm is not None and 11_000 < g.top_rpm <= 12_500

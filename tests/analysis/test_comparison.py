"""Drivers side by side: hand-made samples with known answers."""

from __future__ import annotations

import pytest

from f1graph.analysis.comparison import compare_drivers
from tests.analysis.test_telemetry import car, lap


class TestCompareDrivers:
    """Side by side over the session or one lap, with traces on a common distance grid."""

    def test_whole_session_shares(self) -> None:
        a = car(
            1,
            speed=[100, 200, 300, 200],
            throttle=[100, 98, 50, 0],
            brake=[0, 0, 0, 100],
            drs=[0, 12, 12, 0],
        )
        b = car(44, speed=[150, 150], throttle=[0, 0], brake=[100, 100])
        result = compare_drivers({44: b, 1: a}, [])
        assert result.lap_number is None and result.traces == ()
        first, second = result.drivers
        assert first.driver_number == 1
        assert (first.full_throttle_share, first.braking_share, first.drs_open_share) == (
            0.5,
            0.25,
            0.5,
        )
        assert (second.top_speed_kph, second.braking_share) == (150, 1.0)

    def test_no_drs_share_from_2026(self) -> None:
        result = compare_drivers({1: car(1, drs=[12, 12])}, [], season=2026)
        assert result.drivers[0].drs_open_share is None

    def test_one_lap_traces(self) -> None:
        # car 1 at a steady 36 km/h (10 m/s), car 44 at 72 km/h, samples every 250 ms for 20 s
        a = car(1, speed=[36] * 81, throttle=[50] * 81)
        b = car(44, speed=[72] * 81, throttle=[100] * 81)
        laps = [lap(1, 3, 0, 10), lap(44, 3, 0, 5), lap(44, 4, 5, 5)]
        result = compare_drivers({1: a, 44: b}, laps, 3)
        # lap 3: car 1 has samples 0..9.75 s (97.5 m), car 44 0..4.75 s (95 m)
        assert [d.samples for d in result.drivers] == [40, 20]
        assert result.distance_m.tolist() == pytest.approx(list(range(0, 91, 10)))
        trace_1, trace_44 = result.traces
        assert trace_1.lap_distance_m == pytest.approx(97.5)
        assert trace_44.lap_distance_m == pytest.approx(95.0)
        assert trace_1.speed_kph.tolist() == pytest.approx([36.0] * 10)
        assert trace_44.throttle_pct.tolist() == pytest.approx([100.0] * 10)

    def test_driver_without_the_lap_gets_empty_figures(self) -> None:
        result = compare_drivers({1: car(1, speed=[100, 100])}, [], 7)
        assert result.drivers[0].samples == 0
        assert result.drivers[0].top_speed_kph is None
        assert result.traces == ()

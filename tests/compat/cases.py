"""One request per legacy route, with checks of its data computed from the recorded rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.compat.checks import (
    _breaker,
    _flags,
    _health,
    _incidents,
    _pit_stops,
    _race_control,
    _rc_statistics,
    _safety_car,
    _soft,
    _stints_of_one,
    _strategy,
    _timeline,
    _tyre_performance,
    _wear,
)
from tests.compat.conftest import CAR_DATA_DRIVERS, RACE
from tests.data import raw_rows

Check = Callable[[Any], None]


@dataclass(frozen=True)
class Case:
    """A request to one route (contract path, its parameters) and what its data must hold."""

    method: str
    route: str
    path: dict[str, Any]
    check: Check
    query: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        url = self.route
        for name, value in self.path.items():
            url = url.replace(f":{name}", str(value))
        return url


def laps_of(driver: int | None = None) -> list[dict[str, Any]]:
    return [r for r in raw_rows(RACE, "laps") if driver is None or r["driver_number"] == driver]


def timed(rows: list[dict[str, Any]]) -> list[float]:
    return [r["lap_duration"] for r in rows if r["lap_duration"] is not None]


def winner() -> int:
    return int(
        next(r["driver_number"] for r in raw_rows(RACE, "session_result") if r["position"] == 1)
    )


def _sessions(data: Any) -> None:
    want = {
        s["session_key"]
        for s in raw_rows(None, "sessions")
        if s["year"] == 2026 and s["country_name"] == "Japan"
    }
    assert {s["sessionKey"] for s in data} == want and {11249, 11253} <= want


def _drivers(data: Any) -> None:
    assert [d["driverNumber"] for d in data] == sorted(
        d["driver_number"] for d in raw_rows(RACE, "drivers")
    )


def _ferrari(data: Any) -> None:
    want = {d["name_acronym"] for d in raw_rows(RACE, "drivers") if d["team_name"] == "Ferrari"}
    assert {d["nameAcronym"] for d in data} == want and len(want) == 2


def _replay(data: Any) -> None:
    rows = {d["endpoint"]: d["rows"] for d in data["datasets"]}
    assert rows["laps"] == len(laps_of()) and rows["intervals"] == 4915
    assert "car_data" not in rows and data["totalRows"] == sum(rows.values())


def _driver_one(data: Any) -> None:
    raw = next(d for d in raw_rows(RACE, "drivers") if d["driver_number"] == 1)
    assert (data["fullName"], data["teamName"]) == (raw["full_name"], raw["team_name"])


def _telemetry(data: Any) -> None:
    assert data["driverNumber"] == 1 and data["count"] == len(data["speed"]) > 0


def _lap_numbers(driver: int) -> Check:
    def check(data: Any) -> None:
        assert [lap["lapNumber"] for lap in data] == sorted(
            r["lap_number"] for r in laps_of(driver)
        )

    return check


def _performance(data: Any) -> None:
    result = next(r for r in raw_rows(RACE, "session_result") if r["driver_number"] == 1)
    assert data["bestLap"] == min(timed(laps_of(1)))
    assert data["finishPosition"] == result["position"]
    assert data["pitStops"] == sum(1 for p in raw_rows(RACE, "pit") if p["driver_number"] == 1)


def _one_lap(data: Any) -> None:
    raw = next(r for r in laps_of(1) if r["lap_number"] == 10)
    assert [(d["lapNumber"], d["lapDuration"]) for d in data] == [(10, raw["lap_duration"])]


def _fastest(data: Any) -> None:
    assert data["fastestLap"]["lapDuration"] == min(timed(laps_of()))
    durations = [lap["lapDuration"] for lap in data["fastestLaps"]]
    assert durations == sorted(durations)
    assert len(durations) == len({r["driver_number"] for r in laps_of() if r["lap_duration"]})


def _analysis(data: Any) -> None:
    for d in data:
        if d["theoreticalBest"] is not None:
            parts = d["bestSector1"] + d["bestSector2"] + d["bestSector3"]
            assert abs(d["theoreticalBest"] - parts) < 1e-6


def _statistics(data: Any) -> None:
    assert data["totalLaps"] == len(laps_of())
    assert data["fastestLap"]["lapDuration"] == min(timed(laps_of()))
    assert data["maxStSpeed"]["speed"] == max(r["st_speed"] for r in laps_of() if r["st_speed"])


WINDOW = {"from": "2026-03-29T06:00:00Z", "to": "2026-03-29T06:05:00Z"}


def _intervals(data: Any) -> None:
    raw = [
        r
        for r in raw_rows(RACE, "intervals")
        if r["driver_number"] == 1 and "2026-03-29T06:00:00" <= r["date"] <= "2026-03-29T06:05:00"
    ]
    assert len(data) == len(raw) > 0 and {d["driverNumber"] for d in data} == {1}


def _standings(data: Any) -> None:
    latest: dict[int, tuple[str, int]] = {}
    for r in raw_rows(RACE, "position"):
        if r["date"] <= "2026-03-29T06:00:00+00:00":
            latest[r["driver_number"]] = (r["date"], r["position"])
    leader = next(n for n, (_, p) in latest.items() if p == 1)
    assert data[0]["position"] == 1 and data[0]["driverNumber"] == leader


def _gaps(data: Any) -> None:
    numeric = [
        r["interval"]
        for r in raw_rows(RACE, "intervals")
        if r["driver_number"] == 44 and isinstance(r["interval"], float | int)
    ]
    mine = next(d for d in data if d["driverNumber"] == 44)
    assert mine["minInterval"] == min(numeric) and mine["maxInterval"] == max(numeric)


def _positions(data: Any) -> None:
    last = {r["driver_number"]: r["position"] for r in raw_rows(RACE, "position")}
    assert {d["driverNumber"]: d["finishPosition"] for d in data} == last


def _progress(data: Any) -> None:
    assert data[-1]["lapNumber"] == max(r["lap_number"] for r in laps_of())
    assert data[-1]["leaderDriverNumber"] == winner()


def _car_data(data: Any) -> None:
    rows = data if isinstance(data, list) else [data]
    assert {d["driverNumber"] for d in rows if d["count"]} == {1}


def _speed(data: Any) -> None:
    mine = next(d for d in data if d["driverNumber"] == 44)
    assert mine["maxStSpeed"] == max(r["st_speed"] for r in laps_of(44) if r["st_speed"])
    assert {d["driverNumber"] for d in data if d["samples"]} == set(CAR_DATA_DRIVERS)


def _drs(data: Any) -> None:
    assert all(d["applicable"] is False and d["openings"] == 0 for d in data)  # 2026: no DRS


def _gears(data: Any) -> None:
    for d in data:
        if d["samples"]:
            assert abs(sum(g["timeShare"] for g in d["timeInGear"]) - 1) < 1e-6


def _compare(data: Any) -> None:
    assert [d["driverNumber"] for d in data["drivers"]] == [1, 44] and data["lapNumber"] == 5


S, SD = {"sessionKey": RACE}, {"sessionKey": RACE, "driverNumber": 1}
CASES = [
    Case("GET", "/api/v1/sessions", {}, _sessions, {"year": "2026", "country_name": "Japan"}),
    Case("GET", "/api/v1/sessions/:sessionKey/drivers", S, _drivers),
    Case("POST", "/api/v1/sessions/:sessionKey/start-replay", S, _replay),
    Case("GET", "/api/v1/drivers", {}, _ferrari, {"session_key": "11253", "team_name": "ferrari"}),
    Case("GET", "/api/v1/drivers/:sessionKey", S, _drivers),
    Case("GET", "/api/v1/drivers/:sessionKey/:driverNumber", SD, _driver_one),
    Case("GET", "/api/v1/drivers/:sessionKey/:driverNumber/telemetry", SD, _telemetry,
         {"lap": "3"}),
    Case("GET", "/api/v1/drivers/:sessionKey/:driverNumber/laps", SD, _lap_numbers(1)),
    Case("GET", "/api/v1/drivers/:sessionKey/:driverNumber/performance", SD, _performance),
    Case("GET", "/api/v1/laps/:sessionKey", S, _one_lap,
         {"driver_number": "1", "lap_number": "10"}),
    Case("GET", "/api/v1/laps/:sessionKey/driver/:driverNumber", {**S, "driverNumber": 44},
         _lap_numbers(44)),
    Case("GET", "/api/v1/laps/:sessionKey/fastest", S, _fastest),
    Case("GET", "/api/v1/laps/:sessionKey/analysis", S, _analysis),
    Case("GET", "/api/v1/laps/:sessionKey/statistics", S, _statistics),
    Case("GET", "/api/v1/intervals/:sessionKey", S, _intervals, {"driver_number": "1", **WINDOW}),
    Case("GET", "/api/v1/intervals/:sessionKey/at-time", S, _standings,
         {"time": "2026-03-29T06:00:00Z"}),
    Case("GET", "/api/v1/intervals/:sessionKey/gaps", S, _gaps),
    Case("GET", "/api/v1/intervals/:sessionKey/positions", S, _positions),
    Case("GET", "/api/v1/intervals/:sessionKey/race-progress", S, _progress),
    Case("GET", "/api/v1/car-data/:sessionKey", S, _car_data, {"driver_number": "1"}),
    Case("GET", "/api/v1/car-data/:sessionKey/driver/:driverNumber", SD, _telemetry,
         {"lap": "4"}),
    Case("GET", "/api/v1/car-data/:sessionKey/speed-analysis", S, _speed),
    Case("GET", "/api/v1/car-data/:sessionKey/drs-analysis", S, _drs),
    Case("GET", "/api/v1/car-data/:sessionKey/gear-analysis", S, _gears),
    Case("GET", "/api/v1/car-data/:sessionKey/compare", S, _compare,
         {"drivers": "1,44", "lap": "5"}),
    Case("GET", "/api/v1/race-control/:sessionKey", S, _race_control, {"category": "safetycar"}),
    Case("GET", "/api/v1/race-control/:sessionKey/flags", S, _flags),
    Case("GET", "/api/v1/race-control/:sessionKey/safety-car", S, _safety_car),
    Case("GET", "/api/v1/race-control/:sessionKey/incidents", S, _incidents),
    Case("GET", "/api/v1/race-control/:sessionKey/timeline", S, _timeline),
    Case("GET", "/api/v1/race-control/:sessionKey/statistics", S, _rc_statistics),
    Case("GET", "/api/v1/stints/:sessionKey", S, _soft, {"compound": "SOFT"}),
    Case("GET", "/api/v1/stints/:sessionKey/driver/:driverNumber", SD, _stints_of_one),
    Case("GET", "/api/v1/stints/:sessionKey/tire-strategy", S, _strategy),
    Case("GET", "/api/v1/stints/:sessionKey/pit-stops", S, _pit_stops),
    Case("GET", "/api/v1/stints/:sessionKey/tire-performance", S, _tyre_performance),
    Case("GET", "/api/v1/stints/:sessionKey/wear-analysis", S, _wear),
    Case("GET", "/api/v1/health", {}, _health),
    Case("GET", "/api/v1/health/circuit-breaker", {}, _breaker),
    Case("POST", "/api/v1/health/circuit-breaker/reset", {}, _breaker),
]  # fmt: skip

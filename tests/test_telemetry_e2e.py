"""Telemetry end to end over real HTTP: f1graph in front of the fake OpenF1 serving race 9531
with car data generated from its real laps and its real location. Expected values are computed
from the raw JSON rows the fake serves, in plain Python."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from f1graph.openf1.columns import CarDataColumns
from f1graph.settings import Settings
from f1graph.web import create_app
from tests.cardata import car_data_rows_json
from tests.data import raw_rows
from tests.fake_openf1 import FakeOpenF1, make_fake_openf1
from tests.servers import UNDER_LOAD, serve_in_thread
from tests.telemetry_data import SESSION, build_telemetry_dir, generated_car_data

CARS = (1, 16, 44)
SPAN = (datetime(2024, 6, 9, 17, 0, tzinfo=UTC), datetime(2024, 6, 9, 20, 30, tzinfo=UTC))
CHANNELS = "driverNumber count date dateMs speed rpm nGear throttle brake drs drsOpen distance"


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture(scope="module")
def car_data() -> CarDataColumns:
    return generated_car_data(drivers=CARS)


@pytest.fixture(scope="module")
def car_rows(car_data: CarDataColumns) -> list[dict[str, Any]]:
    """The rows the fake serves, as OpenF1 JSON, in date order."""
    rows: list[dict[str, Any]] = orjson.loads(car_data_rows_json(car_data))
    for row in rows:
        row["at"] = instant(row["date"])
    return rows


@pytest.fixture(scope="module")
def location_rows() -> list[dict[str, Any]]:
    rows = [r for r in raw_rows(SESSION, "location") if r["driver_number"] in CARS]
    for row in rows:
        row["at"] = instant(row["date"])
    return rows


@pytest.fixture(scope="module")
def laps() -> dict[tuple[int, int], dict[str, Any]]:
    return {(r["driver_number"], r["lap_number"]): r for r in raw_rows(SESSION, "laps")}


@pytest.fixture(scope="module")
def directory(tmp_path_factory: pytest.TempPathFactory, car_data: CarDataColumns) -> Path:
    return build_telemetry_dir(tmp_path_factory.mktemp("openf1"), car_data, location_drivers=CARS)


@pytest.fixture
def fake(directory: Path) -> FakeOpenF1:
    return make_fake_openf1(directory)


@pytest.fixture
def fake_url(fake: FakeOpenF1) -> Iterator[str]:
    with serve_in_thread(fake) as url:
        yield url


def serve(fake_url: str, **kw: Any) -> Any:
    settings = Settings(
        openf1_url=f"{fake_url}/v1",
        rate_per_second=1000,
        rate_per_minute=100_000,
        **(UNDER_LOAD | kw),  # not about timeouts: never hit one under load
    )
    return serve_in_thread(create_app(settings))


@pytest.fixture
def app_url(fake_url: str) -> Iterator[str]:
    with serve(fake_url) as url:
        yield url


async def query(url: str, text: str) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=300) as client:
        response = await client.post(f"{url}/graphql", json={"query": text})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def driver_query(number: int, fields: str) -> str:
    return (
        f"{{ session(sessionKey: {SESSION}) {{ driver(driverNumber: {number}) {{ {fields} }} }} }}"
    )


def lap_span(lap: dict[str, Any]) -> tuple[datetime, datetime]:
    start = instant(lap["date_start"])
    return start, start + timedelta(seconds=lap["lap_duration"])


def between(rows: list[dict[str, Any]], number: int, start: datetime, end: datetime) -> list[Any]:
    return [r for r in rows if r["driver_number"] == number and start <= r["at"] < end]


def trapezoid_m(rows: list[dict[str, Any]]) -> list[float]:
    out = [0.0]
    for a, b in pairwise(rows):
        seconds = (b["at"] - a["at"]).total_seconds()
        out.append(out[-1] + (a["speed"] + b["speed"]) / 2 / 3.6 * seconds)
    return out


def car_data_requests(fake: FakeOpenF1) -> list[str]:
    return [r for r in fake.requests if r.startswith("/v1/car_data")]


class TestCarData:
    """Driver.carData, Lap.carData: every channel equals the served rows."""

    async def test_whole_race_cold_then_warm(
        self, fake: FakeOpenF1, app_url: str, car_rows: list[dict[str, Any]]
    ) -> None:
        body = await query(app_url, driver_query(44, f"carData {{ {CHANNELS} }}"))
        assert "errors" not in body, body["errors"]
        got = body["data"]["session"]["driver"]["carData"]
        rows = between(car_rows, 44, *SPAN)
        assert got["count"] == len(rows) > 20_000
        assert [instant(d) for d in got["date"]] == [r["at"] for r in rows]
        assert got["dateMs"][0] == int(rows[0]["at"].timestamp() * 1000)
        for channel, key in (("speed", "speed"), ("rpm", "rpm"), ("nGear", "n_gear")):
            assert got[channel] == [r[key] for r in rows]
        assert got["throttle"] == [r["throttle"] for r in rows]
        assert got["brake"] == [r["brake"] for r in rows]
        assert got["drs"] == [r["drs"] for r in rows]
        assert got["drsOpen"] == [r["drs"] in (10, 12, 14) for r in rows]
        assert any(got["drsOpen"])
        assert got["distance"] == pytest.approx(trapezoid_m(rows), abs=0.006)
        assert len(car_data_requests(fake)) == 3
        assert "driver_number=44" in car_data_requests(fake)[0]
        fake.reset()
        again = await query(app_url, driver_query(44, f"carData {{ {CHANNELS} }}"))
        assert again["data"] == body["data"]
        assert again["extensions"]["cache"] == "hit"
        assert sum(fake.counts.values()) == 0

    async def test_one_lap_reads_one_request(
        self,
        fake: FakeOpenF1,
        app_url: str,
        car_rows: list[dict[str, Any]],
        laps: dict[tuple[int, int], dict[str, Any]],
    ) -> None:
        body = await query(
            app_url, driver_query(1, "lap(lapNumber: 20) { carData { count speed dateMs } }")
        )
        got = body["data"]["session"]["driver"]["lap"]["carData"]
        rows = between(car_rows, 1, *lap_span(laps[(1, 20)]))
        assert got["speed"] == [r["speed"] for r in rows] and got["count"] == len(rows) > 250
        (request,) = car_data_requests(fake)
        assert "date%3E%3D2024-06-09T18%3A3" in request  # the 18:3x window holding lap 20

    async def test_every_driver_on_one_lap_is_batched(
        self,
        fake: FakeOpenF1,
        app_url: str,
        car_rows: list[dict[str, Any]],
        laps: dict[tuple[int, int], dict[str, Any]],
    ) -> None:
        text = (
            f"{{ session(sessionKey: {SESSION}) {{ drivers {{ driverNumber "
            "lap(lapNumber: 10) { carData { count speed } } } } }"
        )
        got = (await query(app_url, text))["data"]["session"]["drivers"]
        spans = [lap_span(lap) for (_, n), lap in laps.items() if n == 10]
        window = timedelta(minutes=5)
        starts = {
            SPAN[0] + window * ((moment - SPAN[0]) // window)
            for start, end in spans
            for moment in (start, end - timedelta(milliseconds=1))
        }
        assert len(car_data_requests(fake)) == len(starts) <= 2  # one per window, every car
        for entry in got:
            rows = between(
                car_rows, entry["driverNumber"], *lap_span(laps[(entry["driverNumber"], 10)])
            )
            assert entry["lap"]["carData"]["speed"] == [r["speed"] for r in rows]

    async def test_max_points_keeps_the_extremes(
        self,
        app_url: str,
        car_rows: list[dict[str, Any]],
        laps: dict[tuple[int, int], dict[str, Any]],
    ) -> None:
        fields = "carData(lap: 10, maxPoints: 40) { count dateMs speed distance }"
        got = (await query(app_url, driver_query(16, fields)))["data"]["session"]["driver"]
        got = got["carData"]
        rows = between(car_rows, 16, *lap_span(laps[(16, 10)]))
        by_ms = {int(r["at"].timestamp() * 1000): r for r in rows}
        assert got["count"] == len(got["speed"]) <= 40
        assert all(
            by_ms[ms]["speed"] == s for ms, s in zip(got["dateMs"], got["speed"], strict=True)
        )
        assert got["dateMs"][0] == min(by_ms) and got["dateMs"][-1] == max(by_ms)
        assert max(got["speed"]) == max(r["speed"] for r in rows)
        assert min(got["speed"]) == min(r["speed"] for r in rows)
        full = dict(zip(by_ms, trapezoid_m(rows), strict=True))
        assert got["distance"] == pytest.approx([full[ms] for ms in got["dateMs"]], abs=0.006)

    async def test_from_to_inclusive(self, app_url: str, car_rows: list[dict[str, Any]]) -> None:
        start, end = car_rows[1000]["at"], car_rows[1400]["at"]
        fields = f'carData(from: "{start.isoformat()}", to: "{end.isoformat()}") {{ dateMs speed }}'
        got = (await query(app_url, driver_query(1, fields)))["data"]["session"]["driver"]
        rows = [r for r in car_rows if r["driver_number"] == 1 and start <= r["at"] <= end]
        assert got["carData"]["speed"] == [r["speed"] for r in rows]


class TestLocation:
    """Driver.location and Lap.location equal the real recorded rows."""

    async def test_lap_location(
        self,
        fake: FakeOpenF1,
        app_url: str,
        location_rows: list[dict[str, Any]],
        laps: dict[tuple[int, int], dict[str, Any]],
    ) -> None:
        fields = (
            "lap(lapNumber: 10) { location { count date x y z } }"
            " location(lap: 10, maxPoints: 25) { count x }"
        )
        got = (await query(app_url, driver_query(44, fields)))["data"]["session"]["driver"]
        rows = between(location_rows, 44, *lap_span(laps[(44, 10)]))
        series = got["lap"]["location"]
        assert series["count"] == len(rows) > 200
        assert [instant(d) for d in series["date"]] == [r["at"] for r in rows]
        assert (series["x"], series["y"], series["z"]) == (
            [r["x"] for r in rows],
            [r["y"] for r in rows],
            [r["z"] for r in rows],
        )
        picked = got["location"]
        assert picked["count"] == 25
        assert picked["x"][0] == rows[0]["x"] and picked["x"][-1] == rows[-1]["x"]
        assert set(picked["x"]) <= {r["x"] for r in rows}
        assert fake.counts["location"] == 1

    async def test_whole_race_location(
        self, app_url: str, location_rows: list[dict[str, Any]]
    ) -> None:
        got = (await query(app_url, driver_query(1, "location { count x }")))["data"]
        rows = [r for r in location_rows if r["driver_number"] == 1]
        assert got["session"]["driver"]["location"]["count"] == len(rows) == 25_940
        assert got["session"]["driver"]["location"]["x"] == [r["x"] for r in rows]


class TestBounds:
    """A whole race for every car is refused with BAD_REQUEST unless narrowed."""

    async def test_every_car_without_a_window(self, fake: FakeOpenF1, app_url: str) -> None:
        body = await query(
            app_url, f"{{ session(sessionKey: {SESSION}) {{ carData {{ count }} }} }}"
        )
        (error,) = body["errors"]
        assert error["extensions"]["code"] == "BAD_REQUEST"
        assert "Narrow it by driver, by lap, or by a from/to window" in error["message"]
        assert fake.counts["car_data"] == 0

    async def test_every_driver_field(self, fake: FakeOpenF1, app_url: str) -> None:
        text = f"{{ session(sessionKey: {SESSION}) {{ drivers {{ carData {{ count }} }} }} }}"
        body = await query(app_url, text)
        assert {e["extensions"]["code"] for e in body["errors"]} == {"BAD_REQUEST"}
        assert "5.0 cars' whole session" in body["errors"][0]["message"]
        assert fake.counts["car_data"] == 0  # the four cars admitted first are not fetched

    async def test_every_car_in_a_window(
        self, fake: FakeOpenF1, app_url: str, car_rows: list[dict[str, Any]]
    ) -> None:
        start, end = "2024-06-09T18:30:00Z", "2024-06-09T18:39:59.999Z"
        text = (
            f'{{ session(sessionKey: {SESSION}) {{ carData(from: "{start}", to: "{end}") '
            "{ driverNumber speed } } }"
        )
        got = (await query(app_url, text))["data"]["session"]["carData"]
        low, high = instant(start), instant("2024-06-09T18:40:00Z")
        assert [c["driverNumber"] for c in got] == list(CARS)
        for series in got:
            rows = between(car_rows, series["driverNumber"], low, high)
            assert series["speed"] == [r["speed"] for r in rows]
        assert len(car_data_requests(fake)) == 2  # the 18:30 and 18:35 windows, every car
        assert all("driver_number" not in r for r in car_data_requests(fake))

    async def test_bad_max_points(self, app_url: str) -> None:
        body = await query(app_url, driver_query(1, "carData(maxPoints: 0) { count }"))
        assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def hold_s(rows: list[dict[str, Any]], i: int) -> float:
    """How long sample i holds: until the next, at most 1 s; the last holds nothing."""
    if i + 1 >= len(rows):
        return 0.0
    return min((rows[i + 1]["at"] - rows[i]["at"]).total_seconds(), 1.0)


class TestAnalyses:
    """Session and Driver analyses agree with the rows, computed here by plain loops."""

    async def test_session_analyses(
        self,
        fake: FakeOpenF1,
        fake_url: str,
        car_rows: list[dict[str, Any]],
        laps: dict[tuple[int, int], dict[str, Any]],
    ) -> None:
        text = f"""{{ session(sessionKey: {SESSION}) {{
            speedAnalysis {{ driverNumber samples topSpeed meanSpeed maxStSpeed }}
            drsAnalysis {{ driverNumber applicable openings openTime lapsWithDrs }}
            gearAnalysis {{ driverNumber gearChanges topRpm timeInGear {{ gear time }} }}
            driver(driverNumber: 16) {{ speedAnalysis {{ topSpeed samples }} }}
        }} }}"""
        with serve(fake_url, telemetry_window_s=1800) as url:
            body = await query(url, text)
        assert "errors" not in body, body["errors"]
        got = body["data"]["session"]
        # Every car's 7 windows. Car 16's own speedAnalysis sits one level deeper: the plan
        # asks for it once the session's level is done, when those windows (cached per car
        # too) are in, so it costs no request (graphql-core's executor made 3 more).
        assert len(car_data_requests(fake)) == 7
        speed = {s["driverNumber"]: s for s in got["speedAnalysis"]}
        drs = {s["driverNumber"]: s for s in got["drsAnalysis"]}
        gears = {s["driverNumber"]: s for s in got["gearAnalysis"]}
        assert len(speed) == 20 and set(gears) == set(CARS)
        for n in CARS:
            rows = [r for r in car_rows if r["driver_number"] == n]
            moving = [r["speed"] for r in rows if r["speed"] > 0]
            assert speed[n]["samples"] == len(rows)
            assert speed[n]["topSpeed"] == max(r["speed"] for r in rows)
            assert speed[n]["meanSpeed"] == pytest.approx(sum(moving) / len(moving))
            st = [lap["st_speed"] for (d, _), lap in laps.items() if d == n and lap["st_speed"]]
            assert speed[n]["maxStSpeed"] == max(st)
            is_open = [r["drs"] in (10, 12, 14) for r in rows]
            openings = sum(1 for a, b in pairwise(is_open) if b and not a)
            assert drs[n]["applicable"] is True
            assert drs[n]["openings"] == openings > 0
            open_s = sum(hold_s(rows, i) for i, o in enumerate(is_open) if o)
            assert drs[n]["openTime"] == pytest.approx(open_s)
            engaged = [r["n_gear"] for r in rows if r["n_gear"] != 0]
            assert gears[n]["gearChanges"] == sum(1 for a, b in pairwise(engaged) if a != b)
            assert gears[n]["topRpm"] == max(r["rpm"] for r in rows)
            total = sum(hold_s(rows, i) for i in range(len(rows)))
            assert sum(g["time"] for g in gears[n]["timeInGear"]) == pytest.approx(total)
        assert speed[2]["samples"] == 0 and speed[2]["topSpeed"] is None
        assert got["driver"]["speedAnalysis"] == {
            "topSpeed": speed[16]["topSpeed"],
            "samples": speed[16]["samples"],
        }

    async def test_compare_drivers_on_a_lap(
        self,
        app_url: str,
        car_rows: list[dict[str, Any]],
        laps: dict[tuple[int, int], dict[str, Any]],
    ) -> None:
        text = f"""{{ session(sessionKey: {SESSION}) {{
            compareDrivers(driverNumbers: [44, 1], lap: 30) {{
                lapNumber distance
                drivers {{ driverNumber samples topSpeed brakingShare drsOpenShare }}
                traces {{ driverNumber lapDistance speed }}
            }} }} }}"""
        got = (await query(app_url, text))["data"]["session"]["compareDrivers"]
        assert got["lapNumber"] == 30
        assert [d["driverNumber"] for d in got["drivers"]] == [1, 44]
        for entry, trace in zip(got["drivers"], got["traces"], strict=True):
            rows = between(
                car_rows, entry["driverNumber"], *lap_span(laps[(entry["driverNumber"], 30)])
            )
            assert entry["samples"] == len(rows)
            assert entry["topSpeed"] == max(r["speed"] for r in rows)
            braking = sum(1 for r in rows if r["brake"] > 0) / len(rows)
            assert entry["brakingShare"] == pytest.approx(braking)
            assert trace["lapDistance"] == pytest.approx(trapezoid_m(rows)[-1])
            assert len(trace["speed"]) == len(got["distance"])
        shortest = min(t["lapDistance"] for t in got["traces"])
        assert got["distance"][:3] == [0.0, 10.0, 20.0]
        assert shortest - 10 < got["distance"][-1] <= shortest

"""Telemetry in the schema, in process: array scalars, the 2026 DRS rule, stale answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pytest

from f1graph.openf1.columns import CarDataColumns, LocationColumns
from f1graph.runtime import Context, build_services
from f1graph.schema import schema
from f1graph.schema.scalars import dumps_json, jsonable
from f1graph.settings import Settings
from tests.telemetry_data import (
    SESSION,
    TelemetrySource,
    build_telemetry_dir,
    generated_car_data,
)

CARS = (1, 44)


@pytest.fixture(scope="module")
def car_data() -> CarDataColumns:
    return generated_car_data(drivers=CARS)


def source_for(directory: Path, car_data: CarDataColumns, year: int | None = None) -> Any:
    if year is not None:
        path = directory / "sessions.json"
        sessions = orjson.loads(path.read_bytes())
        sessions[0]["year"] = year
        path.write_bytes(orjson.dumps(sessions))
    return TelemetrySource(directory, car_data, LocationColumns.empty())


async def run(services: Any, text: str) -> Any:
    result = await schema.execute(text, context_value=Context(services))
    assert not result.errors, result.errors
    return result


class TestArrayScalars:
    """Channels leave as numpy arrays and are written by orjson in one call."""

    def test_dumps_json(self) -> None:
        data = {
            "i": np.array([1, 2], dtype=np.int16),
            "f": np.array([0.5, 1.25]),
            "b": np.array([True, False]),
            "d": np.array([1_717_956_191_769, 1_717_956_192_000], dtype="datetime64[ms]"),
        }
        assert orjson.loads(dumps_json(data)) == {
            "i": [1, 2],
            "f": [0.5, 1.25],
            "b": [True, False],
            "d": ["2024-06-09T18:03:11.769000+00:00", "2024-06-09T18:03:12+00:00"],
        }
        assert jsonable({"x": np.arange(3)}) == {"x": [0, 1, 2]}

    async def test_channels_are_arrays(self, tmp_path: Path, car_data: CarDataColumns) -> None:
        directory = build_telemetry_dir(tmp_path, car_data, location_drivers=())
        services = build_services(Settings(), source_for(directory, car_data))
        text = (
            f"{{ session(sessionKey: {SESSION}) {{ driver(driverNumber: 1) "
            "{ lap(lapNumber: 5) { carData { date dateMs speed drsOpen distance } } } } }"
        )
        series = (await run(services, text)).data["session"]["driver"]["lap"]["carData"]
        assert isinstance(series["speed"], np.ndarray)
        assert series["date"].dtype == np.dtype("datetime64[ms]")
        assert np.array_equal(series["date"].astype(np.int64), series["dateMs"])
        assert series["drsOpen"].dtype == np.bool_


class TestSeasons:
    """From 2026 DRS is gone: the raw codes stay, nothing counts as open."""

    async def test_2026(self, tmp_path: Path, car_data: CarDataColumns) -> None:
        directory = build_telemetry_dir(tmp_path, car_data, location_drivers=())
        services = build_services(Settings(), source_for(directory, car_data, year=2026))
        text = f"""{{ session(sessionKey: {SESSION}) {{
            driver(driverNumber: 44) {{
                carData(lap: 20) {{ drs drsOpen }}
                drsAnalysis {{ applicable openings openTime lapsWithDrs }}
            }} }} }}"""
        got = jsonable((await run(services, text)).data)["session"]["driver"]
        assert any(code == 12 for code in got["carData"]["drs"])
        assert not any(got["carData"]["drsOpen"])
        assert got["drsAnalysis"] == {
            "applicable": False,
            "openings": 0,
            "openTime": 0.0,
            "lapsWithDrs": [],
        }


class TestStale:
    """An answer from expired windows, OpenF1 failing, says extensions.stale."""

    async def test_stale_extension(self, tmp_path: Path, car_data: CarDataColumns) -> None:
        directory = build_telemetry_dir(tmp_path, car_data, location_drivers=())
        source = source_for(directory, car_data)
        services = build_services(Settings(ended_session_ttl_s=0.001), source)
        text = (
            f"{{ session(sessionKey: {SESSION}) {{ driver(driverNumber: 1) "
            "{ carData { count } } } }"
        )
        fresh = await run(services, text)
        services.telemetry.decoded.clear()
        source.failing = True
        stale = await run(services, text)
        assert stale.data == fresh.data
        assert (fresh.extensions or {}).get("stale") is None
        assert (stale.extensions or {}).get("stale") is True

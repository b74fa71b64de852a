"""Fixtures of the shim's tests: recorded OpenF1 data (plus made-up car data), served for real."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from f1graph.openf1 import ENDPOINTS
from f1graph.settings import Settings
from f1graph.web import create_app
from tests.cardata import car_data_rows_json, generate_car_data
from tests.data import DATA_DIR
from tests.fake_openf1 import FakeOpenF1, make_fake_openf1
from tests.servers import UNDER_LOAD, serve_in_thread

RACE = 11253
CAR_DATA_DRIVERS = (1, 12, 44)
CAR_DATA_LAPS = 8  # car data exists for these drivers' first laps only: enough, and quick


@pytest.fixture(scope="session")
def openf1_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The recorded data, with car data made up for a few drivers of the race."""
    root = tmp_path_factory.mktemp("openf1")
    for entry in DATA_DIR.iterdir():
        if entry.name != str(RACE):
            (root / entry.name).symlink_to(entry)
    race = root / str(RACE)
    race.mkdir()
    for entry in (DATA_DIR / str(RACE)).iterdir():
        (race / entry.name).symlink_to(entry)
    laps = ENDPOINTS["laps"].decode((DATA_DIR / str(RACE) / "laps.json").read_bytes())
    chosen = [
        lap
        for lap in laps
        if lap.driver_number in CAR_DATA_DRIVERS and lap.lap_number <= CAR_DATA_LAPS
    ]
    cols = generate_car_data(chosen, seed=0)
    (race / "car_data.json").write_bytes(
        car_data_rows_json(cols, session_key=RACE, meeting_key=laps[0].meeting_key)
    )
    return root


def settings_for(fake_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "openf1_url": f"{fake_url}/v1",
        "rate_per_second": 1000,
        "rate_per_minute": 100_000,
        **UNDER_LOAD,  # not about timeouts: never hit one under load
    }
    return Settings(**(values | overrides))


@pytest.fixture(scope="session")
def shared_fake(openf1_dir: Path) -> FakeOpenF1:
    return make_fake_openf1(openf1_dir)


@pytest.fixture(scope="session")
def shared_fake_url(shared_fake: FakeOpenF1) -> Iterator[str]:
    with serve_in_thread(shared_fake) as url:
        yield url


@pytest.fixture(scope="session")
def app_url(shared_fake_url: str) -> Iterator[str]:
    """f1graph with the shim, default access rules, over the session-wide fake OpenF1."""
    with serve_in_thread(create_app(settings_for(shared_fake_url))) as url:
        yield url


@pytest.fixture
def fake(openf1_dir: Path) -> FakeOpenF1:
    """A fake OpenF1 of the test's own (fresh counts and faults)."""
    return make_fake_openf1(openf1_dir)


@pytest.fixture
def fake_url(fake: FakeOpenF1) -> Iterator[str]:
    with serve_in_thread(fake) as url:
        yield url


@pytest.fixture
async def client() -> Any:
    async with httpx.AsyncClient(timeout=300) as c:
        yield c

"""Car locations over HTTP come through the telemetry store; a recorded directory is read once."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import orjson
import pytest

from f1graph.replay.events import EventKind, ReplayStream
from f1graph.replay.player import ReplayOptions
from f1graph.runtime import build_services
from f1graph.settings import Settings
from tests.data import DATA_DIR, raw_rows
from tests.fake_openf1 import FakeOpenF1, make_fake_openf1
from tests.replay.helpers import collect, when
from tests.servers import UNDER_LOAD, serve_in_thread

AT = when("2024-06-09T18:01:30+00:00")


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[tuple[FakeOpenF1, str]]:
    """9531 with its first minute of real location rows, served over HTTP."""
    (tmp_path / "9531").mkdir()
    for name in ("sessions.json", "meetings.json"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    for name in ("laps.json", "stints.json"):
        shutil.copy(DATA_DIR / "9531" / name, tmp_path / "9531" / name)
    rows = [r for r in raw_rows(9531, "location") if r["date"] < "2024-06-09T18:02"]
    (tmp_path / "9531" / "location.json").write_bytes(orjson.dumps(rows))
    fake = make_fake_openf1(tmp_path)
    with serve_in_thread(fake) as url:
        yield fake, url


class TestLocationsOverHttp:
    """The replay reads location through the telemetry store's windows, not in one request."""

    async def test_frames_from_store_windows(self, fake: tuple[FakeOpenF1, str]) -> None:
        server, url = fake
        services = build_services(
            Settings(
                openf1_url=f"{url}/v1",
                rate_per_second=1000,
                rate_per_minute=100_000,
                **UNDER_LOAD,
            )
        )
        options = ReplayOptions(
            speed=0,
            start=AT,
            end=AT + timedelta(seconds=3),
            streams=frozenset({ReplayStream.LOCATIONS}),
            location_hz=1,
        )
        try:
            async with services.replays.use(9531) as timeline:
                events = await collect(timeline, options)
            windows = server.counts["location"]
        finally:
            await services.aclose()
        frames = [e for e, _, _ in events if e.kind is EventKind.LOCATIONS]
        assert [f.date for f in frames] == [AT + timedelta(seconds=s) for s in range(4)]
        latest = {}
        for row in raw_rows(9531, "location"):
            if when(row["date"]) <= AT and (row["x"], row["y"]) != (0, 0):
                latest[row["driver_number"]] = (row["x"], row["y"])
        first = frames[0].payload
        assert dict(zip(first.driver_numbers, zip(first.x, first.y, strict=True), strict=True)) == {
            d: xy for d, xy in latest.items() if d in first.driver_numbers
        }
        assert len(first.driver_numbers) == 20
        assert windows > 1  # fetched window by window, each narrow enough for OpenF1's cap
        assert all("date%3E%3D" in r for r in server.requests if r.startswith("/v1/location"))

"""``f1graph record``: a session recorded from the fake OpenF1 serves the same answers offline,
and an interrupted recording resumes where it stopped."""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from f1graph.errors import UpstreamUnavailableError
from f1graph.openf1 import Filters, Source
from f1graph.openf1.recording import Recorder, write_dataset
from f1graph.runtime import Context, Services, build_services
from f1graph.schema import schema
from f1graph.settings import Settings
from tests.data import DATA_DIR, raw_rows
from tests.fake_openf1 import FakeOpenF1, make_fake_openf1
from tests.servers import UNDER_LOAD, serve_in_thread

QUERIES = [
    """{ session(sessionKey: 11253) { sessionName dateStart meeting { meetingName }
        drivers { driverNumber nameAcronym teamName }
        laps { driverNumber lapNumber lapDuration segmentsSector1 }
        stints { driverNumber stintNumber compound lapStart lapEnd }
        pitStops { driverNumber laneDuration } positions { driverNumber position date }
        intervals { driverNumber gapToLeader interval } raceControl { date message flag }
        weather { airTemperature rainfall } result { driverNumber position }
        overtakes { overtakingDriverNumber overtakenDriverNumber } startingGrid { position } } }""",
    "{ session(sessionKey: 9531) { laps { driverNumber lapNumber } weather { humidity } } }",
    "{ meeting(meetingKey: 1281) { meetingName } }",
    "{ session(sessionKey: 11280) { sessionName } }",
]


@pytest.fixture
def fake_url() -> Iterator[str]:
    with serve_in_thread(make_fake_openf1(DATA_DIR)) as url:
        yield url


def live(fake_url: str) -> Services:
    return build_services(
        Settings(
            openf1_url=f"{fake_url}/v1",
            rate_per_second=1000,
            rate_per_minute=100_000,
            **UNDER_LOAD,
        )
    )


async def answers(services: Services) -> list[Any]:
    out = []
    try:
        for query in QUERIES:
            result = await schema.execute(query, context_value=Context(services))
            out.append((result.data, [e.message for e in result.errors or []]))
    finally:
        await services.aclose()
    return out


class TestRecordThenServe:
    """What was recorded answers like the API it was recorded from."""

    async def test_same_answers_offline(self, fake_url: str, tmp_path: Path) -> None:
        services = live(fake_url)
        try:
            # the race's starting grid is filed under its qualifying: record both
            await Recorder(services.source, tmp_path).record([11253, 11249, 9531])
        finally:
            await services.aclose()
        offline = await answers(build_services(Settings(source=tmp_path)))
        online = await answers(live(fake_url))
        assert offline[:3] == online[:3]
        assert len(offline[0][0]["session"]["intervals"]) == 4915
        assert len(offline[0][0]["session"]["startingGrid"]) == 22
        # 11280 was not recorded: offline it does not exist
        assert offline[3][1] == ["Session 11280 does not exist."]
        assert (tmp_path / "11253" / "laps.json").read_bytes() == (
            DATA_DIR / "11253" / "laps.json"
        ).read_bytes()
        keys = [s["session_key"] for s in orjson.loads((tmp_path / "sessions.json").read_bytes())]
        assert sorted(keys) == [9531, 11249, 11253]

    async def test_sessions_and_meetings_are_merged(self, fake_url: str, tmp_path: Path) -> None:
        services = live(fake_url)
        try:
            await Recorder(services.source, tmp_path).record([11253])
            await Recorder(services.source, tmp_path).record([11249])
        finally:
            await services.aclose()
        sessions = orjson.loads((tmp_path / "sessions.json").read_bytes())
        assert [s["session_key"] for s in sessions] == [11249, 11253]
        meetings = orjson.loads((tmp_path / "meetings.json").read_bytes())
        assert [m["meeting_key"] for m in meetings] == [1281]


class Interrupted(Exception):
    pass


class Flaky:
    """A source that fails after ``budget`` fetches and counts what it is asked."""

    def __init__(self, source: Source, budget: int | None = None) -> None:
        self.source = source
        self.budget = budget
        self.asked: list[tuple[str, Filters]] = []

    async def fetch(self, endpoint: str, filters: Filters) -> bytes:
        if self.budget is not None and len(self.asked) >= self.budget:
            raise UpstreamUnavailableError("OpenF1 went away.")
        self.asked.append((endpoint, filters))
        return await self.source.fetch(endpoint, filters)

    async def aclose(self) -> None:
        await self.source.aclose()


@pytest.fixture
def small_source(tmp_path: Path) -> Iterator[tuple[Path, FakeOpenF1]]:
    """9531 with the first three minutes of its real location rows, served by the fake."""
    src = tmp_path / "src"
    (src / "9531").mkdir(parents=True)
    for name in ("sessions.json", "meetings.json"):
        shutil.copy(DATA_DIR / name, src / name)
    for name in ("laps.json", "stints.json", "weather.json"):
        shutil.copy(DATA_DIR / "9531" / name, src / "9531" / name)
    rows = [r for r in raw_rows(9531, "location") if r["date"] < "2024-06-09T18:03"]
    (src / "9531" / "location.json").write_bytes(orjson.dumps(rows))
    yield src, make_fake_openf1(src)


class TestResume:
    """An interrupted recording leaves only complete files, and resumes without refetching."""

    async def test_interrupted_then_resumed(
        self, small_source: tuple[Path, FakeOpenF1], tmp_path: Path
    ) -> None:
        src, fake = small_source
        out = tmp_path / "out"
        with serve_in_thread(fake) as url:
            services = live(url)
            try:
                flaky = Flaky(services.source, budget=25)
                recorder = Recorder(flaky, out, telemetry=True, window_s=600, parallel=1)
                with pytest.raises(UpstreamUnavailableError):
                    await recorder.record([9531])
                first = {e for e, _ in flaky.asked}
                assert not list(out.rglob("*.tmp"))
                written = {p.name for p in (out / "9531").iterdir() if p.is_file()}
                parts = list((out / "9531" / ".parts").rglob("*.json"))
                assert written and parts  # plain datasets done, telemetry windows under way

                again = Flaky(services.source)
                loads = await Recorder(again, out, telemetry=True, window_s=600).record([9531])
            finally:
                await services.aclose()
        refetched = {e for e, _ in again.asked} - {"sessions", "meetings"}
        assert not refetched & {name.removesuffix(".json") for name in written}
        windows = 18  # 17:30 to 20:30 in ten-minute windows
        assert len(again.asked) == 2 + 2 * windows - len(parts)
        assert "championship_teams" in first
        assert {d.endpoint for d in loads if d.skipped} == {
            name.removesuffix(".json") for name in written
        }
        location = orjson.loads((out / "9531" / "location.json").read_bytes())
        source_rows = orjson.loads((src / "9531" / "location.json").read_bytes())
        key = lambda r: (r["date"], r["driver_number"])  # noqa: E731
        assert location == sorted(source_rows, key=key)
        assert orjson.loads((out / "9531" / "car_data.json").read_bytes()) == []
        assert not (out / "9531" / ".parts").exists()


class TestLayout:
    """Big files are gzipped like the shared recordings."""

    def test_over_five_megabytes_is_gzipped_with_mtime_zero(self, tmp_path: Path) -> None:
        body = orjson.dumps([{"date": "2024-06-09T18:00:00+00:00", "x": i} for i in range(200_000)])
        assert len(body) > 5_000_000
        path = write_dataset(tmp_path, "location", body)
        assert path.name == "location.json.gz"
        packed = path.read_bytes()
        assert packed[4:8] == b"\0\0\0\0" and gzip.decompress(packed) == body
        small = write_dataset(tmp_path, "laps", b"[]")
        assert small.name == "laps.json" and small.read_bytes() == b"[]"

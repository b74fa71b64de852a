"""``f1graph preload`` warms Redis (and says when there is none); ``f1graph record`` copies."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from f1graph.cli import main
from f1graph.cli.commands import preload
from f1graph.errors import UpstreamUnavailableError
from f1graph.openf1 import LAPS, POSITION, SESSION_DATASETS, Filters
from f1graph.runtime import build_services
from f1graph.settings import Settings
from tests.data import DATA_DIR, raw_rows, redis_url
from tests.servers import free_port

REDIS_URL = redis_url(12)


class Unreachable:
    """A source that must not be asked: everything has to come from the cache."""

    async def fetch(self, endpoint: str, filters: Filters) -> bytes:
        raise UpstreamUnavailableError(f"{endpoint} was fetched instead of read from the cache.")

    async def aclose(self) -> None:
        pass


class TestPreloadCommand:
    """The CLI can only warm a shared cache."""

    def test_without_redis_it_says_so_and_fails(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.delenv("F1GRAPH_REDIS_URL", raising=False)
        assert main(["preload", "11253"]) == 2
        assert "nothing to warm" in capsys.readouterr().err

    def test_unreachable_redis_is_a_message_not_a_traceback(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setenv("F1GRAPH_REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
        monkeypatch.setenv("F1GRAPH_SOURCE", str(DATA_DIR))
        assert main(["preload", "11253"]) == 2
        err = capsys.readouterr().err
        assert "cannot be reached" in err and "Start it" in err
        assert "Traceback" not in err

    async def test_warms_redis_with_every_dataset(self) -> None:
        out = io.StringIO()
        settings = Settings(source=DATA_DIR, redis_url=REDIS_URL)
        cold = build_services(settings)
        await cold.datasets.drop_session(11253)
        await cold.aclose()
        assert await preload(settings, 11253, telemetry=False, out=out) == 0
        text = out.getvalue()
        assert f"{len(raw_rows(11253, 'intervals'))} rows" in text
        assert all(name in text for name in SESSION_DATASETS)
        warm = build_services(settings, source=Unreachable())
        try:
            laps = await warm.datasets.get(LAPS, 11253)
            assert len(laps) == len(raw_rows(11253, "laps"))
            assert len(await warm.datasets.get(POSITION, 11253)) == 445
        finally:
            await warm.datasets.drop_session(11253)
            await warm.aclose()

    async def test_unknown_session_fails(self) -> None:
        out = io.StringIO()
        settings = Settings(source=DATA_DIR, redis_url=REDIS_URL)
        assert await preload(settings, 1, telemetry=False, out=out) == 2  # a bad argument
        assert out.getvalue().splitlines()[-1] == "f1graph preload: Session 1 does not exist."


class TestRecordCommand:
    """Recording from a recorded directory copies its files byte for byte."""

    def test_record_from_a_directory(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setenv("F1GRAPH_SOURCE", str(DATA_DIR))
        monkeypatch.delenv("F1GRAPH_REDIS_URL", raising=False)
        assert main(["record", "11253", "--out", str(tmp_path)]) == 0
        for path in (DATA_DIR / "11253").iterdir():
            assert (tmp_path / "11253" / path.name).read_bytes() == path.read_bytes()
        err = capsys.readouterr().err
        assert f"F1GRAPH_SOURCE={tmp_path}" in err
        assert main(["record", "11253", "--out", str(tmp_path)]) == 0
        assert "0 datasets written" in capsys.readouterr().err

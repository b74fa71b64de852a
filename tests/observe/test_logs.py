"""The process's log lines: the standard library's records (uvicorn's) in f1graph's format."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import orjson
import pytest
import structlog

from f1graph.observe import configure_logging


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """Put the process's logging back as it was (configure_logging changes it for everyone)."""
    root, uvicorn = logging.getLogger(), logging.getLogger("uvicorn.error")
    handlers, level, config = root.handlers[:], root.level, structlog.get_config()
    uvicorn_level = uvicorn.level  # a server of an earlier test may have set it
    uvicorn.setLevel(logging.INFO)
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    uvicorn.setLevel(uvicorn_level)
    structlog.configure(**config)


class TestForeignRecords:
    """uvicorn's lines read as f1graph's, without the terminal colours of its ``color_message``."""

    @pytest.mark.parametrize("fmt", ["text", "json"])
    def test_uvicorn_line(self, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
        configure_logging(fmt, "INFO")
        logging.getLogger("uvicorn.error").info(
            "Uvicorn running on %s",
            "http://127.0.0.1:4000",
            extra={"color_message": "Uvicorn running on \x1b[1m%s\x1b[0m"},
        )
        line = capsys.readouterr().err.strip()
        assert "Uvicorn running on http://127.0.0.1:4000" in line
        assert "color_message" not in line and "\x1b" not in line and "\\x1b" not in line
        if fmt == "json":
            event = orjson.loads(line)
            assert event["event"] == "Uvicorn running on http://127.0.0.1:4000"
            assert event["logger"] == "uvicorn.error" and event["level"] == "info"

"""Settings come from ``F1GRAPH_*`` variables; a bad value fails with the variable's name."""

from __future__ import annotations

from pathlib import Path

import pytest

from f1graph.errors import ConfigError
from f1graph.settings import DEFAULT_OPENF1_URL, Settings


class TestDefaults:
    """With no variables set, a local run needs nothing configured."""

    def test_empty_environment_gives_the_defaults(self) -> None:
        assert Settings.from_env({}) == Settings()

    def test_default_values(self) -> None:
        s = Settings.from_env({})
        assert s.openf1_url == DEFAULT_OPENF1_URL == "https://api.openf1.org/v1"
        assert s.source is None
        assert s.redis_url is None
        assert s.port == 4000
        assert s.retries == 4
        assert s.batch_max_sessions == 8

    def test_blank_value_means_default(self) -> None:
        assert Settings.from_env({"F1GRAPH_PORT": "  ", "F1GRAPH_REDIS_URL": ""}) == Settings()

    def test_unrelated_variables_are_ignored(self) -> None:
        assert Settings.from_env({"PORT": "abc", "REDIS_URL": "http://x"}) == Settings()

    def test_reads_os_environ_by_default(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("F1GRAPH_PORT", "4100")
        assert Settings.from_env().port == 4100


class TestEachVariable:
    """Every variable is read, trimmed and converted to its field's type."""

    def test_all_variables(self, tmp_path: Path) -> None:
        env = {
            "F1GRAPH_OPENF1_URL": "http://127.0.0.1:8765/v1/",
            "F1GRAPH_SOURCE": f" {tmp_path} ",
            "F1GRAPH_REDIS_URL": "redis://127.0.0.1:6379/3",
            "F1GRAPH_CACHE_MAX_BYTES": "1048576",
            "F1GRAPH_HOST": "127.0.0.1",
            "F1GRAPH_PORT": "8080",
            "F1GRAPH_RATE_PER_SECOND": "6",
            "F1GRAPH_RATE_PER_MINUTE": "60",
            "F1GRAPH_CONNECT_TIMEOUT": "1.5",
            "F1GRAPH_READ_TIMEOUT": "12",
            "F1GRAPH_REQUEST_TIMEOUT": "20",
            "F1GRAPH_MAX_STALE": "0",
            "F1GRAPH_RETRIES": "0",
            "F1GRAPH_BREAKER_FAILURES": "3",
            "F1GRAPH_BREAKER_RESET": "2.5",
            "F1GRAPH_BATCH_MAX_SESSIONS": "2",
            "F1GRAPH_TELEMETRY_WINDOW": "60",
            "F1GRAPH_MAX_TELEMETRY_SAMPLES": "1000",
            "F1GRAPH_ENDED_SESSION_TTL": "3600",
        }
        assert Settings.from_env(env) == Settings(
            openf1_url="http://127.0.0.1:8765/v1",  # trailing slash dropped
            source=tmp_path,
            redis_url="redis://127.0.0.1:6379/3",
            cache_max_bytes=1_048_576,
            host="127.0.0.1",
            port=8080,
            rate_per_second=6,
            rate_per_minute=60,
            connect_timeout_s=1.5,
            read_timeout_s=12.0,
            request_timeout_s=20.0,
            max_stale_s=0.0,
            retries=0,
            breaker_failures=3,
            breaker_reset_s=2.5,
            batch_max_sessions=2,
            telemetry_window_s=60.0,
            max_telemetry_samples=1000,
            ended_session_ttl_s=3600.0,
        )

    @pytest.mark.parametrize(
        "url", ["redis://127.0.0.1:6379/0", "rediss://cache:6380", "unix:///tmp/redis.sock"]
    )
    def test_redis_url_schemes(self, url: str) -> None:
        assert Settings.from_env({"F1GRAPH_REDIS_URL": url}).redis_url == url


class TestBadValues:
    """A bad value raises ConfigError naming the variable and the value."""

    @pytest.mark.parametrize(
        ("name", "value"),
        [
            ("PORT", "abc"),
            ("PORT", "0"),
            ("PORT", "70000"),
            ("OPENF1_URL", "ftp://x"),
            ("OPENF1_URL", "api.openf1.org/v1"),
            ("OPENF1_URL", "http://"),
            ("SOURCE", "/nonexistent"),
            ("REDIS_URL", "http://x"),
            ("CACHE_MAX_BYTES", "0"),
            ("CACHE_MAX_BYTES", "1.5"),
            ("RATE_PER_SECOND", "-1"),
            ("RATE_PER_MINUTE", "many"),
            ("CONNECT_TIMEOUT", "0"),
            ("READ_TIMEOUT", "nan"),
            ("REQUEST_TIMEOUT", "0"),
            ("MAX_STALE", "-1"),
            ("RETRIES", "-1"),
            ("BREAKER_FAILURES", "0"),
            ("BREAKER_RESET", "-2"),
            ("BATCH_MAX_SESSIONS", "0"),
            ("TELEMETRY_WINDOW", "soon"),
            ("MAX_TELEMETRY_SAMPLES", "-5"),
            ("ENDED_SESSION_TTL", "0"),
        ],
    )
    def test_names_the_variable(self, name: str, value: str) -> None:
        with pytest.raises(ConfigError) as info:
            Settings.from_env({f"F1GRAPH_{name}": value})
        assert f"F1GRAPH_{name}={value!r}" in info.value.message

    def test_source_must_be_a_directory(self, tmp_path: Path) -> None:
        file = tmp_path / "sessions.json"
        file.write_text("[]")
        with pytest.raises(ConfigError, match="F1GRAPH_SOURCE"):
            Settings.from_env({"F1GRAPH_SOURCE": str(file)})

    def test_is_an_f1graph_error_with_a_whole_sentence(self) -> None:
        with pytest.raises(ConfigError, match=r"F1GRAPH_PORT='abc' is invalid: .+"):
            Settings.from_env({"F1GRAPH_PORT": "abc"})

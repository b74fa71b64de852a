"""Configuration from the environment: every variable is ``F1GRAPH_*``.

A bad value fails at start-up with a :class:`ConfigError` that names the variable.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlparse

from f1graph.errors import ConfigError

T = TypeVar("T")

DEFAULT_OPENF1_URL = "https://api.openf1.org/v1"


@dataclass(frozen=True)
class Settings:
    """Everything f1graph reads from its environment, with defaults for a local run."""

    openf1_url: str = DEFAULT_OPENF1_URL
    source: Path | None = None  # a recorded directory instead of HTTP
    redis_url: str | None = None  # None: the embedded in-memory cache
    cache_max_bytes: int = 512 * 1024 * 1024
    host: str = "0.0.0.0"
    port: int = 4000
    rate_per_second: int = 3
    rate_per_minute: int = 30
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 30.0
    retries: int = 4
    breaker_failures: int = 5
    breaker_reset_s: float = 30.0
    batch_max_sessions: int = 8
    telemetry_window_s: float = 300.0
    max_telemetry_samples: int = 2_000_000
    ended_session_ttl_s: float = 30 * 24 * 3600.0
    response_cache: bool = True  # answers of ended sessions kept as bytes (f1graph.responses)
    response_cache_max_bytes: int = 256 * 1024 * 1024

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read the settings from ``environ`` (default ``os.environ``)."""
        env = os.environ if environ is None else environ
        d = cls()

        def read(name: str, parse: Callable[[str], T], default: T) -> T:
            raw = env.get(f"F1GRAPH_{name}")
            if raw is None or raw.strip() == "":
                return default
            try:
                return parse(raw.strip())
            except (ValueError, TypeError) as exc:
                raise ConfigError(f"F1GRAPH_{name}={raw!r} is invalid: {exc}") from None

        return cls(
            openf1_url=read("OPENF1_URL", _url, d.openf1_url),
            source=read("SOURCE", _directory, d.source),
            redis_url=read("REDIS_URL", _redis_url, d.redis_url),
            cache_max_bytes=read("CACHE_MAX_BYTES", _positive_int, d.cache_max_bytes),
            host=read("HOST", str, d.host),
            port=read("PORT", _port, d.port),
            rate_per_second=read("RATE_PER_SECOND", _positive_int, d.rate_per_second),
            rate_per_minute=read("RATE_PER_MINUTE", _positive_int, d.rate_per_minute),
            connect_timeout_s=read("CONNECT_TIMEOUT", _positive_float, d.connect_timeout_s),
            read_timeout_s=read("READ_TIMEOUT", _positive_float, d.read_timeout_s),
            retries=read("RETRIES", _non_negative_int, d.retries),
            breaker_failures=read("BREAKER_FAILURES", _positive_int, d.breaker_failures),
            breaker_reset_s=read("BREAKER_RESET", _positive_float, d.breaker_reset_s),
            batch_max_sessions=read("BATCH_MAX_SESSIONS", _positive_int, d.batch_max_sessions),
            telemetry_window_s=read("TELEMETRY_WINDOW", _positive_float, d.telemetry_window_s),
            max_telemetry_samples=read(
                "MAX_TELEMETRY_SAMPLES", _positive_int, d.max_telemetry_samples
            ),
            ended_session_ttl_s=read("ENDED_SESSION_TTL", _positive_float, d.ended_session_ttl_s),
            response_cache=read("RESPONSE_CACHE", _switch, d.response_cache),
            response_cache_max_bytes=read(
                "RESPONSE_CACHE_MAX_BYTES", _positive_int, d.response_cache_max_bytes
            ),
        )


def _url(raw: str) -> str:
    parsed = urlparse(raw)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ValueError("expected an http(s) URL such as https://api.openf1.org/v1")
    return raw.rstrip("/")


def _redis_url(raw: str) -> str:
    if urlparse(raw).scheme not in ("redis", "rediss", "unix"):
        raise ValueError("expected a redis:// URL such as redis://127.0.0.1:6379/0")
    return raw


def _directory(raw: str) -> Path:
    path = Path(raw).expanduser()
    if not path.is_dir():
        raise ValueError(f"{path} is not a directory")
    return path


def _switch(raw: str) -> bool:
    value = raw.lower()
    if value in ("1", "true", "on", "yes"):
        return True
    if value in ("0", "false", "off", "no"):
        return False
    raise ValueError("expected on or off (1/0, true/false)")


def _positive_int(raw: str) -> int:
    value = int(raw)
    if value <= 0:
        raise ValueError("expected a whole number above 0")
    return value


def _non_negative_int(raw: str) -> int:
    value = int(raw)
    if value < 0:
        raise ValueError("expected a whole number of 0 or more")
    return value


def _positive_float(raw: str) -> float:
    value = float(raw)
    if not value > 0:
        raise ValueError("expected a number above 0")
    return value


def _port(raw: str) -> int:
    value = int(raw)
    if not 0 < value < 65536:
        raise ValueError("expected a port between 1 and 65535")
    return value

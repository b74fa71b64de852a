"""Configuration from the environment: every variable is ``F1GRAPH_*``.

A bad value fails at start-up with a :class:`ConfigError` that names the variable.

The access rules are settings too, all off by default (:mod:`f1graph.access` applies them to
``/graphql``, its websocket and ``/api/v1`` alike):

``F1GRAPH_API_KEYS``
    Comma-separated ``key:pattern`` entries; a pattern is a shell-style glob (``fnmatch``) over
    the request path, and several patterns for one key are joined with ``|`` or given in several
    entries. ``key1:*,key2:/api/v1/sessions*|/api/v1/drivers*`` lets ``key1`` call everything
    and ``key2`` only the session and driver routes. When set, ``/graphql`` (POST, GET and the
    websocket) and every ``/api/v1`` route but the OpenAPI document and the docs page need a
    key, sent as ``X-API-Key: <key>`` or ``Authorization: Bearer <key>`` (on the websocket, in
    the upgrade's headers or the ``connection_init`` payload): none or an unknown key gives 401,
    a key not allowed the path gives 403.
``F1GRAPH_ADMIN_KEYS``
    Comma-separated keys allowed what changes the gateway for everyone: ``evictSession``,
    ``resetCircuitBreaker`` and their REST routes. An admin key may call every path. Unset:
    anyone let in may call them (the open behaviour).
``F1GRAPH_CLIENT_RATE_PER_MINUTE``
    Requests a client may send in any 60 seconds (a moving window) over ``/graphql``, its
    websocket (each connection) and ``/api/v1``; past it, 429 with ``Retry-After``. A client is
    its API key when keys are on, else its IP address. With ``F1GRAPH_REDIS_URL`` set the window
    is shared by every process. Unset or 0: no limit.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlparse

from f1graph.errors import ConfigError

T = TypeVar("T")

DEFAULT_OPENF1_URL = "https://api.openf1.org/v1"
API_KEYS = "F1GRAPH_API_KEYS"
ADMIN_KEYS = "F1GRAPH_ADMIN_KEYS"
CLIENT_RATE = "F1GRAPH_CLIENT_RATE_PER_MINUTE"


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
    read_timeout_s: float = 8.0  # one upstream try, body included
    request_timeout_s: float = 10.0  # one client request, upstream retries included
    max_stale_s: float = 3600.0  # how long past fresh an entry is answered at once
    trusted_proxies: tuple[str, ...] = ()  # addresses whose X-Forwarded-For is believed
    openf1_username: str | None = None  # an OpenF1 account, for live sessions
    openf1_password: str | None = field(default=None, repr=False)
    retries: int = 4
    breaker_failures: int = 5
    breaker_reset_s: float = 30.0
    batch_max_sessions: int = 8
    telemetry_window_s: float = 300.0
    max_telemetry_samples: int = 2_000_000
    ended_session_ttl_s: float = 30 * 24 * 3600.0
    response_cache: bool = True  # answers of ended sessions kept as bytes (f1graph.responses)
    response_cache_max_bytes: int = 256 * 1024 * 1024
    # access rules: key -> allowed path globs (empty: no key needed); admin keys; 0: no limit
    api_keys: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    admin_keys: frozenset[str] = frozenset()
    client_rate_per_minute: int = 0
    # query limits, checked before execution (f1graph/limits/); 0 turns a per-client one off
    max_body_bytes: int = 1_048_576
    max_tokens: int = 5_000
    max_depth: int = 20
    max_aliases: int = 30
    max_list_items: int = 30
    max_cost: int = 1_000_000
    client_cost_per_minute: int = 5_000_000
    max_upstream_requests: int = 2_000
    # the OpenF1 budget of a request and of a client (None: derived from the rate budget)
    upstream_per_request: int | None = None
    client_upstream_per_minute: int | None = None
    # operating the service (web/graphiql.py, observe/)
    graphiql_dir: Path | None = None  # GraphiQL's npm assets; None: the checkout's graphiql/
    log_format: str = "text"  # or json: one object a line
    log_level: str = "INFO"
    slow_query_s: float = 1.0  # requests slower than this are logged as slow_request events
    cors_origins: tuple[str, ...] = ()  # browser origins allowed to call /graphql and /api/v1

    @property
    def request_upstream_share(self) -> int:
        """OpenF1 requests one request may make itself: ``F1GRAPH_UPSTREAM_PER_REQUEST``, else
        half of what the rate budget serves in 10 s (15 with OpenF1's free 3/s and 30/min)."""
        if self.upstream_per_request is not None:
            return self.upstream_per_request
        return max(1, min(self.rate_per_second * 10, self.rate_per_minute) // 2)

    @property
    def client_upstream_share(self) -> int:
        """OpenF1 requests one client may cause in any minute (0: no limit):
        ``F1GRAPH_CLIENT_UPSTREAM_PER_MINUTE``, else half the rate budget's minute."""
        if self.client_upstream_per_minute is not None:
            return self.client_upstream_per_minute
        return max(1, self.rate_per_minute // 2)

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

        username = read("OPENF1_USERNAME", str, d.openf1_username)
        password = read("OPENF1_PASSWORD", str, d.openf1_password)
        if (username is None) != (password is None):
            raise ConfigError(
                "F1GRAPH_OPENF1_USERNAME and F1GRAPH_OPENF1_PASSWORD go together: "
                "set both (an OpenF1 account) or neither."
            )
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
            request_timeout_s=read("REQUEST_TIMEOUT", _positive_float, d.request_timeout_s),
            max_stale_s=read("MAX_STALE", _non_negative_float, d.max_stale_s),
            trusted_proxies=read("TRUSTED_PROXIES", _addresses, d.trusted_proxies),
            openf1_username=username,
            openf1_password=password,
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
            api_keys=parse_api_keys(env.get(API_KEYS, "")),
            admin_keys=parse_admin_keys(env.get(ADMIN_KEYS, "")),
            client_rate_per_minute=parse_rate(env.get(CLIENT_RATE, "")),
            max_body_bytes=read("MAX_BODY_BYTES", _positive_int, d.max_body_bytes),
            max_tokens=read("MAX_TOKENS", _positive_int, d.max_tokens),
            max_depth=read("MAX_DEPTH", _positive_int, d.max_depth),
            max_aliases=read("MAX_ALIASES", _non_negative_int, d.max_aliases),
            max_list_items=read("MAX_LIST_ITEMS", _positive_int, d.max_list_items),
            max_cost=read("MAX_COST", _positive_int, d.max_cost),
            client_cost_per_minute=read(
                "CLIENT_COST_PER_MINUTE", _non_negative_int, d.client_cost_per_minute
            ),
            max_upstream_requests=read(
                "MAX_UPSTREAM_REQUESTS", _positive_int, d.max_upstream_requests
            ),
            upstream_per_request=read(
                "UPSTREAM_PER_REQUEST", _positive_int, d.upstream_per_request
            ),
            client_upstream_per_minute=read(
                "CLIENT_UPSTREAM_PER_MINUTE", _non_negative_int, d.client_upstream_per_minute
            ),
            graphiql_dir=read("GRAPHIQL_DIR", _directory, d.graphiql_dir),
            log_format=read("LOG_FORMAT", _log_format, d.log_format),
            log_level=read("LOG_LEVEL", _log_level, d.log_level),
            slow_query_s=read("SLOW_QUERY", _positive_float, d.slow_query_s),
            cors_origins=read("CORS_ORIGINS", _origins, d.cors_origins),
        )


def parse_api_keys(raw: str) -> dict[str, tuple[str, ...]]:
    """``key1:*,key2:/api/v1/sessions*|/api/v1/drivers*`` as ``{key: (glob, ...)}``."""
    keys: dict[str, tuple[str, ...]] = {}
    for entry in (e.strip() for e in raw.split(",")):
        if not entry:
            continue
        key, sep, patterns = entry.partition(":")
        globs = tuple(p.strip() for p in patterns.split("|") if p.strip())
        if not sep or not key.strip() or not globs:
            raise ConfigError(
                f"{API_KEYS} entry {entry!r} is invalid: expected key:pattern, "
                "such as key1:* or key2:/api/v1/sessions*."
            )
        keys[key.strip()] = keys.get(key.strip(), ()) + globs
    return keys


def parse_admin_keys(raw: str) -> frozenset[str]:
    """``adminkey1,adminkey2`` as a set; an entry holding ``:`` (a misplaced API key) is refused."""
    keys = frozenset(k.strip() for k in raw.split(",") if k.strip())
    for key in keys:
        if ":" in key or " " in key:
            raise ConfigError(
                f"{ADMIN_KEYS} entry {key!r} is invalid: expected bare keys separated by commas."
            )
    return keys


def parse_rate(raw: str) -> int:
    """A whole number of requests per minute; empty or 0 means no limit."""
    if not raw.strip():
        return 0
    try:
        value = int(raw.strip())
    except ValueError:
        value = -1
    if value < 0:
        raise ConfigError(
            f"{CLIENT_RATE}={raw!r} is invalid: expected a whole number of 0 or more."
        )
    return value


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


def _addresses(raw: str) -> tuple[str, ...]:
    """Comma-separated IP addresses or networks (``10.0.0.1,172.16.0.0/12``), or ``*``."""
    out = tuple(part.strip() for part in raw.split(",") if part.strip())
    for part in out:
        if part != "*":
            ipaddress.ip_network(part, strict=False)  # ValueError names the bad one
    return out


def _non_negative_float(raw: str) -> float:
    value = float(raw)
    if not value >= 0:
        raise ValueError("expected a number of 0 or more")
    return value


def _port(raw: str) -> int:
    value = int(raw)
    if not 0 < value < 65536:
        raise ValueError("expected a port between 1 and 65535")
    return value


def _log_format(raw: str) -> str:
    if raw.lower() not in ("text", "json"):
        raise ValueError("expected text or json")
    return raw.lower()


def _log_level(raw: str) -> str:
    if raw.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ValueError("expected DEBUG, INFO, WARNING or ERROR")
    return raw.upper()


def _origins(raw: str) -> tuple[str, ...]:
    """Comma-separated origins (``https://app.example.com``) or ``*`` for any."""
    origins = tuple(o.strip().rstrip("/") for o in raw.split(",") if o.strip())
    for origin in origins:
        parsed = urlparse(origin)
        if origin != "*" and (parsed.scheme not in ("http", "https") or not parsed.netloc):
            raise ValueError(f"{origin!r} is not an origin such as https://app.example.com or *")
    return origins

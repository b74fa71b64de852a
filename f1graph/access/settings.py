"""Who may call the gateway: API keys, admin keys and a per-client rate limit, all off by default.

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
    anyone allowed in may call them (today's open behaviour).
``F1GRAPH_CLIENT_RATE_PER_MINUTE``
    Requests a client may send in any 60 seconds (a moving window) over ``/graphql``, its
    websocket (each connection) and ``/api/v1``; past it, 429 with ``Retry-After``. A client is
    its API key when keys are on, else its IP address. With ``F1GRAPH_REDIS_URL`` set the window
    is shared by every process. Unset or 0: no limit.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from f1graph.errors import ConfigError

API_KEYS = "F1GRAPH_API_KEYS"
ADMIN_KEYS = "F1GRAPH_ADMIN_KEYS"
CLIENT_RATE = "F1GRAPH_CLIENT_RATE_PER_MINUTE"


@dataclass(frozen=True)
class AccessSettings:
    """API keys (key to allowed path globs; empty: no keys needed), admin keys, client rate."""

    api_keys: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    admin_keys: frozenset[str] = frozenset()
    client_rate_per_minute: int = 0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> AccessSettings:
        """Read ``F1GRAPH_API_KEYS``, ``F1GRAPH_ADMIN_KEYS``, ``F1GRAPH_CLIENT_RATE_PER_MINUTE``."""
        env = os.environ if environ is None else environ
        return cls(
            api_keys=parse_api_keys(env.get(API_KEYS, "")),
            admin_keys=parse_admin_keys(env.get(ADMIN_KEYS, "")),
            client_rate_per_minute=parse_rate(env.get(CLIENT_RATE, "")),
        )

    @property
    def keys_on(self) -> bool:
        """Whether a key is needed at all (``F1GRAPH_API_KEYS`` set)."""
        return bool(self.api_keys)


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
    """``adminkey1,adminkey2`` as a set; a key holding ``:`` is refused (a misplaced API key)."""
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

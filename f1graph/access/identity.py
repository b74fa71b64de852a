"""Who is calling: the key a request presents, checked in constant time, as an :class:`Identity`.

The identity is computed once per request (HTTP) or connection (websocket) and travels in the
request's context; :func:`identity_of` is the one place it is made, so every surface agrees.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from f1graph.settings import Settings

ALL_PATHS: tuple[str, ...] = ("*",)


class KeyState(Enum):
    """What the presented key proved."""

    NONE = "none"  # no key sent
    UNKNOWN = "unknown"  # a key no setting lists
    USER = "user"  # an F1GRAPH_API_KEYS key
    ADMIN = "admin"  # an F1GRAPH_ADMIN_KEYS key


@dataclass(frozen=True)
class Rights:
    """What a caller may do; hashable, so answers may be shared between equal rights.

    ``paths``: globs of the paths it may call (``*``: all). ``admin``: whether it may change
    the gateway for everyone (evict, reset the breaker).
    """

    paths: tuple[str, ...]
    admin: bool


@dataclass(frozen=True)
class Identity:
    """A caller: its rate-limit bucket (``client``), the key's state and its rights."""

    client: str  # ``key:<sha256 prefix>`` or ``ip:<address>``; never the key itself
    key: KeyState
    rights: Rights


OPEN = Identity(client="ip:-", key=KeyState.NONE, rights=Rights(ALL_PATHS, admin=True))
"""The caller in-process work (CLI, tests) runs as when no request is involved: keys off."""


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


def _matches(presented: bytes, keys: tuple[bytes, ...]) -> int:
    """The index of the key equal to ``presented``, or -1; every key is compared (no early exit)."""
    found = -1
    for i, key in enumerate(keys):
        if hmac.compare_digest(presented, key):
            found = i
    return found


class KeyTable:
    """The configured keys as digests, compared in constant time against a presented one."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._users = list(settings.api_keys.items())
        self._user_digests = tuple(_digest(k) for k, _ in self._users)
        self._admin_digests = tuple(_digest(k) for k in sorted(settings.admin_keys))

    def identify(self, key: str | None, host: str) -> Identity:
        """The identity of a request presenting ``key`` (or none) from address ``host``."""
        s = self.settings
        keys_on = bool(s.api_keys)
        open_admin = not s.admin_keys
        if key is None:
            paths: tuple[str, ...] = ALL_PATHS if not keys_on else ()
            return Identity(f"ip:{host}", KeyState.NONE, Rights(paths, admin=open_admin))
        presented = _digest(key)
        admin = _matches(presented, self._admin_digests) >= 0
        user = _matches(presented, self._user_digests)
        if admin:
            state, paths = KeyState.ADMIN, ALL_PATHS
        elif user >= 0:
            state, paths = KeyState.USER, self._users[user][1]
        elif keys_on:
            return Identity(f"ip:{host}", KeyState.UNKNOWN, Rights((), admin=False))
        else:
            # keys off: an unknown key proves nothing; the caller is its address, as without one
            return Identity(f"ip:{host}", KeyState.NONE, Rights(ALL_PATHS, admin=open_admin))
        client = f"key:{presented.hex()[:16]}" if keys_on or admin else f"ip:{host}"
        return Identity(client, state, Rights(paths, admin=admin or open_admin))


def key_from_headers(headers: Mapping[str, str]) -> str | None:
    """The key sent as ``X-API-Key`` or ``Authorization: Bearer`` (header names any case)."""
    lowered = {k.lower(): v for k, v in headers.items()}
    key = lowered.get("x-api-key", "").strip()
    if key:
        return key
    scheme, _, token = str(lowered.get("authorization", "")).partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def key_from_params(params: Mapping[str, object] | None) -> str | None:
    """The key in a websocket ``connection_init`` payload: ``X-API-Key``, ``apiKey``,
    ``Authorization: Bearer``, at its top level or under ``headers``."""
    if not params:
        return None
    flat: dict[str, str] = {}
    nested = params.get("headers")
    for source in (nested if isinstance(nested, Mapping) else {}, params):
        for name, value in source.items():
            if isinstance(value, str):
                flat[str(name).lower().replace("_", "-")] = value
    if flat.get("apikey", "").strip():
        return flat["apikey"].strip()
    if flat.get("api-key", "").strip():
        return flat["api-key"].strip()
    return key_from_headers(flat)

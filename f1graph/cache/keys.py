"""Cache keys: versioned, and per session so a session's keys can be dropped together."""

from __future__ import annotations

import hashlib

VERSION = "v1"
PREFIX = f"f1graph:{VERSION}"


def session_prefix(session_key: int) -> str:
    return f"{PREFIX}:session:{session_key}:"


def dataset_key(session_key: int, endpoint: str) -> str:
    """``f1graph:v1:session:{sessionKey}:{endpoint}``: a session's whole dataset."""
    return f"{session_prefix(session_key)}{endpoint}"


def generation_key(session_key: int) -> str:
    """The session's generation counter (:mod:`f1graph.cache.generations`), dropped with it."""
    return f"{PREFIX}:generation:{session_key}:"


def session_of_key(key: str) -> int | None:
    """The session a key belongs to (``None`` for a key under no session)."""
    head = f"{PREFIX}:session:"
    if not key.startswith(head):
        return None
    number, _, _rest = key[len(head) :].partition(":")
    return int(number) if number.isdigit() else None


def telemetry_key(session_key: int, endpoint: str, driver_number: int, window_start_ms: int) -> str:
    """One telemetry window of one driver, kept under the session's prefix."""
    return f"{session_prefix(session_key)}{endpoint}:{driver_number}:{window_start_ms}"


def query_key(endpoint: str, canonical_query: str) -> str:
    """A cross-session query (meetings, session search), keyed by a hash of its filters."""
    digest = hashlib.sha1(canonical_query.encode(), usedforsecurity=False).hexdigest()[:16]
    return f"{PREFIX}:query:{endpoint}:{digest}"


def lock_key(key: str) -> str:
    return f"{PREFIX}:lock:{key}"

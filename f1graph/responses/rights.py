"""The caller's rights, as part of the key: answers are never shared across different rights."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from starlette.requests import Request

PUBLIC = "public"


def presented_key(request: Request) -> str | None:
    """The API key sent as ``X-API-Key`` or ``Authorization: Bearer``, if any."""
    key = request.headers.get("x-api-key")
    if key and key.strip():
        return key.strip()
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def rights_of(request: Request, api_keys: Mapping[str, Sequence[str]]) -> str:
    """``public`` without configured keys; else the sorted globs the presented key grants (keys
    granting the same globs share answers), or ``none`` for a missing or unknown key."""
    if not api_keys:
        return PUBLIC
    key = presented_key(request)
    globs = api_keys.get(key) if key is not None else None
    if globs is None:
        return "none"
    return "|".join(sorted(globs))

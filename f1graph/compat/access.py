"""Who may call the shim, and how often: API keys and a per-client rate limit (both optional).

See :mod:`f1graph.settings` (``F1GRAPH_API_KEYS``, ``F1GRAPH_CLIENT_RATE_PER_MINUTE``) for the
variables that turn them on; the process's :class:`~f1graph.settings.Settings` carry them.
"""

from __future__ import annotations

import time
from fnmatch import fnmatchcase

from limits import RateLimitItemPerMinute
from limits.aio.strategies import MovingWindowRateLimiter
from starlette.requests import Request

from f1graph.errors import ClientRateLimitError, ForbiddenError, UnauthorizedError
from f1graph.openf1.ratelimit import moving_window
from f1graph.settings import Settings


def api_key(request: Request) -> str | None:
    """The key sent as ``X-API-Key`` or ``Authorization: Bearer``, if any."""
    key = request.headers.get("x-api-key")
    if key:
        return key.strip()
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


class Access:
    """Checks a request's API key against the allowed paths and counts it against its client."""

    def __init__(self, settings: Settings) -> None:
        self.keys = settings.api_keys
        self._item = (
            RateLimitItemPerMinute(settings.client_rate_per_minute)
            if settings.client_rate_per_minute > 0
            else None
        )
        self._redis_url = settings.redis_url
        self._limiter: MovingWindowRateLimiter | None = None

    def _rate_limiter(self) -> MovingWindowRateLimiter:
        # made on first use, inside the serving event loop, which a Redis client binds to
        if self._limiter is None:
            self._limiter = moving_window(self._redis_url, "f1graph:v1:client")
        return self._limiter

    async def check(self, request: Request) -> None:
        """Raise 401/403 for a missing or disallowed key, 429 for a client over its rate."""
        key = api_key(request)
        path = request.url.path
        if self.keys:
            if key is None:
                raise UnauthorizedError(
                    "This route needs an API key, sent as X-API-Key or Authorization: Bearer."
                )
            globs = self.keys.get(key)
            if globs is None:
                raise UnauthorizedError("This API key is not valid.")
            if not any(fnmatchcase(path, g) for g in globs):
                raise ForbiddenError(f"This API key is not allowed to call {path}.")
        if self._item is not None:
            # without keys configured, a sent key proves nothing: count by address then
            host = request.client.host if request.client else "-"
            client = f"key:{key}" if self.keys and key else f"ip:{host}"
            limiter = self._rate_limiter()
            if not await limiter.hit(self._item, client):
                stats = await limiter.get_window_stats(self._item, client)
                raise ClientRateLimitError(
                    f"Too many requests: at most {self._item.amount} a minute are allowed.",
                    retry_after_s=max(stats.reset_time - time.time(), 1.0),
                )

"""The one door of every surface: is this identity allowed this path, and is it within its rate?"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from fnmatch import fnmatchcase

from limits import RateLimitItemPerMinute
from limits.aio.strategies import MovingWindowRateLimiter

from f1graph.access.identity import Identity, KeyState, KeyTable
from f1graph.errors import ClientRateLimitError, ForbiddenError, UnauthorizedError
from f1graph.openf1.ratelimit import moving_window
from f1graph.settings import ADMIN_KEYS, Settings

KEY_NEEDED = "This route needs an API key, sent as X-API-Key or Authorization: Bearer."


class Gate:
    """Checks an identity against the path it calls and counts it against its client's rate
    (requests, and the cost of its queries).

    One per process, shared by ``/graphql``, its websocket and ``/api/v1``, so a client's
    requests are counted once whichever surface they use.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.keys = KeyTable(settings)
        rate = settings.client_rate_per_minute
        self._item = RateLimitItemPerMinute(rate) if rate > 0 else None
        cost = settings.client_cost_per_minute
        self._cost_item = RateLimitItemPerMinute(cost) if cost > 0 else None
        upstream = settings.client_upstream_share
        self._upstream_item = RateLimitItemPerMinute(upstream) if upstream > 0 else None
        self._redis_url = settings.redis_url
        self._limiter: MovingWindowRateLimiter | None = None

    def identify(self, key: str | None, host: str) -> Identity:
        """The identity of a request presenting ``key`` from ``host`` (see :class:`KeyTable`)."""
        return self.keys.identify(key, host)

    def _rate_limiter(self) -> MovingWindowRateLimiter:
        # made on first use, inside the serving event loop, which a Redis client binds to
        if self._limiter is None:
            self._limiter = moving_window(self._redis_url, "f1graph:v1:client")
        return self._limiter

    def check_key(self, identity: Identity, path: str) -> None:
        """Raise 401 for a missing or unknown key, 403 for a key not allowed ``path``."""
        if not self.settings.api_keys and identity.key is not KeyState.UNKNOWN:
            return
        if identity.key is KeyState.NONE:
            raise UnauthorizedError(KEY_NEEDED)
        if identity.key is KeyState.UNKNOWN:
            raise UnauthorizedError("This API key is not valid.")
        if not any(fnmatchcase(path, g) for g in identity.rights.paths):
            raise ForbiddenError(f"This API key is not allowed to call {path}.")

    async def count(self, identity: Identity) -> None:
        """Count one request of the identity's client; 429 with a retry delay past its rate."""
        if self._item is None:
            return
        limiter = self._rate_limiter()
        if not await limiter.hit(self._item, identity.client):
            stats = await limiter.get_window_stats(self._item, identity.client)
            raise ClientRateLimitError(
                f"Too many requests: at most {self._item.amount} a minute are allowed "
                "(F1GRAPH_CLIENT_RATE_PER_MINUTE).",
                retry_after_s=max(stats.reset_time - time.time(), 1.0),
            )

    async def spend(self, identity: Identity, cost: int) -> None:
        """Count ``cost`` (an operation's estimate) against its client's cost per minute; 429
        with a retry delay when it would go past it (then nothing is counted)."""
        if self._cost_item is None or cost <= 0:
            return
        limiter = self._rate_limiter()
        item, client = self._cost_item, f"cost:{identity.client}"
        if not await limiter.hit(item, client, cost=cost):
            stats = await limiter.get_window_stats(item, client)
            raise ClientRateLimitError(
                f"This query's cost ({cost:,}) would take this client past its "
                f"{item.amount:,} a minute (F1GRAPH_CLIENT_COST_PER_MINUTE); "
                f"{stats.remaining:,} are left now.",
                retry_after_s=max(stats.reset_time - time.time(), 1.0),
            )

    def upstream_charger(self, identity: Identity) -> Callable[[], Awaitable[bool]] | None:
        """A function counting one OpenF1 request against the client's share of the budget
        (``F1GRAPH_CLIENT_UPSTREAM_PER_MINUTE``), False when it has none left; None: no limit."""
        item = self._upstream_item
        if item is None:
            return None
        client = f"upstream:{identity.client}"

        async def charge() -> bool:
            return bool(await self._rate_limiter().hit(item, client))

        return charge

    async def admit(self, identity: Identity, path: str) -> None:
        """Both checks, key first: a refused key is not counted against anyone's rate."""
        self.check_key(identity, path)
        await self.count(identity)


def require_admin(identity: Identity, action: str) -> None:
    """Raise unless ``identity`` may ``action`` (change the gateway's state for everyone)."""
    if identity.rights.admin:
        return
    message = f"{action} changes the gateway for everyone: it needs an admin key ({ADMIN_KEYS})"
    if identity.key in (KeyState.NONE, KeyState.UNKNOWN):
        raise UnauthorizedError(message + ", sent as X-API-Key or Authorization: Bearer.")
    raise ForbiddenError(message + "; this key is not one.")

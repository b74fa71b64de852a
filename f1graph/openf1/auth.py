"""OpenF1 credentials: a bearer token from OpenF1's token endpoint, refreshed before it expires.

OpenF1 serves historical data to anyone, and live data (and everything, while a session is
live) only to authenticated accounts. With ``F1GRAPH_OPENF1_USERNAME`` and
``F1GRAPH_OPENF1_PASSWORD`` set, the client posts them (form-encoded ``username`` and
``password``) to ``https://api.openf1.org/token``, which answers ``{"access_token": ...,
"expires_in": seconds}``, and sends ``Authorization: Bearer <token>`` with every request. The
token is fetched on first use, fetched again :data:`REFRESH_MARGIN_S` before it expires (so a
live subscriber never meets an expired one), and at once when OpenF1 refuses it.
"""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urlsplit, urlunsplit

import httpx
import orjson

from f1graph.errors import UpstreamLiveSessionError, UpstreamUnavailableError

REFRESH_MARGIN_S = 120.0
DEFAULT_LIFETIME_S = 3600.0


def token_url_for(base_url: str) -> str:
    """OpenF1's token endpoint beside its API: ``https://api.openf1.org/v1`` ->
    ``https://api.openf1.org/token``."""
    parts = urlsplit(base_url.rstrip("/"))
    parent = parts.path.rsplit("/", 1)[0] if parts.path.count("/") >= 1 else ""
    return urlunsplit((parts.scheme, parts.netloc, f"{parent}/token", "", ""))


class OpenF1Credentials:
    """A username and password exchanged for bearer tokens, one exchange at a time."""

    def __init__(self, username: str, password: str, token_url: str) -> None:
        self.username = username
        self._password = password
        self.token_url = token_url
        self.fetched = 0  # tokens fetched so far
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"OpenF1Credentials(username={self.username!r}, token_url={self.token_url!r})"

    async def headers(self, http: httpx.AsyncClient) -> dict[str, str]:
        """``Authorization: Bearer ...`` with a token valid for a while yet."""
        return {"authorization": f"Bearer {await self.token(http)}"}

    async def token(self, http: httpx.AsyncClient) -> str:
        if self._valid():
            assert self._token is not None
            return self._token
        async with self._lock:  # concurrent callers share one exchange
            if not self._valid():
                await self._fetch(http)
            assert self._token is not None
            return self._token

    def invalidate(self) -> None:
        """Forget the token (OpenF1 refused it): the next call fetches a new one."""
        self._token = None
        self._expires_at = 0.0

    def _valid(self) -> bool:
        return self._token is not None and time.time() < self._expires_at - REFRESH_MARGIN_S

    async def _fetch(self, http: httpx.AsyncClient) -> None:
        form = {"username": self.username, "password": self._password}
        try:
            response = await http.post(self.token_url, data=form)
        except httpx.HTTPError as exc:
            raise UpstreamUnavailableError(
                f"OpenF1's token endpoint could not be reached: {exc}."
            ) from None
        if response.status_code in (400, 401, 403):
            raise UpstreamLiveSessionError(
                f"OpenF1 refused the credentials of F1GRAPH_OPENF1_USERNAME={self.username!r} "
                f"({response.status_code}); check F1GRAPH_OPENF1_USERNAME and "
                "F1GRAPH_OPENF1_PASSWORD."
            )
        try:
            body = orjson.loads(response.content) if response.status_code == 200 else None
            token = body["access_token"] if isinstance(body, dict) else None
            lifetime = float(body.get("expires_in", DEFAULT_LIFETIME_S)) if body else 0.0
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            token = None
        if not isinstance(token, str) or not token:
            raise UpstreamUnavailableError(
                f"OpenF1's token endpoint answered {response.status_code} without a token."
            )
        self._token = token
        self._expires_at = time.time() + lifetime
        self.fetched += 1

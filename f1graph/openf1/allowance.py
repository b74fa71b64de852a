"""The OpenF1 budget of one request: how many upstream requests it may still make itself.

A request's :class:`Allowance` travels in a context variable (set where the request starts,
copied into every task it creates), so the one place upstream requests leave the process,
:class:`SpendingSource`, can count them without any layer in between knowing. Past the
allowance, or past the client's own budget, the request is refused with
:class:`~f1graph.errors.SessionLoadingError` and what it wanted is remembered, to be loaded once
in the background. Background loads run with no allowance, throttled to their own share of the
rate budget.
"""

from __future__ import annotations

import contextvars
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from f1graph.errors import SessionLoadingError
from f1graph.openf1.filters import Filters
from f1graph.openf1.ratelimit import RateBudget
from f1graph.openf1.source import Source


@dataclass(frozen=True)
class Wanted:
    """An upstream request refused: its endpoint and the sessions it was for."""

    endpoint: str
    session_keys: tuple[int, ...]


@dataclass
class Allowance:
    """``left`` upstream requests this request may still make; ``charge`` asks the client's
    budget for one more (None: no client budget)."""

    left: int
    charge: Callable[[], Awaitable[bool]] | None = None
    spent: int = 0
    refused: list[Wanted] = field(default_factory=list)
    why: str = ""

    async def take(self, endpoint: str, filters: Filters) -> None:
        """Count one upstream request, or raise :class:`SessionLoadingError` past a budget."""
        if self.left <= 0:
            self._refuse(endpoint, filters, "this request's share of the OpenF1 budget")
        if self.charge is not None and not await self.charge():
            self._refuse(endpoint, filters, "this client's share of the OpenF1 budget")
        self.left -= 1
        self.spent += 1

    def _refuse(self, endpoint: str, filters: Filters, why: str) -> None:
        sessions = tuple(
            sorted(
                {
                    f.value
                    for f in filters
                    if f.field == "session_key" and f.op == "=" and isinstance(f.value, int)
                }
            )
        )
        self.refused.append(Wanted(endpoint, sessions))
        self.why = why
        raise SessionLoadingError(
            f"The {endpoint} data of session {', '.join(map(str, sessions)) or '?'} is not "
            f"cached and fetching it would go past {why}; it is being loaded in the "
            "background: retry later."
        )


ALLOWANCE: contextvars.ContextVar[Allowance | None] = contextvars.ContextVar(
    "f1graph_allowance", default=None
)
BACKGROUND: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "f1graph_background", default=False
)


class SpendingSource:
    """A :class:`Source` that counts each request against the current request's allowance,
    and holds background loads to their own share of the rate (``fair_share``)."""

    def __init__(self, inner: Source, fair_share: RateBudget | None = None) -> None:
        self.inner = inner
        self.fair_share = fair_share

    async def fetch(self, endpoint: str, filters: Filters) -> bytes:
        allowance = ALLOWANCE.get()
        if allowance is not None:
            await allowance.take(endpoint, filters)
        elif BACKGROUND.get() and self.fair_share is not None:
            await self.fair_share.acquire()
        return await self.inner.fetch(endpoint, filters)

    async def aclose(self) -> None:
        await self.inner.aclose()

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)  # the client's own figures (budget, breaker)

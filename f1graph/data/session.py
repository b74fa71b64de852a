"""The session view: one session's datasets and every result derived from them, for one request.

Resolvers read a session's datasets only through its view (``Context.session(key)``), and the
view owns the one memo rule of f1graph:

**Once per dataset version, process-wide**: a session-wide analysis (an :class:`Analysis`: a
function of the session's datasets and of other session-wide analyses, with no argument of the
request) is computed once for the exact dataset objects it reads and kept in the process's
:class:`~f1graph.data.derived.Derived` (``Services.derived``). Every request reuses it until one
of those datasets is refreshed: the datasets layer then hands out a new object, and the next
read recomputes it. Which analyses these are is the catalogue :mod:`f1graph.data.analyses`.

**Once per request**: the datasets themselves, loaded through the request's DataLoaders (one
upstream call per endpoint for every session the request touches) and held by the view for the
rest of the request. Whatever takes an argument of the request (an instant, a driver, a lap, a
stint, a telemetry window) is computed on each call from the memoised results and is not
memoised.

Nothing else in f1graph keeps a derived result. An analysis is ready at once, without awaiting
anything (:meth:`SessionView.ready`), when every dataset it reads is held by the request or
parsed and fresh in this process (then the request holds it from there on: it is the object its
loader would have returned), so a thousand laps asking for their facts do not each await the
session's datasets.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from f1graph.data import grid
from f1graph.data.datasets import Dataset
from f1graph.data.derived import Derived
from f1graph.openf1 import ENDPOINTS, SESSIONS, Endpoint, Filters, always_has
from f1graph.openf1.records import StartingGrid

T = TypeVar("T")
R = TypeVar("R")
T_co = TypeVar("T_co", covariant=True)

START_GRID = "start_grid"
"""An input that is not one endpoint: the grid a race started from (see
:meth:`SessionView.start_grid`)."""


class Fetch(Protocol):
    """What a view loads through: the request's loaders (batched, stale answers noted)."""

    async def dataset(self, endpoint: Endpoint[R], session_key: int) -> Dataset[R]: ...

    async def query(self, endpoint: Endpoint[R], filters: Filters) -> list[R]: ...

    async def known(self, endpoint: Endpoint[R], session_key: int) -> Dataset[R] | None:
        """The dataset, or None when it is missing although the session should have it (the
        request then lists it as unavailable)."""
        ...

    def peek(self, endpoint: Endpoint[R], session_key: int) -> Dataset[R] | None:
        """The dataset if this process holds it parsed and fresh (no I/O), else None."""
        ...


@dataclass(frozen=True, eq=False)
class Analysis(Generic[T_co]):
    """A session-wide analysis: the datasets it reads, the analyses it builds on, and how it is
    computed from them; memoised once per version of every dataset it depends on."""

    name: str
    compute: Callable[[Inputs], T_co]
    reads: tuple[Endpoint[Any] | str, ...] = ()  # endpoints, or START_GRID
    uses: tuple[Analysis[Any], ...] = ()
    inputs: tuple[str, ...] = field(init=False)  # names of reads and of uses' inputs, sorted

    def __post_init__(self) -> None:
        names = {r if isinstance(r, str) else r.name for r in self.reads}
        every = names.union(*(a.inputs for a in self.uses))
        object.__setattr__(self, "inputs", tuple(sorted(every)))


class Inputs:
    """What an analysis is computed from: its session's held datasets and other analyses."""

    def __init__(self, view: SessionView) -> None:
        self._view = view

    @property
    def session_key(self) -> int:
        return self._view.session_key

    def dataset(self, endpoint: Endpoint[R]) -> Dataset[R]:
        dataset: Dataset[R] = self._view.held(endpoint.name)
        return dataset

    def rows(self, endpoint: Endpoint[R]) -> list[R]:
        return self.dataset(endpoint).rows

    def known(self, endpoint: Endpoint[R]) -> list[R] | None:
        """The rows of ``endpoint``, or None when there are none although a session of this
        type always has them (unknown, not empty); the analysis must read ``SESSIONS``."""
        found = self.rows(endpoint)
        sessions = self.rows(SESSIONS)
        session_type = sessions[0].session_type if sessions else None
        return None if not found and always_has(session_type, endpoint.name) else found

    @property
    def start_grid(self) -> Sequence[StartingGrid]:
        grid: Sequence[StartingGrid] = self._view.held(START_GRID)
        return grid

    @property
    def session_end(self) -> datetime | None:
        sessions = self.rows(SESSIONS)
        return sessions[0].date_end if sessions else None

    def get(self, analysis: Analysis[T]) -> T:
        """Another analysis (its inputs are among this one's, so they are held)."""
        found = self._view.ready(analysis)
        assert found is not None, f"{analysis.name} needs an input its user does not read"
        return found[0]


class SessionView:
    """One session as one request sees it (made by ``Context.session``)."""

    def __init__(self, session_key: int, fetch: Fetch, derived: Derived) -> None:
        self.session_key = session_key
        self._fetch = fetch
        self._derived = derived
        self._held: dict[str, Any] = {}  # input name -> Dataset (or the start grid's rows)
        self._loading: dict[str, asyncio.Future[None]] = {}

    async def dataset(self, endpoint: Endpoint[R]) -> Dataset[R]:
        """The session's whole dataset of ``endpoint``, loaded once per request."""
        dataset = await self._fetch.dataset(endpoint, self.session_key)
        self._held[endpoint.name] = dataset
        return dataset

    async def rows(self, endpoint: Endpoint[R]) -> list[R]:
        return (await self.dataset(endpoint)).rows

    async def known(self, endpoint: Endpoint[R]) -> Dataset[R] | None:
        """The dataset, or None when it is missing although a session of this type always has
        it (whatever is derived from it is unknown; the request lists it as unavailable)."""
        await self.dataset(endpoint)
        return await self._fetch.known(endpoint, self.session_key)

    async def driver_rows(self, endpoint: Endpoint[R], driver_number: int) -> list[R]:
        return (await self.dataset(endpoint)).for_driver(driver_number)

    async def session_end(self) -> datetime | None:
        rows = await self.rows(SESSIONS)
        return rows[0].date_end if rows else None

    async def get(self, analysis: Analysis[T]) -> T:
        """The analysis of this session (memoised per dataset version, see the module)."""
        found = self.ready(analysis)
        if found is None:
            loads = [self._load(n) for n in analysis.inputs if n not in self._held]
            for outcome in await asyncio.gather(*loads, return_exceptions=True):
                if isinstance(outcome, BaseException):
                    raise outcome
            found = self.ready(analysis)
        assert found is not None
        return found[0]

    def ready(self, analysis: Analysis[T]) -> tuple[T] | None:
        """``(value,)`` at once when every input of ``analysis`` is held by the request or
        parsed and fresh in the process, else None (:meth:`get` awaits them)."""
        for name in analysis.inputs:
            if name not in self._held:
                peeked = (
                    None
                    if name == START_GRID
                    else self._fetch.peek(ENDPOINTS[name], self.session_key)
                )
                if peeked is None:
                    return None
                self._held[name] = peeked
        inputs = tuple(self._held[name] for name in analysis.inputs)
        key = (analysis.name, self.session_key)
        return (self._derived.get(key, inputs, lambda: analysis.compute(Inputs(self))),)

    def held(self, name: str) -> Any:
        """An input this request has loaded (``KeyError`` when it has not)."""
        return self._held[name]

    def _load(self, name: str) -> asyncio.Future[None]:
        """Load an input into the request's view; concurrent callers share one load."""
        loading = self._loading.get(name)
        if loading is None:
            loading = self._loading[name] = asyncio.ensure_future(self._hold(name))
        return loading

    async def _hold(self, name: str) -> None:
        if name == START_GRID:
            self._held[START_GRID] = await self.start_grid()
        else:
            await self.dataset(ENDPOINTS[name])

    # -- the grid a race started from (f1graph.data.grid) -----------------------------------

    async def filed_grid(self) -> list[StartingGrid]:
        """The session's grid as OpenF1 files it (see :func:`f1graph.data.grid.filed_grid`)."""
        return await grid.filed_grid(self._fetch, self.session_key)

    async def start_grid(self) -> Sequence[StartingGrid]:
        """The grid a race started from; empty for other sessions (see
        :func:`f1graph.data.grid.start_grid`)."""
        return await grid.start_grid(self._fetch, self.session_key)

"""The grid a race started from, read the same way by a request and by a replay.

OpenF1 files a race's starting grid under the race, or only under the qualifying session that
set it (the sprint qualifying or shootout for a sprint). A session that is not a race has no
start grid: a qualifying session's grid is the one it *sets*. A request reads the grid through
its session view (:meth:`~f1graph.data.session.SessionView.start_grid`, loaders batched over the
request), a replay through the process's datasets (:func:`race_start_grid`); both come here, so
the running order of ``Session.standings`` and of a replay start from the same grid.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

from f1graph.data.datasets import Dataset, Datasets
from f1graph.openf1 import SESSIONS, STARTING_GRID, Endpoint, Filters, where
from f1graph.openf1.records import StartingGrid

R = TypeVar("R")


class GridFetch(Protocol):
    """What the grid is read through: a session's dataset, and a query across sessions."""

    async def dataset(self, endpoint: Endpoint[R], session_key: int) -> Dataset[R]: ...

    async def query(self, endpoint: Endpoint[R], filters: Filters) -> list[R]: ...


async def filed_grid(fetch: GridFetch, session_key: int) -> list[StartingGrid]:
    """The session's grid as OpenF1 files it; for a race with none of its own, the grid filed
    under the qualifying session that set it."""
    grid = (await fetch.dataset(STARTING_GRID, session_key)).rows
    if grid:
        return grid
    sessions = (await fetch.dataset(SESSIONS, session_key)).rows
    if not sessions or sessions[0].session_type != "Race" or sessions[0].meeting_key is None:
        return []
    qualifying = await _qualifying_for(
        fetch, sessions[0].meeting_key, sessions[0].session_name or ""
    )
    if qualifying is None:
        return []
    return (await fetch.dataset(STARTING_GRID, qualifying)).rows


async def start_grid(fetch: GridFetch, session_key: int) -> Sequence[StartingGrid]:
    """The grid a race started from (see :func:`filed_grid`); empty for any other session."""
    sessions = (await fetch.dataset(SESSIONS, session_key)).rows
    if not sessions or sessions[0].session_type != "Race":
        return ()  # one shared empty value, so results derived from it are reused
    return await filed_grid(fetch, session_key)


async def race_start_grid(datasets: Datasets, session_key: int) -> Sequence[StartingGrid]:
    """:func:`start_grid` read straight from the process's datasets (no request)."""
    return await start_grid(_Direct(datasets), session_key)


class _Direct:
    """The process's datasets as a :class:`GridFetch`."""

    def __init__(self, datasets: Datasets) -> None:
        self._datasets = datasets

    async def dataset(self, endpoint: Endpoint[R], session_key: int) -> Dataset[R]:
        return await self._datasets.get(endpoint, session_key)

    async def query(self, endpoint: Endpoint[R], filters: Filters) -> list[R]:
        rows, _stale = await self._datasets.query(endpoint, filters)
        return rows


async def _qualifying_for(fetch: GridFetch, meeting_key: int, race_name: str) -> int | None:
    sessions = await fetch.query(SESSIONS, where(meeting_key=meeting_key))
    wanted = ("Sprint Qualifying", "Sprint Shootout") if race_name == "Sprint" else ("Qualifying",)
    for s in sessions:
        if s.session_name in wanted:
            return s.session_key
    return None

"""A session's datasets and derived contexts, fetched through the request's loaders."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from f1graph.analysis.clean import LapContext
from f1graph.data import Dataset, Derived
from f1graph.openf1 import where
from f1graph.openf1.records import Driver
from f1graph.runtime import Info
from f1graph.schema.common import loaders, query_rows


async def session_end(info: Info, session_key: int) -> datetime | None:
    rows = await loaders(info).rows("sessions", session_key)
    return rows[0].date_end if rows else None  # type: ignore[no-any-return]


async def lap_context(info: Info, session_key: int) -> LapContext:
    """The session's laps with pits and track status applied: the one clean-lap definition."""
    return await loaders(info).memo(
        ("lap_context", session_key), lambda: _lap_context(info, session_key)
    )


async def _lap_context(info: Info, session_key: int) -> LapContext:
    load = loaders(info)
    laps, pits, race_control, sessions = await asyncio.gather(
        load.dataset("laps", session_key),
        load.dataset("pit", session_key),
        load.dataset("race_control", session_key),
        load.dataset("sessions", session_key),
    )
    return derived_lap_context(info.context.services.derived, laps, pits, race_control, sessions)


def derived_lap_context(
    derived: Derived, laps: Dataset, pits: Dataset, race_control: Dataset, sessions: Dataset
) -> LapContext:
    """The lap context of these datasets, built once per version of them."""
    end = sessions.rows[0].date_end if sessions.rows else None
    return derived.get(
        ("lap_context", laps.session_key),
        (laps, pits, race_control, sessions),
        lambda: LapContext.build(laps.rows, pits.rows, race_control.rows, end),
    )


async def rows(info: Info, endpoint: str, session_key: int) -> list[Any]:
    return await loaders(info).rows(endpoint, session_key)


async def known_rows(info: Info, endpoint: str, session_key: int) -> list[Any] | None:
    """The session's rows of ``endpoint``, or None when they are missing although a session of
    its type always has them (the answer then lists the dataset in ``extensions.unavailable``)."""
    dataset = await loaders(info).known(endpoint, session_key)
    return None if dataset is None else dataset.rows


async def known_driver_rows(
    info: Info, endpoint: str, session_key: int, driver_number: int
) -> list[Any] | None:
    """One driver's rows of ``endpoint``; None when the session's are unavailable (see
    :func:`known_rows`)."""
    dataset = await loaders(info).known(endpoint, session_key)
    return None if dataset is None else dataset.for_driver(driver_number)


async def clean_lap_context(info: Info, session_key: int) -> LapContext:
    """:func:`lap_context` for an answer built on clean laps: when pit or race-control data is
    missing, the clean-lap tests that need it could not be applied, and the answer says so."""
    context = await lap_context(info, session_key)
    load = loaders(info)
    for endpoint in ("pit", "race_control"):
        await load.known(endpoint, session_key)
    return context


async def session_drivers(info: Info, session_key: int) -> dict[int, Any]:
    """The session's drivers by car number: its ``drivers`` rows; without any, every car seen in
    its laps, stints or positions, as a driver whose number is known and names are null (and
    the answer lists ``drivers`` as unavailable when the session should have them)."""
    return await loaders(info).memo(
        ("session_drivers", session_key), lambda: _session_drivers(info, session_key)
    )


async def _session_drivers(info: Info, session_key: int) -> dict[int, Any]:
    load = loaders(info)
    drivers = await load.known("drivers", session_key)
    if drivers is not None and drivers.rows:
        return {d.driver_number: d for d in sorted(drivers.rows, key=lambda d: d.driver_number)}
    inputs = await asyncio.gather(
        *(load.dataset(name, session_key) for name in ("sessions", "laps", "stints", "position"))
    )

    def seen() -> dict[int, Any]:
        sessions, *shown = inputs
        meeting_key = sessions.rows[0].meeting_key if sessions.rows else None
        numbers = sorted({n for dataset in shown for n in dataset.by_driver})
        return {
            n: Driver(session_key=session_key, meeting_key=meeting_key, driver_number=n)
            for n in numbers
        }

    return info.context.services.derived.get(("seen_drivers", session_key), inputs, seen)


async def filed_grid_rows(info: Info, session_key: int) -> list[Any]:
    """The session's grid as OpenF1 files it; for a race with none of its own, the grid filed
    under the qualifying session that set it."""
    grid = await loaders(info).rows("starting_grid", session_key)
    if grid:
        return grid
    sessions = await loaders(info).rows("sessions", session_key)
    if not sessions or sessions[0].session_type != "Race" or sessions[0].meeting_key is None:
        return []
    qualifying = await _qualifying_for(
        info, sessions[0].meeting_key, sessions[0].session_name or ""
    )
    return [] if qualifying is None else await loaders(info).rows("starting_grid", qualifying)


async def starting_grid_rows(info: Info, session_key: int) -> Sequence[Any]:
    """The grid a race started from (see :func:`filed_grid_rows`). Other sessions have no start
    grid: a qualifying session's grid is the one it *sets*."""
    sessions = await loaders(info).rows("sessions", session_key)
    if not sessions or sessions[0].session_type != "Race":
        return ()  # one shared empty value, so results derived from it are reused
    return await filed_grid_rows(info, session_key)


async def _qualifying_for(info: Info, meeting_key: int, race_name: str) -> int | None:
    sessions = await query_rows(info, "sessions", where(meeting_key=meeting_key))
    wanted = ("Sprint Qualifying", "Sprint Shootout") if race_name == "Sprint" else ("Qualifying",)
    for s in sessions:
        if s.session_name in wanted:
            return s.session_key  # type: ignore[no-any-return]
    return None

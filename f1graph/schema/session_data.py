"""A resolver's way to a session: the request's session view (:mod:`f1graph.data.session`).

Plain rows, rows that may be unknown (a dataset missing although the session should have it:
the answer then lists it in ``extensions.unavailable``) and the analyses of
:mod:`f1graph.data.analyses` all come through the view.
"""

from __future__ import annotations

from typing import Any, TypeVar

from f1graph.analysis.clean import LapContext
from f1graph.data import SessionView
from f1graph.data import analyses as a
from f1graph.openf1 import DRIVERS, PIT, RACE_CONTROL, Endpoint
from f1graph.openf1.records import StartingGrid
from f1graph.runtime import Info


def session_view(info: Info, session_key: int) -> SessionView:
    """The request's view of the session: datasets once per request, analyses once per
    dataset version."""
    return info.context.session(session_key)


R = TypeVar("R")


async def rows(info: Info, endpoint: Endpoint[R], session_key: int) -> list[R]:
    return await session_view(info, session_key).rows(endpoint)


async def known_rows(info: Info, endpoint: Endpoint[R], session_key: int) -> list[R] | None:
    """The session's rows of ``endpoint``, or None when they are missing although a session of
    its type always has them (the answer then lists the dataset in ``extensions.unavailable``)."""
    dataset = await session_view(info, session_key).known(endpoint)
    return None if dataset is None else dataset.rows


async def known_driver_rows(
    info: Info, endpoint: Endpoint[R], session_key: int, driver_number: int
) -> list[R] | None:
    """One driver's rows of ``endpoint``; None when the session's are unavailable (see
    :func:`known_rows`)."""
    dataset = await session_view(info, session_key).known(endpoint)
    return None if dataset is None else dataset.for_driver(driver_number)


async def clean_lap_context(info: Info, session_key: int) -> LapContext:
    """The lap context for an answer built on clean laps: when pit or race-control data is
    missing, the laps whose cleanliness needs it are undecided (the figures over them null),
    and the answer lists the dataset as unavailable."""
    view = session_view(info, session_key)
    context = await view.get(a.LAP_CONTEXT)
    await view.known(PIT)
    await view.known(RACE_CONTROL)
    return context


async def session_drivers(info: Info, session_key: int) -> dict[int, Any]:
    """The session's drivers by car number: its ``drivers`` rows; without any, every car seen in
    its laps, stints or positions, as a driver whose number is known and names are null (and
    the answer lists ``drivers`` as unavailable when the session should have them)."""
    view = session_view(info, session_key)
    drivers = await view.known(DRIVERS)
    if drivers is not None and drivers.rows:
        return await view.get(a.DRIVERS_BY_NUMBER)
    return await view.get(a.SEEN_DRIVERS)


async def filed_grid_rows(info: Info, session_key: int) -> list[StartingGrid]:
    """The session's grid as OpenF1 files it (see :meth:`SessionView.filed_grid`)."""
    return await session_view(info, session_key).filed_grid()

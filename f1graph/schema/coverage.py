"""``Session.coverage``: which OpenF1 datasets a session has, and how many rows each."""

from __future__ import annotations

import asyncio

import strawberry

from f1graph.openf1 import ALWAYS_HAS, ENDPOINTS, SESSION_DATASETS, SESSIONS
from f1graph.runtime import Info
from f1graph.schema.common import loaders

COVERAGE_DESCRIPTION = (
    "One entry per OpenF1 session endpoint: whether OpenF1 has rows for the session and how "
    "many. To answer, it fetches (or reads from the cache) `sessions` and the endpoints a "
    "session of its type always has (a race: drivers, laps, stints, pit, position, "
    "race_control, weather, intervals, session_result; qualifying the same without intervals; "
    "practice without intervals and session_result); the others (overtakes, starting_grid, "
    "team_radio...) are reported from what this server has already cached, and are null "
    "(not yet known) otherwise."
)


@strawberry.type(description="Whether OpenF1 has one endpoint's rows for a session.")
class DatasetCoverage:
    endpoint: str = strawberry.field(description="The OpenF1 endpoint, e.g. pit.")
    available: bool | None = strawberry.field(
        description="Whether OpenF1 has rows for the session; null when not yet known."
    )
    rows: int | None = strawberry.field(description="How many rows; null when not yet known.")


async def session_coverage(info: Info, session_key: int) -> list[DatasetCoverage]:
    """Coverage of every session endpoint (see :data:`COVERAGE_DESCRIPTION`)."""
    load = loaders(info)
    sessions = await load.rows(SESSIONS, session_key)
    session_type = sessions[0].session_type if sessions else None
    always = ALWAYS_HAS.get(session_type or "", frozenset())
    datasets = info.context.services.datasets

    async def one(endpoint: str) -> DatasetCoverage:
        if endpoint in always:
            count: int | None = len(await load.rows(ENDPOINTS[endpoint], session_key))
        else:
            held = await datasets.held(ENDPOINTS[endpoint], session_key)
            count = None if held is None else len(held.rows)
        available = None if count is None else count > 0
        return DatasetCoverage(endpoint=endpoint, available=available, rows=count)

    return list(await asyncio.gather(*(one(e) for e in SESSION_DATASETS)))

"""Recorded sessions edited at run time, as OpenF1 serves some sessions (rows missing).

OpenF1 serves some races with rows missing: no position rows before the start, none at all for
a car that never changed place, no race control. :class:`EditedSource` serves the recorded data
(``../shared/openf1/dev``, read by path, never copied into the repository) with such edits
applied per ``(session_key, endpoint)``, so a test states the edit next to what it expects.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import orjson

from f1graph.openf1.filters import Filters
from f1graph.openf1.recorded import RecordedSource
from f1graph.runtime import Context, Services, build_services
from f1graph.schema import schema
from f1graph.settings import Settings
from tests.data import DATA_DIR

Rows = list[dict[str, Any]]
Edit = Callable[[Rows], Rows]


class EditedSource:
    """The recorded source with ``edits[(session_key, endpoint)]`` applied to those rows."""

    def __init__(self, edits: dict[tuple[int, str], Edit]) -> None:
        self.inner = RecordedSource(DATA_DIR)
        self.edits = edits

    async def fetch(self, endpoint: str, filters: Filters) -> bytes:
        body = await self.inner.fetch(endpoint, filters)
        keys = {int(f.value) for f in filters if f.field == "session_key" and f.op == "="}
        wanted = [k for k in sorted(keys) if (k, endpoint) in self.edits]
        if not wanted:
            return body
        rows: Rows = orjson.loads(body)
        kept = [r for r in rows if r.get("session_key") not in wanted]
        for key in wanted:
            kept += self.edits[key, endpoint]([r for r in rows if r.get("session_key") == key])
        return orjson.dumps(kept)

    async def aclose(self) -> None:
        await self.inner.aclose()


def without(predicate: Callable[[dict[str, Any]], bool]) -> Edit:
    """An edit removing the rows ``predicate`` selects."""
    return lambda rows: [r for r in rows if not predicate(r)]


def nothing(_rows: Rows) -> Rows:
    """An edit removing every row (the dataset missing, as OpenF1 serves some sessions)."""
    return []


@asynccontextmanager
async def edited_services(edits: dict[tuple[int, str], Edit]) -> AsyncIterator[Services]:
    """Services (empty memory cache) over the recorded data with ``edits`` applied."""
    services = build_services(Settings(source=DATA_DIR), source=EditedSource(edits))
    try:
        yield services
    finally:
        await services.aclose()


async def run(services: Services, query: str, variables: dict[str, Any] | None = None) -> Any:
    """Execute ``query`` with a fresh request context; the ``ExecutionResult``."""
    return await schema.execute(query, variable_values=variables, context_value=Context(services))

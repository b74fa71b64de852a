"""Preload: fetch every dataset of a session into the cache, in parallel within the rate budget.

One engine serves ``Mutation.preloadSession``, the REST start-replay route and ``f1graph preload``.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import datetime

from f1graph.data import DatasetLoad, Progress
from f1graph.errors import F1GraphError, NotFoundError
from f1graph.openf1 import ENDPOINTS, SESSION_DATASETS, SESSIONS
from f1graph.runtime.services import Services
from f1graph.telemetry.preload import StepProgress, preload_telemetry

__all__ = ["DatasetLoad", "PreloadReport", "Progress", "StepProgress", "preload_session"]


@dataclass(frozen=True)
class PreloadReport:
    """Every dataset loaded for one session, and the session's time span."""

    session_key: int
    datasets: list[DatasetLoad]
    duration_s: float
    date_start: datetime | None
    date_end: datetime | None

    @property
    def total_rows(self) -> int:
        return sum(d.rows for d in self.datasets)

    @property
    def total_bytes(self) -> int:
        return sum(d.bytes for d in self.datasets)


async def preload_session(
    services: Services,
    session_key: int,
    *,
    telemetry: bool = False,
    progress: Progress | None = None,
    steps: StepProgress | None = None,
) -> PreloadReport:
    """Load every dataset of the session (telemetry only when asked) into the cache.

    Raises :class:`NotFoundError` for an unknown session; a dataset that fails is reported
    with its error rather than failing the whole preload. ``progress`` hears each dataset when
    loaded, ``steps`` each few telemetry windows.
    """
    started = time.monotonic()
    datasets = services.datasets
    session = await datasets.get(SESSIONS, session_key)
    if not session.rows:
        raise NotFoundError(f"Session {session_key} does not exist.")
    record = session.rows[0]

    async def one(endpoint: str) -> DatasetLoad:
        t0 = time.monotonic()
        try:
            dataset = await datasets.get(ENDPOINTS[endpoint], session_key)
            load = DatasetLoad(endpoint, len(dataset), dataset.nbytes, time.monotonic() - t0)
        except F1GraphError as exc:
            load = DatasetLoad(endpoint, 0, 0, time.monotonic() - t0, exc.message)
        if progress is not None:
            progress(load)
        return load

    loads = [DatasetLoad("sessions", len(session), session.nbytes, 0.0)]
    loads += await asyncio.gather(*(one(e) for e in SESSION_DATASETS))
    if telemetry:
        loads += await preload_telemetry(services.telemetry, session_key, progress, steps)
    return PreloadReport(
        session_key=session_key,
        datasets=loads,
        duration_s=time.monotonic() - started,
        date_start=record.date_start,
        date_end=record.date_end,
    )

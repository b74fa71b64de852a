"""Telemetry preload: every window of every car of a session, for ``preloadSession``.

Each window is fetched once for every car (one upstream request per window) and cached both
whole and per car, so later reads of any car, lap or range are served from the cache.
Called by :func:`f1graph.runtime.preload.preload_session` when telemetry is asked for.
"""

from __future__ import annotations

import time

from f1graph.data import DatasetLoad, Progress
from f1graph.errors import F1GraphError
from f1graph.telemetry.store import TelemetryStore
from f1graph.telemetry.windows import COLUMNS


async def preload_telemetry(
    store: TelemetryStore, session_key: int, progress: Progress | None = None
) -> list[DatasetLoad]:
    """Load ``car_data`` and ``location`` of every car over the session's span; a failing
    endpoint is reported with its error, not raised."""
    loads = []
    for endpoint in COLUMNS:
        started = time.monotonic()
        try:
            read = await store.session_columns(session_key, endpoint)
            load = DatasetLoad(
                endpoint, len(read.cols), read.cols.nbytes, time.monotonic() - started
            )
        except F1GraphError as exc:
            load = DatasetLoad(endpoint, 0, 0, time.monotonic() - started, exc.message)
        if progress is not None:
            progress(load)
        loads.append(load)
    return loads

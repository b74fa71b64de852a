"""Telemetry preload: every window of every car of a session, for ``preloadSession``.

Each window is fetched once for every car (one upstream request per window) and cached both
whole and per car, so later reads of any car, lap or range are served from the cache.
Windows are loaded a few at a time so that ``steps`` can report progress while a long
endpoint (a race of ``location``) loads. Called by
:func:`f1graph.runtime.preload.preload_session` when telemetry is asked for.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from f1graph.data import DatasetLoad, Progress
from f1graph.errors import F1GraphError
from f1graph.telemetry.store import TelemetryStore
from f1graph.telemetry.windows import COLUMNS

WINDOWS_PER_STEP = 6  # loaded together (in parallel within the rate budget), then reported
# (endpoint, windows done, windows in all) while an endpoint loads
StepProgress = Callable[[str, int, int], None]


async def preload_telemetry(
    store: TelemetryStore,
    session_key: int,
    progress: Progress | None = None,
    steps: StepProgress | None = None,
) -> list[DatasetLoad]:
    """Load ``car_data`` and ``location`` of every car over the session's span; a failing
    endpoint is reported with its error, not raised."""
    loads = []
    for endpoint in COLUMNS:
        started = time.monotonic()
        rows = nbytes = 0
        try:
            starts = (await store.session_info(session_key)).span.window_starts()
            if steps is not None:
                steps(endpoint, 0, len(starts))
            for i in range(0, len(starts), WINDOWS_PER_STEP):
                chunk = starts[i : i + WINDOWS_PER_STEP]
                upto = starts[i + WINDOWS_PER_STEP] if i + WINDOWS_PER_STEP < len(starts) else None
                read = await store.session_columns(session_key, endpoint, chunk[0], upto)
                rows += len(read.cols)
                nbytes += read.cols.nbytes
                if steps is not None:
                    steps(endpoint, i + len(chunk), len(starts))
            load = DatasetLoad(endpoint, rows, nbytes, time.monotonic() - started)
        except F1GraphError as exc:
            load = DatasetLoad(endpoint, 0, 0, time.monotonic() - started, exc.message)
        if progress is not None:
            progress(load)
        loads.append(load)
    return loads

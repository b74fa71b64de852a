"""``f1graph preload`` and ``f1graph record``: the command-line side of preload and record."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from f1graph.cli.progress import Bars
from f1graph.errors import F1GraphError
from f1graph.openf1 import SESSION_DATASETS
from f1graph.openf1.recording import Recorder
from f1graph.runtime import DatasetLoad, build_services, preload_session
from f1graph.settings import Settings

NO_REDIS = (
    "F1GRAPH_REDIS_URL is not set, so a running f1graph caches in its own memory, which this "
    "command cannot reach: there is nothing to warm. Set F1GRAPH_REDIS_URL to the Redis the "
    "servers use, or ask a server itself (mutation { preloadSession(sessionKey: ...) })."
)


async def preload(
    settings: Settings, session_key: int, telemetry: bool, out: TextIO | None = None
) -> int:
    """Warm the shared (Redis) cache with a session; 2 when no Redis is configured, 1 when a
    dataset failed, else 0."""
    out = out or sys.stderr
    if settings.redis_url is None:
        print(f"f1graph preload: {NO_REDIS}", file=out)
        return 2
    services = build_services(settings)
    if not await services.cache.backend.ping():
        await services.aclose()
        print(
            f"f1graph preload: Redis at {settings.redis_url} cannot be reached, so there is no "
            "shared cache to warm. Start it (or fix F1GRAPH_REDIS_URL) and run this again.",
            file=out,
        )
        return 2
    bars = Bars(out)
    for endpoint in ("sessions", *SESSION_DATASETS):
        bars.add(endpoint)

    def progress(load: DatasetLoad) -> None:
        note = f"{load.rows} rows, {load.bytes / 1e6:.2f} MB" if not load.error else load.error
        bars.update(load.endpoint, 1, 1, note)

    try:
        report = await preload_session(
            services, session_key, telemetry=telemetry, progress=progress
        )
    except F1GraphError as exc:
        bars.close()
        print(f"f1graph preload: {exc.message}", file=out)
        return 1
    finally:
        await services.aclose()
    bars.update("sessions", 1, 1, "loaded")
    bars.close()
    failed = [d for d in report.datasets if d.error]
    print(
        f"Preloaded session {session_key} into {settings.redis_url}: {report.total_rows} rows, "
        f"{report.total_bytes / 1e6:.1f} MB in {report.duration_s:.1f} s"
        + (f"; {len(failed)} datasets failed." if failed else "."),
        file=out,
    )
    return 1 if failed else 0


async def record(
    settings: Settings,
    session_keys: list[int],
    directory: Path,
    telemetry: bool,
    out: TextIO | None = None,
) -> int:
    """Record sessions from the configured source into ``directory``; 1 on failure."""
    out = out or sys.stderr
    services = build_services(settings)
    if not await services.cache.backend.ping():
        await services.aclose()
        print(
            f"f1graph preload: Redis at {settings.redis_url} cannot be reached, so there is no "
            "shared cache to warm. Start it (or fix F1GRAPH_REDIS_URL) and run this again.",
            file=out,
        )
        return 2
    bars = Bars(out)

    def progress(session_key: int, endpoint: str, done: int, total: int, note: str) -> None:
        bars.update(f"{session_key}/{endpoint}", done, total, note)

    recorder = Recorder(
        services.source,
        directory,
        telemetry=telemetry,
        window_s=settings.telemetry_window_s,
        progress=progress,
    )
    try:
        recorded = await recorder.record(session_keys)
    except F1GraphError as exc:
        bars.close()
        print(f"f1graph record: {exc.message} Run the same command again to resume.", file=out)
        return 1
    finally:
        await services.aclose()
    bars.close()
    fresh = [r for r in recorded if not r.skipped]
    print(
        f"Recorded {len(session_keys)} sessions into {directory}: {len(fresh)} datasets written, "
        f"{len(recorded) - len(fresh)} already there. Serve them with F1GRAPH_SOURCE={directory}.",
        file=out,
    )
    return 0

"""``f1graph export-schema``, ``preload`` and ``record``: the command-line side of each.

Exit codes: 0 done, 1 done in part (a dataset failed; run again to resume), 2 nothing done
because of something the user can fix (an unknown session, a bad ``--out``, Redis or OpenF1
unreachable), always with one line saying what.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from pathlib import Path
from typing import TextIO

from redis.exceptions import RedisError

from f1graph.cli.progress import Bars
from f1graph.errors import F1GraphError, NotFoundError, UpstreamError, UpstreamLiveSessionError
from f1graph.openf1 import where
from f1graph.openf1.recording import Recorder
from f1graph.runtime import DatasetLoad, build_services, preload_session
from f1graph.settings import Settings

NO_REDIS = (
    "F1GRAPH_REDIS_URL is not set, so a running f1graph caches in its own memory, which this "
    "command cannot reach: there is nothing to warm. Set F1GRAPH_REDIS_URL to the Redis the "
    "servers use, or ask a server itself (mutation { preloadSession(sessionKey: ...) })."
)


def export_schema(out: Path | None) -> int:
    """Print the SDL, or write it to ``out``; 2 when ``out`` cannot be written."""
    from f1graph.schema import schema

    text = schema.as_str() + "\n"
    if out is None:
        sys.stdout.write(text)
        return 0
    try:
        out.write_text(text)
    except OSError as exc:
        print(f"f1graph export-schema: cannot write --out {out}: {exc.strerror}.", file=sys.stderr)
        return 2
    return 0


async def preload(
    settings: Settings, session_key: int, telemetry: bool, out: TextIO | None = None
) -> int:
    """Warm the shared (Redis) cache with a session, showing every step (see the exit codes)."""
    out = out or sys.stderr
    prog = "f1graph preload"
    if settings.redis_url is None:
        print(f"{prog}: {NO_REDIS}", file=out)
        return 2
    services = build_services(settings)
    try:
        if not await services.cache.backend.ping():
            print(
                f"{prog}: Redis at {settings.redis_url} cannot be reached, so there is no "
                "shared cache to warm. Start it (or fix F1GRAPH_REDIS_URL) and run this again.",
                file=out,
            )
            return 2
        bars = Bars(out)
        bars.add("sessions", note="looking the session up")

        def loaded(load: DatasetLoad) -> None:
            bars.update("sessions", 1, 1, "found")
            note = f"{load.rows} rows, {load.bytes / 1e6:.2f} MB" if not load.error else load.error
            bars.update(load.endpoint, 1, 1, note)

        try:
            report = await preload_session(
                services,
                session_key,
                telemetry=telemetry,
                progress=loaded,
                steps=lambda endpoint, done, total: bars.update(
                    endpoint, done, total, f"{done}/{total} windows"
                ),
            )
        except (NotFoundError, UpstreamError) as exc:
            bars.close()
            print(f"{prog}: {exc.message}", file=out)
            return 2
        except (RedisError, OSError) as exc:
            bars.close()
            print(f"{prog}: Redis at {settings.redis_url} failed: {exc}", file=out)
            return 2
    finally:
        await services.aclose()
    bars.update("sessions", 1, 1, "loaded")
    bars.close()
    failed = [d for d in report.datasets if d.error]
    print(
        f"Preloaded session {session_key} into {settings.redis_url}: {report.total_rows} rows, "
        f"{report.total_bytes / 1e6:.1f} MB in {report.duration_s:.1f} s"
        + (f"; {len(failed)} datasets failed (run again to retry them)." if failed else "."),
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
    """Record sessions from the configured source into ``directory`` (see the exit codes);
    an unknown session or an unreachable OpenF1 leaves nothing behind."""
    out = out or sys.stderr
    prog = "f1graph record"
    problem, existed = await asyncio.to_thread(_out_problem, directory)
    if problem:
        print(f"{prog}: {problem}", file=out)
        return 2
    services = build_services(settings)
    if not await services.cache.backend.ping():
        await services.aclose()
        print(
            f"{prog}: Redis at {settings.redis_url} cannot be reached (the OpenF1 rate budget "
            "shared with the servers). Start it, or unset F1GRAPH_REDIS_URL to record on a "
            "budget of its own, and run this again.",
            file=out,
        )
        return 2
    bars = Bars(out)
    try:
        for key in session_keys:  # every session exists before anything is written
            bars.update(f"{key}/sessions", 0, 1, "looking the session up")
            rows = await services.source.fetch("sessions", where(session_key=key))
            if rows.strip() in (b"[]", b""):
                bars.close()
                print(f"{prog}: OpenF1 has no session {key}; nothing was recorded.", file=out)
                return 2
            bars.update(f"{key}/sessions", 1, 1, "found")
        recorder = Recorder(
            services.source,
            directory,
            telemetry=telemetry,
            window_s=settings.telemetry_window_s,
            progress=lambda key, endpoint, done, total, note: bars.update(
                f"{key}/{endpoint}", done, total, note
            ),
        )
        recorded = await recorder.record(session_keys)
    except F1GraphError as exc:
        bars.close()
        nothing = await asyncio.to_thread(_remove_if_empty, directory, existed)
        unreachable = isinstance(exc, UpstreamError) and not isinstance(
            exc, UpstreamLiveSessionError
        )
        if unreachable and nothing:
            print(f"{prog}: {exc.message} Nothing was recorded.", file=out)
            return 2
        print(f"{prog}: {exc.message} Run the same command again to resume.", file=out)
        return 1
    except OSError as exc:  # --out passed the checks but cannot be written (or the disk filled)
        bars.close()
        nothing = await asyncio.to_thread(_remove_if_empty, directory, existed)
        target = exc.filename or directory
        if nothing:
            print(f"{prog}: cannot write {target}: {exc.strerror}. Nothing was recorded.", file=out)
            return 2
        print(
            f"{prog}: cannot write {target}: {exc.strerror}. Run the same command again to resume.",
            file=out,
        )
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


def _out_problem(directory: Path) -> tuple[str | None, bool]:
    """Why ``--out`` cannot be recorded into (or ``None``), and whether it exists already."""
    existed = directory.exists()
    if existed and not directory.is_dir():
        return f"--out {directory} is a file, not a directory.", existed
    parent = directory if existed else _existing_parent(directory)
    if not parent.is_dir():
        return f"--out {directory}: {parent} is not a directory.", existed
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"--out {directory}: {parent} is not writable.", existed
    return None, existed


def _existing_parent(path: Path) -> Path:
    for parent in path.absolute().parents:
        if parent.exists():
            return parent
    return Path("/")


def _remove_if_empty(directory: Path, existed: bool) -> bool:
    """Whether no dataset was written into ``directory``; if so and this run made it, remove
    it (a half-written file is a temporary name, not data)."""
    written = directory.exists() and any(
        p.is_file() and p.suffix in (".json", ".gz") for p in directory.rglob("*")
    )
    if not written and not existed:
        shutil.rmtree(directory, ignore_errors=True)
    return not written

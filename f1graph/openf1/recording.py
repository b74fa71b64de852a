"""Record sessions for offline use, in the layout ``F1GRAPH_SOURCE=DIR`` serves.

``DIR/sessions.json`` and ``DIR/meetings.json`` hold the sessions and meetings recorded (merged
with those already there); ``DIR/<session_key>/<endpoint>.json`` holds what the source answered
for ``<endpoint>?session_key=<session_key>``, byte for byte, gzipped (``.json.gz``, mtime 0)
when over 5 MB. Telemetry (``car_data``, ``location``) is fetched in time windows for every
car at once and written in date order (then car), as the shared recordings are.

Resumable: every file is written to a temporary name and renamed, so a file that exists is
complete and is skipped; telemetry windows are kept as they arrive under ``.parts/`` and only
the missing ones are fetched again.
"""

from __future__ import annotations

import asyncio
import gzip
import os
import shutil
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import orjson

from f1graph.errors import NotFoundError
from f1graph.openf1 import SESSION_DATASETS, Filter, Source, where

T = TypeVar("T")

GZIP_OVER_BYTES = 5_000_000
TELEMETRY = ("car_data", "location")
MARGIN = timedelta(minutes=30)  # cars report before the start and after the flag
DEFAULT_LENGTH = timedelta(hours=3)  # a session whose end is unknown

# (session key, dataset, units done, units in all, note) as the recording goes
RecordProgress = Callable[[int, str, int, int, str], None]


@dataclass(frozen=True)
class RecordedDataset:
    """One dataset of one session on disk."""

    session_key: int
    endpoint: str
    rows: int
    skipped: bool  # it was already complete


class Recorder:
    """Writes sessions from ``source`` under ``out``; at most ``parallel`` requests at a time
    (the source's own rate budget still applies)."""

    def __init__(
        self,
        source: Source,
        out: Path,
        *,
        telemetry: bool = False,
        window_s: float = 300.0,
        parallel: int = 4,
        progress: RecordProgress | None = None,
    ) -> None:
        self.source = source
        self.out = out
        self.telemetry = telemetry
        self.window = timedelta(seconds=window_s)
        self.progress = progress or (lambda *args: None)
        self._slots = asyncio.Semaphore(parallel)

    def datasets(self) -> tuple[str, ...]:
        return SESSION_DATASETS + (TELEMETRY if self.telemetry else ())

    async def record(self, session_keys: list[int]) -> list[RecordedDataset]:
        """Record each session in turn; raises :class:`NotFoundError` for an unknown one."""
        out: list[RecordedDataset] = []
        for key in session_keys:
            out += await self.record_session(key)
        return out

    async def record_session(self, session_key: int) -> list[RecordedDataset]:
        self.out.mkdir(parents=True, exist_ok=True)
        sessions = orjson.loads(await self._fetch("sessions", where(session_key=session_key)))
        if not sessions:
            raise NotFoundError(f"Session {session_key} does not exist.")
        session = sessions[0]
        _merge(self.out / "sessions.json", sessions, "session_key")
        meeting_key = session.get("meeting_key")
        if meeting_key is not None:
            meetings = orjson.loads(await self._fetch("meetings", where(meeting_key=meeting_key)))
            _merge(self.out / "meetings.json", meetings, "meeting_key")
        folder = self.out / str(session_key)
        folder.mkdir(exist_ok=True)
        loads = await _all([self._dataset(session_key, folder, e) for e in SESSION_DATASETS])
        if self.telemetry:
            for endpoint in TELEMETRY:
                loads.append(await self._telemetry(session_key, folder, endpoint, session))
        return loads

    async def _fetch(self, endpoint: str, filters: tuple[Filter, ...]) -> bytes:
        async with self._slots:
            return await self.source.fetch(endpoint, filters)

    async def _dataset(self, session_key: int, folder: Path, endpoint: str) -> RecordedDataset:
        if _recorded(folder, endpoint):
            self.progress(session_key, endpoint, 1, 1, "already recorded")
            return RecordedDataset(session_key, endpoint, -1, True)
        self.progress(session_key, endpoint, 0, 1, "fetching")
        body = await self._fetch(endpoint, where(session_key=session_key))
        rows = len(orjson.loads(body))
        await _finish(asyncio.to_thread(write_dataset, folder, endpoint, body))
        self.progress(session_key, endpoint, 1, 1, f"{rows} rows")
        return RecordedDataset(session_key, endpoint, rows, False)

    async def _telemetry(
        self, session_key: int, folder: Path, endpoint: str, session: dict[str, Any]
    ) -> RecordedDataset:
        if _recorded(folder, endpoint):
            self.progress(session_key, endpoint, 1, 1, "already recorded")
            return RecordedDataset(session_key, endpoint, -1, True)
        windows = self._windows(session)
        parts = folder / ".parts" / endpoint
        parts.mkdir(parents=True, exist_ok=True)
        done = sum(1 for i in range(len(windows)) if (parts / f"{i:05d}.json").exists())
        self.progress(session_key, endpoint, done, len(windows), "fetching")

        async def one(i: int, start: datetime) -> None:
            nonlocal done
            part = parts / f"{i:05d}.json"
            if part.exists():
                return
            window = (Filter("date", ">=", start), Filter("date", "<", start + self.window))
            body = await self._fetch(endpoint, where(session_key=session_key) + window)
            await _finish(asyncio.to_thread(_write_atomically, part, body))
            done += 1
            self.progress(session_key, endpoint, done, len(windows), "fetching")

        await _all([one(i, start) for i, start in enumerate(windows)])
        rows = await asyncio.to_thread(_merge_parts, parts, len(windows))
        await asyncio.to_thread(write_dataset, folder, endpoint, orjson.dumps(rows))
        shutil.rmtree(parts)
        if not any((folder / ".parts").iterdir()):
            (folder / ".parts").rmdir()
        self.progress(session_key, endpoint, len(windows), len(windows), f"{len(rows)} rows")
        return RecordedDataset(session_key, endpoint, len(rows), False)

    def _windows(self, session: dict[str, Any]) -> list[datetime]:
        if not session.get("date_start"):
            raise NotFoundError(f"Session {session['session_key']} has no start date.")
        start = datetime.fromisoformat(session["date_start"])
        end_text = session.get("date_end")
        end = datetime.fromisoformat(end_text) if end_text else start + DEFAULT_LENGTH
        at, stop, out = start - MARGIN, end + MARGIN, []
        while at < stop:
            out.append(at)
            at += self.window
        return out


async def _all(work: list[Coroutine[Any, Any, T]]) -> list[T]:
    """Run ``work`` concurrently; on the first failure cancel the rest (no orphan fetches)."""
    tasks = [asyncio.ensure_future(w) for w in work]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


async def _finish(write: Coroutine[Any, Any, T]) -> T:
    """Await a file write that a cancellation must not cut short: the writing thread goes on
    anyway, so a cancelled caller waits for it to end (its temporary file renamed), then stops."""
    task = asyncio.ensure_future(write)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        await asyncio.gather(task, return_exceptions=True)
        raise


def write_dataset(folder: Path, endpoint: str, body: bytes) -> Path:
    """Write one endpoint's rows, gzipped (mtime 0) when over 5 MB; atomically."""
    if len(body) > GZIP_OVER_BYTES:
        return _write_atomically(folder / f"{endpoint}.json.gz", gzip.compress(body, mtime=0))
    return _write_atomically(folder / f"{endpoint}.json", body)


def _recorded(folder: Path, endpoint: str) -> bool:
    return (folder / f"{endpoint}.json").exists() or (folder / f"{endpoint}.json.gz").exists()


def _write_atomically(path: Path, data: bytes) -> Path:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
    return path


def _merge_parts(parts: Path, count: int) -> list[Any]:
    """Every window's rows, by date then car (stable: one instant keeps the source's order)."""
    rows: list[Any] = []
    for i in range(count):
        rows += orjson.loads((parts / f"{i:05d}.json").read_bytes())
    rows.sort(key=lambda r: (datetime.fromisoformat(r["date"]), r.get("driver_number", 0)))
    return rows


def _merge(path: Path, rows: list[dict[str, Any]], key: str) -> None:
    """Add ``rows`` to the JSON array at ``path``, replacing rows with the same ``key``,
    ordered by start date (rows without one first) then key."""
    existing: list[dict[str, Any]] = orjson.loads(path.read_bytes()) if path.exists() else []
    by_key = {row.get(key): row for row in existing}
    by_key.update({row.get(key): row for row in rows})
    merged = sorted(by_key.values(), key=lambda r: (r.get("date_start") or "", r.get(key) or 0))
    _write_atomically(path, orjson.dumps(merged))

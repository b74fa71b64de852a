"""Windows from the cache or from OpenF1: cross-process locks, coalesced requests, stale-on-error.

Upstream requests are sized in car-seconds: one request asks for at most
:data:`CAR_SECONDS_PER_REQUEST` (6,000 car-seconds, about 22,000 samples: one five-minute
window of a full grid), far inside OpenF1's five-second query cap. So a window of every car is
one request, and a run of adjacent windows of one car shares a request (20 windows of 300 s),
which is then split back into its windows, each cached under its own key. A window fetched for
every car is also cached per car (an empty window for a known car that sent nothing), so later
reads of one car find it. Windows of an ended session stay fresh as long as its datasets (30
days by default); a window that may still be filling (live) stays fresh 10 seconds.

A stale window younger than ``F1GRAPH_MAX_STALE`` past its fresh time is answered at once
(marked stale) and refreshed in the background; a request waits for OpenF1 no longer than its
deadline (:mod:`f1graph.data.deadline`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from f1graph.cache import Cache, Entry, fetch_once
from f1graph.data.deadline import DeadlineExceededError, in_background, within_deadline
from f1graph.errors import UpstreamError
from f1graph.openf1 import Filter, Source
from f1graph.openf1.filters import Filters
from f1graph.settings import Settings
from f1graph.telemetry.windows import (
    Columns,
    Span,
    WindowKey,
    columns_for,
    pack_window,
    split_by_driver,
    time_ordered,
    unpack_window,
)

CAR_SECONDS_PER_REQUEST = 6_000.0
_DECODE_IN_THREAD_BYTES = 1_000_000
FILLING_FOR_S = 60.0  # OpenF1 publishes live samples a few seconds late
FILLING_TTL_S = 10.0


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """What fetching a session's telemetry needs: its span, how long windows stay fresh [s],
    the cars known to take part, and the season (for the DRS rules)."""

    session_key: int
    span: Span
    fresh_s: float
    drivers: tuple[int, ...]
    season: int


@dataclass(frozen=True, slots=True)
class Window:
    """One window's columns, fresh until ``fresh_until`` (epoch s); ``stale`` when served from
    an expired cache entry because OpenF1 failed."""

    cols: Columns
    fresh_until: float
    stale: bool = False


def window_fresh_s(end_ms: int, fresh_s: float, now: float) -> float:
    """How long a window stays fresh [s]: the session's TTL, but only a few seconds while the
    window may still be filling (it ends less than a minute ago, or later: a live session)."""
    if end_ms / 1000 > now - FILLING_FOR_S:
        return min(fresh_s, FILLING_TTL_S)
    return fresh_s


def windows_per_request(window_s: float) -> int:
    """Adjacent windows of one car that one upstream request may cover."""
    return max(1, int(CAR_SECONDS_PER_REQUEST // window_s))


def request_runs(wkeys: Sequence[WindowKey], span: Span, per_request: int) -> list[list[WindowKey]]:
    """The upstream requests for ``wkeys``: one per window of every car; runs of adjacent
    windows of one car, at most ``per_request`` long."""
    runs: list[list[WindowKey]] = []
    for wkey in sorted(wkeys, key=lambda k: (k.endpoint, k.driver_number or -1, k.start_ms)):
        last = runs[-1][-1] if runs else None
        if (
            wkey.driver_number is not None
            and last is not None
            and (last.endpoint, last.driver_number) == (wkey.endpoint, wkey.driver_number)
            and last.start_ms + span.window_ms == wkey.start_ms
            and len(runs[-1]) < per_request
        ):
            runs[-1].append(wkey)
        else:
            runs.append([wkey])
    return runs


def _iso(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


class WindowFetcher:
    """Loads windows of one session: fresh cache entries, else OpenF1 (once across processes)."""

    def __init__(self, source: Source, cache: Cache, settings: Settings) -> None:
        self.source = source
        self.cache = cache
        self.settings = settings
        self._refreshing: set[WindowKey] = set()

    async def cached(
        self, wkeys: Sequence[WindowKey], info: SessionInfo
    ) -> tuple[dict[WindowKey, Window], dict[WindowKey, Entry | None]]:
        """The windows with a fresh cache entry, and the others with their stale entry if any."""
        entries = await asyncio.gather(*(self.cache.get(k.cache_key) for k in wkeys))
        fresh: dict[WindowKey, Window] = {}
        others: dict[WindowKey, Entry | None] = {}
        for wkey, entry in zip(wkeys, entries, strict=True):
            window = None if entry is None else self._decode(wkey, entry, info.span)
            if window is not None and entry is not None and not entry.stale:
                fresh[wkey] = window
            else:
                others[wkey] = entry
        return fresh, others

    async def load(self, wkeys: Sequence[WindowKey], info: SessionInfo) -> dict[WindowKey, Window]:
        """Every window of ``wkeys``; raises the upstream error when one can be served neither
        by OpenF1 nor by a stale cache entry."""
        out, missing = await self.cached(wkeys, info)
        now = time.time()
        at_once: list[WindowKey] = []
        for wkey, entry in list(missing.items()):
            if entry is not None and now < entry.fresh_until + self.settings.max_stale_s:
                window = self._decode(wkey, entry, info.span, True)
                if window is not None:
                    out[wkey] = window
                    at_once.append(wkey)
                    del missing[wkey]
        if at_once:
            self._revalidate(at_once, info)
        if missing:
            fetched = self._fetch_locked(missing, info)
            try:
                out.update(await within_deadline(fetched, f"OpenF1 /{wkeys[0].endpoint}"))
            except DeadlineExceededError:  # past the deadline: what the cache holds, however old
                for wkey, entry in missing.items():
                    window = self._decode(wkey, entry, info.span, True) if entry else None
                    if window is None:
                        raise
                    out[wkey] = window
        return out

    def _revalidate(self, wkeys: list[WindowKey], info: SessionInfo) -> None:
        """Refresh stale windows in the background, each once however many requests ask."""
        todo = [k for k in wkeys if k not in self._refreshing]
        if not todo:
            return
        self._refreshing.update(todo)

        async def refresh() -> None:
            try:
                _, entries = await self.cached(todo, info)
                if entries:
                    await self._fetch_locked(entries, info)
            finally:
                self._refreshing.difference_update(todo)

        in_background(refresh())

    def _decode(
        self, wkey: WindowKey, entry: Entry, span: Span, stale: bool = False
    ) -> Window | None:
        end = wkey.start_ms + span.window_ms
        cols = unpack_window(entry.payload, wkey.endpoint, wkey.start_ms, end)
        return None if cols is None else Window(cols, entry.fresh_until, stale)

    async def _fetch_locked(
        self, entries: dict[WindowKey, Entry | None], info: SessionInfo
    ) -> dict[WindowKey, Window]:
        """Fetch what another process is not already fetching; wait for what it is."""

        async def stored(wkey: WindowKey) -> Window | None:
            entry = await self.cache.get(wkey.cache_key)
            if entry is None or entry.stale:
                return None
            return self._decode(wkey, entry, info.span)

        return await fetch_once(
            self.cache.backend,
            entries,
            lambda wkey: wkey.cache_key,
            lambda mine: self._fetch(mine, info),
            stored,
        )

    async def _fetch(
        self, entries: dict[WindowKey, Entry | None], info: SessionInfo
    ) -> dict[WindowKey, Window]:
        runs = request_runs(
            list(entries), info.span, windows_per_request(self.settings.telemetry_window_s)
        )
        results = await asyncio.gather(
            *(self._fetch_run(run, info) for run in runs), return_exceptions=True
        )
        out: dict[WindowKey, Window] = {}
        for run, result in zip(runs, results, strict=True):
            if not isinstance(result, BaseException):
                out.update(result)
                continue
            if not isinstance(result, UpstreamError):
                raise result
            for wkey in run:  # OpenF1 failed: serve what the cache still holds, marked stale
                entry = entries[wkey]
                window = self._decode(wkey, entry, info.span, True) if entry is not None else None
                if window is None:
                    raise result
                out[wkey] = window
        return out

    async def _fetch_run(self, run: list[WindowKey], info: SessionInfo) -> dict[WindowKey, Window]:
        first, window_ms = run[0], info.span.window_ms
        start, end = first.start_ms, run[-1].start_ms + window_ms
        filters: Filters = (
            Filter("session_key", "=", first.session_key),
            *(
                ()
                if first.driver_number is None
                else (Filter("driver_number", "=", first.driver_number),)
            ),
            Filter("date", ">=", _iso(start)),
            Filter("date", "<", _iso(end)),
        )
        body = await self.source.fetch(first.endpoint, filters)
        decode = columns_for(first.endpoint).from_json
        if len(body) > _DECODE_IN_THREAD_BYTES:
            cols: Columns = await asyncio.to_thread(decode, body)
        else:
            cols = decode(body)
        cols = time_ordered(cols)
        now = time.time()
        out: dict[WindowKey, Window] = {}
        puts: list[tuple[WindowKey, Columns, float]] = []
        bounds = np.searchsorted(cols.date_ms, [w.start_ms for w in run] + [end])
        for i, wkey in enumerate(run):
            part = cols.take(np.arange(bounds[i], bounds[i + 1]))
            fresh_s = window_fresh_s(wkey.start_ms + window_ms, info.fresh_s, now)
            out[wkey] = Window(part, now + fresh_s)
            puts.append((wkey, part, fresh_s))
            if wkey.driver_number is None:
                per_car = split_by_driver(part)
                for number in sorted(set(per_car) | set(info.drivers)):
                    own = per_car.get(number, type(part).empty())
                    puts.append((wkey.for_driver(number), own, fresh_s))
        await asyncio.gather(
            *(
                self.cache.put(
                    wkey.cache_key,
                    pack_window(wkey.start_ms, wkey.start_ms + window_ms, part),
                    fresh_s,
                )
                for wkey, part, fresh_s in puts
            )
        )
        return out

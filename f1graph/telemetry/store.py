"""The telemetry store: car data and location of (session, car, time range), read by windows.

The read path for a range is: the range itself if it was stitched from its windows before
and they are all still fresh -> decoded windows held in this process (an LRU bounded by bytes,
so a warm read does not even decode) -> cache entries (while fresh) -> OpenF1, each missing
window fetched once however many callers want it (single-flight in the process, a Redis lock
across processes), stale entries served and marked stale when OpenF1 fails.

A batch of ranges (one GraphQL request's) is fetched in whichever shape takes fewer upstream
requests: per car (runs of adjacent windows share a request), or per window for every car at
once (one request per window, split by car). Twenty cars' lap 5 is two requests; one car's
whole race is three.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache

from f1graph.cache import Cache, fresh_ttl_s, reads
from f1graph.cache.singleflight import SingleFlight
from f1graph.data import Datasets
from f1graph.errors import NotFoundError, UpstreamError
from f1graph.observe import metrics
from f1graph.openf1 import DRIVERS, ENDPOINTS, LAPS, SESSIONS, Source
from f1graph.settings import Settings
from f1graph.telemetry.fetch import (
    SessionInfo,
    Window,
    WindowFetcher,
    request_runs,
    windows_per_request,
)
from f1graph.telemetry.windows import (
    Columns,
    Span,
    WindowKey,
    between,
    columns_for,
    concat,
    split_by_driver,
)

DEFAULT_GRID = 20  # cars assumed when OpenF1 lists none for a session
_ENTRY_OVERHEAD_BYTES = 256


@dataclass(frozen=True, slots=True)
class RangeRequest:
    """One car's ``endpoint`` samples with ``from_ms <= date < to_ms`` (None: open side)."""

    session_key: int
    endpoint: str
    driver_number: int
    from_ms: int | None = None
    to_ms: int | None = None


@dataclass(frozen=True, slots=True)
class Read:
    """Columns read for a range; ``stale`` when part came from an expired cache entry."""

    cols: Columns
    stale: bool


class TelemetryStore:
    """Where every part of f1graph gets ``car_data`` and ``location`` from."""

    def __init__(
        self, source: Source, cache: Cache, datasets: Datasets, settings: Settings
    ) -> None:
        self.datasets = datasets
        self.settings = settings
        self.fetcher = WindowFetcher(source, cache, settings)
        self.decoded: LRUCache[WindowKey, Window] = LRUCache(
            maxsize=max(1, settings.cache_max_bytes // 4),
            getsizeof=lambda w: w.cols.nbytes + _ENTRY_OVERHEAD_BYTES,
        )
        # Ranges already stitched from their windows, so a repeated read does not concatenate
        # again; each is kept while all its windows are fresh.
        self.assembled: LRUCache[tuple[int, str, int, int, int], Window] = LRUCache(
            maxsize=max(1, settings.cache_max_bytes // 16),
            getsizeof=lambda w: w.cols.nbytes + _ENTRY_OVERHEAD_BYTES,
        )
        self.split: LRUCache[tuple[int, str, int, int], tuple[dict[int, Columns], float]] = (
            LRUCache(
                maxsize=max(1, settings.cache_max_bytes // 16),
                getsizeof=lambda v: sum(c.nbytes for c in v[0].values()) + _ENTRY_OVERHEAD_BYTES,
            )
        )
        self._flight: SingleFlight[WindowKey, Window] = SingleFlight()

    async def session_info(self, session_key: int) -> SessionInfo:
        """The session's span, freshness, cars and season; NOT_FOUND for an unknown session."""
        rows = (await self.datasets.get(SESSIONS, session_key)).rows
        if not rows:
            raise NotFoundError(f"Session {session_key} does not exist.")
        session = rows[0]
        if session.date_start is None or session.date_end is None:
            raise NotFoundError(
                f"Session {session_key} has no start and end time in OpenF1, "
                "so its telemetry cannot be placed."
            )
        span = Span.of_session(
            session.date_start, session.date_end, self.settings.telemetry_window_s
        )
        fresh_s = fresh_ttl_s(
            ENDPOINTS["car_data"].ttl_s, session.date_end, self.settings.ended_session_ttl_s
        )
        try:
            drivers = (await self.datasets.get(DRIVERS, session_key)).by_driver
        except UpstreamError:
            drivers = {}  # only used to cache empty windows per car; telemetry can do without
        season = session.year if session.year is not None else session.date_start.year
        return SessionInfo(session_key, span, fresh_s, tuple(sorted(drivers)), season)

    async def grid_size(self, info: SessionInfo) -> int:
        """Cars in the session: OpenF1's drivers, else those with laps, else a full grid."""
        if info.drivers:
            return len(info.drivers)
        laps = (await self.datasets.get(LAPS, info.session_key)).by_driver
        return len(laps) or DEFAULT_GRID

    async def read(self, requests: Sequence[RangeRequest]) -> list[Read]:
        """Each range's columns, in order, with the batch's windows fetched together."""
        by_session: dict[tuple[int, str], list[RangeRequest]] = defaultdict(list)
        for request in requests:
            columns_for(request.endpoint)
            by_session[(request.session_key, request.endpoint)].append(request)
        results: dict[RangeRequest, Read] = {}
        for group in by_session.values():
            info = await self.session_info(group[0].session_key)
            results.update(await self._read_group(group, info))
        return [results[r] for r in requests]

    async def session_columns(
        self,
        session_key: int,
        endpoint: str,
        from_ms: int | None = None,
        to_ms: int | None = None,
    ) -> Read:
        """Every car's samples with ``from_ms <= date < to_ms`` (default: the whole span), read
        by windows of every car, in time order."""
        window = await self._every_car(session_key, endpoint, from_ms, to_ms)
        return Read(window.cols, window.stale)

    async def by_car(
        self,
        session_key: int,
        endpoint: str,
        from_ms: int | None = None,
        to_ms: int | None = None,
    ) -> tuple[dict[int, Columns], bool]:
        """:meth:`session_columns` split per car (ascending car number), and whether stale."""
        info = await self.session_info(session_key)
        key = (session_key, endpoint, *info.span.clip(from_ms, to_ms))
        held = self.split.get(key)
        if held is not None and held[1] > time.time():
            reads.note_fresh_until(held[1])
            return held[0], False
        window = await self._every_car(session_key, endpoint, from_ms, to_ms)
        per_car = split_by_driver(window.cols)
        if not window.stale:
            self.split[key] = (per_car, window.fresh_until)
        return per_car, window.stale

    async def _every_car(
        self, session_key: int, endpoint: str, from_ms: int | None, to_ms: int | None
    ) -> Window:
        info = await self.session_info(session_key)
        starts = info.span.window_starts(from_ms, to_ms)
        wkeys = [WindowKey(session_key, endpoint, None, s) for s in starts]
        windows = await self._windows(wkeys, info)
        parts = [windows[k] for k in wkeys]
        start, end = info.span.clip(from_ms, to_ms)
        cols = between(concat(endpoint, [w.cols for w in parts]), start, end)
        fresh_until = min((w.fresh_until for w in parts), default=time.time())
        reads.note_fresh_until(fresh_until)
        return Window(cols, fresh_until, any(w.stale for w in parts))

    async def _read_group(
        self, group: list[RangeRequest], info: SessionInfo
    ) -> dict[RangeRequest, Read]:
        span, now = info.span, time.time()
        out: dict[RangeRequest, Read] = {}
        wanted: dict[RangeRequest, list[WindowKey]] = {}
        for r in group:
            stitched = self.assembled.get(self._range_key(r, span))
            if stitched is not None and stitched.fresh_until > now:
                reads.note_fresh_until(stitched.fresh_until)
                out[r] = Read(stitched.cols, False)
                continue
            wanted[r] = [
                WindowKey(r.session_key, r.endpoint, r.driver_number, s)
                for s in span.window_starts(r.from_ms, r.to_ms)
            ]
        needed = list(dict.fromkeys(k for ks in wanted.values() for k in ks))
        have = {k: w for k in needed if (w := self._held(k)) is not None}
        missing = [k for k in needed if k not in have]
        if missing:
            have.update(await self._fetch_shaped(missing, info))
        for request, wkeys in wanted.items():
            parts = [have[k] for k in wkeys]
            start, end = span.clip(request.from_ms, request.to_ms)
            cols = between(concat(request.endpoint, [w.cols for w in parts]), start, end)
            stale = any(w.stale for w in parts)
            if not stale:
                fresh_until = min((w.fresh_until for w in parts), default=now)
                reads.note_fresh_until(fresh_until)
                self.assembled[self._range_key(request, span)] = Window(cols, fresh_until)
            out[request] = Read(cols, stale)
        return out

    @staticmethod
    def _range_key(request: RangeRequest, span: Span) -> tuple[int, str, int, int, int]:
        start, end = span.clip(request.from_ms, request.to_ms)
        return request.session_key, request.endpoint, request.driver_number, start, end

    async def _fetch_shaped(
        self, missing: list[WindowKey], info: SessionInfo
    ) -> dict[WindowKey, Window]:
        """Per car, or per window for every car, whichever takes fewer upstream requests."""
        found, _ = await self.fetcher.cached(missing, info)
        for wkey, window in found.items():
            self.decoded[wkey] = window
        missing = [k for k in missing if k not in found]
        if not missing:
            return found
        per_request = windows_per_request(self.settings.telemetry_window_s)
        per_car = len(request_runs(missing, info.span, per_request))
        starts = sorted({k.start_ms for k in missing})
        if len(starts) >= per_car:
            return found | await self._windows(missing, info)
        endpoint, session_key = missing[0].endpoint, missing[0].session_key
        every = [WindowKey(session_key, endpoint, None, s) for s in starts]
        windows = await self._windows(every, info)
        by_start = {k.start_ms: windows[k] for k in every}
        out = dict(found)
        for wkey in missing:
            whole = by_start[wkey.start_ms]
            out[wkey] = Window(
                whole.cols.select_driver(wkey.driver_number or 0), whole.fresh_until, whole.stale
            )
        return out

    def _held(self, wkey: WindowKey) -> Window | None:
        window = self.decoded.get(wkey)
        if window is not None and window.fresh_until > time.time():
            return window
        return None

    async def _windows(self, wkeys: list[WindowKey], info: SessionInfo) -> dict[WindowKey, Window]:
        """Windows from this process, else loaded once however many callers want them."""
        out = {k: w for k in wkeys if (w := self._held(k)) is not None}
        missing = [k for k in wkeys if k not in out]
        for wkey in wkeys:
            metrics.cache_lookup("telemetry_windows", wkey in out)
        if missing:
            out.update(await self._flight.many(missing, lambda ks: self._load(ks, info)))
        return out

    async def _load(self, wkeys: list[WindowKey], info: SessionInfo) -> dict[WindowKey, Window]:
        windows = await self.fetcher.load(wkeys, info)
        for wkey, window in windows.items():
            if not window.stale:
                self.decoded[wkey] = window
        return windows

    def drop_session(self, session_key: int) -> int:
        """Forget the session's windows and ranges held in this process (the cache's entries go
        with :meth:`f1graph.data.datasets.Datasets.drop_session`); return how many there were."""
        windows = [k for k in self.decoded if k.session_key == session_key]
        ranges = [k for k in self.assembled if k[0] == session_key]
        splits = [k for k in self.split if k[0] == session_key]
        for wkey in windows:
            self.decoded.pop(wkey, None)
        for rkey in ranges:
            self.assembled.pop(rkey, None)
        for skey in splits:
            self.split.pop(skey, None)
        return len(windows) + len(ranges) + len(splits)

    def stats(self) -> dict[str, Any]:
        """Decoded windows and stitched ranges held in this process, and their bytes."""
        return {
            "windows": len(self.decoded),
            "bytes": int(self.decoded.currsize),
            "ranges": len(self.assembled),
            "rangeBytes": int(self.assembled.currsize),
        }

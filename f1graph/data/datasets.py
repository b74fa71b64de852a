"""Session datasets: a session's whole endpoint, fetched once, cached, parsed once, indexed.

The read path for ``(endpoint, session)`` is: parsed copy in this process (while fresh) ->
cache entry (while fresh) -> one upstream fetch shared by every concurrent caller (in this
process by single-flight, across processes by a Redis lock), batching several sessions into one
call with repeated ``session_key`` (ORed by OpenF1). When OpenF1 fails, a stale entry is served
and marked stale; with nothing to serve, the upstream error is raised.

Stale at once: an entry past its fresh time by less than ``F1GRAPH_MAX_STALE`` is answered
immediately (marked stale) and refreshed in the background (stale-while-revalidate); an older
one waits for OpenF1 like a miss, and is served only if OpenF1 fails. A request waits for
OpenF1 no longer than its deadline (:mod:`f1graph.data.deadline`); the fetch goes on after it.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from functools import cached_property
from typing import Any, Generic, TypeVar

import msgspec
from cachetools import LRUCache

from f1graph.cache import Cache, Entry, fetch_once, fresh_ttl_s, keys, reads
from f1graph.cache.singleflight import SingleFlight
from f1graph.data.deadline import DeadlineExceededError, in_background, within_deadline
from f1graph.errors import NotFoundError, UpstreamError
from f1graph.observe import metrics
from f1graph.openf1 import ENDPOINTS, SESSIONS, Endpoint, Filters, Source, where
from f1graph.openf1.filters import to_query_string
from f1graph.settings import Settings

_DRIVER_ORDER = {"laps": "lap_number", "stints": "stint_number"}
R = TypeVar("R")


class Dataset(Generic[R]):
    """One endpoint's rows for one session (parsed records of the endpoint's type ``R``), with
    indexes by driver and lap."""

    def __init__(
        self, endpoint: str, session_key: int, rows: list[R], nbytes: int, fresh_until: float
    ) -> None:
        self.endpoint = endpoint
        self.session_key = session_key
        self.rows = rows
        self.nbytes = nbytes
        self.fresh_until = fresh_until
        self.stale = False

    def __len__(self) -> int:
        return len(self.rows)

    @cached_property
    def stale_copy(self) -> Dataset[R]:
        """The same rows marked stale (made once, so derived values are shared)."""
        copy = Dataset(self.endpoint, self.session_key, self.rows, self.nbytes, self.fresh_until)
        copy.stale = True
        return copy

    @cached_property
    def by_driver(self) -> dict[int, list[R]]:
        """Rows per ``driver_number``: laps by lap number, stints by stint number, the rest in
        the dataset's (time) order."""
        out: dict[int, list[R]] = defaultdict(list)
        for row in self.rows:
            number = getattr(row, "driver_number", None)
            if number is not None:
                out[number].append(row)
        order = _DRIVER_ORDER.get(self.endpoint)
        if order is not None:
            for rows in out.values():
                rows.sort(key=lambda row: getattr(row, order))
        return dict(out)

    @cached_property
    def by_driver_lap(self) -> dict[tuple[int, int], R]:
        """Rows per ``(driver_number, lap_number)``: one lap (or the last row for that lap)."""
        return {
            (getattr(row, "driver_number"), getattr(row, "lap_number")): row  # noqa: B009
            for row in self.rows
            if getattr(row, "lap_number", None) is not None
            and getattr(row, "driver_number", None) is not None
        }

    def for_driver(self, driver_number: int) -> list[R]:
        return self.by_driver.get(driver_number, [])


class Datasets:
    """Where every part of f1graph gets OpenF1 data from (telemetry aside)."""

    def __init__(self, source: Source, cache: Cache, settings: Settings) -> None:
        self.source = source
        self.cache = cache
        self.settings = settings
        self._flight: SingleFlight[str, Dataset[Any]] = SingleFlight()
        self._query_flight: SingleFlight[str, tuple[list[Any], bool]] = SingleFlight()
        self._parsed: LRUCache[str, Dataset[Any]] = LRUCache(maxsize=512)
        self._latest: tuple[float, int] | None = None
        self._refreshing: set[str] = set()

    async def get(self, spec: Endpoint[R], session_key: int) -> Dataset[R]:
        return (await self.get_many(spec, [session_key]))[0]

    async def get_many(self, spec: Endpoint[R], session_keys: Sequence[int]) -> list[Dataset[R]]:
        """Datasets for several sessions, in order; misses share upstream calls."""
        endpoint = spec.name
        if not spec.per_session or spec.telemetry:
            raise ValueError(f"{endpoint} is not fetched as whole-session datasets")
        await reads.touch(session_keys)  # the response cache versions answers by session
        now = time.time()
        out: dict[str, Dataset[Any]] = {}
        missing: list[str] = []
        for sk in session_keys:
            key = keys.dataset_key(sk, endpoint)
            parsed = self._parsed.get(key)
            if parsed is not None and parsed.fresh_until > now:
                out[key] = parsed
            elif parsed is not None and self._serve_at_once(parsed.fresh_until, now):
                out[key] = parsed.stale_copy
                self._revalidate(endpoint, key)
            else:
                missing.append(key)
            metrics.cache_lookup("parsed", key not in missing)
        if missing:
            loaded = self._flight.many(missing, lambda ks: self._load(endpoint, ks))
            try:
                out.update(await within_deadline(loaded, f"OpenF1 /{endpoint}"))
            except DeadlineExceededError as error:
                out.update(await self._stale_or_raise(endpoint, missing, error))
        found = [out[keys.dataset_key(sk, endpoint)] for sk in session_keys]
        for dataset in found:
            reads.note_fresh_until(dataset.fresh_until)
        return found

    async def _stale_or_raise(
        self, endpoint: str, dataset_keys: list[str], error: DeadlineExceededError
    ) -> dict[str, Dataset[Any]]:
        """Past the deadline: what the cache holds, however old, marked stale; else re-raise."""
        out: dict[str, Dataset[Any]] = {}
        for key, entry in zip(dataset_keys, await self._entries(dataset_keys), strict=True):
            if entry is None:
                raise error
            rows = ENDPOINTS[endpoint].decode(entry.payload)
            dataset = Dataset(endpoint, _session_of(key), rows, len(entry.payload), 0.0)
            dataset.stale = True
            out[key] = dataset
        return out

    def _serve_at_once(self, fresh_until: float, now: float) -> bool:
        """Whether an entry past ``fresh_until`` is still young enough to answer at once."""
        return now < fresh_until + self.settings.max_stale_s

    def _revalidate(self, endpoint: str, key: str) -> None:
        """Refresh one dataset in the background, once however many requests ask."""
        if key in self._refreshing:
            return
        self._refreshing.add(key)

        async def refresh() -> None:
            try:  # not through the flight: the request that found the entry may still hold it
                await self._refetch(endpoint, [key])
            finally:
                self._refreshing.discard(key)

        in_background(refresh())

    async def _refetch(self, endpoint: str, dataset_keys: list[str]) -> dict[str, Dataset[Any]]:
        entries = dict(zip(dataset_keys, await self._entries(dataset_keys), strict=True))
        return await self._fetch_locked(endpoint, entries)

    def peek(self, spec: Endpoint[R], session_key: int) -> Dataset[R] | None:
        """The dataset if it is parsed here and fresh, without any I/O; else ``None``."""
        parsed = self._parsed.get(keys.dataset_key(session_key, spec.name))
        return parsed if parsed is not None and parsed.fresh_until > time.time() else None

    async def held(self, spec: Endpoint[R], session_key: int) -> Dataset[R] | None:
        """The dataset if this process or the cache holds it (fresh or stale), without any
        upstream call; else ``None``."""
        key = keys.dataset_key(session_key, spec.name)
        parsed = self._parsed.get(key)
        if parsed is not None:
            return parsed
        entry = await self.cache.get(key)
        if entry is None:
            return None
        rows = spec.decode(entry.payload)
        return Dataset(spec.name, session_key, rows, len(entry.payload), entry.fresh_until)

    async def session_end(self, session_key: int) -> datetime | None:
        rows = (await self.get(SESSIONS, session_key)).rows
        return rows[0].date_end if rows else None

    async def resolve_latest(self) -> int:
        """The concrete key of OpenF1's ``latest`` session (looked up at most once a minute)."""
        if self._latest and time.monotonic() - self._latest[0] < 60:
            return self._latest[1]
        rows, _stale = await self.query(SESSIONS, where(session_key="latest"), ttl_s=60)
        latest = rows[-1].session_key if rows else None
        if latest is None:
            raise NotFoundError("OpenF1 has no latest session.")
        self._latest = (time.monotonic(), latest)
        return latest

    async def query(
        self, spec: Endpoint[R], filters: Filters, ttl_s: float | None = None
    ) -> tuple[list[R], bool]:
        """Rows of a cross-session query (meetings, a session search): ``(rows, stale)``."""
        reads.note_unbounded()  # not one session's data: answers reading it are not cached
        endpoint = spec.name
        canonical = to_query_string(sorted(filters))
        key = keys.query_key(endpoint, canonical)
        fresh_s = spec.ttl_s if ttl_s is None else ttl_s

        async def fetch(entry: Entry | None) -> tuple[list[R], bool]:
            try:
                body = await self.source.fetch(endpoint, filters)
            except UpstreamError:
                if entry is None:
                    raise
                return spec.decode(entry.payload), True
            rows = spec.decode(body)
            await self.cache.put(key, msgspec.json.encode(rows), fresh_s)
            return rows, False

        async def refresh() -> None:
            try:
                await fetch(None)
            finally:
                self._refreshing.discard(key)

        async def load() -> tuple[list[R], bool]:
            entry = await self.cache.get(key)
            if entry is not None and not entry.stale:
                return spec.decode(entry.payload), False
            if entry is not None and self._serve_at_once(entry.fresh_until, time.time()):
                if key not in self._refreshing:
                    self._refreshing.add(key)
                    in_background(refresh())
                return spec.decode(entry.payload), True
            return await fetch(entry)

        loaded = self._query_flight.do(key, load)
        try:
            found: tuple[list[R], bool] = await within_deadline(loaded, f"OpenF1 /{endpoint}")
            return found
        except DeadlineExceededError:
            entry = await self.cache.get(key)
            if entry is None:
                raise
            return spec.decode(entry.payload), True

    async def drop_session(self, session_key: int) -> int:
        """Forget every cached entry of a session, here and in the cache; return the count."""
        self.forget_session(session_key)
        return await self.cache.drop_session(session_key)

    def forget_session(self, session_key: int) -> int:
        """Forget the session's datasets parsed in this process only (another process dropped
        the cache's entries); return how many there were."""
        prefix = keys.session_prefix(session_key)
        doomed = [k for k in self._parsed if k.startswith(prefix)]
        for key in doomed:
            self._parsed.pop(key, None)
        return len(doomed)

    # -- loading -----------------------------------------------------------------------------

    async def _load(self, endpoint: str, dataset_keys: list[str]) -> dict[str, Dataset[Any]]:
        spec = ENDPOINTS[endpoint]
        entries: dict[str, Entry | None] = {}
        out: dict[str, Dataset[Any]] = {}
        now = time.time()
        for key, entry in zip(dataset_keys, await self._entries(dataset_keys), strict=True):
            if entry is not None and not entry.stale:
                out[key] = self._remember(endpoint, key, entry, spec.decode(entry.payload))
            elif entry is not None and self._serve_at_once(entry.fresh_until, now):
                parsed = self._remember(endpoint, key, entry, spec.decode(entry.payload))
                out[key] = parsed.stale_copy
                self._revalidate(endpoint, key)
            else:
                entries[key] = entry
        if entries:
            out.update(await self._fetch_locked(endpoint, entries))
        return out

    async def _entries(self, dataset_keys: list[str]) -> list[Entry | None]:
        return list(await asyncio.gather(*(self.cache.get(k) for k in dataset_keys)))

    async def _fetch_locked(
        self, endpoint: str, entries: dict[str, Entry | None]
    ) -> dict[str, Dataset[Any]]:
        """Fetch what another process is not already fetching; wait for what it is."""

        async def stored(key: str) -> Dataset[Any] | None:
            entry = await self.cache.get(key)
            if entry is None or entry.stale:
                return None
            return self._remember(endpoint, key, entry, ENDPOINTS[endpoint].decode(entry.payload))

        return await fetch_once(
            self.cache.backend,
            entries,
            lambda key: key,
            lambda mine: self._fetch(endpoint, mine),
            stored,
        )

    async def _fetch(
        self, endpoint: str, entries: dict[str, Entry | None]
    ) -> dict[str, Dataset[Any]]:
        spec = ENDPOINTS[endpoint]
        session_of = {key: _session_of(key) for key in entries}
        batch = self.settings.batch_max_sessions
        keys_list = list(entries)
        out: dict[str, Dataset[Any]] = {}
        chunks = [keys_list[i : i + batch] for i in range(0, len(keys_list), batch)]
        results = await asyncio.gather(
            *(self._fetch_chunk(endpoint, [session_of[k] for k in chunk]) for chunk in chunks),
            return_exceptions=True,
        )
        if endpoint != "sessions" and not all(isinstance(r, BaseException) for r in results):
            # the TTL of each dataset needs its session's end: look the sessions up in one batch
            try:
                await self.get_many(SESSIONS, [session_of[k] for k in keys_list])
            except UpstreamError:
                pass  # unknown ends get the short TTL
        for chunk, result in zip(chunks, results, strict=True):
            if isinstance(result, BaseException):
                if not isinstance(result, UpstreamError):
                    raise result
                for key in chunk:
                    entry = entries[key]
                    if entry is None:
                        raise result
                    dataset = Dataset(
                        endpoint,
                        session_of[key],
                        spec.decode(entry.payload),
                        len(entry.payload),
                        entry.fresh_until,
                    )
                    dataset.stale = True
                    out[key] = dataset
                continue
            for key in chunk:
                sk = session_of[key]
                rows = result.get(sk, [])
                payload = msgspec.json.encode(rows)
                end = await self._end_for_ttl(endpoint, sk, rows)
                fresh_s = fresh_ttl_s(spec.ttl_s, end, self.settings.ended_session_ttl_s)
                entry = await self.cache.put(key, payload, fresh_s)
                out[key] = self._remember(endpoint, key, entry, rows)
        return out

    async def _fetch_chunk(self, endpoint: str, session_keys: list[int]) -> dict[int, list[Any]]:
        body = await self.source.fetch(endpoint, where(session_key=session_keys))
        rows = ENDPOINTS[endpoint].decode(body)
        grouped: dict[int, list[Any]] = defaultdict(list)
        for row in rows:
            grouped[row.session_key].append(row)
        return grouped

    async def _end_for_ttl(
        self, endpoint: str, session_key: int, rows: list[Any]
    ) -> datetime | None:
        if endpoint == "sessions":
            return rows[0].date_end if rows else None
        try:
            return await self.session_end(session_key)
        except UpstreamError:
            return None  # unknown end: the short TTL is the safe choice

    def _remember(self, endpoint: str, key: str, entry: Entry, rows: list[Any]) -> Dataset[Any]:
        dataset = Dataset(endpoint, _session_of(key), rows, len(entry.payload), entry.fresh_until)
        self._parsed[key] = dataset
        return dataset


def _session_of(dataset_key: str) -> int:
    return int(dataset_key[len(keys.PREFIX) + len(":session:") :].split(":", 1)[0])

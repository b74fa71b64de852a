"""The per-request telemetry loader: batches a query's ranges, applies the bounds, flags stale.

Every range a request's resolvers ask for in the same tick goes to the store as one batch, so
twenty drivers' lap 5 is fetched as the two windows of every car it overlaps, not as twenty
requests. Series fields go through :meth:`TelemetryLoader.series`, which counts them against
the request's :class:`~f1graph.telemetry.bounds.TelemetryBudget`; analyses read unbounded.
"""

from __future__ import annotations

from typing import Protocol

from aiodataloader import DataLoader

from f1graph.telemetry.bounds import TelemetryBudget
from f1graph.telemetry.fetch import SessionInfo
from f1graph.telemetry.store import RangeRequest, Read, TelemetryStore
from f1graph.telemetry.windows import Columns


class StaleFlag(Protocol):
    """Where a request records that a stale cache entry answered (the request's loaders)."""

    stale: bool


class TelemetryLoader:
    """One request's telemetry reads, over the process's store."""

    def __init__(self, store: TelemetryStore, flag: StaleFlag, max_batch: int = 256) -> None:
        self.store = store
        self.flag = flag
        self.budget = TelemetryBudget(store.settings.max_telemetry_samples)
        self._loader: DataLoader[RangeRequest, Read] = DataLoader(
            self._batch, max_batch_size=max_batch
        )

    async def _batch(self, requests: list[RangeRequest]) -> list[Read]:
        if self.budget.refusal is not None:
            raise self.budget.refusal  # the request is too broad: fetch none of it
        return await self.store.read(requests)

    def _seen(self, read: Read) -> Columns:
        if read.stale:
            self.flag.stale = True
        return read.cols

    async def info(self, session_key: int) -> SessionInfo:
        return await self.store.session_info(session_key)

    async def read(self, request: RangeRequest) -> Columns:
        """One car's range, not counted against the bounds (for analyses)."""
        return self._seen(await self._loader.load(request))

    async def read_many(self, requests: list[RangeRequest]) -> list[Columns]:
        return [self._seen(r) for r in await self._loader.load_many(requests)]

    async def series(self, request: RangeRequest) -> Columns:
        """One car's range for a series field, counted against the request's bounds first."""
        info = await self.store.session_info(request.session_key)
        start, end = info.span.clip(request.from_ms, request.to_ms)
        self.budget.admit(
            request.endpoint, request.session_key, 1, (end - start) / 1000, info.span.duration_s
        )
        return await self.read(request)

    async def every_car_series(
        self, session_key: int, endpoint: str, from_ms: int | None, to_ms: int | None
    ) -> dict[int, Columns]:
        """Every car's samples in a range for a series field, per car, counted against the
        bounds first."""
        info = await self.store.session_info(session_key)
        start, end = info.span.clip(from_ms, to_ms)
        cars = await self.store.grid_size(info)
        self.budget.admit(endpoint, session_key, cars, (end - start) / 1000, info.span.duration_s)
        if self.budget.refusal is not None:
            raise self.budget.refusal
        per_car, stale = await self.store.by_car(session_key, endpoint, start, end)
        if stale:
            self.flag.stale = True
        return per_car

    async def session_columns(self, session_key: int, endpoint: str) -> Columns:
        """Every car's samples over the session's span (for analyses; not counted)."""
        return self._seen(await self.store.session_columns(session_key, endpoint))

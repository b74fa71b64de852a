"""Per-request DataLoaders: every session key a query touches, per endpoint, in one batch."""

from __future__ import annotations

from typing import Any, TypeVar

from aiodataloader import DataLoader

from f1graph.data import Dataset, Datasets
from f1graph.openf1 import SESSIONS, Endpoint, Filters, always_has
from f1graph.telemetry import TelemetryLoader, TelemetryStore

R = TypeVar("R")


class Loaders:
    """One DataLoader per endpoint, created on first use; made afresh for every request."""

    def __init__(self, datasets: Datasets, max_batch: int) -> None:
        self.datasets = datasets
        self.max_batch = max_batch
        self.stale = False  # set when any dataset served came from a stale cache entry
        # (session key, endpoint) of datasets a session of its type always has that came back
        # with no rows, and that an answer was derived from: listed in extensions.unavailable
        self.unavailable: set[tuple[int, str]] = set()
        self._loaders: dict[str, DataLoader[int, Dataset[Any]]] = {}
        self._telemetry: TelemetryLoader | None = None

    def _loader(self, endpoint: Endpoint[Any]) -> DataLoader[int, Dataset[Any]]:
        loader = self._loaders.get(endpoint.name)
        if loader is None:

            async def batch(session_keys: list[int]) -> list[Dataset[Any]]:
                return await self.datasets.get_many(endpoint, session_keys)

            loader = DataLoader(batch, max_batch_size=self.max_batch)
            self._loaders[endpoint.name] = loader
        return loader

    async def dataset(self, endpoint: Endpoint[R], session_key: int) -> Dataset[R]:
        """The session's whole dataset for ``endpoint`` (batched with the request's others)."""
        dataset: Dataset[R] = await self._loader(endpoint).load(session_key)
        if dataset.stale:
            self.stale = True
        return dataset

    async def known(self, endpoint: Endpoint[R], session_key: int) -> Dataset[R] | None:
        """The dataset, or None when it has no rows although a session of its type always has
        them in OpenF1 (see :mod:`f1graph.openf1.coverage`): then whatever is derived from it is
        unknown, and the answer lists ``(session_key, endpoint)`` as unavailable."""
        dataset = await self.dataset(endpoint, session_key)
        if dataset.rows or not await self.always_has(endpoint, session_key):
            return dataset
        self.unavailable.add((session_key, endpoint.name))
        return None

    async def always_has(self, endpoint: Endpoint[Any], session_key: int) -> bool:
        """Whether OpenF1 always has ``endpoint`` rows for a session of this one's type."""
        sessions = (await self.dataset(SESSIONS, session_key)).rows
        return bool(sessions) and always_has(sessions[0].session_type, endpoint.name)

    def mark_unavailable(self, session_key: int, endpoint: str) -> None:
        """Note that an answer was derived without ``endpoint``'s missing rows."""
        self.unavailable.add((session_key, endpoint))

    def unavailable_list(self) -> list[dict[str, object]]:
        """``[{sessionKey, dataset}]`` in key order, as ``extensions.unavailable`` lists them."""
        return [{"sessionKey": k, "dataset": e} for k, e in sorted(self.unavailable)]

    async def rows(self, endpoint: Endpoint[R], session_key: int) -> list[R]:
        return (await self.dataset(endpoint, session_key)).rows

    async def driver_rows(
        self, endpoint: Endpoint[R], session_key: int, driver_number: int
    ) -> list[R]:
        return (await self.dataset(endpoint, session_key)).for_driver(driver_number)

    def peek(self, endpoint: Endpoint[R], session_key: int) -> Dataset[R] | None:
        """The dataset if this process holds it parsed and fresh (what :meth:`dataset` would
        return), without awaiting anything; else None."""
        return self.datasets.peek(endpoint, session_key)

    async def query(self, endpoint: Endpoint[R], filters: Filters) -> list[R]:
        """Rows of a cross-session query (meetings, a session search); a stale answer marks the
        request stale like a stale dataset does."""
        rows, stale = await self.datasets.query(endpoint, filters)
        if stale:
            self.stale = True
        return rows

    def telemetry(self, store: TelemetryStore) -> TelemetryLoader:
        """The request's telemetry loader over the process's ``store`` (made on first use)."""
        if self._telemetry is None:
            self._telemetry = TelemetryLoader(store, self)
        return self._telemetry

"""Concurrent identical work happens once: later callers await the first caller's result."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def _consume(fut: asyncio.Future[Any]) -> None:
    if not fut.cancelled():
        fut.exception()  # mark retrieved: a failure with no waiter is not an error to log


class SingleFlight(Generic[K, V]):
    """In-process single-flight over keys, with a batch form for loaders."""

    def __init__(self) -> None:
        self._inflight: dict[K, asyncio.Future[V]] = {}

    def __len__(self) -> int:
        return len(self._inflight)

    async def do(self, key: K, work: Callable[[], Awaitable[V]]) -> V:
        """Run ``work`` unless the same key is in flight, in which case await that one."""
        result = await self.many([key], lambda keys: _single(work, keys))
        return result[key]

    async def many(
        self, keys: Sequence[K], work: Callable[[list[K]], Awaitable[dict[K, V]]]
    ) -> dict[K, V]:
        """Values for ``keys``: those in flight are awaited, the rest computed by one ``work``
        call, which must return a value for every key it is given."""
        loop = asyncio.get_running_loop()
        waiting = {k: self._inflight[k] for k in dict.fromkeys(keys) if k in self._inflight}
        mine = [k for k in dict.fromkeys(keys) if k not in waiting]
        futures: dict[K, asyncio.Future[V]] = {}
        for k in mine:
            fut: asyncio.Future[V] = loop.create_future()
            fut.add_done_callback(_consume)
            self._inflight[k] = futures[k] = fut
        out: dict[K, V] = {}
        if mine:
            try:
                values = await work(mine)
                for k in mine:
                    futures[k].set_result(values[k])
                    out[k] = values[k]
            except BaseException as exc:
                for k in mine:
                    if not futures[k].done():
                        futures[k].set_exception(exc)
                raise
            finally:
                for k in mine:
                    self._inflight.pop(k, None)
        for k, fut in waiting.items():
            try:
                out[k] = await asyncio.shield(fut)
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if task is not None and task.cancelling():
                    raise  # this caller was cancelled
                # the caller doing the work was cancelled, not this one: do it here instead
                out.update(await self.many([k], work))
        return out


async def _single(work: Callable[[], Awaitable[V]], keys: list[K]) -> dict[K, V]:
    return {keys[0]: await work()}

"""The per-request deadline: how long a client waits for OpenF1, retries included.

The web layer sets a deadline for each HTTP request (``F1GRAPH_REQUEST_TIMEOUT``); code that
waits on OpenF1 awaits through :func:`within_deadline`, which runs the work as a task of its own
(with no deadline, so it is never cut short) and stops *waiting* when the deadline passes: the
client gets ``OPENF1_API_UNAVAILABLE`` while the fetch goes on in the background and fills the
cache for the next request. Without a deadline (the CLI, preloads, background refreshes) the
work is awaited as it is.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections.abc import Coroutine
from typing import Any, TypeVar

from f1graph.errors import UpstreamUnavailableError

T = TypeVar("T")

_deadline: contextvars.ContextVar[tuple[float, float] | None] = contextvars.ContextVar(
    "f1graph_deadline", default=None
)
_background: set[asyncio.Task[Any]] = set()  # strong references, so tasks are not collected

RETRY_AFTER_S = 5.0


class DeadlineExceededError(UpstreamUnavailableError):
    """OpenF1 did not answer within the request's deadline; the fetch goes on in the background."""

    def __init__(self, message: str, retry_after_s: float = RETRY_AFTER_S) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


def set_deadline(timeout_s: float) -> contextvars.Token[tuple[float, float] | None]:
    """Start the current request's deadline ``timeout_s`` seconds from now."""
    return _deadline.set((time.monotonic() + timeout_s, timeout_s))


def reset_deadline(token: contextvars.Token[tuple[float, float] | None]) -> None:
    _deadline.reset(token)


def in_background(work: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
    """Run ``work`` as a task with no deadline, kept alive until it ends; its failure is
    retrieved (a background refresh that fails is not an unhandled error)."""
    context = contextvars.copy_context()
    context.run(_deadline.set, None)
    task = asyncio.get_running_loop().create_task(work, context=context)
    _background.add(task)
    task.add_done_callback(_forget)
    return task


def _forget(task: asyncio.Task[Any]) -> None:
    _background.discard(task)
    if not task.cancelled():
        task.exception()


async def within_deadline(work: Coroutine[Any, Any, T], what: str = "OpenF1") -> T:
    """``await work``, but no longer than the request's deadline; past it raise
    :class:`DeadlineExceededError` and let ``work`` finish in the background."""
    current = _deadline.get()
    if current is None:
        return await work
    until, timeout_s = current
    task = in_background(work)
    try:
        return await asyncio.wait_for(asyncio.shield(task), max(0.0, until - time.monotonic()))
    except TimeoutError:
        if task.done() and not task.cancelled() and task.exception() is None:
            return task.result()
        raise exceeded(what, timeout_s) from None


def exceeded(what: str, timeout_s: float) -> DeadlineExceededError:
    """The error of a client that waited ``timeout_s`` for ``what``, which goes on fetching."""
    return DeadlineExceededError(
        f"{what} did not answer within the request's deadline of {timeout_s:g} s; "
        "the data is still being fetched and will be cached. Try again shortly."
    )


def _mine() -> list[asyncio.Task[Any]]:
    loop = asyncio.get_running_loop()
    return [task for task in _background if task.get_loop() is loop]


def cancel_background() -> None:
    """Cancel this event loop's background fetches (at shutdown, before their clients close)."""
    for task in _mine():
        task.cancel()


async def drain_background() -> None:
    """Wait for this event loop's background fetches to end (tests, shutdown)."""
    while tasks := _mine():
        await asyncio.gather(*tasks, return_exceptions=True)

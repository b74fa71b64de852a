"""A subscriber's set-up, bounded by the request deadline.

Before its first event a replay needs the session's timeline (its datasets, from the cache or
OpenF1) and, when it asks for ``LOCATIONS``, every car's positions over the session (many
OpenF1 requests when cold). Both loads are shared by the session's subscribers and run in the
background (:class:`~f1graph.replay.registry.Registry`,
:class:`~f1graph.replay.locations.Locations`). A subscriber waits for them no longer than
``F1GRAPH_REQUEST_TIMEOUT``, as an HTTP request waits on OpenF1; past it it is told to come back
(``retryAfter``) while the loads go on, once, and fill the cache:

- the timeline not loaded: ``OPENF1_API_UNAVAILABLE`` (OpenF1 did not answer in time), as an
  HTTP query past its deadline;
- the timeline loaded, the locations not: ``SESSION_LOADING``.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from f1graph.data.deadline import RETRY_AFTER_S, exceeded
from f1graph.errors import SessionLoadingError
from f1graph.replay.events import ReplayStream
from f1graph.replay.player import ReplayOptions
from f1graph.replay.registry import Registry
from f1graph.replay.timeline import Timeline


@asynccontextmanager
async def prepared(
    registry: Registry, session_key: int, options: ReplayOptions, timeout_s: float
) -> AsyncIterator[Timeline]:
    """The session's timeline, held while the block runs, with its locations loaded when
    ``options`` ask for them; raises :class:`~f1graph.data.deadline.DeadlineExceededError` or
    :class:`~f1graph.errors.SessionLoadingError` when that takes more than ``timeout_s``."""
    until = time.monotonic() + timeout_s
    entered = False
    try:
        async with registry.use(session_key, timeout_s) as timeline:
            entered = True
            if ReplayStream.LOCATIONS in options.streams:
                await _locations(timeline, until)
            yield timeline
    except TimeoutError:
        if entered:  # not the set-up's: raised by the block
            raise
        raise exceeded("OpenF1", timeout_s) from None


async def _locations(timeline: Timeline, until: float) -> None:
    try:
        await timeline.locations.load(max(0.0, until - time.monotonic()))
    except TimeoutError:
        raise SessionLoadingError(
            f"The car locations of session {timeline.session_key} are being loaded (every "
            "car's positions over the session: many OpenF1 requests when not cached). Try "
            f"again in {RETRY_AFTER_S:g} s.",
            retry_after_s=RETRY_AFTER_S,
        ) from None

"""Replay fan-out: each event is executed and encoded once, and every subscriber of the same
subscription (the same session, speed, streams and selection) is sent the same bytes.

Subscribers keep their own pacing and their own slow-consumer bound (:mod:`.player`): what is
shared is the answer to "this subscription's selection over this event", kept per loaded
timeline in :class:`EncodedEvents` and looked up by the executor of every subscriber
(:class:`f1graph.schema.subscription.FanOutExecutionContext`). An event's key names the shared
event object of the timeline (or, for a snapshot or a location frame that each subscriber makes,
its kind and instant). The subscriber's own ``dropped`` count is executed as
:data:`DROPPED_MARK` and written into the shared bytes as they are sent, so every answer stays
exact and a slow subscriber shares as much as a fast one.
"""

from __future__ import annotations

from collections.abc import Hashable
from weakref import WeakKeyDictionary

from cachetools import LRUCache

from f1graph.replay.events import Event, EventKind
from f1graph.replay.timeline import Timeline

MAX_ENCODED = 20_000  # answers kept per loaded session (a few hundred bytes each)
_MADE_PER_SUBSCRIBER = (EventKind.SNAPSHOT, EventKind.LOCATIONS)
DROPPED_MARK = -1_987_654_321  # an Int no count can be; replaced by the subscriber's own
_MARK_BYTES = str(DROPPED_MARK).encode()


class EncodedEvents:
    """Encoded answers by (subscription, event, dropped), least recently used out first."""

    def __init__(self, maxsize: int = MAX_ENCODED) -> None:
        self._answers: LRUCache[Hashable, bytes] = LRUCache(maxsize=maxsize)
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, *, count: bool = True) -> bytes | None:
        found = self._answers.get(key)
        if not count:
            return found
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def put(self, key: Hashable, encoded: bytes) -> None:
        self._answers[key] = encoded


_by_timeline: WeakKeyDictionary[Timeline, EncodedEvents] = WeakKeyDictionary()


def encoded_events(timeline: Timeline) -> EncodedEvents:
    """The shared answers of one loaded session (they go when the timeline is released)."""
    memo = _by_timeline.get(timeline)
    if memo is None:
        memo = _by_timeline[timeline] = EncodedEvents()
    return memo


def held() -> list[tuple[int, EncodedEvents]]:
    """The shared answers of every session loaded now, with its session key."""
    return [(timeline.session_key, memo) for timeline, memo in list(_by_timeline.items())]


def event_key(event: Event) -> Hashable | None:
    """What identifies ``event`` as every subscriber sees it; ``None`` for ``END``, whose
    counts are the subscriber's own."""
    if event.kind is EventKind.END:
        return None
    if event.kind in _MADE_PER_SUBSCRIBER:
        return (event.kind, event.t_ms)  # made afresh, the same for the same instant
    return id(event)  # the timeline's own event object, alive as long as the memo


def with_dropped(encoded: bytes, dropped: int) -> bytes:
    """The shared answer with the subscriber's ``dropped`` count written in."""
    return encoded.replace(_MARK_BYTES, b"%d" % dropped)

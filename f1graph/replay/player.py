"""One subscriber's replay: the session's streams merged in time order, paced on a clock.

Pacing: an event at session time ``t`` is due ``(t - from) / speed`` wall seconds after the
replay starts; ``speed`` 0 sends as fast as the subscriber takes events, and never drops.

Backpressure without buffering: a subscriber's queue is virtual, the range of the shared
timeline between what it was last sent and what is due now. Nothing is copied per subscriber,
so memory stays bounded however slow it is. When more than ``max_lag`` events are due, the
oldest are dropped (counted in every later event's ``dropped``) and a ``SNAPSHOT`` at the
current session time replaces them, so the subscriber's state is right again.
"""

from __future__ import annotations

import bisect
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

from f1graph.errors import BadRequestError
from f1graph.replay.clock import Clock
from f1graph.replay.events import (
    DEFAULT_STREAMS,
    EndOfReplay,
    Event,
    EventKind,
    ReplayStream,
)
from f1graph.replay.timeline import Stream, Timeline
from f1graph.times import epoch_ms, from_epoch_ms

MAX_LAG = 256
MAX_LOCATION_HZ = 10.0


@dataclass(frozen=True)
class ReplayOptions:
    """What a subscriber asked for; ``start``/``end`` are the ``from``/``to`` arguments."""

    speed: float = 1.0
    start: datetime | None = None
    end: datetime | None = None
    streams: frozenset[ReplayStream] = DEFAULT_STREAMS
    location_hz: float = 1.0
    max_lag: int = MAX_LAG

    def check(self) -> None:
        """Raise :class:`BadRequestError` for arguments no replay can follow."""
        if not self.speed >= 0:
            raise BadRequestError(f"speed must be 0 or more, not {self.speed}.")
        if not 0 < self.location_hz <= MAX_LOCATION_HZ:
            raise BadRequestError(
                f"locationHz must be above 0 and at most {MAX_LOCATION_HZ}, not {self.location_hz}."
            )
        if self.start is not None and self.end is not None and self.end < self.start:
            raise BadRequestError("to must not be before from.")


async def play(
    timeline: Timeline, options: ReplayOptions, clock: Clock
) -> AsyncIterator[tuple[Event, int]]:
    """``(event, dropped so far)``: a ``SNAPSHOT`` at ``from``, the events after it up to
    ``to`` in time order (ties in stream order), then ``END``."""
    options.check()
    start_ms = epoch_ms(options.start) if options.start else timeline.origin_ms
    wanted = [name for name in ReplayStream if name in options.streams]
    streams = [timeline.streams[name] for name in wanted if name in timeline.streams]
    start = options.start or from_epoch_ms(start_ms)
    cursors = [_first_after(s, start_ms, start) for s in streams]
    locations = timeline.locations if ReplayStream.LOCATIONS in options.streams else None
    outline = None
    last = timeline.last_ms or start_ms
    step_ms = round(1000 / options.location_hz)
    frame_ms: int | None = None
    if locations is not None:
        await locations.load()
        outline = locations.outline(timeline.state.laps)
        if locations.last_ms is not None:
            last = max(last, locations.last_ms)
            frame_ms = start_ms
    end_ms = min(last, epoch_ms(options.end)) if options.end else last

    def snapshot(at_ms: int, dropped: int) -> tuple[Event, int]:
        at = options.start if at_ms == start_ms and options.start else from_epoch_ms(at_ms)
        return Event(EventKind.SNAPSHOT, at_ms, at, timeline.state.snapshot(at, outline)), dropped

    yield snapshot(start_ms, 0)
    sent, dropped = 1, 0
    wall0 = clock.now()
    rate = options.speed * 1000.0  # session milliseconds per wall second
    while True:
        t, which = _next(streams, cursors, frame_ms)
        if t is None or t > end_ms:
            break
        if rate > 0:
            wait = wall0 + (t - start_ms) / rate - clock.now()
            if wait > 0:
                await clock.sleep(wait)
            else:
                now_ms = min(end_ms, start_ms + int((clock.now() - wall0) * rate))
                due = _due(streams, cursors, frame_ms, step_ms, now_ms)
                if due > options.max_lag:
                    dropped += due
                    cursors = [bisect.bisect_right(s.times, now_ms) for s in streams]
                    if frame_ms is not None:
                        frame_ms += ((now_ms - frame_ms) // step_ms + 1) * step_ms
                    sent += 1
                    yield snapshot(now_ms, dropped)
                    continue
        if which < 0:
            assert locations is not None and frame_ms is not None
            event = Event(EventKind.LOCATIONS, t, from_epoch_ms(t), locations.frame_at(t))
            frame_ms += step_ms
        else:
            event = streams[which].events[cursors[which]]
            cursors[which] += 1
        sent += 1
        yield event, dropped
    end_at = max(start_ms, end_ms)
    yield Event(EventKind.END, end_at, from_epoch_ms(end_at), EndOfReplay(sent, dropped)), dropped


def _first_after(stream: Stream, t_ms: int, at: datetime) -> int:
    """The index of the stream's first event after ``at`` (``t_ms``: ``at`` in whole ms), which
    the snapshot at ``at`` does not already hold."""
    i = bisect.bisect_left(stream.times, t_ms)
    while i < len(stream.events) and stream.events[i].date <= at:
        i += 1
    return i


def _next(
    streams: list[Stream], cursors: list[int], frame_ms: int | None
) -> tuple[int | None, int]:
    """The earliest pending instant and where it is: a stream's index, or -1 for a frame."""
    best: int | None = None
    which = -1
    for i, stream in enumerate(streams):
        c = cursors[i]
        if c < len(stream.times):
            t = stream.times[c]
            if best is None or t < best:
                best, which = t, i
    if frame_ms is not None and (best is None or frame_ms < best):
        return frame_ms, -1
    return best, which


def _due(
    streams: list[Stream], cursors: list[int], frame_ms: int | None, step_ms: int, now_ms: int
) -> int:
    """How many events are due by ``now_ms`` and not sent: the subscriber's virtual queue."""
    due = sum(
        bisect.bisect_right(s.times, now_ms) - c for s, c in zip(streams, cursors, strict=True)
    )
    if frame_ms is not None and frame_ms <= now_ms:
        due += (now_ms - frame_ms) // step_ms + 1
    return due

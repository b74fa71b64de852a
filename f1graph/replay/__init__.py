"""Replay: a recorded session played back on one clock, behind ``Subscription.replay``.

- :mod:`~f1graph.replay.timeline`: a session's streams merged in time order, loaded once.
- :mod:`~f1graph.replay.state`: the running state (order, gaps, tyres, flag) for snapshots.
- :mod:`~f1graph.replay.events`: the streams, event kinds and payloads.
- :mod:`~f1graph.replay.locations`: car positions as frames and the track outline.
- :mod:`~f1graph.replay.player`: one subscriber's playback (speed, seek, lag and resync).
- :mod:`~f1graph.replay.clock`: the clock the player waits on.
- :mod:`~f1graph.replay.registry`: one loaded copy of a session per process, shared
  (the process's registry is ``Services.replays``).
- :mod:`~f1graph.replay.subscriber`: :func:`prepared`, a subscriber's set-up (the shared loads)
  bounded by the request deadline.

Importing this package only defines names.
"""

from f1graph.replay.clock import Clock, MonotonicClock
from f1graph.replay.events import DEFAULT_STREAMS, EndOfReplay, Event, EventKind, ReplayStream
from f1graph.replay.player import ReplayOptions, play
from f1graph.replay.registry import Registry
from f1graph.replay.subscriber import prepared
from f1graph.replay.timeline import Timeline, load_timeline

__all__ = [
    "DEFAULT_STREAMS",
    "Clock",
    "EndOfReplay",
    "Event",
    "EventKind",
    "MonotonicClock",
    "Registry",
    "ReplayOptions",
    "ReplayStream",
    "Timeline",
    "load_timeline",
    "play",
    "prepared",
]

"""Telemetry (``car_data``, ``location``): fetched per (session, car, time window), cached per
window, held as numpy columns, bounded per request.

- :mod:`~f1graph.telemetry.windows`: windows of ``F1GRAPH_TELEMETRY_WINDOW`` seconds (300),
  aligned to epoch multiples, over a span from one hour before a session's start to 30 minutes
  after its end; the cached form of a window.
- :mod:`~f1graph.telemetry.fetch`: windows from the cache or OpenF1 (a request covers at most
  6,000 car-seconds), cross-process locks, stale-on-error, freshness.
- :mod:`~f1graph.telemetry.store`: the process-wide store (decoded windows and stitched ranges
  held in LRUs bounded by bytes, single-flight, the per-car or every-car fetch shape).
- :mod:`~f1graph.telemetry.loader`: the per-request loader (batching, stale flag, bounds).
- :mod:`~f1graph.telemetry.bounds`: at most four cars' whole session per endpoint per request.
- :mod:`~f1graph.telemetry.preload`: every window of every car, for ``preloadSession``.
"""

from f1graph.telemetry.bounds import MAX_CAR_SESSIONS, TelemetryBudget
from f1graph.telemetry.fetch import CAR_SECONDS_PER_REQUEST, SessionInfo, Window
from f1graph.telemetry.loader import TelemetryLoader
from f1graph.telemetry.store import RangeRequest, Read, TelemetryStore
from f1graph.telemetry.windows import SAMPLE_RATE_HZ, Span, WindowKey
from f1graph.times import epoch_ms

__all__ = [
    "CAR_SECONDS_PER_REQUEST",
    "MAX_CAR_SESSIONS",
    "SAMPLE_RATE_HZ",
    "RangeRequest",
    "Read",
    "SessionInfo",
    "Span",
    "TelemetryBudget",
    "TelemetryLoader",
    "TelemetryStore",
    "Window",
    "WindowKey",
    "epoch_ms",
]

"""Prometheus metrics of the gateway, and one small function per thing worth counting.

Every layer may call these (the package sits at the bottom of the import layers and imports
nothing of f1graph). With ``PROMETHEUS_MULTIPROC_DIR`` set before the first import (``f1graph
serve --workers N`` sets it), each worker process writes its values to files there and
:func:`exposition` adds every process up, so ``/metrics`` on any worker shows the whole server.
"""

from __future__ import annotations

import os
import re
import threading

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
WAIT_BUCKETS = (0.0, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
BREAKER_STATES = {"closed": 0, "half_open": 1, "open": 2}

GRAPHQL_SECONDS = Histogram(
    "f1graph_graphql_request_duration_seconds",
    "Time to answer a GraphQL HTTP request, by operation name (anonymous when unnamed).",
    ["operation"],
    buckets=LATENCY_BUCKETS,
)
REST_SECONDS = Histogram(
    "f1graph_rest_request_duration_seconds",
    "Time to answer a request of the REST shim, by route template, method and status.",
    ["route", "method", "status"],
    buckets=LATENCY_BUCKETS,
)
UPSTREAM_REQUESTS = Counter(
    "f1graph_upstream_requests_total",
    "HTTP requests sent to OpenF1, by endpoint and outcome (ok, rate_limited, server_error, "
    "timeout, unreachable, bad_response, live_session).",
    ["endpoint", "outcome"],
)
UPSTREAM_SECONDS = Histogram(
    "f1graph_upstream_request_duration_seconds",
    "Time of one HTTP request to OpenF1, by endpoint.",
    ["endpoint"],
    buckets=LATENCY_BUCKETS,
)
UPSTREAM_RETRIES = Counter(
    "f1graph_upstream_retries_total",
    "Upstream requests tried again after a transient failure, by endpoint.",
    ["endpoint"],
)
BREAKER_STATE = Gauge(
    "f1graph_circuit_breaker_state",
    "The OpenF1 circuit breaker: 0 closed, 1 half-open, 2 open (the worst of the processes).",
    multiprocess_mode="max",
)
BREAKER_TRANSITIONS = Counter(
    "f1graph_circuit_breaker_transitions_total",
    "Changes of the circuit breaker's state, by the state entered.",
    ["state"],
)
REDIS_FAILURES = Counter(
    "f1graph_redis_failures_total",
    "Calls to Redis that failed and were answered by the process's own fallback, by use "
    "(cache, breaker, the rate limits' key prefix).",
    ["use"],
)
REDIS_DOWN = Gauge(
    "f1graph_redis_down",
    "1 while Redis is skipped after a failure (the process serves from its own memory), by use.",
    ["use"],
    multiprocess_mode="max",
)
RATE_WAIT_SECONDS = Histogram(
    "f1graph_rate_budget_wait_seconds",
    "Time an upstream request waited for the OpenF1 rate budget (0 when it had room).",
    buckets=WAIT_BUCKETS,
)
CACHE_LOOKUPS = Counter(
    "f1graph_cache_lookups_total",
    "Cache lookups by layer (parsed: datasets parsed in this process; memory or redis: the "
    "cache store; derived: per-session computed values; telemetry_windows: decoded telemetry "
    "held in this process; response: whole answers) and result (hit, miss).",
    ["layer", "result"],
)
CACHE_EVICTIONS = Counter(
    "f1graph_cache_evictions_total",
    "Sessions evicted from the cache, by origin (local: this process was asked; peer: another "
    "process announced it over Redis).",
    ["origin"],
)
SUBSCRIBERS = Gauge(
    "f1graph_subscribers",
    "Subscriptions being served now, by subscription field.",
    ["subscription"],
    multiprocess_mode="livesum",
)
REPLAY_DROPPED = Counter(
    "f1graph_replay_events_dropped_total",
    "Replay events dropped because a subscriber read slower than its speed.",
)

_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")
MAX_OPERATIONS = 500  # distinct operation names kept as labels; later ones count as "other"
_operations: set[str] = set()
_lock = threading.Lock()


def operation_label(name: str | None) -> str:
    """A bounded label for a client-chosen operation name."""
    if not name:
        return "anonymous"
    if not _NAME.fullmatch(name):
        return "other"
    with _lock:
        if name not in _operations:
            if len(_operations) >= MAX_OPERATIONS:
                return "other"
            _operations.add(name)
    return name


def graphql_request(operation: str | None, seconds: float) -> None:
    GRAPHQL_SECONDS.labels(operation_label(operation)).observe(seconds)


def rest_request(route: str, method: str, status: int, seconds: float) -> None:
    REST_SECONDS.labels(route, method, str(status)).observe(seconds)


def upstream_request(endpoint: str, outcome: str, seconds: float) -> None:
    UPSTREAM_REQUESTS.labels(endpoint, outcome).inc()
    UPSTREAM_SECONDS.labels(endpoint).observe(seconds)


def upstream_retry(endpoint: str) -> None:
    UPSTREAM_RETRIES.labels(endpoint).inc()


def breaker_state(state: str) -> None:
    """Set the breaker gauge to ``state`` (``closed``, ``half_open`` or ``open``)."""
    BREAKER_STATE.set(BREAKER_STATES.get(state, 0))


def breaker_transition(state: str) -> None:
    BREAKER_TRANSITIONS.labels(state).inc()
    breaker_state(state)


def redis_failure(use: str) -> None:
    """A Redis call failed (``use``: what it was for); the fallback answered it."""
    REDIS_FAILURES.labels(use).inc()


def redis_down(use: str, down: bool) -> None:
    """Redis went down (skipped, memory serves) or came back, for ``use``."""
    REDIS_DOWN.labels(use).set(1 if down else 0)


def rate_budget_wait(seconds: float) -> None:
    RATE_WAIT_SECONDS.observe(seconds)


def cache_lookup(layer: str, hit: bool) -> None:
    CACHE_LOOKUPS.labels(layer, "hit" if hit else "miss").inc()


def cache_eviction(origin: str) -> None:
    CACHE_EVICTIONS.labels(origin).inc()


def subscriber(subscription: str, delta: int) -> None:
    SUBSCRIBERS.labels(subscription).inc(delta)


def replay_dropped(events: int) -> None:
    if events > 0:
        REPLAY_DROPPED.inc(events)


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or None


def exposition() -> tuple[bytes, str]:
    """The Prometheus text of every process (multi-process mode) or of this one."""
    if multiprocess_dir():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def process_exited(pid: int) -> None:
    """Forget a finished worker's live gauges (multi-process mode only)."""
    if multiprocess_dir():
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]

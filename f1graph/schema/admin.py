"""Operations on the gateway itself: health, preload, eviction, the circuit breaker."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Annotated

import strawberry

from f1graph import __version__
from f1graph.access import require_admin
from f1graph.openf1.breaker import BreakerStatus
from f1graph.runtime import Info, PreloadReport, preload_session
from f1graph.schema.common import arg


@strawberry.type(description="The cache backend and its state.")
class CacheHealth:
    backend: str = strawberry.field(description="memory (embedded) or redis.")
    healthy: bool = strawberry.field(description="Whether the backend answers.")
    entries: int | None = strawberry.field(description="Entries held, when known.")
    bytes: int | None = strawberry.field(description="Bytes held, when known.")
    hits: int = strawberry.field(description="Cache hits of this process since start.")
    misses: int = strawberry.field(description="Cache misses of this process since start.")


@strawberry.type(description="The circuit breaker in front of OpenF1.")
class CircuitBreakerStatus:
    state: str = strawberry.field(description="closed, open or half_open.")
    consecutive_failures: int = strawberry.field(description="Failed calls in a row.")
    failures: int = strawberry.field(description="Failed calls since start.")
    successes: int = strawberry.field(description="Successful calls since start.")
    requests: int = strawberry.field(description="Calls let through since start.")
    rejected: int = strawberry.field(description="Calls refused while open.")
    failure_threshold: int = strawberry.field(description="Failures in a row that open it.")
    reset_timeout_s: float = strawberry.field(description="Seconds open before a trial call.")
    last_failure: datetime | None = strawberry.field(description="When the last failure was.")
    last_failure_reason: str | None = strawberry.field(description="What the last failure was.")
    next_retry: datetime | None = strawberry.field(description="When an open breaker retries.")


def breaker_status(info: Info) -> CircuitBreakerStatus:
    breaker = info.context.services.breaker
    s: BreakerStatus = breaker.status()
    return CircuitBreakerStatus(
        state=s.state.value,
        consecutive_failures=s.consecutive_failures,
        failures=s.failures,
        successes=s.successes,
        requests=s.requests,
        rejected=s.rejected,
        failure_threshold=breaker.failure_threshold,
        reset_timeout_s=breaker.reset_timeout_s,
        last_failure=s.last_failure,
        last_failure_reason=s.last_failure_reason,
        next_retry=s.next_retry,
    )


@strawberry.type(description="The gateway's health.")
class Health:
    status: str = strawberry.field(description="ok, or degraded when the cache or OpenF1 fails.")
    version: str = strawberry.field(description="f1graph's version.")
    uptime_s: float = strawberry.field(description="Seconds since the process started.")
    source: str = strawberry.field(description="Where data comes from: the OpenF1 URL or a dir.")
    cache: CacheHealth = strawberry.field(description="The cache backend.")
    circuit_breaker: CircuitBreakerStatus = strawberry.field(description="The upstream breaker.")


@strawberry.type(description="One dataset loaded by a preload.")
class PreloadedDataset:
    endpoint: str = strawberry.field(description="The OpenF1 endpoint (or telemetry window set).")
    rows: int = strawberry.field(description="Rows loaded.")
    bytes: int = strawberry.field(description="Bytes held in the cache.")
    duration_ms: float = strawberry.field(description="Time taken [ms].")
    error: str | None = strawberry.field(description="Why it failed, if it did.")


@strawberry.type(description="What a preload loaded into the cache.")
class PreloadResult:
    session_key: int = strawberry.field(description="The session.")
    datasets: list[PreloadedDataset] = strawberry.field(description="Each dataset.")
    total_rows: int = strawberry.field(description="Rows over all datasets.")
    total_bytes: int = strawberry.field(description="Bytes over all datasets.")
    duration_ms: float = strawberry.field(description="Wall time of the preload [ms].")
    date_start: datetime | None = strawberry.field(description="The session's start (UTC).")
    date_end: datetime | None = strawberry.field(description="The session's end (UTC).")

    @staticmethod
    def of(report: PreloadReport) -> PreloadResult:
        return PreloadResult(
            session_key=report.session_key,
            datasets=[
                PreloadedDataset(
                    endpoint=d.endpoint,
                    rows=d.rows,
                    bytes=d.bytes,
                    duration_ms=d.duration_s * 1000,
                    error=d.error,
                )
                for d in report.datasets
            ],
            total_rows=report.total_rows,
            total_bytes=report.total_bytes,
            duration_ms=report.duration_s * 1000,
            date_start=report.date_start,
            date_end=report.date_end,
        )


@strawberry.type(description="What an eviction dropped.")
class EvictResult:
    session_key: int = strawberry.field(description="The session.")
    entries_dropped: int = strawberry.field(description="Cache entries dropped.")


@strawberry.type
class AdminQuery:
    @strawberry.field(description="The gateway's health: cache, circuit breaker, uptime.")
    async def health(self, info: Info) -> Health:
        services = info.context.services
        cache = services.cache
        healthy = await cache.backend.ping()
        stats: dict[str, int] = await cache.backend.stats() if healthy else {}
        breaker = breaker_status(info)
        settings = services.settings
        return Health(
            status="ok" if healthy and breaker.state == "closed" else "degraded",
            version=__version__,
            uptime_s=time.time() - services.started_at,
            source=str(settings.source) if settings.source else settings.openf1_url,
            cache=CacheHealth(
                backend=cache.backend.name,
                healthy=healthy,
                entries=stats.get("entries"),
                bytes=stats.get("bytes"),
                hits=cache.hits,
                misses=cache.misses,
            ),
            circuit_breaker=breaker,
        )

    @strawberry.field(description="The circuit breaker in front of OpenF1.")
    def circuit_breaker(self, info: Info) -> CircuitBreakerStatus:
        return breaker_status(info)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Load every dataset of a session into the cache, in parallel within "
        "OpenF1's rate budget (telemetry only when asked); NOT_FOUND for an unknown session."
    )
    async def preload_session(
        self,
        info: Info,
        session_key: Annotated[int, arg("OpenF1 key of the session.")],
        telemetry: Annotated[bool, arg("Also load car data and location windows.")] = False,
    ) -> PreloadResult:
        report = await preload_session(info.context.services, session_key, telemetry=telemetry)
        return PreloadResult.of(report)

    @strawberry.mutation(
        description="Drop every cached entry of a session. With F1GRAPH_ADMIN_KEYS set, it "
        "needs an admin key (UNAUTHORIZED without one, FORBIDDEN with a user key)."
    )
    async def evict_session(
        self, info: Info, session_key: Annotated[int, arg("OpenF1 key of the session.")]
    ) -> EvictResult:
        require_admin(info.context.identity, "evictSession")
        dropped = await info.context.services.evict_session(session_key)  # and tells peers
        return EvictResult(session_key=session_key, entries_dropped=dropped)

    @strawberry.mutation(
        description="Close the circuit breaker by hand. With F1GRAPH_ADMIN_KEYS set, it needs "
        "an admin key (UNAUTHORIZED without one, FORBIDDEN with a user key)."
    )
    def reset_circuit_breaker(self, info: Info) -> CircuitBreakerStatus:
        require_admin(info.context.identity, "resetCircuitBreaker")
        info.context.services.breaker.reset()
        return breaker_status(info)

"""The process-wide services, built once from settings and closed by the app's lifespan."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from f1graph.access import Gate
from f1graph.cache import Cache, make_cache
from f1graph.data import Datasets, Derived
from f1graph.openf1 import Source
from f1graph.openf1.breaker import CircuitBreaker
from f1graph.openf1.client import OpenF1Client
from f1graph.openf1.ratelimit import RateBudget
from f1graph.replay import Registry
from f1graph.settings import Settings
from f1graph.telemetry import TelemetryStore


@dataclass
class Services:
    """Everything a request may use that outlives it."""

    settings: Settings
    source: Source
    cache: Cache
    datasets: Datasets
    breaker: CircuitBreaker
    budget: RateBudget | None
    derived: Derived = field(default_factory=Derived)
    started_at: float = field(default_factory=time.time)
    telemetry: TelemetryStore = field(init=False)
    replays: Registry = field(init=False)  # the sessions loaded for replay subscribers
    gate: Gate = field(init=False)  # keys, the client rate and cost budget of every surface

    def __post_init__(self) -> None:
        self.telemetry = TelemetryStore(self.source, self.cache, self.datasets, self.settings)
        self.replays = Registry(self.datasets, self.telemetry)
        self.gate = Gate(self.settings)

    async def aclose(self) -> None:
        await self.source.aclose()
        await self.cache.aclose()


def build_services(settings: Settings, source: Source | None = None) -> Services:
    """Wire the source (HTTP, or the recorded directory of ``F1GRAPH_SOURCE``) and the cache."""
    breaker = CircuitBreaker(settings.breaker_failures, settings.breaker_reset_s)
    budget: RateBudget | None = None
    if source is None:
        if settings.source is not None:
            from f1graph.openf1.recorded import RecordedSource

            source = RecordedSource(settings.source)
        else:
            budget = RateBudget(
                settings.rate_per_second, settings.rate_per_minute, settings.redis_url
            )
            source = OpenF1Client(
                settings.openf1_url,
                budget=budget,
                breaker=breaker,
                retries=settings.retries,
                connect_timeout_s=settings.connect_timeout_s,
                read_timeout_s=settings.read_timeout_s,
            )
    cache = make_cache(settings)
    return Services(settings, source, cache, Datasets(source, cache, settings), breaker, budget)

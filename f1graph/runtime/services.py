"""The process-wide services, built once from settings and closed by the app's lifespan."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from redis.exceptions import RedisError

from f1graph.access import Gate
from f1graph.cache import Cache, make_cache
from f1graph.cache.evictions import EvictionBus
from f1graph.data import Datasets, Derived
from f1graph.data.deadline import cancel_background, drain_background
from f1graph.observe import get_logger, metrics
from f1graph.openf1 import Source
from f1graph.openf1.allowance import SpendingSource
from f1graph.openf1.auth import OpenF1Credentials, token_url_for
from f1graph.openf1.breaker import CircuitBreaker
from f1graph.openf1.client import OpenF1Client
from f1graph.openf1.ratelimit import RateBudget
from f1graph.openf1.shared_breaker import SharedBreaker
from f1graph.replay import Registry
from f1graph.runtime.loading import Loads
from f1graph.settings import Settings
from f1graph.telemetry import TelemetryStore

log = get_logger(__name__)


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
    evictions: EvictionBus | None = field(init=False, default=None)  # with Redis: to peers
    gate: Gate = field(init=False)  # keys, the client rate and cost budget of every surface
    loads: Loads = field(init=False)  # what requests over their OpenF1 budget were refused

    def __post_init__(self) -> None:
        self.telemetry = TelemetryStore(self.source, self.cache, self.datasets, self.settings)
        self.replays = Registry(self.datasets, self.telemetry)
        self.gate = Gate(self.settings)
        self.loads = Loads(self)

    async def start(self) -> None:
        """Start what runs in the background (the app's lifespan calls it): with Redis, the
        listener that hears other processes' evictions."""
        if self.settings.redis_url and self.evictions is None:
            bus = EvictionBus(self.settings.redis_url, self.forget_session)
            try:
                await bus.start()
            except (RedisError, OSError) as exc:  # serve anyway; the cache says it is down
                log.warning("evictions_not_shared", redis=self.settings.redis_url, error=str(exc))
                await bus.aclose()
                return
            self.evictions = bus

    async def evict_session(self, session_key: int) -> int:
        """Drop every cached entry of a session, in the cache and in this process, and tell
        the other processes to forget their copies; return the count of cache entries."""
        dropped = await self.datasets.drop_session(session_key)
        self.telemetry.drop_session(session_key)
        metrics.cache_eviction("local")
        if self.evictions is not None:
            await self.evictions.publish(session_key)
        return dropped

    def forget_session(self, session_key: int) -> None:
        """Another process evicted the session: forget what this one holds of it."""
        held = self.datasets.forget_session(session_key) + self.telemetry.drop_session(session_key)
        metrics.cache_eviction("peer")
        log.info("eviction_from_peer", session_key=session_key, forgotten=held)

    async def aclose(self) -> None:
        cancel_background()  # refreshes still running would use the clients closed below
        await self.loads.aclose()
        await drain_background()
        if self.evictions is not None:
            await self.evictions.aclose()
        await self.source.aclose()
        await self.cache.aclose()
        if isinstance(self.breaker, SharedBreaker):
            await self.breaker.aclose()


def credentials_for(settings: Settings) -> OpenF1Credentials | None:
    """The OpenF1 account of ``F1GRAPH_OPENF1_USERNAME``/``_PASSWORD``, if set."""
    if settings.openf1_username is None or settings.openf1_password is None:
        return None
    return OpenF1Credentials(
        settings.openf1_username, settings.openf1_password, token_url_for(settings.openf1_url)
    )


def build_services(settings: Settings, source: Source | None = None) -> Services:
    """Wire the source (HTTP, or the recorded directory of ``F1GRAPH_SOURCE``) and the cache."""
    breaker = (
        SharedBreaker(settings.redis_url, settings.breaker_failures, settings.breaker_reset_s)
        if settings.redis_url
        else CircuitBreaker(settings.breaker_failures, settings.breaker_reset_s)
    )
    budget: RateBudget | None = None
    if source is None:
        if settings.source is not None:
            from f1graph.openf1.recorded import RecordedSource

            source = RecordedSource(settings.source)
        else:
            budget = RateBudget(
                settings.rate_per_second, settings.rate_per_minute, settings.redis_url
            )
            client = OpenF1Client(
                settings.openf1_url,
                budget=budget,
                breaker=breaker,
                retries=settings.retries,
                connect_timeout_s=settings.connect_timeout_s,
                read_timeout_s=settings.read_timeout_s,
                credentials=credentials_for(settings),
            )
            # background loads may use half the rate budget, never more (a fair share)
            fair_share = RateBudget(
                max(1, settings.rate_per_second // 2),
                max(1, settings.rate_per_minute // 2),
                settings.redis_url,
                key_prefix="f1graph:v1:rate:background",
            )
            source = SpendingSource(client, fair_share)
    cache = make_cache(settings)
    return Services(settings, source, cache, Datasets(source, cache, settings), breaker, budget)

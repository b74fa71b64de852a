"""The metric functions every layer calls, and the replay's subscriber and drop counts."""

from __future__ import annotations

import asyncio
from typing import Any

from prometheus_client import REGISTRY

from f1graph.observe import metrics
from f1graph.runtime import Context, build_services
from f1graph.schema import schema
from tests.replay.helpers import recorded_settings

REPLAY = """subscription { replay(sessionKey: 11253, speed: 50000, from: "2026-03-29T05:10:00Z") {
    kind dropped end { sent dropped } } }"""


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


class TestOperationLabel:
    """Client-chosen operation names become bounded labels."""

    def test_names_kept_junk_folded(self) -> None:
        assert metrics.operation_label("FastestLaps") == "FastestLaps"
        assert metrics.operation_label(None) == "anonymous"
        assert metrics.operation_label("") == "anonymous"
        assert metrics.operation_label("drop table; --") == "other"
        assert metrics.operation_label("x" * 65) == "other"


class TestExposition:
    """The text Prometheus scrapes names every metric of the issue."""

    def test_every_family_is_exposed(self) -> None:
        metrics.cache_lookup("response", True)
        text = metrics.exposition()[0].decode()
        for family in (
            "f1graph_graphql_request_duration_seconds",
            "f1graph_rest_request_duration_seconds",
            "f1graph_upstream_requests_total",
            "f1graph_upstream_retries_total",
            "f1graph_circuit_breaker_state",
            "f1graph_rate_budget_wait_seconds",
            "f1graph_cache_lookups_total",
            "f1graph_subscribers",
            "f1graph_replay_events_dropped_total",
        ):
            assert f"# TYPE {family}" in text, family
        assert 'f1graph_cache_lookups_total{layer="response",result="hit"}' in text


class TestReplayMetrics:
    """A replay counts as a subscriber while it runs; events it drops are counted."""

    async def test_subscriber_gauge_and_dropped_events(self) -> None:
        services = build_services(recorded_settings())
        before_dropped = value("f1graph_replay_events_dropped_total")
        before_subscribers = value("f1graph_subscribers", subscription="replay")
        try:
            result: Any = await schema.subscribe(REPLAY, context_value=Context(services))
            events = aiter(result)
            first = await anext(events)
            assert first.data["replay"]["kind"] == "SNAPSHOT"
            assert value("f1graph_subscribers", subscription="replay") == before_subscribers + 1
            await asyncio.sleep(0.5)  # read nothing: at 50000x the events due pile up
            rest = [item.data["replay"] async for item in events]
        finally:
            await services.aclose()
        end = rest[-1]["end"]
        assert end["dropped"] > 0
        assert value("f1graph_replay_events_dropped_total") - before_dropped == end["dropped"]
        assert value("f1graph_subscribers", subscription="replay") == before_subscribers

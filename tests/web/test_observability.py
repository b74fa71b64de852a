"""Operating the gateway over real HTTP: the front door, /metrics, the request log, CORS."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import httpx
import orjson
import pytest
from prometheus_client.parser import text_string_to_metric_families

from f1graph import __version__
from f1graph.settings import Settings
from f1graph.web import create_app
from tests.fake_openf1 import FakeOpenF1
from tests.servers import UNDER_LOAD, serve_in_thread

WINNER = "query Winner { session(sessionKey: 11253) { sessionName } }"
ORIGIN = "https://app.example.com"
PREFLIGHT = {
    "origin": ORIGIN,
    "access-control-request-method": "POST",
    "access-control-request-headers": "content-type",
}


def metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample of the Prometheus text (0 when absent)."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return 0.0


def json_lines(err: str) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in err.splitlines() if line.startswith("{")]


@pytest.fixture
def settings(fake_url: str) -> Settings:
    return Settings(
        openf1_url=f"{fake_url}/v1",
        rate_per_second=1000,
        rate_per_minute=100_000,
        retries=1,
        breaker_failures=2,
        log_format="json",
        **UNDER_LOAD,
    )


def serve(settings: Settings, **changes: Any) -> Any:
    return serve_in_thread(create_app(dataclasses.replace(settings, **changes)))


class TestFrontDoor:
    """``/`` links every page, each of which answers, and names the version and the source."""

    async def test_links_version_and_source(self, settings: Settings) -> None:
        with serve(settings) as url:
            async with httpx.AsyncClient(base_url=url, timeout=120) as client:
                page = await client.get("/")
                assert page.status_code == 200
                assert page.headers["content-type"].startswith("text/html")
                links = re.findall(r'<a href="([^"]+)"', page.text)
                assert links == [
                    "/graphql",
                    "/api/v1/docs",
                    "/replay",
                    "/healthz",
                    "/metrics",
                    "/graphiql/LICENSES",
                ]
                for link in links:
                    answer = await client.get(link, headers={"accept": "text/html"})
                    assert answer.status_code == 200, link
        assert f"f1graph <small>{__version__}</small>" in page.text
        assert f'<code id="source">{settings.openf1_url}</code>' in page.text
        assert '<code id="cache">memory</code>' in page.text


class TestMetricsAndLog:
    """One query leaves its trace in /metrics and in one log line carrying the request id."""

    async def test_query_with_a_retry(
        self, fake: FakeOpenF1, settings: Settings, capsys: pytest.CaptureFixture[str]
    ) -> None:
        with serve(settings, slow_query_s=0.000001) as url:
            async with httpx.AsyncClient(base_url=url, timeout=120) as client:
                before = (await client.get("/metrics")).text
                fake.fail_next(1)  # one 500 page, then the answer: one retry
                answer = await client.post(
                    "/graphql", json={"query": WINNER}, headers={"x-request-id": "req-42"}
                )
                rest = await client.get("/api/v1/sessions/11253/drivers")
                after = (await client.get("/metrics")).text
        assert answer.json()["data"] == {"session": {"sessionName": "Race"}}
        assert answer.headers["x-request-id"] == "req-42"
        assert re.fullmatch(r"[0-9a-f]{32}", rest.headers["x-request-id"])

        def grew(name: str, **labels: str) -> float:
            return metric(after, name, **labels) - metric(before, name, **labels)

        graphql = "f1graph_graphql_request_duration_seconds_count"
        assert grew(graphql, operation="Winner") == 1
        route = "/api/v1/sessions/{sessionKey}/drivers"
        rest_count = "f1graph_rest_request_duration_seconds_count"
        assert grew(rest_count, route=route, method="GET", status="200") == 1
        upstream = "f1graph_upstream_requests_total"
        assert grew(upstream, endpoint="sessions", outcome="server_error") == 1
        assert grew(upstream, endpoint="sessions", outcome="ok") == 1
        assert grew("f1graph_upstream_retries_total", endpoint="sessions") == 1
        assert grew("f1graph_rate_budget_wait_seconds_count") >= 2
        assert grew("f1graph_cache_lookups_total", layer="memory", result="miss") >= 1
        assert metric(after, "f1graph_circuit_breaker_state") == 0

        events = json_lines(capsys.readouterr().err)
        mine = [e for e in events if e.get("request_id") == "req-42"]
        request = [e for e in mine if e["event"] == "request"]
        assert len(request) == 1
        assert request[0]["operation"] == "Winner" and request[0]["status"] == 200
        assert request[0]["method"] == "POST" and request[0]["path"] == "/graphql"
        assert request[0]["duration_ms"] >= 0
        retry = next(e for e in mine if e["event"] == "upstream_retry")
        assert (
            retry["endpoint"] == "sessions"
            and retry["reason"] == "OpenF1 failed on /sessions (500)."
        )
        assert any(e["event"] == "slow_request" and e["operation"] == "Winner" for e in mine)
        start = next(e for e in events if e["event"] == "started")
        assert start["source"] == settings.openf1_url and start["cache"] == "memory"
        assert (
            start["graphql"].endswith(":4000/graphql") and start["graphiql_assets"] == "installed"
        )

    @pytest.mark.no_shadow  # a second execution would find the breaker open
    async def test_breaker_opening_is_logged_and_exposed(
        self, fake: FakeOpenF1, settings: Settings, capsys: pytest.CaptureFixture[str]
    ) -> None:
        fake.fail_next(None)
        with serve(settings) as url:
            async with httpx.AsyncClient(base_url=url, timeout=120) as client:
                for _ in range(2):
                    failed = await client.post("/graphql", json={"query": WINNER})
                    assert failed.json()["errors"][0]["extensions"]["code"]
                text = (await client.get("/metrics")).text
        assert metric(text, "f1graph_circuit_breaker_state") == 2
        events = json_lines(capsys.readouterr().err)
        opened = [e for e in events if e["event"] == "breaker_transition"]
        assert [(e["old"], e["new"]) for e in opened] == [("closed", "open")]
        assert sum(e["event"] == "upstream_failed" for e in events) == 2

    async def test_text_log_by_default(
        self, settings: Settings, capsys: pytest.CaptureFixture[str]
    ) -> None:
        with serve(settings, log_format="text") as url:
            async with httpx.AsyncClient(base_url=url, timeout=120) as client:
                await client.get("/api/v1/sessions/11253/drivers", headers={"x-request-id": "t-1"})
        err = capsys.readouterr().err
        line = next(x for x in err.splitlines() if "request_id=t-1" in x and " request " in x)
        assert "path=/api/v1/sessions/11253/drivers" in line and "status=200" in line
        assert not err.lstrip().startswith("{")


class TestCORS:
    """Off by default; with F1GRAPH_CORS_ORIGINS, the APIs answer preflights for those origins."""

    async def test_off_by_default(self, settings: Settings) -> None:
        with serve(settings) as url:
            async with httpx.AsyncClient(base_url=url, timeout=120) as client:
                preflight = await client.options("/graphql", headers=PREFLIGHT)
                post = await client.post(
                    "/graphql", json={"query": WINNER}, headers={"origin": ORIGIN}
                )
        assert "access-control-allow-origin" not in preflight.headers
        assert "access-control-allow-origin" not in post.headers

    async def test_allowed_origin(self, settings: Settings) -> None:
        with serve(settings, cors_origins=(ORIGIN,)) as url:
            async with httpx.AsyncClient(base_url=url, timeout=120) as client:
                answers = {
                    path: await client.options(path, headers=PREFLIGHT)
                    for path in ("/graphql", "/api/v1/sessions/11253/drivers")
                }
                post = await client.post(
                    "/graphql", json={"query": WINNER}, headers={"origin": ORIGIN}
                )
                other = await client.post(
                    "/graphql", json={"query": WINNER}, headers={"origin": "https://evil.test"}
                )
                metrics = await client.get("/metrics", headers={"origin": ORIGIN})
        for path, preflight in answers.items():
            assert preflight.status_code == 200, path
            assert preflight.headers["access-control-allow-origin"] == ORIGIN
            assert "POST" in preflight.headers["access-control-allow-methods"]
        assert post.headers["access-control-allow-origin"] == ORIGIN
        assert "x-request-id" in post.headers["access-control-expose-headers"].lower()
        assert post.json()["data"] == {"session": {"sessionName": "Race"}}
        assert "access-control-allow-origin" not in other.headers
        assert "access-control-allow-origin" not in metrics.headers

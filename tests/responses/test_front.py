"""Identical queries execute once; ended sessions' answers are served as stored bytes."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import datetime, timedelta

import httpx
import orjson

from f1graph.cache import keys
from f1graph.observe import metrics
from f1graph.web import create_app
from tests.data import raw_rows
from tests.responses.conftest import QUERY, RACE, Served, settings_for
from tests.servers import serve_in_thread

DATASETS = Counter({"sessions": 1, "drivers": 1, "laps": 1})  # what QUERY reads


class TestCoalescing:
    """Identical operations arriving together wait for one execution and share its answer."""

    async def test_fifty_identical_cold_queries_execute_once(
        self, served: Served, client: httpx.AsyncClient
    ) -> None:
        served.fake.delay_s = 0.2  # every upstream answer is slow, so all 50 arrive while cold
        answers = await asyncio.gather(*(served.post(client) for _ in range(50)))
        assert served.front.executions == 1
        assert {a.status_code for a in answers} == {200}
        assert len({a.content for a in answers}) == 1
        assert answers[0].json()["data"]["session"]["sessionName"] == "Race"
        assert Counter(a.headers["x-cache"] for a in answers)["MISS"] == 1
        assert served.fake.counts == DATASETS  # one upstream fetch per dataset

    async def test_graphql_get_is_coalesced(
        self, served: Served, client: httpx.AsyncClient
    ) -> None:
        served.fake.delay_s = 0.2
        params = {"query": QUERY, "variables": orjson.dumps({"sessionKey": RACE}).decode()}
        url = f"{served.url}/graphql"
        answers = await asyncio.gather(*(client.get(url, params=params) for _ in range(20)))
        assert served.front.executions == 1
        assert {a.status_code for a in answers} == {200}
        assert len({a.content for a in answers}) == 1
        states = Counter(a.headers["x-cache"] for a in answers)
        assert states == Counter({"MISS": 1, "COALESCED": 19})
        assert served.fake.counts == DATASETS

    async def test_waiters_share_one_compression(
        self, served: Served, client: httpx.AsyncClient
    ) -> None:
        served.fake.delay_s = 0.2
        laps = f"{{ session(sessionKey: {RACE}) {{ laps {{ lapNumber lapDuration }} }} }}"
        url = f"{served.url}/graphql"
        gz = {"accept-encoding": "gzip"}
        answers = await asyncio.gather(
            *(client.post(url, json={"query": laps}, headers=gz) for _ in range(10))
        )
        assert {a.headers["content-encoding"] for a in answers} == {"gzip"}
        assert len({a.content for a in answers}) == 1
        assert (served.front.executions, served.front.compressions) == (1, 1)

    async def test_different_variables_are_not_coalesced(
        self, served: Served, client: httpx.AsyncClient
    ) -> None:
        served.fake.delay_s = 0.1
        race, qualifying = await asyncio.gather(
            served.post(client, sessionKey=RACE), served.post(client, sessionKey=11249)
        )
        assert served.front.executions == 2
        assert race.json()["data"]["session"]["sessionName"] == "Race"
        assert qualifying.json()["data"]["session"]["sessionName"] == "Qualifying"

    async def test_different_api_keys_rights_are_not_coalesced(
        self, served: Served, client: httpx.AsyncClient
    ) -> None:
        keys = {"alpha": ("*",), "beta": ("/graphql", "/api/v1/sessions*")}
        keyed = create_app(settings_for(_fake_url(served), api_keys=keys))
        with serve_in_thread(keyed) as url:
            body = {"query": QUERY, "variables": {"sessionKey": RACE}}
            served.fake.delay_s = 0.1
            a, b, a2 = await asyncio.gather(
                client.post(f"{url}/graphql", json=body, headers={"x-api-key": "alpha"}),
                client.post(f"{url}/graphql", json=body, headers={"x-api-key": "beta"}),
                client.post(f"{url}/graphql", json=body, headers={"x-api-key": "alpha"}),
            )
            assert keyed.state.responses.executions == 2  # alpha twice shares, beta does not
            assert a.json()["data"] == b.json()["data"] == a2.json()["data"]
            assert a.headers.get("cache-control") is None  # POST: no HTTP caching

    async def test_a_failing_execution_gives_every_waiter_the_same_coded_error(
        self, served: Served, client: httpx.AsyncClient
    ) -> None:
        served.fake.delay_s = 0.1
        served.fake.fail_next(None, status=503)
        answers = await asyncio.gather(*(served.post(client) for _ in range(20)))
        assert served.front.executions == 1
        assert len({a.content for a in answers}) == 1
        codes = {e["extensions"]["code"] for e in answers[0].json()["errors"]}
        assert codes == {"OPENF1_API_UNAVAILABLE"}
        served.fake.reset()
        again = await served.post(client)
        assert again.headers["x-cache"] == "MISS"  # nothing was cached
        assert "errors" not in again.json()
        assert served.front.executions == 2

    async def test_mutations_are_never_coalesced(
        self, served: Served, client: httpx.AsyncClient
    ) -> None:
        evict = {"query": f"mutation {{ evictSession(sessionKey: {RACE}) {{ entriesDropped }} }}"}
        answers = await asyncio.gather(
            *(client.post(f"{served.url}/graphql", json=evict) for _ in range(3))
        )
        assert {a.headers["x-cache"] for a in answers} == {"BYPASS"}
        assert served.front.executions == 0

    async def test_subscriptions_over_http_are_never_coalesced(
        self, served: Served, client: httpx.AsyncClient
    ) -> None:
        subscribe = {"query": f"subscription {{ replay(sessionKey: {RACE}) {{ kind }} }}"}
        answers = await asyncio.gather(
            *(client.post(f"{served.url}/graphql", json=subscribe) for _ in range(3))
        )
        # refused as Strawberry refuses them over plain HTTP, each on its own: no front state
        assert {a.status_code for a in answers} == {400}
        assert {a.json()["errors"][0]["extensions"]["code"] for a in answers} == {"BAD_REQUEST"}
        assert {a.headers.get("x-cache") for a in answers} == {None}
        assert served.front.executions == 0


class TestResponseCache:
    """An ended session's answer is stored; a repeat is a hit with no execution."""

    async def test_hit_after_miss_executes_nothing(
        self, served: Served, client: httpx.AsyncClient
    ) -> None:
        miss = await served.post(client)
        hit = await served.post(client)
        assert (miss.headers["x-cache"], hit.headers["x-cache"]) == ("MISS", "HIT")
        assert miss.json()["extensions"]["cache"] == "miss"
        assert hit.json()["extensions"]["cache"] == "hit"
        assert hit.json()["data"] == miss.json()["data"]
        assert served.front.executions == 1
        assert (served.front.hits, served.front.misses) == (1, 1)
        exposition = metrics.exposition()[0].decode()
        assert 'f1graph_cache_lookups_total{layer="response",result="hit"}' in exposition
        scraped = (await client.get(f"{served.url}/metrics")).text
        assert 'f1graph_cache_lookups_total{layer="response",result="hit"}' in scraped
        assert 'f1graph_cache_lookups_total{layer="response",result="miss"}' in scraped

    async def test_whitespace_and_comments_do_not_make_another_entry(
        self, served: Served, client: httpx.AsyncClient
    ) -> None:
        await served.post(client)
        spaced = "# the same card\n" + QUERY.replace("{", " {  ,")
        again = await served.post(client, spaced)
        assert again.headers["x-cache"] == "HIT"

    async def test_evict_session_makes_the_entry_unreachable(
        self, served: Served, client: httpx.AsyncClient
    ) -> None:
        await served.post(client)
        assert (await served.post(client)).headers["x-cache"] == "HIT"
        evict = {"query": f"mutation {{ evictSession(sessionKey: {RACE}) {{ entriesDropped }} }}"}
        evicted = await client.post(f"{served.url}/graphql", json=evict)
        assert evicted.json()["data"]["evictSession"]["entriesDropped"] == 3
        after = await served.post(client)
        assert after.headers["x-cache"] == "MISS"
        assert served.front.executions == 2
        assert served.fake.counts["laps"] == 2  # fetched again after the eviction

    async def test_a_refreshed_dataset_makes_the_entry_unreachable(
        self, served: Served, client: httpx.AsyncClient
    ) -> None:
        await served.post(client)
        cache = served.app.state.services.cache
        entry = await cache.get(keys.dataset_key(RACE, "laps"))
        await cache.put(keys.dataset_key(RACE, "laps"), entry.payload, 3600)  # a refresh
        after = await served.post(client)
        assert after.headers["x-cache"] == "MISS"
        assert served.front.executions == 2
        assert (await served.post(client)).headers["x-cache"] == "HIT"

    async def test_a_session_ended_less_than_a_day_ago_is_not_cached(
        self, served: Served, client: httpx.AsyncClient
    ) -> None:
        row = next(r for r in raw_rows(None, "sessions") if r["session_key"] == RACE)
        end = datetime.fromisoformat(row["date_end"])
        recent = (end + timedelta(hours=3)).timestamp()
        served.front.clock = lambda: recent
        first = await served.post(client)
        second = await served.post(client)
        assert (first.headers["x-cache"], second.headers["x-cache"]) == ("MISS", "MISS")
        assert served.front.executions == 2
        assert end.timestamp() < time.time()  # it did end; only "recently" is faked

    async def test_cross_session_searches_are_not_cached(
        self, served: Served, client: httpx.AsyncClient
    ) -> None:
        search = '{ sessions(year: 2026, sessionName: "Race") { sessionKey } }'
        for _ in range(2):
            answer = await client.post(f"{served.url}/graphql", json={"query": search})
            assert answer.headers["x-cache"] == "MISS"
        assert served.front.executions == 2


def _fake_url(served: Served) -> str:
    return served.app.state.services.settings.openf1_url.removesuffix("/v1")


class TestSwitchedOff:
    """With F1GRAPH_RESPONSE_CACHE off nothing is stored, and identical queries still coalesce."""

    async def test_no_hits_but_coalescing(self, served: Served, client: httpx.AsyncClient) -> None:
        app = create_app(settings_for(_fake_url(served), response_cache=False))
        with serve_in_thread(app) as url:
            body = {"query": QUERY, "variables": {"sessionKey": RACE}}
            served.fake.delay_s = 0.1
            together = await asyncio.gather(
                *(client.post(f"{url}/graphql", json=body) for _ in range(5))
            )
            later = await client.post(f"{url}/graphql", json=body)
            assert app.state.responses.executions == 2
            assert later.headers["x-cache"] == "MISS"
            assert len({a.content for a in together}) == 1


class TestRestShim:
    """The REST shim's routes coalesce and cache the same way."""

    async def test_twenty_identical_cold_requests_execute_once(
        self, served: Served, client: httpx.AsyncClient
    ) -> None:
        served.fake.delay_s = 0.2
        url = f"{served.url}/api/v1/laps/{RACE}/fastest"
        answers = await asyncio.gather(*(client.get(url) for _ in range(20)))
        assert served.front.executions == 1
        assert {a.status_code for a in answers} == {200}
        assert len({a.content for a in answers}) == 1
        assert answers[0].json()["sessionKey"] == RACE
        assert Counter(a.headers["x-cache"] for a in answers)["MISS"] == 1
        assert served.fake.counts["laps"] == 1

    async def test_a_failing_route_gives_every_waiter_the_same_coded_error(
        self, served: Served, client: httpx.AsyncClient
    ) -> None:
        served.fake.delay_s = 0.1
        served.fake.fail_next(None, status=503)
        url = f"{served.url}/api/v1/laps/{RACE}/fastest"
        answers = await asyncio.gather(*(client.get(url) for _ in range(10)))
        assert served.front.executions == 1
        assert len({(a.status_code, a.content) for a in answers}) == 1
        assert answers[0].status_code == 503
        assert answers[0].json()["error"] == "OPENF1_API_UNAVAILABLE"
        assert "etag" not in answers[0].headers
        served.fake.reset()
        again = await client.get(url)
        assert (again.status_code, again.headers["x-cache"]) == (200, "MISS")  # nothing cached
        assert served.front.executions == 2

    async def test_a_rest_mutation_is_never_coalesced(
        self, served: Served, client: httpx.AsyncClient
    ) -> None:
        url = f"{served.url}/api/v1/sessions/{RACE}/cache"
        answers = await asyncio.gather(*(client.delete(url) for _ in range(3)))
        assert {a.headers["x-cache"] for a in answers} == {"BYPASS"}
        assert served.front.executions == 0

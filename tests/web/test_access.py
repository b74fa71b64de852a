"""Keys and the client rate on every surface, over real HTTP and websockets (uvicorn)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from websockets.asyncio.client import connect

from f1graph.settings import Settings
from f1graph.web import create_app
from tests.data import DATA_DIR
from tests.servers import serve_in_thread

KEYS = Settings(
    source=DATA_DIR,
    api_keys={"all": ("*",), "rest": ("/api/v1/*",)},
    admin_keys=frozenset({"boss"}),
)
QUERY = "{ session(sessionKey: 11253) { sessionName } }"
RACE = {"data": {"session": {"sessionName": "Race"}}}
EVICT = "mutation { evictSession(sessionKey: 11253) { sessionKey } }"
RESET = "mutation { resetCircuitBreaker { state } }"


def serve(settings: Settings) -> Iterator[str]:
    with serve_in_thread(create_app(settings), ws="websockets-sansio") as url:
        yield url


@pytest.fixture(scope="module")
def keyed() -> Iterator[str]:
    yield from serve(KEYS)


@pytest.fixture(scope="module")
def open_app() -> Iterator[str]:
    yield from serve(Settings(source=DATA_DIR))


def code(response: httpx.Response) -> str:
    return str(response.json()["errors"][0]["extensions"]["code"])


class TestGraphqlHttp:
    """POST and GET /graphql need a key allowed /graphql, sent either way."""

    async def test_post_and_get(self, keyed: str) -> None:
        async with httpx.AsyncClient(base_url=keyed) as client:
            none = await client.post("/graphql", json={"query": QUERY})
            assert none.status_code == 401 and code(none) == "UNAUTHORIZED"
            assert none.headers["www-authenticate"] == "Bearer"
            bad = await client.get("/graphql", params={"query": QUERY}, headers={"x-api-key": "x"})
            assert bad.status_code == 401 and bad.json()["errors"][0]["message"] == (
                "This API key is not valid."
            )
            rest_only = await client.post(
                "/graphql", json={"query": QUERY}, headers={"x-api-key": "rest"}
            )
            assert rest_only.status_code == 403 and code(rest_only) == "FORBIDDEN"
            ok = await client.post(
                "/graphql", json={"query": QUERY}, headers={"authorization": "Bearer all"}
            )
            assert ok.status_code == 200 and ok.json()["data"] == RACE["data"]
            got = await client.get(
                "/graphql", params={"query": QUERY}, headers={"x-api-key": "all"}
            )
            assert got.json()["data"] == RACE["data"]

    async def test_graphiql_page_opens_without_a_key(self, keyed: str) -> None:
        async with httpx.AsyncClient(base_url=keyed) as client:
            page = await client.get("/graphql", headers={"accept": "text/html"})
            assert page.status_code == 200 and "graphiql" in page.text.lower()


class TestRestSurface:
    """/api/v1 takes the same keys and headers; the admin routes need an admin key."""

    async def test_same_headers(self, keyed: str) -> None:
        async with httpx.AsyncClient(base_url=keyed) as client:
            assert (await client.get("/api/v1/health")).status_code == 401
            ok = await client.get("/api/v1/health", headers={"authorization": "Bearer rest"})
            assert ok.status_code == 200

    async def test_admin_routes(self, keyed: str) -> None:
        async with httpx.AsyncClient(base_url=keyed) as client:
            evict = "/api/v1/sessions/11253/cache"
            user = await client.delete(evict, headers={"x-api-key": "all"})
            assert user.status_code == 403 and user.json()["error"] == "FORBIDDEN"
            assert "F1GRAPH_ADMIN_KEYS" in user.json()["message"]
            admin = await client.delete(evict, headers={"x-api-key": "boss"})
            assert admin.status_code == 200 and admin.json()["sessionKey"] == 11253
            reset = "/api/v1/health/circuit-breaker/reset"
            assert (await client.post(reset, headers={"x-api-key": "rest"})).status_code == 403
            done = await client.post(reset, headers={"x-api-key": "boss"})
            assert done.status_code == 200 and done.json()["data"]["state"] == "closed"


class TestAdminMutations:
    """evictSession and resetCircuitBreaker need an admin key; preloading stays a user action."""

    async def test_user_key_refused_admin_key_allowed(self, keyed: str) -> None:
        async with httpx.AsyncClient(base_url=keyed) as client:
            for mutation in (EVICT, RESET):
                user = await client.post(
                    "/graphql", json={"query": mutation}, headers={"x-api-key": "all"}
                )
                assert code(user) == "FORBIDDEN" and user.json()["data"] is None
            evicted = await client.post(
                "/graphql", json={"query": EVICT}, headers={"x-api-key": "boss"}
            )
            assert evicted.json()["data"] == {"evictSession": {"sessionKey": 11253}}

    async def test_keys_off_keeps_the_open_behaviour(self, open_app: str) -> None:
        async with httpx.AsyncClient(base_url=open_app) as client:
            reset = await client.post("/graphql", json={"query": RESET})
            assert reset.json()["data"] == {"resetCircuitBreaker": {"state": "closed"}}


def ws(url: str) -> str:
    return url.replace("http://", "ws://") + "/graphql"


class TestWebsocket:
    """The websocket's key comes in the upgrade's headers or the connection_init payload."""

    async def test_transport_ws_payload_key(self, keyed: str) -> None:
        async with connect(ws(keyed), subprotocols=["graphql-transport-ws"]) as sock:  # type: ignore[list-item]
            await sock.send(json.dumps({"type": "connection_init", "payload": {"apiKey": "all"}}))
            assert json.loads(await sock.recv())["type"] == "connection_ack"

    async def test_transport_ws_header_key(self, keyed: str) -> None:
        headers = {"authorization": "Bearer all"}
        async with connect(
            ws(keyed),
            subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
            additional_headers=headers,
        ) as sock:
            await sock.send(json.dumps({"type": "connection_init"}))
            assert json.loads(await sock.recv())["type"] == "connection_ack"

    async def test_transport_ws_without_key_is_closed_4403(self, keyed: str) -> None:
        async with connect(ws(keyed), subprotocols=["graphql-transport-ws"]) as sock:  # type: ignore[list-item]
            await sock.send(json.dumps({"type": "connection_init", "payload": {}}))
            await sock.wait_closed()
            assert sock.close_code == 4403

    async def test_graphql_ws_refusal_carries_the_code(self, keyed: str) -> None:
        async with connect(ws(keyed), subprotocols=["graphql-ws"]) as sock:  # type: ignore[list-item]
            await sock.send(json.dumps({"type": "connection_init", "payload": {"apiKey": "rest"}}))
            message = json.loads(await sock.recv())
            assert message["type"] == "connection_error"
            assert message["payload"]["extensions"]["code"] == "FORBIDDEN"


class TestClientRate:
    """One client's requests over /graphql, /api/v1 and the websocket share one budget."""

    @pytest.fixture
    def limited(self) -> Iterator[str]:
        settings = Settings(source=DATA_DIR, api_keys={"all": ("*",)}, client_rate_per_minute=3)
        yield from serve(settings)

    async def test_every_surface_counts(self, limited: str) -> None:
        key = {"x-api-key": "all"}
        async with httpx.AsyncClient(base_url=limited, headers=key) as client:
            assert (await client.post("/graphql", json={"query": QUERY})).status_code == 200
            assert (await client.get("/api/v1/health")).status_code == 200
            async with connect(ws(limited), subprotocols=["graphql-transport-ws"]) as sock:  # type: ignore[list-item]
                await sock.send(json.dumps({"type": "connection_init", "payload": key}))
                assert json.loads(await sock.recv())["type"] == "connection_ack"
            over = await client.post("/graphql", json={"query": QUERY})
            assert over.status_code == 429 and code(over) == "RATE_LIMIT_EXCEEDED"
            assert 1 <= int(over.headers["retry-after"]) <= 60
            rest = await client.get("/api/v1/health")
            assert rest.status_code == 429 and rest.json()["error"] == "RATE_LIMIT_EXCEEDED"
        async with httpx.AsyncClient(base_url=limited) as anonymous:
            # a refused key is not counted against anyone, and says so before the rate
            assert (await anonymous.get("/api/v1/health")).status_code == 401

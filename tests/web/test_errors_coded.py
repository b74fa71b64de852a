"""Every client mistake is a coded answer, never a 500: over HTTP and over both websocket
protocols; every answer carries the security headers; redirects never echo the Host; proxies
are trusted only when configured."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosedError

from f1graph.settings import Settings
from f1graph.web import create_app, server_options
from f1graph.web.middleware import SECURITY_HEADERS, RequestGuard
from tests.data import DATA_DIR
from tests.servers import free_port, serve_in_thread

VARIABLE_QUERY = "query($k: Int!) { session(sessionKey: $k) { sessionName } }"
BAD = "BAD_REQUEST"
JSON_TYPE = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def app() -> Starlette:
    return create_app(Settings(source=DATA_DIR))


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://f1graph") as http:
            yield http


@pytest.fixture(scope="module")
def ws_url() -> Iterator[str]:
    with serve_in_thread(create_app(Settings(source=DATA_DIR)), ws="websockets-sansio") as url:
        yield url.replace("http://", "ws://") + "/graphql"


def codes(response: httpx.Response) -> list[str]:
    body: dict[str, Any] = response.json()
    return [e["extensions"]["code"] for e in body["errors"]]


class TestHttpMistakes:
    """Each malformed request over HTTP: its status, and BAD_REQUEST (or the right code)."""

    @pytest.mark.parametrize(
        ("name", "request_kwargs", "status"),
        [
            ("syntax error", {"json": {"query": "{ session("}}, 200),
            ("unknown field", {"json": {"query": "{ nope }"}}, 200),
            (
                "variable of the wrong type",
                {"json": {"query": VARIABLE_QUERY, "variables": {"k": "abc"}}},
                200,
            ),
            ("missing variable", {"json": {"query": VARIABLE_QUERY}}, 200),
            ("variables not an object", {"json": {"query": "{ __typename }", "variables": 3}}, 400),
            ("JSON string body", {"content": b'"{ __typename }"', "headers": JSON_TYPE}, 400),
            ("JSON number body", {"content": b"42", "headers": JSON_TYPE}, 400),
            ("truncated JSON", {"content": b'{"query": ', "headers": JSON_TYPE}, 400),
            ("no query", {"json": {}}, 400),
            ("query not a string", {"json": {"query": 5}}, 400),
            ("batch", {"json": [{"query": "{ __typename }"}]}, 400),
            ("plain-text body", {"content": b"{ __typename }"}, 400),
            (
                "subscription over HTTP",
                {"json": {"query": "subscription { replay(sessionKey: 11253) { kind } }"}},
                400,
            ),
        ],
    )
    async def test_coded(
        self,
        client: httpx.AsyncClient,
        name: str,
        request_kwargs: dict[str, Any],
        status: int,
    ) -> None:
        response = await client.post("/graphql", **request_kwargs)
        assert response.status_code == status, (name, response.text)
        assert codes(response) == [BAD], (name, response.text)
        assert "Internal server error" not in response.text

    async def test_malformed_variable_is_not_logged_as_a_bug(
        self, client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
    ) -> None:
        await client.post("/graphql", json={"query": VARIABLE_QUERY, "variables": {"k": "x"}})
        assert not [r for r in caplog.records if r.levelname == "ERROR"]

    async def test_get_with_a_syntax_error(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/graphql", params={"query": "{ session("})
        assert codes(response) == [BAD]

    async def test_method_not_allowed(self, client: httpx.AsyncClient) -> None:
        response = await client.put("/graphql", content=b"{}")
        assert response.status_code == 405 and codes(response) == ["METHOD_NOT_ALLOWED"]
        assert response.headers["allow"] == "GET, POST"

    async def test_unknown_path(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/nowhere")
        assert response.status_code == 404 and codes(response) == ["NOT_FOUND"]


class TestHeaders:
    """Security headers on every answer; redirects stay on this server."""

    @pytest.mark.parametrize(
        ("method", "path"),
        [("GET", "/healthz"), ("POST", "/graphql"), ("GET", "/nowhere"), ("GET", "/api/v1/x")],
    )
    async def test_security_headers(
        self, client: httpx.AsyncClient, method: str, path: str
    ) -> None:
        response = await client.request(method, path, json={"query": "{ __typename }"})
        for name, value in SECURITY_HEADERS.items():
            assert response.headers[name] == value, (path, name)

    async def test_security_headers_on_the_websocket_handshake(self, ws_url: str) -> None:
        async with connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
            assert ws.response is not None
            headers = ws.response.headers
            assert headers["Sec-WebSocket-Protocol"] == "graphql-transport-ws"
        for name, value in SECURITY_HEADERS.items():
            assert headers[name] == value, name

    async def test_trailing_slash_redirect_ignores_the_host_header(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/api/v1/sessions/?year=2026", headers={"host": "evil.example"})
        assert response.status_code in (307, 308)
        assert response.headers["location"] == "/api/v1/sessions?year=2026"


class TestWebsocketMistakes:
    """Subscription errors are coded on both protocols; malformed messages too."""

    @staticmethod
    async def first_reply(url: str, protocol: str, message: Any) -> Any:
        async with connect(url, subprotocols=[protocol]) as ws:  # type: ignore[list-item]
            await ws.send(json.dumps({"type": "connection_init"}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            await ws.send(message if isinstance(message, str) else json.dumps(message))
            while True:
                reply = json.loads(await asyncio.wait_for(ws.recv(), 60))
                if reply["type"] != "ka":
                    return reply

    @pytest.mark.parametrize(
        ("payload", "code"),
        [
            ({"query": "subscription { replay(sessionKey: "}, BAD),
            ({"query": VARIABLE_QUERY.replace("query", "subscription"), "variables": {}}, BAD),
            ({"query": 5}, BAD),
            ({"query": "subscription { replay(sessionKey: 1) { kind } }"}, "NOT_FOUND"),
        ],
    )
    @pytest.mark.parametrize("protocol", ["graphql-transport-ws", "graphql-ws"])
    async def test_operation_errors(
        self, ws_url: str, protocol: str, payload: dict[str, Any], code: str
    ) -> None:
        kind = "subscribe" if protocol == "graphql-transport-ws" else "start"
        reply = await self.first_reply(
            ws_url, protocol, {"id": "1", "type": kind, "payload": payload}
        )
        errors = reply["payload"]
        if isinstance(errors, dict):
            errors = errors.get("errors", [errors])
        assert [e["extensions"]["code"] for e in errors] == [code], reply

    async def test_transport_ws_protocol_error_close_names_the_code(self, ws_url: str) -> None:
        with pytest.raises(ConnectionClosedError) as info:
            await self.first_reply(ws_url, "graphql-transport-ws", {"type": "bogus"})
        assert info.value.rcvd is not None
        assert info.value.rcvd.code == 4400
        assert info.value.rcvd.reason == "BAD_REQUEST: Unknown message type: bogus"

    async def test_transport_ws_not_json(self, ws_url: str) -> None:
        with pytest.raises(ConnectionClosedError) as info:
            await self.first_reply(ws_url, "graphql-transport-ws", "{not json")
        assert info.value.rcvd is not None
        assert info.value.rcvd.reason == "BAD_REQUEST: WebSocket message must be valid JSON"

    async def test_graphql_ws_not_json_is_a_coded_error(self, ws_url: str) -> None:
        reply = await self.first_reply(ws_url, "graphql-ws", "{not json")
        assert reply["type"] == "error"
        assert reply["payload"]["extensions"]["code"] == BAD

    async def test_graphql_ws_unknown_message_is_a_coded_error(self, ws_url: str) -> None:
        reply = await self.first_reply(ws_url, "graphql-ws", {"id": "9", "type": "bogus"})
        assert reply["type"] == "error" and reply["id"] == "9"
        assert reply["payload"]["extensions"]["code"] == BAD


class TestTrustedProxies:
    """X-Forwarded-For moves the client address only when F1GRAPH_TRUSTED_PROXIES says so."""

    @staticmethod
    def serve(settings: Settings) -> tuple[uvicorn.Server, threading.Thread, str]:
        port = free_port()
        options = server_options(settings) | {"log_level": "warning", "ws": "none"}
        config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, **options)
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 60
        while not server.started:
            assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
            time.sleep(0.02)
        return server, thread, f"http://127.0.0.1:{port}"

    async def answers(self, settings: Settings) -> list[int]:
        server, thread, url = self.serve(settings)
        try:
            async with httpx.AsyncClient(timeout=120) as http:
                return [
                    (
                        await http.post(
                            f"{url}/graphql",
                            json={"query": "{ __typename }"},
                            headers={"x-forwarded-for": f"203.0.113.{n}"},
                        )
                    ).status_code
                    for n in range(3)
                ]
        finally:
            server.should_exit = True
            thread.join(timeout=30)

    async def test_forwarded_for_ignored_by_default(self) -> None:
        settings = Settings(source=DATA_DIR, client_rate_per_minute=2)
        assert await self.answers(settings) == [200, 200, 429]  # one client: loopback

    async def test_forwarded_for_believed_from_a_trusted_proxy(self) -> None:
        settings = Settings(
            source=DATA_DIR, client_rate_per_minute=2, trusted_proxies=("127.0.0.1",)
        )
        assert await self.answers(settings) == [200, 200, 200]  # three clients
        assert "127.0.0.1" in server_options(settings)["forwarded_allow_ips"]


class TestUnexpectedFailure:
    """A bug outside GraphQL's own handling is a coded 500 in the surface's shape, with the
    security headers and a logged traceback, never Starlette's plain-text page."""

    @staticmethod
    def broken_app() -> Starlette:
        async def broken(request: Any) -> Any:
            raise RuntimeError("a bug in a route")

        routes = [Route("/api/v1/broken", broken), Route("/broken", broken)]
        return Starlette(routes=routes, middleware=[Middleware(RequestGuard, request_timeout_s=5)])

    @pytest.mark.parametrize("path", ["/broken", "/api/v1/broken"])
    async def test_coded_in_the_surface_shape(
        self, path: str, caplog: pytest.LogCaptureFixture
    ) -> None:
        transport = httpx.ASGITransport(app=self.broken_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://f1graph") as http:
            response = await http.get(path)
        assert response.status_code == 500
        body = response.json()
        if path.startswith("/api/"):
            assert body["error"] == "INTERNAL_SERVER_ERROR" and body["path"] == path
            assert body["message"] == "Internal server error."
        else:
            assert body["data"] is None and codes(response) == ["INTERNAL_SERVER_ERROR"]
        assert "a bug in a route" not in response.text  # the cause stays in the log
        for name, value in SECURITY_HEADERS.items():
            assert response.headers[name] == value
        failures = [r for r in caplog.records if r.name == "f1graph.web" and r.exc_info]
        assert failures and "a bug in a route" in str(failures[0].exc_info[1])

    async def test_served_app_codes_a_failing_health_check(
        self, app: Starlette, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        async def ping() -> bool:
            raise RuntimeError("the cache backend broke")

        monkeypatch.setattr(app.state.services.cache.backend, "ping", ping)
        response = await client.get("/healthz")
        assert response.status_code == 500 and codes(response) == ["INTERNAL_SERVER_ERROR"]
        assert response.headers["x-content-type-options"] == "nosniff"

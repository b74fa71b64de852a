"""The replay over real websockets: uvicorn serves f1graph, a client speaks each protocol."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from websockets.asyncio.client import ClientConnection, connect

from f1graph.web import create_app
from tests.data import raw_rows
from tests.replay.helpers import recorded_settings
from tests.servers import serve_in_thread

PIT_REPLAY = """
subscription { replay(sessionKey: 11253, speed: 0, from: "2026-03-29T05:30:00Z",
                      include: [PIT_STOPS]) {
  kind sessionTime dropped pitStop { driverNumber lapNumber } end { sent dropped } } }
"""
ENDLESS = "subscription { replay(sessionKey: 11253, speed: 1) { kind sessionTime } }"


@pytest.fixture
def app() -> Starlette:
    return create_app(recorded_settings())


@pytest.fixture
def ws_url(app: Starlette) -> Iterator[str]:
    with serve_in_thread(app, ws="websockets-sansio") as url:
        yield url.replace("http://", "ws://") + "/graphql"


def expected_pits() -> list[dict[str, int]]:
    return [
        {"driverNumber": r["driver_number"], "lapNumber": r["lap_number"]}
        for r in sorted(raw_rows(11253, "pit"), key=lambda r: r["date"])
        if r["date"] > "2026-03-29T05:30"
    ]


async def receive(ws: ClientConnection) -> dict[str, Any]:
    frame = await ws.recv()
    assert isinstance(frame, str), "messages must be text frames, as browsers read them"
    message: dict[str, Any] = json.loads(frame)
    return message


class TestGraphqlTransportWs:
    """The current protocol (graphql-transport-ws), as Apollo and graphql-ws clients speak it."""

    async def test_replay_then_complete(self, ws_url: str) -> None:
        async with connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
            await ws.send(json.dumps({"type": "connection_init"}))
            assert (await receive(ws))["type"] == "connection_ack"
            await ws.send(
                json.dumps({"id": "1", "type": "subscribe", "payload": {"query": PIT_REPLAY}})
            )
            events = []
            while (message := await receive(ws))["type"] == "next":
                assert message["id"] == "1"
                events.append(message["payload"]["data"]["replay"])
            assert message == {"id": "1", "type": "complete"}
        assert events[0]["kind"] == "SNAPSHOT" and events[0]["sessionTime"] == 1800.0
        assert [e["pitStop"] for e in events[1:-1]] == expected_pits()
        assert events[-1]["end"] == {"sent": len(events) - 1, "dropped": 0}

    async def test_client_complete_releases_the_session(self, app: Starlette, ws_url: str) -> None:
        async with connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
            await ws.send(json.dumps({"type": "connection_init"}))
            await receive(ws)
            await ws.send(
                json.dumps({"id": "7", "type": "subscribe", "payload": {"query": ENDLESS}})
            )
            first = await receive(ws)
            assert first["payload"]["data"]["replay"]["kind"] == "SNAPSHOT"
            registry = app.state.services.replays
            assert registry.users(11253) == 1
            await ws.send(json.dumps({"id": "7", "type": "complete"}))
            deadline = time.monotonic() + 10
            while registry.users(11253) and time.monotonic() < deadline:
                await ws.ping()
            assert registry.users(11253) == 0


class TestGraphqlWs:
    """The older protocol (subscriptions-transport-ws's graphql-ws) for older clients."""

    async def test_replay(self, ws_url: str) -> None:
        async with connect(ws_url, subprotocols=["graphql-ws"]) as ws:  # type: ignore[list-item]
            await ws.send(json.dumps({"type": "connection_init"}))
            assert (await receive(ws))["type"] == "connection_ack"
            await ws.send(
                json.dumps({"id": "1", "type": "start", "payload": {"query": PIT_REPLAY}})
            )
            events = []
            while True:
                message = await receive(ws)
                if message["type"] == "ka":
                    continue
                if message["type"] != "data":
                    break
                events.append(message["payload"]["data"]["replay"])
            assert message == {"id": "1", "type": "complete"}
        assert [e["pitStop"] for e in events[1:-1]] == expected_pits()
        assert events[-1]["kind"] == "END"

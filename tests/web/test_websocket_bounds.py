"""The websocket's bounds over real websockets (uvicorn), for both protocols: each operation
passes the query limits and the client rate as an HTTP request does, a message is capped, and
a replay's set-up is bounded by the request deadline while its load goes on, once.

Keys on ``connection_init`` (payload or headers) are tested in ``test_access.py``. Timeouts
are generous bounds on a hang, never speeds: the machine may be busy.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from websockets.asyncio.client import ClientConnection, connect

from f1graph.settings import Settings
from f1graph.web import create_app
from tests.data import DATA_DIR
from tests.fake_openf1 import FakeOpenF1
from tests.replay.helpers import HeldLocations
from tests.servers import serve_in_thread

# Each subscription moves the rate limiter or the replay registry: not shadowed (conftest.py).
pytestmark = pytest.mark.no_shadow

PROTOCOLS = ["graphql-transport-ws", "graphql-ws"]
LIMITS = Settings(
    source=DATA_DIR,
    max_body_bytes=20_000,
    max_tokens=500,
    max_depth=4,
    max_aliases=3,
    max_list_items=5,
    max_cost=60,
)
PITS = 'replay(sessionKey: 11253, speed: 0, from: "2026-03-29T05:30:00Z", include: [PIT_STOPS])'


def replay(selection: str, field: str = PITS) -> str:
    """A subscription of ``field`` selecting ``selection``."""
    return f"subscription {{ {field} {{ {selection} }} }}"


SMALL = replay("kind")
# the query of each limit, and what its refusal says
OVER: dict[str, tuple[str, str]] = {
    "tokens": (
        replay(" ".join(["kind"] * 600)),
        "The query has more than 500 tokens; at most 500 are allowed (F1GRAPH_MAX_TOKENS).",
    ),
    "depth": (
        replay("snapshot { order { interval { seconds } } }"),
        "The query is 5 fields deep; at most 4 are allowed (F1GRAPH_MAX_DEPTH).",
    ),
    "aliases": (
        replay("a: kind b: kind c: kind d: kind"),
        "The query has 4 aliases; at most 3 are allowed (F1GRAPH_MAX_ALIASES).",
    ),
    "list": (
        replay("kind", "replay(sessionKey: 11253, include: [LAPS, LAPS, LAPS, LAPS, LAPS, LAPS])"),
        "replay(include:) has 6 items; at most 5 are allowed (F1GRAPH_MAX_LIST_ITEMS).",
    ),
    "cost": (
        replay("snapshot { order { position driverNumber } tyres { driverNumber compound } }"),
        # replay, snapshot, and 22 cars' order and tyres of two fields each: 1 + 1 + 2 x 45
        "The query's estimated cost is 92 fields; at most 60 are allowed (F1GRAPH_MAX_COST).",
    ),
}
BOUND_S = 60.0  # a generous bound over a deadline: the machine may be busy


def ws_url(base: str) -> str:
    return base.replace("http://", "ws://") + "/graphql"


async def opened(
    url: str, protocol: str, payload: dict[str, Any] | None = None
) -> ClientConnection:
    """A connection past ``connection_init`` (acknowledged)."""
    ws = await connect(url, subprotocols=[protocol], max_size=None)  # type: ignore[list-item]
    init: dict[str, Any] = {"type": "connection_init"}
    if payload is not None:
        init["payload"] = payload
    await ws.send(json.dumps(init))
    ack = json.loads(await ws.recv())
    assert ack["type"] == "connection_ack", ack
    return ws


async def subscribe(
    ws: ClientConnection, protocol: str, query: str, variables: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Subscribe and read the answer to its end, as ``[{type, payload}]`` with the types named
    as graphql-transport-ws names them (graphql-ws's ``data`` is ``next``)."""
    kind = "subscribe" if protocol == "graphql-transport-ws" else "start"
    payload: dict[str, Any] = {"query": query, "variables": variables or {}}
    await ws.send(json.dumps({"id": "1", "type": kind, "payload": payload}))
    out: list[dict[str, Any]] = []
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), 300))
        if message["type"] == "ka":
            continue
        assert message.get("id") == "1", message
        kind = {"data": "next"}.get(message["type"], message["type"])
        out.append({"type": kind, "payload": message.get("payload")})
        if kind in ("error", "complete"):
            return out


def error_of(answer: list[dict[str, Any]]) -> dict[str, Any]:
    """The one error of a refused or failed subscription, whichever message carries it."""
    first = answer[0]
    if first["type"] == "error":
        payload = first["payload"]
        error: dict[str, Any] = payload[0] if isinstance(payload, list) else payload
        return error
    assert first["type"] == "next" and first["payload"]["data"] is None, answer
    assert [m["type"] for m in answer[1:]] == ["complete"], answer
    failed: dict[str, Any] = first["payload"]["errors"][0]
    return failed


async def played(base: str, query: str) -> list[dict[str, Any]]:
    """The answer of the first subscription that does not fail, subscribing again after each
    failure (as the replay page does after ``retryAfter``); a bound of 300 s."""
    ws = await opened(ws_url(base), "graphql-transport-ws")
    async with ws:
        deadline = time.monotonic() + 300
        while (answer := await subscribe(ws, "graphql-transport-ws", query))[0]["payload"].get(
            "errors"
        ):
            assert time.monotonic() < deadline, answer
            await asyncio.sleep(1)
    return answer


@pytest.fixture(scope="module")
def limited() -> Iterator[tuple[Starlette, str]]:
    app = create_app(LIMITS)
    with serve_in_thread(app, ws="websockets-sansio") as base:
        yield app, base


class TestQueryLimits:
    """A subscription past a limit is refused with the protocol's error message, coded
    BAD_REQUEST and naming the limit, before anything loads."""

    @pytest.mark.parametrize("limit", list(OVER))
    @pytest.mark.parametrize("protocol", PROTOCOLS)
    async def test_each_limit(
        self, limited: tuple[Starlette, str], protocol: str, limit: str
    ) -> None:
        app, base = limited
        query, message = OVER[limit]
        ws = await opened(ws_url(base), protocol)
        async with ws:
            answer = await subscribe(ws, protocol, query)
        assert [m["type"] for m in answer] == ["error"], answer
        assert error_of(answer)["message"].startswith(message)
        assert error_of(answer)["extensions"]["code"] == "BAD_REQUEST"
        assert app.state.services.replays.loads == 0

    async def test_list_argument_in_a_variable(self, limited: tuple[Starlette, str]) -> None:
        query = (
            "subscription($s: [ReplayStream!]) { replay(sessionKey: 11253, include: $s) { kind } }"
        )
        ws = await opened(ws_url(limited[1]), "graphql-transport-ws")
        async with ws:
            answer = await subscribe(ws, "graphql-transport-ws", query, {"s": ["LAPS"] * 9})
        assert error_of(answer)["message"].startswith("replay(include:) has 9 items")

    async def test_fast_path_and_strawberry_path_refuse_alike(
        self, limited: tuple[Starlette, str]
    ) -> None:
        """A replay that is the whole operation skips Strawberry's pipeline; in a fragment it
        takes it. Both answer the same refusal, from the one check."""
        plain = OVER["aliases"][0]
        directed = plain.replace("subscription {", "subscription { ... on Subscription {") + " }"
        ws = await opened(ws_url(limited[1]), "graphql-transport-ws")
        async with ws:
            fast = await subscribe(ws, "graphql-transport-ws", plain)
            strawberry = await subscribe(ws, "graphql-transport-ws", directed)
        assert fast == strawberry and fast[0]["type"] == "error"

    @pytest.mark.parametrize("protocol", PROTOCOLS)
    async def test_within_the_limits_it_plays(
        self, limited: tuple[Starlette, str], protocol: str
    ) -> None:
        ws = await opened(ws_url(limited[1]), protocol)
        async with ws:
            answer = await subscribe(ws, protocol, SMALL)
        kinds = [m["payload"]["data"]["replay"]["kind"] for m in answer[:-1]]
        assert kinds[0] == "SNAPSHOT" and kinds[-1] == "END" and "PIT_STOP" in kinds
        assert answer[-1]["type"] == "complete"


class TestClientRate:
    """Each operation counts against the client's rate, as an HTTP request of the same client
    does; over it, RATE_LIMIT_EXCEEDED with retryAfter."""

    @pytest.mark.parametrize("protocol", PROTOCOLS)
    async def test_each_subscribe_counts(self, protocol: str) -> None:
        settings = Settings(source=DATA_DIR, api_keys={"k": ("*",)}, client_rate_per_minute=3)
        with serve_in_thread(create_app(settings), ws="websockets-sansio") as base:
            ws = await opened(ws_url(base), protocol, {"apiKey": "k"})  # 1
            async with ws:
                for _ in range(2):  # 2, 3
                    assert (await subscribe(ws, protocol, SMALL))[-1]["type"] == "complete"
                over = error_of(await subscribe(ws, protocol, SMALL))  # 4
            assert over["extensions"]["code"] == "RATE_LIMIT_EXCEEDED"
            assert 1 <= over["extensions"]["retryAfter"] <= 60
            assert "(F1GRAPH_CLIENT_RATE_PER_MINUTE)" in over["message"]
            async with httpx.AsyncClient(base_url=base, headers={"x-api-key": "k"}) as http:
                same_client = await http.post("/graphql", json={"query": "{ __typename }"})
            assert same_client.status_code == 429


class TestMessageCap:
    """A message over F1GRAPH_MAX_BODY_BYTES closes the socket with 1009; one under it is read."""

    @pytest.mark.parametrize("protocol", PROTOCOLS)
    async def test_1009(self, limited: tuple[Starlette, str], protocol: str) -> None:
        base = limited[1]
        ws = await opened(ws_url(base), protocol)
        async with ws:
            padded = SMALL + " " * 15_000  # under 20,000 bytes: answered
            assert (await subscribe(ws, protocol, padded))[-1]["type"] == "complete"
            kind = "subscribe" if protocol == "graphql-transport-ws" else "start"
            big = {"id": "2", "type": kind, "payload": {"query": SMALL + " " * 25_000}}
            await ws.send(json.dumps(big))
            await asyncio.wait_for(ws.wait_closed(), BOUND_S)
        assert ws.close_code == 1009
        assert ws.close_reason is not None and ws.close_reason.startswith("BAD_REQUEST")
        assert "F1GRAPH_MAX_BODY_BYTES" in ws.close_reason
        async with httpx.AsyncClient(base_url=base) as http:
            assert (await http.get("/healthz")).status_code == 200


class TestSetupDeadline:
    """A replay's cold load is bounded by the request deadline: past it the subscriber is told
    to come back (retryAfter) while the load goes on in the background, once."""

    async def test_hanging_openf1(self, fake: FakeOpenF1, fake_url: str) -> None:
        settings = Settings(
            openf1_url=f"{fake_url}/v1",
            rate_per_second=1000,
            rate_per_minute=100_000,
            read_timeout_s=300.0,  # the hang outlasts the deadline, not the try
            request_timeout_s=2.0,
        )
        app = create_app(settings)
        fake.misbehave("hang")
        try:
            with serve_in_thread(app, ws="websockets-sansio") as base:
                for protocol in PROTOCOLS:  # the fast path, then Strawberry's
                    ws = await opened(ws_url(base), protocol)
                    async with ws:
                        started = time.monotonic()
                        answer = await subscribe(ws, protocol, SMALL)
                        elapsed = time.monotonic() - started
                    error = error_of(answer)
                    assert error["extensions"]["code"] == "OPENF1_API_UNAVAILABLE", error
                    assert error["extensions"]["retryAfter"] >= 1
                    assert "deadline of 2 s" in error["message"]
                    assert 1.5 < elapsed < 2.0 + BOUND_S
                registry = app.state.services.replays
                assert registry.loads == 1 and sum(fake.counts.values()) == 1  # one load
                fake.reset()  # OpenF1 answers: the load in the background goes on
                answer = await played(base, SMALL)
                assert answer[0]["payload"]["data"]["replay"]["kind"] == "SNAPSHOT"
                assert registry.loads == 1
                # each request asked once (the one that hung is counted again as answered)
                assert len(fake.requests) == len(set(fake.requests)), fake.requests
        finally:
            fake.reset()

    async def test_locations_still_loading(self) -> None:
        source = HeldLocations()
        app = create_app(Settings(source=DATA_DIR, request_timeout_s=2.0), source=source)
        query = (
            'subscription { replay(sessionKey: 9531, speed: 0, from: "2024-06-09T18:30:00Z", '
            'to: "2024-06-09T18:30:05Z", include: [LOCATIONS]) '
            "{ kind snapshot { track { minX } } locations { driverNumbers } } }"
        )
        try:
            with serve_in_thread(app, ws="websockets-sansio") as base:
                for protocol in PROTOCOLS:
                    ws = await opened(ws_url(base), protocol)
                    async with ws:
                        error = error_of(await subscribe(ws, protocol, query))
                    assert error["extensions"]["code"] == "SESSION_LOADING", error
                    assert error["extensions"]["retryAfter"] >= 1
                    assert "car locations of session 9531" in error["message"]
                assert source.asked  # the load began, and waits
                source.release()
                answer = await played(base, query)
        finally:
            source.release()
        events = [m["payload"]["data"]["replay"] for m in answer[:-1]]
        assert events[0]["kind"] == "SNAPSHOT" and events[0]["snapshot"]["track"] is not None
        assert any(e["kind"] == "LOCATIONS" and e["locations"]["driverNumbers"] for e in events)
        assert len(source.asked) == len(set(source.asked))  # every window asked for once
        assert app.state.services.replays.loads == 1

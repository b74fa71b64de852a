"""Replay fan-out over real websockets: each event executed and encoded once, the same bytes
sent to every subscriber of the same subscription, each with its own ``dropped``."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from websockets.asyncio.client import connect

from f1graph.replay import fanout
from f1graph.web import create_app
from tests.replay.helpers import recorded_settings
from tests.servers import serve_in_thread

RACING = (
    'subscription { replay(sessionKey: 11253, speed: %s, from: "2026-03-29T05:30:00Z",'
    ' to: "2026-03-29T05:33:00Z") { kind sessionTime dropped position { driverNumber position }'
    " interval { driverNumber gapToLeader } end { sent dropped } } }"
)


@pytest.fixture
def app() -> Starlette:
    return create_app(recorded_settings())


@pytest.fixture
def ws_url(app: Starlette) -> Iterator[str]:
    with serve_in_thread(app, ws="websockets-sansio", send_buffer=8192) as url:
        yield url.replace("http://", "ws://") + "/graphql"


async def frames(
    url: str, query: str, sub_id: str, pause_s: float = 0.0, protocol: str = "graphql-transport-ws"
) -> list[str]:
    """Every result frame of one subscription (``next``, or graphql-ws ``data``), as sent
    (text), until ``complete``; with ``pause_s``, the client reads nothing for that long first,
    through a tiny socket buffer."""
    out: list[str] = []
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if pause_s:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
    host, port = url.removeprefix("ws://").split("/", 1)[0].split(":")
    sock.connect((host, int(port)))
    sock.setblocking(False)
    async with connect(
        url,
        sock=sock,
        subprotocols=[protocol],  # type: ignore[list-item]
        max_queue=1,
        ping_interval=None,
        max_size=None,  # type: ignore[list-item]
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init"}))
        await ws.recv()
        kind = "subscribe" if protocol == "graphql-transport-ws" else "start"
        await ws.send(json.dumps({"id": sub_id, "type": kind, "payload": {"query": query}}))
        await asyncio.sleep(pause_s)
        while True:
            frame = await ws.recv()
            assert isinstance(frame, str)
            if '"type":"complete"' in frame.replace(" ", ""):
                return out
            out.append(frame)


def counts() -> tuple[int, int]:
    """Shared answers looked up and found, and not found, over every loaded session."""
    memos = [memo for _, memo in fanout.held()]
    return sum(m.hits for m in memos), sum(m.misses for m in memos)


class TestSharedBytes:
    """Subscribers of one subscription get byte-identical events, executed once each."""

    async def test_five_subscribers_one_execution_per_event(self, ws_url: str) -> None:
        before = counts()
        got = await asyncio.gather(*(frames(ws_url, RACING % 0, f"s{i}") for i in range(5)))
        bodies = [[f.split('"payload":', 1)[1] for f in one] for one in got]
        assert all(b == bodies[0] for b in bodies)  # identical bytes after the id
        assert [json.loads(f)["id"] for f in got[3][:2]] == ["s3", "s3"]
        events = [json.loads(f)["payload"]["data"]["replay"] for f in got[0]]
        assert events[0]["kind"] == "SNAPSHOT" and events[-1]["kind"] == "END"
        assert {e["kind"] for e in events[1:-1]} >= {"POSITION", "INTERVAL"}
        assert all(e["dropped"] == 0 for e in events)
        hits, misses = (a - b for a, b in zip(counts(), before, strict=True))
        shared = len(events) - 1  # END carries the subscriber's own counts: not shared
        assert misses == shared  # executed once per event
        assert hits == 4 * shared

    async def test_graphql_ws_subscribers_share_too(self, ws_url: str) -> None:
        """graphql-ws subscribers get the very bytes graphql-transport-ws ones get, from the
        same executions, framed as ``data`` messages."""
        before = counts()
        modern, legacy = await asyncio.gather(
            frames(ws_url, RACING % 0, "new"),
            frames(ws_url, RACING % 0, "old", protocol="graphql-ws"),
        )
        assert [f.split('"payload":', 1)[1] for f in legacy] == [
            f.split('"payload":', 1)[1] for f in modern
        ]
        first = json.loads(legacy[0])
        assert first["type"] == "data" and first["id"] == "old"
        assert first["payload"]["data"]["replay"]["kind"] == "SNAPSHOT"
        hits, misses = (a - b for a, b in zip(counts(), before, strict=True))
        shared = len(modern) - 1  # END is each subscriber's own
        assert hits + misses == 2 * shared  # every event looked up once per subscriber
        assert misses <= shared  # and executed at most once for both
        assert hits >= shared

    async def test_each_subscriber_carries_its_own_dropped_count(self, ws_url: str) -> None:
        """A client that stops reading falls behind (its server-side buffer is small) and may
        lose events; whatever each loses, its events carry its own count, never the mark."""
        whole_race = (
            "subscription { replay(sessionKey: 11253, speed: 2000) {"
            " kind dropped end { sent dropped } } }"
        )
        got = await asyncio.gather(
            frames(ws_url, whole_race, "slow", pause_s=3.0),
            frames(ws_url, whole_race, "fast"),
        )
        mark = str(fanout.DROPPED_MARK)
        for frames_of_one in got:
            assert not any(mark in f for f in frames_of_one)  # the mark never leaves
            events = [json.loads(f)["payload"]["data"]["replay"] for f in frames_of_one]
            counts = [e["dropped"] for e in events]
            assert counts == sorted(counts) and min(counts) >= 0
            assert events[-1]["kind"] == "END"
            assert counts[-1] == events[-1]["end"]["dropped"]
            assert events[-1]["end"]["sent"] == len(events) - 1

    async def test_other_operations_take_strawberrys_path(self, ws_url: str) -> None:
        bad = RACING.replace("speed: %s", "speed: -1")
        async with connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
            await ws.send(json.dumps({"type": "connection_init"}))
            await ws.recv()
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": bad}}))
            message = json.loads(await ws.recv())
        text = json.dumps(message)
        assert "speed must be 0 or more" in text

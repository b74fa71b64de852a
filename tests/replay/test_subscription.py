"""``Subscription.replay`` in process: fields, errors, and one loaded copy for many subscribers."""

from __future__ import annotations

import asyncio
import gc
import tracemalloc
from collections.abc import AsyncIterator
from contextlib import aclosing
from typing import Any

from f1graph.runtime import Context, Services, build_services
from f1graph.schema import schema
from tests.data import raw_rows
from tests.replay.helpers import recorded_settings

REPLAY = """
subscription($key: Int!, $speed: Float!, $from: DateTime, $include: [ReplayStream!]) {
  replay(sessionKey: $key, speed: $speed, from: $from, include: $include) {
    kind sessionTime date dropped
    snapshot { at trackStatus lapNumber order { position driverNumber gapToLeader { text } } }
    position { driverNumber position }
    pitStop { driverNumber lapNumber laneDuration }
    lap { driverNumber lapNumber lapDuration compound tyreAgeLaps }
    end { sent dropped }
  }
}
"""


async def subscribe(services: Services, **variables: Any) -> AsyncIterator[dict[str, Any]]:
    result = await schema.subscribe(
        REPLAY, variable_values=variables, context_value=Context(services)
    )
    assert not isinstance(result, dict) and hasattr(result, "__aiter__"), result
    async for item in result:
        assert item.errors is None, item.errors
        assert item.data is not None
        yield item.data["replay"]


class TestReplayFields:
    """The graph's view of events: kinds, session time, typed payloads."""

    async def test_pit_stops_from_a_seek(self) -> None:
        services = build_services(recorded_settings())
        try:
            events = [
                e
                async for e in subscribe(
                    services,
                    key=11253,
                    speed=0,
                    **{"from": "2026-03-29T05:30:00Z"},
                    include=["PIT_STOPS"],
                )
            ]
        finally:
            await services.aclose()
        assert events[0]["kind"] == "SNAPSHOT"
        assert events[0]["sessionTime"] == 1800.0
        assert events[0]["snapshot"]["order"][0]["position"] == 1
        pits = [
            r
            for r in sorted(raw_rows(11253, "pit"), key=lambda r: r["date"])
            if r["date"] > "2026-03-29T05:30"
        ]
        assert [
            (e["pitStop"]["driverNumber"], e["pitStop"]["lapNumber"]) for e in events[1:-1]
        ] == [(r["driver_number"], r["lap_number"]) for r in pits]
        assert all(e["kind"] == "PIT_STOP" and e["position"] is None for e in events[1:-1])
        assert events[-1]["end"] == {"sent": len(events) - 1, "dropped": 0}

    async def test_lap_events_carry_the_tyres(self) -> None:
        services = build_services(recorded_settings())
        try:
            laps = [
                e["lap"]
                async for e in subscribe(services, key=11253, speed=0, include=["LAPS"])
                if e["kind"] == "LAP"
            ]
        finally:
            await services.aclose()
        first = next(lap for lap in laps if lap["driverNumber"] == 12 and lap["lapNumber"] == 1)
        stint = next(
            s
            for s in raw_rows(11253, "stints")
            if s["driver_number"] == 12 and s["stint_number"] == 1
        )
        assert first["compound"] == stint["compound"]
        assert first["tyreAgeLaps"] == stint["tyre_age_at_start"]
        raw = next(
            r for r in raw_rows(11253, "laps") if r["driver_number"] == 12 and r["lap_number"] == 1
        )
        assert first["lapDuration"] == raw["lap_duration"]


STANDING = """position driverNumber positionDate intervalDate
               interval { seconds lapsBehind text } gapToLeader { seconds lapsBehind text }"""


class TestSnapshotIsTheStandings:
    """The snapshot at `from` is exactly what `Session.standings(at: from)` answers."""

    async def test_same_answer_as_the_graph(self) -> None:
        services = build_services(recorded_settings())
        try:
            for at in ("2026-03-29T05:00:00+00:00", "2026-03-29T05:47:31.5+00:00"):
                query = f"""subscription {{ replay(sessionKey: 11253, speed: 0, from: "{at}",
                    include: []) {{ kind snapshot {{ order {{ {STANDING} }} }} }} }}"""
                result = await schema.subscribe(query, context_value=Context(services))
                first = await anext(aiter(result))  # type: ignore[arg-type]
                await result.aclose()  # type: ignore[union-attr]
                assert first.errors is None and first.data is not None
                graph = await schema.execute(
                    f'{{ session(sessionKey: 11253) {{ standings(at: "{at}") {{ {STANDING} }} }} }}',  # noqa: E501
                    context_value=Context(services),
                )
                assert graph.errors is None and graph.data is not None
                order = first.data["replay"]["snapshot"]["order"]
                assert order == graph.data["session"]["standings"]
                assert len(order) == 22 and order[0]["position"] == 1
        finally:
            await services.aclose()


class TestReplayErrors:
    """Bad arguments and unknown sessions answer with codes."""

    async def test_unknown_session_and_bad_speed(self) -> None:
        services = build_services(recorded_settings())
        try:
            for variables, code in (
                ({"key": 1, "speed": 0}, "NOT_FOUND"),
                ({"key": 11253, "speed": -1}, "BAD_REQUEST"),
            ):
                result = await schema.subscribe(
                    REPLAY, variable_values=variables, context_value=Context(services)
                )
                items = [r async for r in result] if hasattr(result, "__aiter__") else [result]
                errors = items[0].errors
                assert errors and errors[0].extensions["code"] == code, errors
        finally:
            await services.aclose()


class TestSharedTimeline:
    """A hundred subscribers to one session share one loaded copy, released when all leave."""

    async def test_hundred_subscribers_one_load(self) -> None:
        services = build_services(recorded_settings())
        registry = services.replays
        registry.linger_s = 0
        everyone_in = asyncio.Event()
        held: list[int] = []

        async def one() -> list[dict[str, Any]]:
            events = []
            async with aclosing(subscribe(services, key=11253, speed=0)) as replay:
                async for event in replay:
                    events.append(event)
                    if len(events) == 3:
                        break
                held.append(registry.users(11253))
                if len(held) == 100:
                    everyone_in.set()
                await everyone_in.wait()  # nobody leaves before all hold the session
            return events

        try:
            results = await asyncio.gather(*(one() for _ in range(100)))
        finally:
            await services.aclose()
        assert held == [100] * 100
        assert registry.loads == 1
        assert all(r == results[0] for r in results)
        assert len(results[0]) == 3 and results[0][0]["kind"] == "SNAPSHOT"
        assert registry.users(11253) == 0 and registry.loaded() == []


class TestLongSubscriptionMemory:
    """Memory does not grow with the events of a subscription (graphql-core 3.3 shared a
    per-event memo across events: about 2 KB more per event until the workaround)."""

    async def test_flat_over_a_whole_race(self) -> None:
        services = build_services(recorded_settings())
        marks: dict[int, int] = {}
        count = 0
        tracemalloc.start()
        try:
            async for event in subscribe(services, key=11253, speed=0):
                count += 1
                if count in (500, 6500):
                    gc.collect()
                    marks[count] = tracemalloc.get_traced_memory()[0]
                assert event["kind"]
        finally:
            tracemalloc.stop()
            await services.aclose()
        assert count == 6896
        assert marks[6500] - marks[500] < 1_000_000  # bytes, over 6,000 events

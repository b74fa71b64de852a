"""The cost model: figures from the weights table, computed here by hand from the same table."""

from __future__ import annotations

import math
from typing import Any

from graphql import OperationDefinitionNode, get_introspection_query, parse

from f1graph.limits import Cost, estimate
from f1graph.limits import weights as w
from f1graph.schema import schema

WINDOW_S = 300.0


def cost_of(query: str, variables: dict[str, Any] | None = None) -> Cost:
    document = parse(query)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    return estimate(schema._schema, document, operation, variables, window_s=WINDOW_S, batch=8)


class TestFields:
    """A list field multiplies what is under it by what it returns; narrowing divides."""

    def test_a_race_laps(self) -> None:
        cost = cost_of("{ session(sessionKey: 1) { laps { lapNumber lapDuration } } }")
        assert cost.fields == 1 + 1 + w.LAPS * 2  # session, laps, two fields a lap
        assert cost.depth == 3

    def test_one_car_laps(self) -> None:
        cost = cost_of("{ session(sessionKey: 1) { laps(driverNumber: 1) { lapNumber } } }")
        assert cost.fields == 1 + 1 + math.ceil(w.LAPS / w.CARS)

    def test_nesting_multiplies(self) -> None:
        nested = "{ session(sessionKey: 1) { drivers { laps { driver { laps { lapNumber } } } } } }"
        driver_laps = w.LIST_SIZES["Driver.laps"]
        per_lap = 1 + (1 + driver_laps * 1)  # driver { laps { lapNumber } }
        per_driver = 1 + driver_laps * per_lap  # laps { ... }
        assert cost_of(nested).fields == 1 + 1 + w.CARS * per_driver

    def test_fragments_and_aliases_count(self) -> None:
        query = """
        query { a: session(sessionKey: 1) { ...F } b: session(sessionKey: 2) { ...F } }
        fragment F on Session { sessionName }
        """
        cost = cost_of(query)
        assert cost.fields == 4 and cost.aliases == 2

    def test_introspection_is_counted(self) -> None:
        cost = cost_of(get_introspection_query())
        assert cost.introspection and cost.fields > 10_000


class TestTelemetryAndUpstream:
    """Telemetry weighs by samples; OpenF1 requests are sessions x datasets and windows."""

    def test_whole_session_analysis(self) -> None:
        cost = cost_of("{ session(sessionKey: 1) { drsAnalysis { driverNumber } } }")
        samples = w.SESSION_S * w.SAMPLES_PER_S * w.CARS
        assert cost.fields == 1 + math.ceil(1 + samples / w.SAMPLES_PER_COST + w.CARS)
        windows = math.ceil(w.SESSION_S / WINDOW_S) + 1
        assert cost.upstream == 1 + w.CARS * windows  # the session row, every car's windows

    def test_a_time_window_narrows(self) -> None:
        query = """{ session(sessionKey: 1) { carData(driverNumber: 1,
            from: "2026-03-29T05:10:00Z", to: "2026-03-29T05:20:00Z") { driverNumber } } }"""
        cost = cost_of(query)
        assert cost.upstream == 1 + (math.ceil(600 / WINDOW_S) + 1)

    def test_compare_counts_its_cars(self) -> None:
        query = "query($n: [Int!]!) { session(sessionKey: 1) { compareDrivers(driverNumbers: $n) { drivers { driverNumber } } } }"  # noqa: E501
        cost = cost_of(query, {"n": [1, 44, 44]})
        assert cost.longest_list == 3
        assert cost.longest_list_argument == "compareDrivers(driverNumbers:)"
        assert cost.upstream == 1 + 2 * (math.ceil(w.SESSION_S / WINDOW_S) + 1)

    def test_sessions_batch_their_datasets(self) -> None:
        cost = cost_of("{ sessions(year: 2026) { laps { lapNumber } stints { compound } } }")
        sessions = w.LIST_SIZES["Query.sessions"] / 4
        assert cost.upstream == math.ceil(sessions / 8) * 3  # laps, stints, the sessions

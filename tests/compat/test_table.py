"""The route table against the contract, the stored operations against the schema."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from f1graph.compat import ROUTES, handler
from f1graph.compat.handler import StoredOperationError
from f1graph.compat.operations import invalid_operations, operations
from f1graph.compat.params import DATETIME, DRIVER_LIST, WHOLE, Param
from f1graph.errors import BadRequestError, ConfigError
from f1graph.schema import schema
from f1graph.settings import Settings, parse_api_keys
from f1graph.web import create_app

CONTRACT = Path(__file__).resolve().parents[2].parent / "shared" / "docs"
CONTRACT_FILE = CONTRACT / "legacy-rest-contract.md"
ROW = re.compile(r"^\|\s*`(GET|POST|PUT|PATCH|DELETE) (/api/v1/[^`?\s]*)[^`]*`\s*\|", re.M)


def contract_routes() -> set[tuple[str, str]]:
    """``(method, path)`` of every row of the contract's route tables, query strings dropped."""
    return {(m, p) for m, p in ROW.findall(CONTRACT_FILE.read_text(encoding="utf-8"))}


class TestRouteTable:
    """Every route of the contract is a row of the table, and nothing else is."""

    def test_the_contract_lists_41_routes(self) -> None:
        assert len(contract_routes()) == 41

    def test_every_contract_route_is_in_the_table(self) -> None:
        table = {(r.method, r.path) for r in ROUTES}
        assert contract_routes() - table == set()
        assert table - contract_routes() == set()
        assert len(ROUTES) == 41

    def test_operation_ids_are_unique(self) -> None:
        assert len({r.operation for r in ROUTES}) == len(ROUTES)

    def test_every_route_names_a_stored_operation(self) -> None:
        assert {r.operation for r in ROUTES} <= set(operations())


class TestStoredOperations:
    """The stored operations are valid against the graph's schema."""

    def test_every_operation_validates(self) -> None:
        assert invalid_operations(schema._schema) == {}

    def test_operations_carry_only_the_fragments_they_use(self) -> None:
        doc = operations()["Health"].document
        assert "fragment BreakerFields" in doc
        assert "fragment LapFields" not in doc

    def test_an_operation_the_schema_rejects_stops_start_up(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        rejected = {"FastestLaps": ['Cannot query field "nope" on type "Session".']}
        monkeypatch.setattr(handler, "invalid_operations", lambda _schema: rejected)
        with pytest.raises(StoredOperationError, match="Operation FastestLaps is invalid"):
            create_app(Settings())


class TestParams:
    """Parameters are read strictly and a bad one is named in the message."""

    def test_whole_numbers(self) -> None:
        param = Param("sessionKey", "path", WHOLE, "sessionKey", "The session.", True)
        assert param.read("11253") == 11253
        for raw in ("abc", "-1", "1.5", "99999999999", "١٢"):
            with pytest.raises(BadRequestError, match="The sessionKey path parameter"):
                param.read(raw)

    def test_iso_times_default_to_utc(self) -> None:
        param = Param("time", "query", DATETIME, "at", "The instant.")
        assert param.read("2026-03-29T06:00:00Z") == "2026-03-29T06:00:00+00:00"
        assert param.read("2026-03-29T06:00:00") == "2026-03-29T06:00:00+00:00"
        with pytest.raises(BadRequestError, match="The time query parameter must be an ISO"):
            param.read("yesterday")

    def test_driver_lists_need_two_different_cars(self) -> None:
        param = Param("drivers", "query", DRIVER_LIST, "driverNumbers", "Cars.")
        assert param.read("1, 44") == [1, 44]
        for raw in ("1", "1,1", "1,x", ""):
            with pytest.raises(BadRequestError, match="drivers"):
                param.read(raw)


class TestShimSettings:
    """F1GRAPH_API_KEYS, F1GRAPH_ADMIN_KEYS and F1GRAPH_CLIENT_RATE_PER_MINUTE are read, or
    rejected by name."""

    def test_off_by_default(self) -> None:
        settings = Settings.from_env({})
        assert settings.api_keys == {}
        assert settings.client_rate_per_minute == 0
        assert settings.admin_keys == frozenset()

    def test_admin_keys(self) -> None:
        assert Settings.from_env({"F1GRAPH_ADMIN_KEYS": "a, b"}).admin_keys == {"a", "b"}

    def test_keys_and_globs(self) -> None:
        keys = parse_api_keys("key1:*, key2:/api/v1/sessions*|/api/v1/drivers*,key2:/x")
        assert keys == {"key1": ("*",), "key2": ("/api/v1/sessions*", "/api/v1/drivers*", "/x")}

    @pytest.mark.parametrize(
        ("name", "value"),
        [("F1GRAPH_API_KEYS", "key1"), ("F1GRAPH_API_KEYS", ":*"),
         ("F1GRAPH_CLIENT_RATE_PER_MINUTE", "-3"), ("F1GRAPH_CLIENT_RATE_PER_MINUTE", "ten"),
         ("F1GRAPH_ADMIN_KEYS", "k:*")],
    )  # fmt: skip
    def test_bad_values_name_the_variable(self, name: str, value: str) -> None:
        with pytest.raises(ConfigError, match=name):
            Settings.from_env({name: value})

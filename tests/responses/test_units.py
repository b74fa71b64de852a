"""The pieces of the front: operation keys, rights, encoding choice, the stored entry format."""

from __future__ import annotations

import pytest

from f1graph.responses.encoding import MIN_COMPRESS_BYTES, negotiate
from f1graph.responses.operation import operation_of, request_key
from f1graph.responses.store import Answer, pack, unpack
from f1graph.settings import Settings


class TestOperationKey:
    """Equal documents, names, variables and rights give one key; any difference another."""

    def test_layout_and_comments_do_not_count(self) -> None:
        a = operation_of("{ session(sessionKey: 1) { sessionName } }", None)
        b = operation_of("# card\n{\n  session(sessionKey: 1) {\n sessionName,\n }\n}", None)
        assert a is not None and b is not None
        assert request_key("graphql", a, {}, "public") == request_key("graphql", b, None, "public")

    def test_variables_rights_and_surface_count(self) -> None:
        op = operation_of("query Q($k: Int!) { session(sessionKey: $k) { sessionName } }", "Q")
        assert op is not None and op.kind == "query"
        base = request_key("graphql", op, {"k": 1}, "public")
        assert request_key("graphql", op, {"k": 2}, "public") != base
        assert request_key("graphql", op, {"k": 1}, "a|b") != base
        assert request_key("rest GET /x", op, {"k": 1}, "public") != base

    def test_variable_order_does_not_count(self) -> None:
        op = operation_of("query Q($a: Int, $b: Int) { health { status } }", "Q")
        assert op is not None
        one = request_key("graphql", op, {"a": 1, "b": 2}, "public")
        assert request_key("graphql", op, {"b": 2, "a": 1}, "public") == one

    @pytest.mark.parametrize(
        ("text", "name", "kind"),
        [
            ("mutation { evictSession(sessionKey: 1) { entriesDropped } }", None, "mutation"),
            ("subscription { replay(sessionKey: 1) { kind } }", None, "subscription"),
        ],
    )
    def test_kinds(self, text: str, name: str | None, kind: str) -> None:
        op = operation_of(text, name)
        assert op is not None and op.kind == kind

    def test_unparsable_or_ambiguous_documents_have_no_operation(self) -> None:
        assert operation_of("{ session(", None) is None
        assert (
            operation_of("query A { health { status } } query B { health { status } }", None)
            is None
        )


class TestNegotiate:
    """zstd before gzip, nothing below the floor or when the client takes neither."""

    @pytest.mark.parametrize(
        ("header", "expected"),
        [
            ("gzip, deflate, br, zstd", "zstd"),
            ("gzip", "gzip"),
            ("zstd;q=0, gzip", "gzip"),
            ("br", "identity"),
            ("", "identity"),
        ],
    )
    def test_choice(self, header: str, expected: str) -> None:
        assert negotiate(header, MIN_COMPRESS_BYTES) == expected

    def test_small_bodies_stay_plain(self) -> None:
        assert negotiate("zstd, gzip", MIN_COMPRESS_BYTES - 1) == "identity"


class TestEntryFormat:
    """A stored answer survives the trip through bytes (what Redis holds)."""

    def test_round_trip(self) -> None:
        answer = Answer(((11253, 2**52 + 7), (11249, 3)), 1.8e9, "abc123", b'{"data":{}}')
        assert unpack(pack(answer)) == answer


class TestSettings:
    """F1GRAPH_RESPONSE_CACHE is on by default; off and a byte bound are read."""

    def test_defaults_and_values(self) -> None:
        assert Settings.from_env({}).response_cache is True
        off = Settings.from_env(
            {"F1GRAPH_RESPONSE_CACHE": "off", "F1GRAPH_RESPONSE_CACHE_MAX_BYTES": "1024"}
        )
        assert (off.response_cache, off.response_cache_max_bytes) == (False, 1024)

    def test_a_bad_switch_names_the_variable(self) -> None:
        from f1graph.errors import ConfigError

        with pytest.raises(ConfigError, match="F1GRAPH_RESPONSE_CACHE"):
            Settings.from_env({"F1GRAPH_RESPONSE_CACHE": "maybe"})

"""Keys and rights, in-process: what a presented key proves, and the settings that define them."""

from __future__ import annotations

import pytest

from f1graph.access import KeyState, require_admin
from f1graph.access.identity import KeyTable, key_from_headers, key_from_params
from f1graph.errors import ForbiddenError, UnauthorizedError
from f1graph.settings import Settings

KEYS = Settings(
    api_keys={"all": ("*",), "sessions": ("/api/v1/sessions*",)},
    admin_keys=frozenset({"boss"}),
)


class TestKeyTable:
    """A presented key is an admin key, a user key with its globs, unknown, or absent."""

    def test_each_kind_of_key(self) -> None:
        table = KeyTable(KEYS)
        assert table.identify("boss", "1.2.3.4").key is KeyState.ADMIN
        assert table.identify("boss", "1.2.3.4").rights.admin
        sessions = table.identify("sessions", "1.2.3.4")
        assert sessions.key is KeyState.USER and sessions.rights.paths == ("/api/v1/sessions*",)
        assert not sessions.rights.admin
        assert table.identify("nope", "1.2.3.4").key is KeyState.UNKNOWN
        assert table.identify(None, "1.2.3.4").key is KeyState.NONE

    def test_a_keyed_client_is_its_key_and_never_holds_it(self) -> None:
        table = KeyTable(KEYS)
        a, b = table.identify("all", "1.1.1.1"), table.identify("all", "2.2.2.2")
        assert a.client == b.client and a.client.startswith("key:") and "all" not in a.client[4:]
        assert table.identify(None, "1.1.1.1").client == "ip:1.1.1.1"

    def test_keys_off_everyone_may_do_everything(self) -> None:
        table = KeyTable(Settings())
        for key in (None, "whatever"):
            identity = table.identify(key, "9.9.9.9")
            assert identity.rights.admin and identity.rights.paths == ("*",)
            assert identity.client == "ip:9.9.9.9"

    def test_equal_rights_are_equal_and_hashable(self) -> None:
        table = KeyTable(KEYS)
        rights = {table.identify("all", "a").rights, table.identify("all", "b").rights}
        assert len(rights) == 1
        assert table.identify("boss", "a").rights not in rights


class TestRequireAdmin:
    """With admin keys set, no key is 401 and a user key 403, both naming the variable."""

    def test_refusals(self) -> None:
        table = KeyTable(KEYS)
        with pytest.raises(UnauthorizedError, match=r"evictSession .*F1GRAPH_ADMIN_KEYS"):
            require_admin(table.identify(None, "h"), "evictSession")
        with pytest.raises(ForbiddenError, match="this key is not one"):
            require_admin(table.identify("all", "h"), "evictSession")
        require_admin(table.identify("boss", "h"), "evictSession")

    def test_admin_keys_unset_keep_the_open_behaviour(self) -> None:
        require_admin(KeyTable(Settings()).identify(None, "h"), "resetCircuitBreaker")


class TestPresentedKeys:
    """Headers any case; a websocket payload at its top level or under ``headers``."""

    def test_headers(self) -> None:
        assert key_from_headers({"X-Api-Key": " k1 "}) == "k1"
        assert key_from_headers({"Authorization": "Bearer k2"}) == "k2"
        assert key_from_headers({"Authorization": "Basic k2"}) is None

    def test_connection_params(self) -> None:
        assert key_from_params({"apiKey": "k"}) == "k"
        assert key_from_params({"X-API-Key": "k"}) == "k"
        assert key_from_params({"headers": {"Authorization": "Bearer k"}}) == "k"
        assert key_from_params({"authorization": "Bearer k"}) == "k"
        assert key_from_params({}) is None and key_from_params(None) is None

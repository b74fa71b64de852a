"""A request's identity, made once from its ASGI scope and remembered there."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import Headers
from starlette.requests import HTTPConnection

from f1graph.access.gate import Gate
from f1graph.access.identity import OPEN, Identity, key_from_headers

SCOPE_KEY = "f1graph.identity"


def gate_of(connection: HTTPConnection) -> Gate | None:
    """The process's gate (``app.state.services.gate``), or None in an app without services."""
    app: Any = connection.scope.get("app")
    services = getattr(getattr(app, "state", None), "services", None)
    gate = getattr(services, "gate", None)
    return gate if isinstance(gate, Gate) else None


def identity_of(connection: HTTPConnection) -> Identity:
    """Who sent this request (or opened this websocket), from its headers and address.

    The answer is remembered in the scope: the views, the shim and response coalescing all get
    the same object. Without a gate (keys and limits off by construction) it is :data:`OPEN`.
    """
    known = connection.scope.get(SCOPE_KEY)
    if isinstance(known, Identity):
        return known
    gate = gate_of(connection)
    if gate is None:
        return OPEN
    host = connection.client.host if connection.client else "-"
    identity = gate.identify(key_from_headers(Headers(scope=connection.scope)), host)
    remember_identity(connection, identity)
    return identity


def remember_identity(connection: HTTPConnection, identity: Identity) -> None:
    """Store ``identity`` as the request's (a websocket's ``connection_init`` may change it)."""
    connection.scope[SCOPE_KEY] = identity

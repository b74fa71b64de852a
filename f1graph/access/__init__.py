"""Who may call the gateway, on every surface (``/graphql`` over HTTP and websocket, ``/api/v1``).

The rules are :class:`~f1graph.settings.Settings` fields (``F1GRAPH_API_KEYS``,
``F1GRAPH_ADMIN_KEYS``, ``F1GRAPH_CLIENT_RATE_PER_MINUTE``; all off by default).

- :mod:`~f1graph.access.identity`: :class:`Identity` (client bucket, key state, hashable
  :class:`Rights`), the keys a request presents (headers or a websocket ``connection_init``
  payload), compared in constant time.
- :mod:`~f1graph.access.gate`: :class:`Gate`, one per process: key and path check, the client
  rate limit; :func:`require_admin` for what changes the gateway for everyone.

A request's identity is ``info.context.identity`` in resolvers and :func:`identity_of` of the
request in views (the ASGI scope holds it once the door let the request in).

Importing this package only defines names.
"""

from f1graph.access.gate import Gate, require_admin
from f1graph.access.identity import (
    OPEN,
    Identity,
    KeyState,
    Rights,
    key_from_headers,
    key_from_params,
)
from f1graph.access.scope import identity_of, remember_identity

__all__ = [
    "OPEN",
    "Gate",
    "Identity",
    "KeyState",
    "Rights",
    "identity_of",
    "key_from_headers",
    "key_from_params",
    "remember_identity",
    "require_admin",
]
